// The AVX2 kernels: the GEMM for CPUs without VNNI or AVX-512, and the activation packing, requantization and
// depthwise convolution of both 256-bit kernels (AVX2's and AVX-VNNI's).
//
// Why vpmaddwd and not vpmaddubsw: vpmaddubsw multiplies uint8 by int8 and adds pairs into int16 with saturation.
// Activations are 0...255 and weights - 128 are -128...127, so a pair reaches 2 * 255 * -128 = -65280, far outside
// int16, and the saturated sums would no longer be TFLite's. Here both operands are widened to int16 (activations
// 0...255, weights -128...127) and vpmaddwd adds each pair of 32-bit products into an int32 lane: |a0 w0 + a1 w1| <=
// 2 * 255 * 128 = 65280, exact (vpmaddwd saturates only for four operands of -32768, impossible here). The lanes
// then add in int32 as the VNNI kernels' do, so all kernels return the same integers. The price is half vpdpbusd's
// products per instruction and twice the bytes per weight.
#include "Kernels.h"

#if defined(__x86_64__)
#include "Tile256.h"

#define AVX2 __attribute__((target("avx2")))

/// Sixteen int32 values known to lie in 0...255, in order, as uint16 in the low 128 bits of each of two halves:
/// packus_epi32 interleaves its inputs by 128-bit lane, and the permutation puts them back in order.
AVX2 static inline __m256i ordered_words(__m256i low, __m256i high) {
    return _mm256_permute4x64_epi64(_mm256_packus_epi32(low, high), 0xD8);
}

/// The sum of the eight lanes.
AVX2 static inline int32_t lane_sum(__m256i sum) {
    __m128i halves = _mm_add_epi32(_mm256_castsi256_si128(sum), _mm256_extracti128_si256(sum, 1));
    halves = _mm_add_epi32(halves, _mm_shuffle_epi32(halves, 0x4E));
    halves = _mm_add_epi32(halves, _mm_shuffle_epi32(halves, 0xB1));
    return _mm_cvtsi128_si32(halves);
}

/// Converts `count` stored values to unsigned values (stored + zero point), 16-bit with `wide`, else bytes, and adds
/// them to the lanes of `sum` (reduced once per row: a reduction per segment cost more than the conversion of a
/// 3-channel image's taps). The last 1...15 values take one masked step: a 3-channel image's window rows are 9
/// values, and converting them one at a time had been most of this packing's time.
AVX2 static inline void convert_segment(const float *source, int count, float zeroPoint, void *packed, int wide,
                                        __m256i *sum) {
    uint16_t *words = packed;
    uint8_t *bytes = packed;
    __m256 offset = _mm256_set1_ps(zeroPoint);
    for (int k = 0; k < count; k += 16) {
        int rest = count - k;
        __m256i low, high;
        if (rest >= 16) {
            low = _mm256_cvtps_epi32(_mm256_add_ps(_mm256_loadu_ps(source + k), offset));
            high = _mm256_cvtps_epi32(_mm256_add_ps(_mm256_loadu_ps(source + k + 8), offset));
        } else {
            // Lanes past the end load 0.0; zeroed after the conversion, they add nothing to the sum.
            __m256i m0 = lane_mask(rest), m1 = lane_mask(rest - 8);
            low = _mm256_cvtps_epi32(_mm256_add_ps(_mm256_maskload_ps(source + k, m0), offset));
            high = _mm256_cvtps_epi32(_mm256_add_ps(_mm256_maskload_ps(source + k + 8, m1), offset));
            low = _mm256_and_si256(low, m0);
            high = _mm256_and_si256(high, m1);
        }
        *sum = _mm256_add_epi32(*sum, _mm256_add_epi32(low, high));
        __m256i values = ordered_words(low, high);
        // packus_epi16 narrows within each 128-bit half; quadwords 0 and 2 hold the 16 bytes in order.
        __m128i narrowed = wide ? _mm_setzero_si128()
                                : _mm256_castsi256_si128(
                                      _mm256_permute4x64_epi64(_mm256_packus_epi16(values, values), 0x08));
        uint8_t line[32];
        // No 8- or 16-bit masked store in AVX2: a last partial step goes through the stack, only its values copied.
        void *target = rest >= 16 ? (wide ? (void *)(words + k) : (void *)(bytes + k)) : line;
        if (wide)
            _mm256_storeu_si256((__m256i *)target, values);
        else
            _mm_storeu_si128((__m128i *)target, narrowed);
        if (rest < 16)
            memcpy(wide ? (void *)(words + k) : (void *)(bytes + k), line, (size_t)rest * (wide ? 2 : 1));
    }
}

