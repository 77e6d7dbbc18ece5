// The AVX-VNNI GEMM: vpdpbusd on 256-bit registers (VEX-encoded, for CPUs with VNNI but without AVX-512, and AMD
// Zen 5's client parts), reading the same packed weights as the AVX-512 kernel: each 64-byte group of a 16-column
// block is two registers of 8 columns. vpdpbusd adds four uint8 x int8 products to an int32 lane without
// intermediate saturation, so its sums are the exact accumulators.
#include "Kernels.h"

#if defined(__x86_64__)
#include "Tile256.h"

#define AVXVNNI __attribute__((target("avx2,avxvnni")))

/// Up to TILE256_ROWS rows by 8 columns per vector, of `vectors` (1 or 2, a constant where it is inlined: a block's
/// last 1-8 columns take one), accumulated over the whole depth. Rows past the end read row 0 again; their results
/// are not stored.
#define AVXVNNI_INLINE __attribute__((target("avx2,avxvnni"), always_inline))
AVXVNNI_INLINE static inline void tile(int vectors, int rows, int columns, int groups, const uint8_t *a, int aStride,
                                       const int8_t *b, const int32_t *rowTerms, const int32_t *columnTerms,
                                       const requantization256 *requantization, float *output, int outputStride) {
    __m256i c[TILE256_ROWS][2];
    const uint8_t *lines[TILE256_ROWS];
    for (int r = 0; r < TILE256_ROWS; r++) {
        c[r][0] = _mm256_setzero_si256();
        c[r][1] = _mm256_setzero_si256();
        lines[r] = r < rows ? a + (size_t)r * aStride : a;
    }
    for (int g = 0; g < groups; g++) {
        __m256i w0 = _mm256_loadu_si256((const __m256i *)(b + g * 64));
        __m256i w1 = vectors == 2 ? _mm256_loadu_si256((const __m256i *)(b + g * 64 + 32)) : w0;
        for (int r = 0; r < TILE256_ROWS; r++) {
            __m256i x = _mm256_set1_epi32(four_bytes(lines[r] + 4 * g));
            c[r][0] = _mm256_dpbusd_avx_epi32(c[r][0], x, w0);
            if (vectors == 2) c[r][1] = _mm256_dpbusd_avx_epi32(c[r][1], x, w1);
        }
    }
    store_tile(rows, columns, c, rowTerms, columnTerms, requantization, output, outputStride);
}

AVXVNNI void qgemm_multiply_avxvnni(int rows, int columns, int depth, const uint8_t *packed,
                                    const int8_t *packedWeights, const int32_t *rowTerms, const int32_t *columnTerms,
                                    qgemm_requantization requantization, float *output, int outputStride) {
    const requantization256 constants = requantization256_make(requantization);
    int padded = qgemm_padded_depth(depth);
    int groups = padded / 4;
    for (int block = 0; block * 16 < columns; block++) {
        const int8_t *b = packedWeights + (size_t)block * groups * 64;
        int width = columns - block * 16 < 16 ? columns - block * 16 : 16;
        for (int m = 0; m < rows; m += TILE256_ROWS) {
            int height = rows - m < TILE256_ROWS ? rows - m : TILE256_ROWS;
            const uint8_t *a = packed + (size_t)m * padded;
            float *out = output + (size_t)m * outputStride + block * 16;
            if (width > 8)
                tile(2, height, width, groups, a, padded, b, rowTerms + m, columnTerms + block * 16, &constants, out,
                     outputStride);
            else
                tile(1, height, width, groups, a, padded, b, rowTerms + m, columnTerms + block * 16, &constants, out,
                     outputStride);
        }
    }
}

#endif
