// The per-instruction-set kernels behind QuantizedGEMM.h's dispatch (Dispatch.c). Arguments as documented there.
#ifndef SSD_QUANTIZED_GEMM_KERNELS_H
#define SSD_QUANTIZED_GEMM_KERNELS_H

#include "QuantizedDepthwise.h"
#include "QuantizedGEMM.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)

/// Four bytes of a packed row as one 32-bit value to broadcast (memcpy: the row may be unaligned).
static inline int32_t four_bytes(const void *p) {
    int32_t value;
    memcpy(&value, p, 4);
    return value;
}

// vpdpbusd layout (both VNNI kernels): blocks of 16 columns; within a block, for each group of 4 depths, 16 x 4
// int8 values (column-major within the group): one 64-byte load feeds one 512-bit vpdpbusd for 16 columns, or
// two 32-byte loads two 256-bit ones for 8 columns each.
size_t qgemm_packed_weights_size_vnni(int columns, int depth);
void qgemm_pack_weights_vnni(int columns, int depth, const uint8_t *weights, int8_t *packed);

// vpmaddwd layout (AVX2, AVX-512BW): blocks of 16 columns; within a block, for each pair of depths, 16 x 2 int16
// values (column-major within the pair): two 32-byte loads feed two 256-bit vpmaddwd for 8 columns each, or one
// 64-byte load one 512-bit vpmaddwd for all 16.
size_t qgemm_packed_weights_size_avx2(int columns, int depth);
void qgemm_pack_weights_avx2(int columns, int depth, const uint8_t *weights, int16_t *packed);

// The requantizations compute TFLite's MultiplyByQuantizedMultiplier for a significand m in [2^30, 2^31) and an
// accumulator x (bias added, shifted left) with |x| < 2^30, which holds for any convolution of depth below 16,384
// (CPUModel runs deeper ones on the float kernels: IntegerGEMM.depthBound) and a bias and shift that keep it there:
// - SaturatingRoundingDoublingHighMul is (p + nudge) / 2^31 truncated, p = x m (signed 64-bit), nudge 2^30 for
//   p >= 0 and 1 - 2^30 below. For p < 0, truncating (p + 1 - 2^30) / 2^31 is flooring (p + 1 - 2^30 + 2^31 - 1)
//   / 2^31, which is (p + 2^30) >> 31 again: one arithmetic shift for both signs, whose low 32 bits a logical
//   64-bit shift gives as well (the result fits in 32 bits: |p| < 2^61). No saturation: m is never -2^31.
// - RoundingDivideByPOT(v, e), half away from zero, is (v + 2^(e - 1) - [v < 0]) >> e for e > 0: for v >= 0 it
//   rounds half up; for v < 0 it is -((-v + 2^(e - 1)) >> e) by the same identity. |v| <= |x| < 2^30, so the
//   sum does not overflow. For e = 0 it is v (no half, no sign term).
// - The half rides in the nudge: (p + 2^30 + h 2^31) >> 31 is v + h exactly (h 2^31 is a multiple of 2^31; the
//   sum stays below 2^62, and v + h below 2^31). Then v < 0 is v + h < h: one compare gives the sign term, and the
//   second rounding is two operations more, an add and the shift. For e = 0 the compare's bound is INT32_MIN,
//   which nothing is below.
// Checked against Engine's scalar TFLite arithmetic in Tests/CPUBackendTests/QuantizedGEMMTests.swift.
void qgemm_multiply_avx512vnni(int rows, int columns, int depth, const uint8_t *packed, const int8_t *packedWeights,
                               const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                               float *output, int outputStride);

// AVX512.c: both 512-bit variants' packing, requantization and depthwise kernels. `wide`: 16-bit packed values
// (AVX-512BW's GEMM), else bytes (AVX-512 VNNI's).
void qgemm_pack_activations_avx512(int rows, int depth, const float *source, int stride, float zeroPoint,
                                   void *packed, int wide, int32_t rowSumScale, int32_t *rowTerms);
void qgemm_pack_patches_avx512(qgemm_window window, int first, int rows, const float *input, float zeroPoint,
                               void *packed, int wide, int32_t rowSumScale, int32_t *rowTerms);
void qgemm_requantize_avx512(int rows, int channels, float *values, const int32_t *bias,
                             qgemm_requantization requantization);
void qgemm_depthwise_row_avx512(qgemm_window shape, const float *input, const float *filter, int y,
                                const int32_t *bias, qgemm_requantization requantization, float *output);
void qgemm_depthwise_row_packed_avx512(qgemm_window shape, const float *input, const float *filter, int y,
                                       const int32_t *bias, qgemm_requantization requantization,
                                       qgemm_packed_rows output, int wide);

// AVX2.c: the 256-bit variants' kernels, and AVX2's GEMM.
void qgemm_depthwise_row_avx2(qgemm_window shape, const float *input, const float *filter, int y,
                              const int32_t *bias, qgemm_requantization requantization, float *output);
// `wide`: 16-bit packed values (AVX2's GEMM), else bytes (AVX-VNNI's).
void qgemm_depthwise_row_packed_avx2(qgemm_window shape, const float *input, const float *filter, int y,
                                     const int32_t *bias, qgemm_requantization requantization,
                                     qgemm_packed_rows output, int wide);