AVX2 void qgemm_pack_activations_avx2(int rows, int depth, const float *source, int stride, float zeroPoint,
                                      void *packed, int wide, int32_t rowSumScale, int32_t *rowTerms) {
    int padded = qgemm_padded_depth(depth), size = wide ? 2 : 1;
    for (int m = 0; m < rows; m++) {
        uint8_t *destination = (uint8_t *)packed + (size_t)m * padded * size;
        __m256i sum = _mm256_setzero_si256();
        convert_segment(source + (size_t)m * stride, depth, zeroPoint, destination, wide, &sum);
        int32_t total = lane_sum(sum);
        qgemm_fill_values(destination + (size_t)depth * size, padded - depth, 0, wide);
        rowTerms[m] = total * rowSumScale;
    }
}

AVX2 void qgemm_pack_patches_avx2(qgemm_window window, int first, int rows, const float *input, float zeroPoint,
                                  void *packed, int wide, int32_t rowSumScale, int32_t *rowTerms) {
    const int channels = window.channels, depth = window.filterHeight * window.filterWidth * channels;
    const int padded = qgemm_padded_depth(depth), image = window.height * window.width * channels;
    const int size = wide ? 2 : 1;
    for (int m = 0; m < rows; m++) {
        int pixel = first + m;
        int x = pixel % window.outputWidth, y = pixel / window.outputWidth % window.outputHeight;
        const float *source = input + (size_t)(pixel / (window.outputWidth * window.outputHeight)) * image;
        uint8_t *destination = (uint8_t *)packed + (size_t)m * padded * size;
        int32_t total = 0;
        __m256i sum = _mm256_setzero_si256();
        const int left = x * window.strideX - window.padLeft;
        for (int ky = 0; ky < window.filterHeight; ky++) {
            int iy = y * window.strideY - window.padTop + ky * window.dilationY;
            // As in the AVX-512 kernel: a whole undilated window row inside the image is one segment.
            if (window.dilationX == 1 && iy >= 0 && iy < window.height && left >= 0 &&
                left + window.filterWidth <= window.width) {
                int length = window.filterWidth * channels;
                convert_segment(source + (size_t)(iy * window.width + left) * channels, length, zeroPoint,
                                destination, wide, &sum);
                destination += (size_t)length * size;
                continue;
            }
            for (int kx = 0; kx < window.filterWidth; kx++, destination += (size_t)channels * size) {
                int ix = left + kx * window.dilationX;
                if (iy < 0 || iy >= window.height || ix < 0 || ix >= window.width) {
                    qgemm_fill_values(destination, channels, (int)zeroPoint, wide);
                    total += (int32_t)zeroPoint * channels;
                } else {
                    convert_segment(source + (size_t)(iy * window.width + ix) * channels, channels, zeroPoint,
                                    destination, wide, &sum);
                }
            }
        }
        qgemm_fill_values(destination, padded - depth, 0, wide);
        rowTerms[m] = (total + lane_sum(sum)) * rowSumScale;
    }
}

/// vpmaddwd's step: two 16-bit depths per lane (the activations' pair, broadcast, against each column's pair).
TILE256_INLINE static inline __m256i madd_accumulate(__m256i c, __m256i x, __m256i w) {
    return _mm256_add_epi32(c, _mm256_madd_epi16(x, w));
}

AVX2 void qgemm_multiply_avx2(int rows, int columns, int depth, const uint16_t *packed, const int16_t *packedWeights,
                              const int32_t *rowTerms, const int32_t *columnTerms,
                              qgemm_requantization requantization, float *output, int outputStride) {
    multiply256(madd_accumulate, rows, columns, qgemm_padded_depth(depth) * 2, (const uint8_t *)packed,
                (const uint8_t *)packedWeights, rowTerms, columnTerms, requantization, output, outputStride);
}

