// The AVX-VNNI GEMM: vpdpbusd on 256-bit registers (VEX-encoded, for CPUs with VNNI but without AVX-512, and AMD
// Zen 5's client parts), reading the same packed weights as the AVX-512 kernel: each 64-byte group of a 16-column
// block is two registers of 8 columns. vpdpbusd adds four uint8 x int8 products to an int32 lane without
// intermediate saturation, so its sums are the exact accumulators.
#include "Kernels.h"

#if defined(__x86_64__)
#include "Tile256.h"

#define AVXVNNI __attribute__((target("avx2,avxvnni")))

/// vpdpbusd's step: four uint8 x int8 products per lane, added without intermediate saturation.
#define AVXVNNI_INLINE __attribute__((target("avx2,avxvnni"), always_inline))
AVXVNNI_INLINE static inline __m256i dpbusd_accumulate(__m256i c, __m256i x, __m256i w) {
    return _mm256_dpbusd_avx_epi32(c, x, w);
}

AVXVNNI void qgemm_multiply_avxvnni(int rows, int columns, int depth, const uint8_t *packed,
                                    const int8_t *packedWeights, const int32_t *rowTerms, const int32_t *columnTerms,
                                    qgemm_requantization requantization, float *output, int outputStride) {
    multiply256(dpbusd_accumulate, rows, columns, qgemm_padded_depth(depth), packed, (const uint8_t *)packedWeights,
                rowTerms, columnTerms, requantization, output, outputStride);
}

#endif
