// The kernels, written once over a vector type and included by one file per instruction set, which defines:
//   TARGET          the function attribute enabling the instruction set
//   SUFFIX(name)    the variant's function name
//   VEC, LANES      the vector type and its floats
//   MR              output pixels per register tile (two vectors of channels each)
//   LOAD, LOAD_PARTIAL(p, n), SET1, FMA(a, b, c), MIN, MAX, STORE, STORE_PARTIAL(p, v, n)
// Private to the library: not under include/.

// Loops over a tile's rows fully unrolled, so that its accumulators are registers, never an array in memory.
#define UNROLL _Pragma("clang loop unroll(full)")

// One tile: MR output pixels (rows past `rows` repeat the last one and are not stored) by `vectors` vectors of
// channels, whose panels lie `panelStride` floats apart. With an indirection buffer the rows' inputs are its
// pointers, tap by tap; without one (a GEMM) they are `base` + row * `stride`, one tap of `depth` floats.
static inline __attribute__((always_inline)) TARGET void SUFFIX(tile)(
    const int vectors, const int indirect, int rows, int columns, int taps, int depth,
    const float *const *indirection, const float *base, size_t stride, const float *panel, size_t panelStride,
    VEC low, VEC high, float *output, size_t outputStride) {
    VEC acc[MR][2];
    UNROLL for (int i = 0; i < MR; i++) {
        acc[i][0] = LOAD(panel);
        if (vectors > 1) acc[i][1] = LOAD(panel + panelStride);
    }
    const float *w = panel + LANES;
    for (int t = 0; t < taps; t++) {
        const float *a[MR];
        UNROLL for (int i = 0; i < MR; i++) {
            int r = i < rows ? i : rows - 1;
            a[i] = indirect ? indirection[(size_t)r * taps + t] : base + (size_t)r * stride;
        }
        for (int k = 0; k < depth; k++) {
            VEC w0 = LOAD(w), w1 = w0;
            if (vectors > 1) w1 = LOAD(w + panelStride);
            w += LANES;
            UNROLL for (int i = 0; i < MR; i++) {
                VEC b = SET1(a[i][k]);
                acc[i][0] = FMA(b, w0, acc[i][0]);
                if (vectors > 1) acc[i][1] = FMA(b, w1, acc[i][1]);
            }
        }
    }
    // Every row's store guarded rather than a loop that stops early: the accumulators must stay registers.
    UNROLL for (int i = 0; i < MR; i++) {
        if (i < rows) {
            float *row = output + (size_t)i * outputStride;
            VEC v0 = MIN(MAX(acc[i][0], low), high);
            if (columns >= LANES) {
                STORE(row, v0);
            } else {
                STORE_PARTIAL(row, v0, columns);
            }
            if (vectors > 1) {
                VEC v1 = MIN(MAX(acc[i][1], low), high);
                if (columns >= 2 * LANES) {
                    STORE(row + LANES, v1);
                } else {
                    STORE_PARTIAL(row + LANES, v1, columns - LANES);
                }
            }
        }
    }
}

// Row tiles outer, so that a tile's inputs stay in L1 while every column panel passes over them.
static inline __attribute__((always_inline)) TARGET void SUFFIX(multiply)(
    const int indirect, int rows, int channels, int taps, int depth, const float *const *indirection,
    const float *base, size_t stride, const float *packed, float low, float high, float *output,
    size_t outputStride) {
    size_t panelStride = ((size_t)taps * depth + 1) * LANES;
    VEC lowVector = SET1(low), highVector = SET1(high);
    for (int m = 0; m < rows; m += MR) {
        int tileRows = rows - m < MR ? rows - m : MR;
        const float *const *tileIndirection = indirect ? indirection + (size_t)m * taps : indirection;
        const float *tileBase = indirect ? base : base + (size_t)m * stride;
        float *tileOutput = output + (size_t)m * outputStride;
        int n = 0;
        for (; n + LANES < channels; n += 2 * LANES) {
            SUFFIX(tile)(2, indirect, tileRows, channels - n, taps, depth, tileIndirection, tileBase, stride,
                         packed + (size_t)(n / LANES) * panelStride, panelStride, lowVector, highVector,
                         tileOutput + n, outputStride);
        }
        if (n < channels) {
            SUFFIX(tile)(1, indirect, tileRows, channels - n, taps, depth, tileIndirection, tileBase, stride,
                         packed + (size_t)(n / LANES) * panelStride, panelStride, lowVector, highVector,
                         tileOutput + n, outputStride);
        }
    }
}

TARGET void SUFFIX(fk_convolution)(int rows, int channels, int taps, int inputChannels,
                                   const float *const *indirection, const float *packed, float low, float high,
                                   float *output, int outputStride) {
    SUFFIX(multiply)(1, rows, channels, taps, inputChannels, indirection, NULL, 0, packed, low, high, output,
                     (size_t)outputStride);
}

TARGET void SUFFIX(fk_gemm)(int rows, int channels, int depth, const float *input, int inputStride,
                            const float *packed, float low, float high, float *output, int outputStride) {
    SUFFIX(multiply)(0, rows, channels, 1, depth, NULL, input, (size_t)inputStride, packed, low, high, output,
                     (size_t)outputStride);
}

// One panel of channels over all pixels; `full` when it has LANES channels (no partial loads or stores). With
// `fixedTaps` the taps' weights stay in registers.
static inline __attribute__((always_inline)) TARGET void SUFFIX(depthwise_panel)(
    const int full, const int fixedTaps, int pixels, int channels, int taps, int first, int count,
    const float *const *indirection, const float *panel, VEC low, VEC high, float *output) {
    VEC bias = LOAD(panel);
    VEC weights[9];
    if (fixedTaps) {
        UNROLL for (int t = 0; t < fixedTaps; t++) weights[t] = LOAD(panel + (size_t)(t + 1) * LANES);
        taps = fixedTaps;
    }
    for (int p = 0; p < pixels; p++) {
        const float *const *pointers = indirection + (size_t)p * taps;
        VEC acc = bias;
        for (int t = 0; t < taps; t++) {
            VEC x = full ? LOAD(pointers[t] + first) : LOAD_PARTIAL(pointers[t] + first, count);
            VEC w = fixedTaps ? weights[t] : LOAD(panel + (size_t)(t + 1) * LANES);
            acc = FMA(x, w, acc);
        }
        acc = MIN(MAX(acc, low), high);
        float *destination = output + (size_t)p * channels + first;
        if (full) {
            STORE(destination, acc);
        } else {
            STORE_PARTIAL(destination, acc, count);
        }
    }
}

TARGET void SUFFIX(fk_depthwise)(int pixels, int channels, int taps, const float *const *indirection,
                                 const float *packed, float low, float high, float *output) {
    VEC lowVector = SET1(low), highVector = SET1(high);
    for (int first = 0; first < channels; first += LANES) {
        const float *panel = packed + (size_t)(first / LANES) * (taps + 1) * LANES;
        int count = channels - first < LANES ? channels - first : LANES;
        if (count == LANES && taps == 9) {
            SUFFIX(depthwise_panel)(1, 9, pixels, channels, taps, first, count, indirection, panel, lowVector,
                                    highVector, output);
        } else if (count == LANES) {
            SUFFIX(depthwise_panel)(1, 0, pixels, channels, taps, first, count, indirection, panel, lowVector,
                                    highVector, output);
        } else {
            SUFFIX(depthwise_panel)(0, 0, pixels, channels, taps, first, count, indirection, panel, lowVector,
                                    highVector, output);
        }
    }
}