AVX2 void qgemm_requantize_avx2(int rows, int channels, float *values, const int32_t *bias,
                                qgemm_requantization requantization) {
    const requantization256 constants = requantization256_make(requantization);
    for (int r = 0; r < rows; r++) {
        float *line = values + (size_t)r * channels;
        for (int c = 0; c < channels; c += 8) {
            __m256i lanes = lane_mask(channels - c < 8 ? channels - c : 8);
            __m256i x = _mm256_cvtps_epi32(_mm256_maskload_ps(line + c, lanes));
            x = _mm256_add_epi32(x, _mm256_maskload_epi32(bias + c, lanes));
            _mm256_maskstore_ps(line + c, lanes, requantize8(x, &constants));
        }
    }
}

#define AVX2FMA __attribute__((target("avx2,fma"), always_inline))

/// One output pixel's taps, and where a block of channels starts: `input`, `filter`, `bias` and `output` point at
/// the block's first channel. A second pixel with the same taps reads `step` floats on and writes `channels` on.
/// With `packed`, the block's outputs go to the pixel's packed row there (`packedStride` elements to the next
/// pixel's) as unsigned values, 16-bit with `wide`, else bytes, their sums added to `sums`, instead of to `output`.
typedef struct {
    int taps;
    const int *inputTaps, *filterTaps;
    const float *input, *filter;
    int step;
    const int32_t *bias;
    const requantization256 *constants;
    float *output;
    int channels;
    void *packed;
    int packedStride, wide;
    __m256i *sums;
} depthwise_block_args;

/// Stores 8 unsigned values (0...255 in int32 lanes) at element `offset` of a packed row: 16 bytes of 16-bit ones
/// with `wide`, else 8 bytes.
AVX2 static inline void store_packed8(void *row, size_t offset, int wide, __m256i values) {
    __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(values), _mm256_extracti128_si256(values, 1));
    if (wide)
        _mm_storeu_si128((__m128i *)((uint16_t *)row + offset), words);
    else
        _mm_storel_epi64((__m128i *)((uint8_t *)row + offset), _mm_packus_epi16(words, words));
}

/// The first `count` (0 to 7) of 8 unsigned values, stored as store_packed8 does: AVX2 has no 8- or 16-bit
/// masked store, and the elements after them may be another thread's row.
AVX2 static inline void store_packed_part(void *row, size_t offset, int wide, __m256i values, int count) {
    uint8_t line[16];
    store_packed8(line, 0, wide, values);
    memcpy(wide ? (void *)((uint16_t *)row + offset) : (void *)((uint8_t *)row + offset), line,
           (size_t)count * (wide ? 2 : 1));
}

