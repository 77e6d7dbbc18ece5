// What the 512-bit GEMMs (AVX-512 VNNI, AVX-512BW) share: the requantization on 16 lanes, and the GEMM itself
// (tiles of up to 8 rows by two 16-column blocks, sixteen int32 accumulators of 16 lanes, whose end adds the zero
// points' row and column terms, requantizes and stores the rows and columns it has). The two differ only in the
// instruction that adds products to the accumulators (vpdpbusd on byte rows, vpmaddwd on 16-bit ones), and both
// read 4 bytes of a row and 64 bytes of weights per block and step. Tile256.h is the same for 256 bits.
#ifndef SSD_QUANTIZED_GEMM_TILE512_H
#define SSD_QUANTIZED_GEMM_TILE512_H

#include <immintrin.h>
#include <stdint.h>

#include "Kernels.h"

#define TILE512 __attribute__((target("avx512f,avx512bw,avx512vl")))
#define TILE512_INLINE __attribute__((target("avx512f,avx512bw,avx512vl"), always_inline))

/// The requantization's constants, broadcast once per call.
typedef struct {
    __m512i m, nudge, negativeBelow, lowest, highest, zeroPoint;
    __m128i left, right;
} requantization512;

TILE512 static inline requantization512 requantization512_make(qgemm_requantization q) {
    const int left = q.shift > 0 ? q.shift : 0, right = q.shift > 0 ? 0 : -q.shift;
    const int32_t half = right > 0 ? 1 << (right - 1) : 0;
    return (requantization512){
        .m = _mm512_set1_epi64(q.significand),
        .nudge = _mm512_set1_epi64((1LL << 30) + ((long long)half << 31)),
        .negativeBelow = _mm512_set1_epi32(right > 0 ? half : INT32_MIN),
        .lowest = _mm512_set1_epi32(q.low - q.zeroPoint),
        .highest = _mm512_set1_epi32(q.high - q.zeroPoint),
        .zeroPoint = _mm512_set1_epi32(q.zeroPoint),
        .left = _mm_cvtsi32_si128(left),
        .right = _mm_cvtsi32_si128(right),
    };
}

/// TFLite's MultiplyByQuantizedMultiplier of 16 accumulators (bias included) in signed 64-bit products (Kernels.h
/// says why these shifts and additions are its two roundings), clamped: quantized - zero point, in int32.
TILE512 static inline __m512i requantize16_integers(__m512i x, const requantization512 *k) {
    x = _mm512_sll_epi32(x, k->left);
    __m512i even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, k->m), k->nudge), 31);
    __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), k->m), k->nudge);
    __m512i withHalf = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 1));
    __mmask16 negative = _mm512_cmpgt_epi32_mask(k->negativeBelow, withHalf);
    __m512i quotient = _mm512_sra_epi32(_mm512_mask_add_epi32(withHalf, negative, withHalf, _mm512_set1_epi32(-1)),
                                        k->right);
    return _mm512_min_epi32(_mm512_max_epi32(quotient, k->lowest), k->highest);
}

/// requantize16_integers as stored floats.
TILE512 static inline __m512 requantize16(__m512i x, const requantization512 *k) {
    return _mm512_cvtepi32_ps(requantize16_integers(x, k));
}

// Rows of one tile. The multiply-add's latency is several cycles and two can start per cycle (here, Zen 5; one on
// Skylake-SP), so it takes more than 8 independent accumulators to keep it busy: 8 rows by 32 columns is 16 of the
// 32 registers, plus two of weights.
#define TILE512_ROWS QGEMM_TILE512_ROWS

/// A variant's step: `c` plus the products of `x` (4 bytes of a row, broadcast) with `w` (64 bytes of weights for 16
/// columns), exactly.
typedef __m512i (*tile512_accumulate)(__m512i c, __m512i x, __m512i w);