// `wide`: 16-bit elements (the vpmaddwd kernel's), else bytes (vpdpbusd's).
void qgemm_pack_activations_avx2(int rows, int depth, const float *source, int stride, float zeroPoint, void *packed,
                                 int wide, int32_t rowSumScale, int32_t *rowTerms);
void qgemm_pack_patches_avx2(qgemm_window window, int first, int rows, const float *input, float zeroPoint,
                             void *packed, int wide, int32_t rowSumScale, int32_t *rowTerms);
void qgemm_multiply_avx2(int rows, int columns, int depth, const uint16_t *packed, const int16_t *packedWeights,
                         const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                         float *output, int outputStride);
void qgemm_multiply_avx512bw(int rows, int columns, int depth, const uint16_t *packed, const int16_t *packedWeights,
                             const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                             float *output, int outputStride);
void qgemm_multiply_avxvnni(int rows, int columns, int depth, const uint8_t *packed, const int8_t *packedWeights,
                            const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                            float *output, int outputStride);
void qgemm_requantize_avx2(int rows, int channels, float *values, const int32_t *bias,
                           qgemm_requantization requantization);

/// Sets `count` unsigned values of a packed row (16-bit with `wide`, else bytes) to `value`. No call for none: the
/// kernels pad every row this way, SSD MobileNet's never need it (its depths are multiples of 4), and a memset call
/// a pixel, even of nothing, had cost the depthwise layers 4-6%.
static inline void qgemm_fill_values(void *packed, int count, int value, int wide) {
    if (count <= 0) return;
    if (wide) {
        for (int k = 0; k < count; k++) ((uint16_t *)packed)[k] = (uint16_t)value;
    } else {
        memset(packed, value, (size_t)count);
    }
}

// The taps of output pixel (x, y) inside the input: element offsets into the image and the filter; returns their
// count (at most filterHeight * filterWidth).
static inline int qgemm_depthwise_taps(const qgemm_window *s, int x, int y, int *inputTaps,
                                       int *filterTaps) {
    int taps = 0;
    for (int ky = 0; ky < s->filterHeight; ky++) {
        int iy = y * s->strideY - s->padTop + ky * s->dilationY;
        if (iy < 0 || iy >= s->height) continue;
        for (int kx = 0; kx < s->filterWidth; kx++) {
            int ix = x * s->strideX - s->padLeft + kx * s->dilationX;
            if (ix < 0 || ix >= s->width) continue;
            inputTaps[taps] = (iy * s->width + ix) * s->channels;
            filterTaps[taps] = (ky * s->filterWidth + kx) * s->channels;
            taps++;
        }
    }
    return taps;
}

/// Whether output pixels x to x + count - 1 of a row all have every column of their window inside the image: then
/// they have the same taps, and each one's inputs are the one before's, strideX pixels on.
static inline int qgemm_depthwise_run_inside(const qgemm_window *s, int x, int count) {
    int left = x * s->strideX - s->padLeft;
    return x + count - 1 < s->outputWidth && left >= 0 &&
           left + (count - 1) * s->strideX + (s->filterWidth - 1) * s->dilationX < s->width;
}

/// Whether the taps of a pixel whose window lies inside the image's columns are whole window rows of three
/// consecutive input pixels each (qgemm_depthwise_taps lists them row by row): a 3-wide window at stride 1,
/// undilated, which the depthwise kernels take by window rows.
static inline int qgemm_depthwise_by_window_rows(const qgemm_window *s) {
    return s->filterWidth == 3 && s->strideX == 1 && s->dilationX == 1;
}

/// A row's tap lists: the last pixel's, and those of its first pixel whose window lies inside the image's columns,
/// which every such pixel of the row shares, shifted (computing the lists for every pixel had been 4% of the
/// depthwise kernel's samples).
typedef struct {
    int input[256], filter[256];
    int insideX, insideCount;
} qgemm_depthwise_row_taps;

static inline qgemm_depthwise_row_taps qgemm_depthwise_row_taps_make(void) {
    qgemm_depthwise_row_taps taps;
    taps.insideX = -1;
    taps.insideCount = 0;
    return taps;
}

/// The taps of pixel (x, y) in `t->input` and `t->filter`, returning their count: for a pixel whose window lies
/// inside the columns (`inside`), the row's shared lists, and `*shift` (an element offset into the image) to add
/// to every input tap.
static inline int qgemm_depthwise_row_taps_of(qgemm_depthwise_row_taps *t, const qgemm_window *s, int x, int y,
                                              int inside, int *shift) {
    if (!inside) {
        t->insideX = -1;
        *shift = 0;
        return qgemm_depthwise_taps(s, x, y, t->input, t->filter);
    }
    if (t->insideX < 0) {
        t->insideX = x;
        t->insideCount = qgemm_depthwise_taps(s, x, y, t->input, t->filter);
    }
    *shift = (x - t->insideX) * s->strideX * s->channels;
    return t->insideCount;
}

#endif
#endif
