// What the 256-bit kernels (AVX2, AVX-VNNI) share: the requantization on 8 lanes, and the GEMM itself (tiles of up
// to 6 rows by one 16-column block, twelve int32 accumulators of 8 lanes, whose end adds the zero points' row and
// column terms, requantizes and stores the rows and columns it has). The two differ only in the instruction that
// adds products to the accumulators, and both read 4 bytes of a row and 64 bytes of weights per step.
#ifndef SSD_QUANTIZED_GEMM_TILE256_H
#define SSD_QUANTIZED_GEMM_TILE256_H

#include <immintrin.h>
#include <stdint.h>

#include "Kernels.h"

#define TILE256 __attribute__((target("avx2")))
#define TILE256_INLINE __attribute__((target("avx2"), always_inline))

// Rows of one tile: 6 rows by 16 columns is 12 accumulators, plus two registers of weights and one of activations:
// all 16 registers, and enough independent chains to hide the multiply's latency.
#define TILE256_ROWS QGEMM_TILE256_ROWS

/// All ones in the lanes below `count` (none for a count below 1, all for one above 7), for maskload and maskstore.
TILE256 static inline __m256i lane_mask(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// The requantization's constants, broadcast once per call.
typedef struct {
    __m256i m, nudge, negativeBelow, lowest, highest, zeroPoint;
    __m128i left, right;
} requantization256;

TILE256 static inline requantization256 requantization256_make(qgemm_requantization q) {
    const int left = q.shift > 0 ? q.shift : 0, right = q.shift > 0 ? 0 : -q.shift;
    const int32_t half = right > 0 ? 1 << (right - 1) : 0;
    return (requantization256){
        .m = _mm256_set1_epi64x(q.significand),
        .nudge = _mm256_set1_epi64x((1LL << 30) + ((long long)half << 31)),
        .negativeBelow = _mm256_set1_epi32(right > 0 ? half : INT32_MIN),
        .lowest = _mm256_set1_epi32(q.low - q.zeroPoint),
        .highest = _mm256_set1_epi32(q.high - q.zeroPoint),
        .zeroPoint = _mm256_set1_epi32(q.zeroPoint),
        .left = _mm_cvtsi32_si128(left),
        .right = _mm_cvtsi32_si128(right),
    };
}

/// TFLite's MultiplyByQuantizedMultiplier of 8 accumulators (bias included), as the AVX-512 kernel computes it,
/// clamped: quantized - zero point, in int32.
TILE256 static inline __m256i requantize8_integers(__m256i x, const requantization256 *k) {
    x = _mm256_sll_epi32(x, k->left);
    __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, k->m), k->nudge), 31);
    __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), k->m), k->nudge);
    __m256i withHalf = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 1), 0xAA);
    __m256i sign = _mm256_cmpgt_epi32(k->negativeBelow, withHalf);
    __m256i quotient = _mm256_sra_epi32(_mm256_add_epi32(withHalf, sign), k->right);
    return _mm256_min_epi32(_mm256_max_epi32(quotient, k->lowest), k->highest);
}

/// requantize8_integers as stored floats.
TILE256 static inline __m256 requantize8(__m256i x, const requantization256 *k) {
    return _mm256_cvtepi32_ps(requantize8_integers(x, k));
}

/// Requantizes and stores rows [0, rows) and columns [0, columns) of a tile: accumulators[r][half] + columnTerms +
/// rowTerms[r].
TILE256 static inline void store_tile(int rows, int columns, __m256i accumulators[TILE256_ROWS][2],
                                      const int32_t *rowTerms, const int32_t *columnTerms,
                                      const requantization256 *requantization, float *output, int outputStride) {
    if (columns == 16) {
        // A whole block, nearly every tile of the model: plain stores. The masked ones (vmaskmovps to memory) had
        // been 3.4% of the AVX2 GEMM's samples, for no lane they left out.
        __m256i t0 = _mm256_loadu_si256((const __m256i *)columnTerms);
        __m256i t1 = _mm256_loadu_si256((const __m256i *)(columnTerms + 8));
        for (int r = 0; r < rows; r++) {
            __m256i row = _mm256_set1_epi32(rowTerms[r]);
            float *line = output + (size_t)r * outputStride;
            __m256i x0 = _mm256_add_epi32(_mm256_add_epi32(accumulators[r][0], t0), row);
            __m256i x1 = _mm256_add_epi32(_mm256_add_epi32(accumulators[r][1], t1), row);
            _mm256_storeu_ps(line, requantize8(x0, requantization));
            _mm256_storeu_ps(line + 8, requantize8(x1, requantization));
        }
        return;
    }
    __m256i mask0 = lane_mask(columns < 8 ? columns : 8), mask1 = lane_mask(columns > 8 ? columns - 8 : 0);
    __m256i t0 = _mm256_maskload_epi32(columnTerms, mask0);
    __m256i t1 = _mm256_maskload_epi32(columnTerms + 8, mask1);
    for (int r = 0; r < rows; r++) {
        __m256i row = _mm256_set1_epi32(rowTerms[r]);
        float *line = output + (size_t)r * outputStride;
        __m256i x0 = _mm256_add_epi32(_mm256_add_epi32(accumulators[r][0], t0), row);
        _mm256_maskstore_ps(line, mask0, requantize8(x0, requantization));
        if (columns > 8) {
            __m256i x1 = _mm256_add_epi32(_mm256_add_epi32(accumulators[r][1], t1), row);
            _mm256_maskstore_ps(line + 8, mask1, requantize8(x1, requantization));
        }
    }
}