/// `vectors` x 8 channels (1 to 4 vectors, one chain each) of `pixels` (1, 2, or 4 by rows) output pixels with the
/// same taps.
/// Two pixels share each filter load: 3 loads for 2 multiply-adds instead of 4, and the loads, two per
/// multiply-add, were what bounded the one-pixel loop. With `rows` (4 pixels, 1 or 2 vectors, of a 3-wide window
/// at stride 1, undilated: the taps are whole window rows), as AVX-512's: each of a window row's six input vectors
/// is loaded once and multiplied into every pixel that reads it, 3 filter and 6 input loads for 12 multiply-adds.
/// 4 x 2 chains, 6 filter vectors and the input fill 15 of AVX2's 16 registers. The counts are constants where it
/// is inlined, so the arrays stay in registers.
AVX2FMA static inline void depthwise_block(int pixels, int vectors, int rows, const depthwise_block_args *a) {
    __m256 s[4][4];
    for (int p = 0; p < pixels; p++)
        for (int v = 0; v < vectors; v++) s[p][v] = _mm256_setzero_ps();
    for (int t = 0; rows && t < a->taps; t += 3) {
        // The filter vectors first, then one input vector at a time, so that nothing spills.
        const float *w = a->filter + a->filterTaps[t], *in = a->input + a->inputTaps[t];
        __m256 weights[2][3];
        for (int v = 0; v < vectors; v++)
            for (int kx = 0; kx < 3; kx++) weights[v][kx] = _mm256_loadu_ps(w + kx * a->channels + 8 * v);
        for (int i = 0; i < 6; i++)
            for (int v = 0; v < vectors; v++) {
                __m256 x = _mm256_loadu_ps(in + i * a->step + 8 * v);
                for (int p = 0; p < 4; p++)
                    if (i - p >= 0 && i - p < 3) s[p][v] = _mm256_fmadd_ps(x, weights[v][i - p], s[p][v]);
            }
    }
    for (int t = 0; !rows && t < a->taps; t++) {
        const float *w = a->filter + a->filterTaps[t];
        __m256 weights[4];
        for (int v = 0; v < vectors; v++) weights[v] = _mm256_loadu_ps(w + 8 * v);
        for (int p = 0; p < pixels; p++) {
            const float *in = a->input + a->inputTaps[t] + p * a->step;
            for (int v = 0; v < vectors; v++)
                s[p][v] = _mm256_fmadd_ps(_mm256_loadu_ps(in + 8 * v), weights[v], s[p][v]);
        }
    }
    for (int p = 0; p < pixels; p++)
        for (int v = 0; v < vectors; v++) {
            __m256i b = _mm256_loadu_si256((const __m256i *)(a->bias + 8 * v));
            __m256i q = requantize8_integers(_mm256_add_epi32(_mm256_cvtps_epi32(s[p][v]), b), a->constants);
            if (a->packed) {
                __m256i values = _mm256_add_epi32(q, a->constants->zeroPoint);
                a->sums[p] = _mm256_add_epi32(a->sums[p], values);
                store_packed8(a->packed, (size_t)p * a->packedStride + 8 * v, a->wide, values);
            } else {
                _mm256_storeu_ps(a->output + (size_t)p * a->channels + 8 * v, _mm256_cvtepi32_ps(q));
            }
        }
}

/// depthwise_block with the counts as constants: one copy of the loop per combination (4 pixels only by rows).
AVX2FMA static inline void depthwise_blocks(int pixels, int vectors, const depthwise_block_args *a) {
    switch (vectors + 4 * (pixels - 1)) {
    case 1: depthwise_block(1, 1, 0, a); break;
    case 2: depthwise_block(1, 2, 0, a); break;
    case 3: depthwise_block(1, 3, 0, a); break;
    case 4: depthwise_block(1, 4, 0, a); break;
    case 5: depthwise_block(2, 1, 0, a); break;
    case 6: depthwise_block(2, 2, 0, a); break;
    case 7: depthwise_block(2, 3, 0, a); break;
    case 8: depthwise_block(2, 4, 0, a); break;
    case 13: depthwise_block(4, 1, 1, a); break;
    case 14: depthwise_block(4, 2, 1, a); break;
    }
}

/// The last `count` (1 to 7) channels of one output pixel of a block (`pixel` 0 to 3), masked.
AVX2FMA static inline void depthwise_tail(int count, int pixel, const depthwise_block_args *a) {
    __m256i mask = lane_mask(count);
    __m256 sum = _mm256_setzero_ps();
    const float *input = a->input + (size_t)pixel * a->step;
    for (int t = 0; t < a->taps; t++)
        sum = _mm256_fmadd_ps(_mm256_maskload_ps(input + a->inputTaps[t], mask),
                              _mm256_maskload_ps(a->filter + a->filterTaps[t], mask), sum);
    __m256i x32 = _mm256_add_epi32(_mm256_cvtps_epi32(sum), _mm256_maskload_epi32(a->bias, mask));
    __m256i q = requantize8_integers(x32, a->constants);
    if (a->packed) {
        __m256i values = _mm256_and_si256(_mm256_add_epi32(q, a->constants->zeroPoint), mask);
        a->sums[pixel] = _mm256_add_epi32(a->sums[pixel], values);
        store_packed_part(a->packed, (size_t)pixel * a->packedStride, a->wide, values, count);
    } else {
        _mm256_maskstore_ps(a->output + (size_t)pixel * a->channels, mask, _mm256_cvtepi32_ps(q));
    }
}

