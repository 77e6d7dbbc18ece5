// The per-instruction-set kernels behind QuantizedGEMM.h's dispatch (Dispatch.c). Arguments as documented there.
#ifndef SSD_QUANTIZED_GEMM_KERNELS_H
#define SSD_QUANTIZED_GEMM_KERNELS_H

#include "QuantizedGEMM.h"

#if defined(__x86_64__)

// vpdpbusd layout (both VNNI kernels): blocks of 16 columns; within a block, for each group of 4 depths, 16 x 4
// int8 values (column-major within the group): one 64-byte load feeds one 512-bit vpdpbusd for 16 columns, or
// two 32-byte loads two 256-bit ones for 8 columns each.
size_t qgemm_packed_weights_size_vnni(int columns, int depth);
void qgemm_pack_weights_vnni(int columns, int depth, const uint8_t *weights, int8_t *packed);

// vpmaddwd layout (AVX2): blocks of 16 columns; within a block, for each pair of depths, 16 x 2 int16 values
// (column-major within the pair): two 32-byte loads feed two vpmaddwd for 8 columns each.
size_t qgemm_packed_weights_size_avx2(int columns, int depth);
void qgemm_pack_weights_avx2(int columns, int depth, const uint8_t *weights, int16_t *packed);

void qgemm_pack_activations_avx512vnni(int rows, int depth, const float *source, int stride, float zeroPoint,
                                       uint8_t *packed, int32_t rowSumScale, int32_t *rowTerms);
void qgemm_multiply_avx512vnni(int rows, int columns, int depth, const uint8_t *packed, const int8_t *packedWeights,
                               const int32_t *rowTerms, const int32_t *columnTerms, int32_t *output,
                               int outputStride);
void qgemm_requantize_avx512vnni(int rows, int channels, void *values, int floatAccumulators, const int32_t *bias,
                                 int32_t significand, int shift, int32_t zeroPoint, int32_t low, int32_t high);

// `wide`: 16-bit elements (the vpmaddwd kernel's), else bytes (vpdpbusd's).
void qgemm_pack_activations_avx2(int rows, int depth, const float *source, int stride, float zeroPoint, void *packed,
                                 int wide, int32_t rowSumScale, int32_t *rowTerms);
void qgemm_multiply_avx2(int rows, int columns, int depth, const uint16_t *packed, const int16_t *packedWeights,
                         const int32_t *rowTerms, const int32_t *columnTerms, int32_t *output, int outputStride);
void qgemm_multiply_avxvnni(int rows, int columns, int depth, const uint8_t *packed, const int8_t *packedWeights,
                            const int32_t *rowTerms, const int32_t *columnTerms, int32_t *output, int outputStride);
void qgemm_requantize_avx2(int rows, int channels, void *values, int floatAccumulators, const int32_t *bias,
                           int32_t significand, int shift, int32_t zeroPoint, int32_t low, int32_t high);

#endif
#endif
