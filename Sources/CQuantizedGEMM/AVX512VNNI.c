// The AVX-512 VNNI GEMM: vpdpbusd on 512-bit registers, in Tile512.h's tiles. Its packing, requantization and
// depthwise kernels are AVX512.c's, on byte rows.
#include "Kernels.h"

#if defined(__x86_64__)
#include "Tile512.h"

#define VNNI_INLINE __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"), always_inline))

/// vpdpbusd: four bytes of a row by four of each column's weights, added to its lane.
VNNI_INLINE static inline __m512i dpbusd_accumulate(__m512i c, __m512i x, __m512i w) {
    return _mm512_dpbusd_epi32(c, x, w);
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni"))) void
qgemm_multiply_avx512vnni(int rows, int columns, int depth, const uint8_t *packed, const int8_t *packedWeights,
                          const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                          float *output, int outputStride) {
    multiply512(dpbusd_accumulate, rows, columns, qgemm_padded_depth(depth), packed, (const uint8_t *)packedWeights,
                rowTerms, columnTerms, requantization, output, outputStride);
}

#endif