// As the AVX-512 one (AVX512VNNI.c): 32 channels at a time in four chains, then the whole vectors left (the
// model's 24 and 48 channel layers, its largest, are all or half such vectors), then a masked vector; and two
// pixels at a time where both windows lie inside the image's columns, or with `windowRows` (a constant: see
// depthwise_row_of) four by window rows, 16 channels at a time. With `packed`, as there too, each pixel's values go
// to its packed row (16-bit with `wide`, AVX2's GEMM, else bytes, AVX-VNNI's).
AVX2FMA static inline void depthwise_row(qgemm_window shape, const float *input, const float *filter, int y,
                                         const int32_t *bias, qgemm_requantization requantization, float *output,
                                         const qgemm_packed_rows *packed, int wide, int windowRows) {
    const requantization256 constants = requantization256_make(requantization);
    const int channels = shape.channels, step = shape.strideX * channels;
    const int padded = qgemm_padded_depth(channels), size = wide ? 2 : 1;
    qgemm_depthwise_row_taps taps = qgemm_depthwise_row_taps_make();
    for (int x = 0; x < shape.outputWidth;) {
        int pixels = windowRows && qgemm_depthwise_run_inside(&shape, x, 4)
                         ? 4
                         : 1 + qgemm_depthwise_run_inside(&shape, x, 2);
        int shift = 0;
        __m256i sums[4] = {_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                           _mm256_setzero_si256()};
        uint8_t *rows = packed ? (uint8_t *)packed->rows + (size_t)x * padded * size : NULL;
        depthwise_block_args a = {
            .taps = qgemm_depthwise_row_taps_of(&taps, &shape, x, y, pixels > 1, &shift),
            .inputTaps = taps.input,
            .filterTaps = taps.filter,
            .step = step,
            .constants = &constants,
            .channels = channels,
            .packedStride = padded,
            .wide = wide,
            .sums = sums,
        };
        for (int c = 0; c < channels;) {
            int most = pixels == 4 ? 2 : 4, vectors = (channels - c) / 8 < most ? (channels - c) / 8 : most;
            a.input = input + shift + c, a.filter = filter + c, a.bias = bias + c;
            a.output = packed ? NULL : output + (size_t)x * channels + c;
            a.packed = packed ? rows + (size_t)c * size : NULL;
            if (vectors > 0) {
                depthwise_blocks(pixels, vectors, &a);
                c += 8 * vectors;
                continue;
            }
            for (int p = 0; p < pixels; p++) depthwise_tail(channels - c, p, &a);
            c = channels;
        }
        for (int p = 0; packed && p < pixels; p++) {
            packed->rowTerms[x + p] = lane_sum(sums[p]) * packed->rowSumScale;
            qgemm_fill_values(rows + ((size_t)p * padded + channels) * size, padded - channels, 0, wide);
        }
        x += pixels;
    }
}

/// depthwise_row with `windowRows` a constant: one copy for the windows taken by rows, one for the others. The
/// by-rows blocks in the same copy had cost the other layers 3-4% (the stride-2 ones in `qgemm-bench`).
AVX2FMA static inline void depthwise_row_of(qgemm_window shape, const float *input, const float *filter, int y,
                                            const int32_t *bias, qgemm_requantization requantization, float *output,
                                            const qgemm_packed_rows *packed, int wide) {
    if (qgemm_depthwise_by_window_rows(&shape))
        depthwise_row(shape, input, filter, y, bias, requantization, output, packed, wide, 1);
    else
        depthwise_row(shape, input, filter, y, bias, requantization, output, packed, wide, 0);
}

__attribute__((target("avx2,fma"))) void qgemm_depthwise_row_avx2(qgemm_window shape, const float *input,
                                                                  const float *filter, int y, const int32_t *bias,
                                                                  qgemm_requantization requantization,
                                                                  float *output) {
    depthwise_row_of(shape, input, filter, y, bias, requantization, output, NULL, 0);
}

__attribute__((target("avx2,fma"))) void qgemm_depthwise_row_packed_avx2(qgemm_window shape, const float *input,
                                                                         const float *filter, int y,
                                                                         const int32_t *bias,
                                                                         qgemm_requantization requantization,
                                                                         qgemm_packed_rows output, int wide) {
    depthwise_row_of(shape, input, filter, y, bias, requantization, NULL, &output, wide);
}

#endif
