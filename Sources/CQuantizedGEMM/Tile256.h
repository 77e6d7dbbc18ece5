// What the 256-bit kernels (AVX2, AVX-VNNI) share: a GEMM tile is up to 4 rows by one 16-column block, eight int32
// accumulators of 8 lanes; this adds the zero points' row and column terms and stores the rows and columns it has.
#ifndef SSD_QUANTIZED_GEMM_TILE256_H
#define SSD_QUANTIZED_GEMM_TILE256_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#define TILE256 __attribute__((target("avx2")))

/// All ones in the lanes below `count` (0...8), for maskload and maskstore.
TILE256 static inline __m256i lane_mask(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/// Four bytes of a packed row as one 32-bit value to broadcast (memcpy: the row may be unaligned).
static inline int32_t four_bytes(const void *p) {
    int32_t value;
    memcpy(&value, p, 4);
    return value;
}

/// Stores rows [0, rows) and columns [0, columns) of a tile: accumulators[r][half] + columnTerms + rowTerms[r].
TILE256 static inline void store_tile(int rows, int columns, __m256i accumulators[4][2], const int32_t *rowTerms,
                                      const int32_t *columnTerms, int32_t *output, int outputStride) {
    __m256i mask0 = lane_mask(columns < 8 ? columns : 8), mask1 = lane_mask(columns > 8 ? columns - 8 : 0);
    __m256i t0 = _mm256_maskload_epi32(columnTerms, mask0);
    __m256i t1 = _mm256_maskload_epi32(columnTerms + 8, mask1);
    for (int r = 0; r < rows; r++) {
        __m256i row = _mm256_set1_epi32(rowTerms[r]);
        int32_t *line = output + (size_t)r * outputStride;
        _mm256_maskstore_epi32(line, mask0, _mm256_add_epi32(_mm256_add_epi32(accumulators[r][0], t0), row));
        if (columns > 8)
            _mm256_maskstore_epi32(line + 8, mask1, _mm256_add_epi32(_mm256_add_epi32(accumulators[r][1], t1), row));
    }
}

#endif