/// A variant's step: `c` plus the products of `x` (4 bytes of a row, broadcast) with `w` (32 bytes of weights for 8
/// columns), exactly.
typedef __m256i (*tile256_accumulate)(__m256i c, __m256i x, __m256i w);

/// Up to TILE256_ROWS rows by 8 columns per vector, of `vectors` (1 or 2, a constant where it is inlined: a block's
/// last 1-8 columns take one), accumulated over `steps` steps. Rows past the end read row 0 again; their results
/// are not stored.
TILE256_INLINE static inline void tile256(tile256_accumulate accumulate, int vectors, int rows, int columns, int steps,
                                          const uint8_t *a, size_t aStride, const uint8_t *b,
                                          const int32_t *rowTerms, const int32_t *columnTerms,
                                          const requantization256 *requantization, float *output, int outputStride) {
    __m256i c[TILE256_ROWS][2];
    const uint8_t *lines[TILE256_ROWS];
    for (int r = 0; r < TILE256_ROWS; r++) {
        c[r][0] = _mm256_setzero_si256();
        c[r][1] = _mm256_setzero_si256();
        lines[r] = r < rows ? a + r * aStride : a;
    }
    for (int g = 0; g < steps; g++) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)(b + g * 64));
        __m256i w1 = vectors == 2 ? _mm256_loadu_si256((const __m256i *)(b + g * 64 + 32)) : w0;
        for (int r = 0; r < TILE256_ROWS; r++) {
            __m256i x = _mm256_set1_epi32(four_bytes(lines[r] + 4 * g));
            c[r][0] = accumulate(c[r][0], x, w0);
            if (vectors == 2) c[r][1] = accumulate(c[r][1], x, w1);
        }
    }
    store_tile(rows, columns, c, rowTerms, columnTerms, requantization, output, outputStride);
}

/// The GEMM of QuantizedGEMM.h on a variant's `accumulate` (a constant where it is inlined): packed rows of
/// `rowBytes` bytes (4 per step), packed weights of `rowBytes` x 16 bytes per 16-column block.
TILE256_INLINE static inline void multiply256(tile256_accumulate accumulate, int rows, int columns, int rowBytes,
                                              const uint8_t *packed, const uint8_t *packedWeights,
                                              const int32_t *rowTerms, const int32_t *columnTerms,
                                              qgemm_requantization requantization, float *output, int outputStride) {
    const requantization256 constants = requantization256_make(requantization);
    const int steps = rowBytes / 4;
    for (int block = 0; block * 16 < columns; block++) {
        const uint8_t *b = packedWeights + (size_t)block * steps * 64;
        int width = columns - block * 16 < 16 ? columns - block * 16 : 16;
        for (int m = 0; m < rows; m += TILE256_ROWS) {
            int height = rows - m < TILE256_ROWS ? rows - m : TILE256_ROWS;
            const uint8_t *a = packed + (size_t)m * rowBytes;
            float *out = output + (size_t)m * outputStride + block * 16;
            if (width > 8)
                tile256(accumulate, 2, height, width, steps, a, (size_t)rowBytes, b, rowTerms + m,
                        columnTerms + block * 16, &constants, out, outputStride);
            else
                tile256(accumulate, 1, height, width, steps, a, (size_t)rowBytes, b, rowTerms + m,
                        columnTerms + block * 16, &constants, out, outputStride);
        }
    }
}

#endif
