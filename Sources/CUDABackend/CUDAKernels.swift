/// The kernels, in CUDA C for NVRTC. Tensors are float32 in device memory; quantized ones hold
/// `quantized - zeroPoint` as the CPU backend's do, so both backends share one arithmetic. One thread per output
/// element; a warp spans consecutive channels, so filter reads are coalesced and input reads broadcast.
enum CUDAKernels {
    static let names = [
        "input_u8", "output_u8", "conv2d", "depthwise", "pool", "copy_rescale", "lut_map",
        "unary_float", "binary",
    ]

    static let source = #"""
        extern "C" {

        // TFLite's MultiplyByQuantizedMultiplier on an exact integer accumulator, then zero point and clamp;
        // the result as a stored value (quantized - zero point).
        __device__ float requantize(float accumulator, int bias, int significand, int shift, int zero_point, int low,
                                    int high) {
            int x = (int)llrintf(accumulator) + bias;
            int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;
            x = x * (1 << left);
            long long product = (long long)x * (long long)significand;
            long long nudge = product >= 0 ? (1LL << 30) : (1LL - (1LL << 30));
            int high_mul = (int)((product + nudge) / (1LL << 31));
            int mask = (1 << right) - 1;
            int remainder = high_mul & mask;
            int threshold = (mask >> 1) + (high_mul < 0 ? 1 : 0);
            int q = (high_mul >> right) + (remainder > threshold ? 1 : 0) + zero_point;
            q = min(max(q, low), high);
            return (float)(q - zero_point);
        }

        __device__ float output_stage(float accumulator, int oc, const int* bias_q, const float* bias_f, int quantized,
                                      int significand, int shift, int zero_point, int low, int high, float flow,
                                      float fhigh) {
            if (quantized) {
                return requantize(accumulator, bias_q ? bias_q[oc] : 0, significand, shift, zero_point, low, high);
            }
            float v = accumulator + (bias_f ? bias_f[oc] : 0.0f);
            return fminf(fmaxf(v, flow), fhigh);
        }

        __global__ void input_u8(const unsigned char* in, float* out, int n, float zero_point) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) out[i] = (float)in[i] - zero_point;
        }

        __global__ void output_u8(const float* in, unsigned char* out, int n, float zero_point) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) out[i] = (unsigned char)(int)(in[i] + zero_point);
        }

        // CONV_2D, NHWC; filter transposed to [KH][KW][C][OC].
        __global__ void conv2d(const float* in, const float* filter, float* out, const int* bias_q, const float* bias_f,
                               int N, int H, int W, int C, int OH, int OW, int OC, int KH, int KW, int sh, int sw,
                               int dh, int dw, int pt, int pl, int quantized, int significand, int shift,
                               int zero_point, int low, int high, float flow, float fhigh) {
            int idx = blockIdx.x * blockDim.x + threadIdx.x;
            if (idx >= N * OH * OW * OC) return;
            int oc = idx % OC, p = idx / OC, ox = p % OW, oy = (p / OW) % OH, n = p / (OW * OH);
            float acc = 0.0f;
            for (int ky = 0; ky < KH; ky++) {
                int iy = oy * sh - pt + ky * dh;
                if (iy < 0 || iy >= H) continue;
                for (int kx = 0; kx < KW; kx++) {
                    int ix = ox * sw - pl + kx * dw;
                    if (ix < 0 || ix >= W) continue;
                    const float* source = in + ((n * H + iy) * W + ix) * C;
                    const float* weights = filter + (ky * KW + kx) * C * OC + oc;
                    for (int c = 0; c < C; c++) acc += source[c] * weights[c * OC];
                }
            }
            out[idx] = output_stage(acc, oc, bias_q, bias_f, quantized, significand, shift, zero_point, low, high,
                                    flow, fhigh);
        }

        // DEPTHWISE_CONV_2D; filter [KH][KW][OC].
        __global__ void depthwise(const float* in, const float* filter, float* out, const int* bias_q,
                                  const float* bias_f, int N, int H, int W, int C, int OH, int OW, int OC, int KH, int KW,
                                  int sh, int sw, int dh, int dw, int pt, int pl, int multiplier, int quantized,
                                  int significand, int shift, int zero_point, int low, int high, float flow,
                                  float fhigh) {
            int idx = blockIdx.x * blockDim.x + threadIdx.x;
            if (idx >= N * OH * OW * OC) return;
            int oc = idx % OC, p = idx / OC, ox = p % OW, oy = (p / OW) % OH, n = p / (OW * OH);
            int ic = oc / multiplier;
            float acc = 0.0f;
            for (int ky = 0; ky < KH; ky++) {
                int iy = oy * sh - pt + ky * dh;
                if (iy < 0 || iy >= H) continue;
                for (int kx = 0; kx < KW; kx++) {
                    int ix = ox * sw - pl + kx * dw;
                    if (ix < 0 || ix >= W) continue;
                    acc += in[((n * H + iy) * W + ix) * C + ic] * filter[(ky * KW + kx) * OC + oc];
                }
            }
            out[idx] = output_stage(acc, oc, bias_q, bias_f, quantized, significand, shift, zero_point, low, high,
                                    flow, fhigh);
        }

        // AVERAGE_POOL_2D (average = 1) and MAX_POOL_2D over stored values; quantized averages round as TFLite's.
        __global__ void pool(const float* in, float* out, int N, int H, int W, int C, int OH, int OW, int KH, int KW,
                             int sh, int sw, int pt, int pl, int average, int quantized, float zero_point, float low,
                             float high) {
            int idx = blockIdx.x * blockDim.x + threadIdx.x;
            if (idx >= N * OH * OW * C) return;
            int c = idx % C, p = idx / C, ox = p % OW, oy = (p / OW) % OH, n = p / (OW * OH);
            float sum = 0.0f, largest = -3.0e38f, count = 0.0f;
            for (int ky = 0; ky < KH; ky++) {
                int iy = oy * sh - pt + ky;
                if (iy < 0 || iy >= H) continue;
                for (int kx = 0; kx < KW; kx++) {
                    int ix = ox * sw - pl + kx;
                    if (ix < 0 || ix >= W) continue;
                    float v = in[((n * H + iy) * W + ix) * C + c];
                    sum += v;
                    largest = fmaxf(largest, v);
                    count += 1.0f;
                }
            }
            float v = largest;
            if (average) {
                v = quantized ? floorf((sum + zero_point * count + floorf(count / 2.0f)) / count) - zero_point : sum / count;
            }
            out[idx] = fminf(fmaxf(v, low), high);
        }

        // One input of a CONCATENATION: rows of `row` elements into rows of `out_row` at `offset`, rescaled when
        // its quantization differs from the output's.
        __global__ void copy_rescale(const float* in, float* out, int outer, int row, int out_row, int offset,
                                     float ratio, int rescale, int round_values, float low, float high) {
            int idx = blockIdx.x * blockDim.x + threadIdx.x;
            if (idx >= outer * row) return;
            int o = idx / row, i = idx % row;
            float v = in[idx];
            if (rescale) {
                v = fminf(fmaxf(v * ratio, low), high);
                if (round_values) v = roundf(v);
            }
            out[o * out_row + offset + i] = v;
        }

        // A function of a quantized input, tabulated on the host (256 entries, by stored value + zero point).
        __global__ void lut_map(const float* in, float* out, const float* table, int n, int zero_point) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n) out[i] = table[(int)in[i] + zero_point];
        }

        // A function of a float input: 0 identity, 1 logistic, 2 relu, 3 relu6; output quantized (rounded and
        // clamped to [low, high] in stored values) or float.
        __global__ void unary_float(const float* in, float* out, int n, int op, float output_scale, int quantize,
                                    float low, float high) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i >= n) return;
            float v = in[i];
            if (op == 1) v = 1.0f / (1.0f + expf(-v));
            else if (op == 2) v = fmaxf(v, 0.0f);
            else if (op == 3) v = fminf(fmaxf(v, 0.0f), 6.0f);
            if (quantize) v = roundf(fminf(fmaxf(v / output_scale, low), high));
            out[i] = v;
        }

        // ADD (multiply = 0) and MUL of real values (stored * scale); either side may be a single element.
        __global__ void binary(const float* a, const float* b, float* out, int n, int na, int nb, float scale_a,
                               float scale_b, int multiply, float output_scale, int quantize, float low, float high) {
            int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i >= n) return;
            float x = scale_a * a[na == 1 ? 0 : i], y = scale_b * b[nb == 1 ? 0 : i];
            float v = multiply ? x * y : x + y;
            v = quantize ? roundf(fminf(fmaxf(v / output_scale, low), high)) : fminf(fmaxf(v, low), high);
            out[i] = v;
        }

        }
        """#
}