/// One tile: up to 8 rows by 16 columns per block, of `blocks` (1 or 2, a constant where it is inlined) 16-column
/// blocks, accumulated over `steps` steps and requantized. A lone last block runs alone: paired with itself, as it
/// had been, its copy's products were computed and thrown away (a quarter of the multiply-adds of the model's
/// 48-column layer, over half of its 12-column one's).
TILE512_INLINE static inline void tile512(tile512_accumulate accumulate, int blocks, int rows, int columns,
                                          int steps, const uint8_t *a, size_t aStride, const uint8_t *b0,
                                          const uint8_t *b1, const int32_t *rowTerms, const int32_t *columnTerms,
                                          const requantization512 *requantization, float *output, int outputStride) {
    __m512i c[TILE512_ROWS][2];
    const uint8_t *lines[TILE512_ROWS];
    for (int r = 0; r < TILE512_ROWS; r++) {
        c[r][0] = _mm512_setzero_si512();
        c[r][1] = _mm512_setzero_si512();
        // Rows past the end read row 0 again; their results are not stored.
        lines[r] = r < rows ? a + (size_t)r * aStride : a;
    }
    for (int g = 0; g < steps; g++) {
        __m512i w0 = _mm512_loadu_si512(b0 + (size_t)g * 64);
        __m512i w1 = blocks == 2 ? _mm512_loadu_si512(b1 + (size_t)g * 64) : w0;
        for (int r = 0; r < TILE512_ROWS; r++) {
            __m512i x = _mm512_set1_epi32(four_bytes(lines[r] + 4 * g));
            c[r][0] = accumulate(c[r][0], x, w0);
            if (blocks == 2) c[r][1] = accumulate(c[r][1], x, w1);
        }
    }
    __mmask16 mask0 = columns >= 16 ? 0xFFFF : (__mmask16)((1u << columns) - 1);
    __mmask16 mask1 = columns >= 32 ? 0xFFFF : columns <= 16 ? 0 : (__mmask16)((1u << (columns - 16)) - 1);
    __m512i t0 = _mm512_maskz_loadu_epi32(mask0, columnTerms);
    __m512i t1 = _mm512_maskz_loadu_epi32(mask1, columnTerms + 16);
    for (int r = 0; r < rows; r++) {
        __m512i row = _mm512_set1_epi32(rowTerms[r]);
        float *line = output + (size_t)r * outputStride;
        __m512i x0 = _mm512_add_epi32(_mm512_add_epi32(c[r][0], t0), row);
        _mm512_mask_storeu_ps(line, mask0, requantize16(x0, requantization));
        if (blocks == 2 && mask1) {
            __m512i x1 = _mm512_add_epi32(_mm512_add_epi32(c[r][1], t1), row);
            _mm512_mask_storeu_ps(line + 16, mask1, requantize16(x1, requantization));
        }
    }
}

/// The GEMM of QuantizedGEMM.h on a variant's `accumulate` (a constant where it is inlined): packed rows of
/// `rowBytes` bytes (4 per step), packed weights of `rowBytes` x 16 bytes per 16-column block, two blocks a tile.
TILE512_INLINE static inline void multiply512(tile512_accumulate accumulate, int rows, int columns, int rowBytes,
                                              const uint8_t *packed, const uint8_t *packedWeights,
                                              const int32_t *rowTerms, const int32_t *columnTerms,
                                              qgemm_requantization requantization, float *output, int outputStride) {
    const requantization512 constants = requantization512_make(requantization);
    const int steps = rowBytes / 4;
    const size_t blockSize = (size_t)steps * 64;
    const int blocks = (columns + 15) / 16;
    for (int block = 0; block < blocks; block += 2) {
        const uint8_t *b0 = packedWeights + (size_t)block * blockSize, *b1 = b0 + blockSize;
        int width = columns - block * 16 < 32 ? columns - block * 16 : 32;
        for (int m = 0; m < rows; m += TILE512_ROWS) {
            int height = rows - m < TILE512_ROWS ? rows - m : TILE512_ROWS;
            const uint8_t *a = packed + (size_t)m * rowBytes;
            float *out = output + (size_t)m * outputStride + block * 16;
            if (width > 16)
                tile512(accumulate, 2, height, width, steps, a, (size_t)rowBytes, b0, b1, rowTerms + m,
                        columnTerms + block * 16, &constants, out, outputStride);
            else
                tile512(accumulate, 1, height, width, steps, a, (size_t)rowBytes, b0, NULL, rowTerms + m,
                        columnTerms + block * 16, &constants, out, outputStride);
        }
    }
}

#endif
