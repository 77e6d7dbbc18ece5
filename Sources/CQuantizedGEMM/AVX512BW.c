// The AVX-512BW GEMM, for CPUs with AVX-512 but without VNNI (Skylake-SP, the first Xeon Scalable servers): the AVX2
// kernel's vpmaddwd on 512-bit registers, in Tile512.h's tiles. Its rows and weights are the AVX2 variant's (16-bit
// values, 16 columns by 2 depths in 64 bytes, which one load now feeds to one instruction); its packing,
// requantization and depthwise kernels are AVX512.c's, writing those 16-bit rows. AVX2.c says why vpmaddwd is exact
// where vpmaddubsw is not.
#include "Kernels.h"

#if defined(__x86_64__)
#include "Tile512.h"

/// vpmaddwd: two 16-bit values of a row by two of each column's weights, their two products added to its lane.
TILE512_INLINE static inline __m512i madd_accumulate(__m512i c, __m512i x, __m512i w) {
    return _mm512_add_epi32(c, _mm512_madd_epi16(x, w));
}

TILE512 void qgemm_multiply_avx512bw(int rows, int columns, int depth, const uint16_t *packed,
                                     const int16_t *packedWeights, const int32_t *rowTerms, const int32_t *columnTerms,
                                     qgemm_requantization requantization, float *output, int outputStride) {
    multiply512(madd_accumulate, rows, columns, 2 * qgemm_padded_depth(depth), (const uint8_t *)packed,
                (const uint8_t *)packedWeights, rowTerms, columnTerms, requantization, output, outputStride);
}

#endif
