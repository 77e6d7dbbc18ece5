// An 8-bit integer GEMM for quantized convolutions: uint8 activations times uint8 weights, int32 accumulation,
// results written as float for the requantization that follows. AVX-512 VNNI (vpdpbusd, 64 multiply-accumulates
// per instruction); callers check qgemm_available() and keep their float path otherwise.
//
// Written in C because Swift cannot emit these instructions; kept to plain functions on caller-owned memory.
#ifndef SSD_QUANTIZED_GEMM_H
#define SSD_QUANTIZED_GEMM_H

#include <stddef.h>
#include <stdint.h>

/// Nonzero when this CPU has AVX-512 F, BW and VNNI.
int qgemm_available(void);

/// K rounded up to a multiple of 4 (the depth of one vpdpbusd step).
static inline int qgemm_padded_depth(int depth) { return (depth + 3) & ~3; }

/// Bytes of a packed weight matrix of `columns` outputs and `depth` inputs.
size_t qgemm_packed_weights_size(int columns, int depth);

/// Packs `weights` ([columns][depth] uint8, row-major) as int8 (weight - 128) in the kernel's layout,
/// zero-padded to 16 columns and 4 depths.
void qgemm_pack_weights(int columns, int depth, const uint8_t *weights, int8_t *packed);

/// Converts `rows` rows of float activations (stored as quantized - zeroPoint, `stride` floats apart) to uint8
/// (stored + zeroPoint) in rows of qgemm_padded_depth(depth) bytes, zero-padded, and writes each row's sum of
/// the uint8 values times `rowSumScale` to rowTerms.
void qgemm_pack_activations(int rows, int depth, const float *source, int stride, float zeroPoint,
                            uint8_t *packed, int32_t rowSumScale, int32_t *rowTerms);

/// output[m][n] = sum_k packed[m][k] * (weight[n][k] - 128) + rowTerms[m] + columnTerms[n] (int32),
/// for `rows` rows and `columns` columns; `output` rows are `outputStride` elements apart.
void qgemm_multiply(int rows, int columns, int depth, const uint8_t *packed, const int8_t *packedWeights,
                    const int32_t *rowTerms, const int32_t *columnTerms, int32_t *output, int outputStride);

/// TFLite's requantization of `rows` rows of `channels` accumulators, in place: add bias[channel], multiply by
/// significand * 2^(shift - 31) with its two roundings (MultiplyByQuantizedMultiplier), add the zero point,
/// clamp to [low, high], and store (quantized - zeroPoint) as float. The accumulators are int32, or, with
/// `floatAccumulators`, floats holding exact integers.
void qgemm_requantize(int rows, int channels, void *values, int floatAccumulators, const int32_t *bias,
                      int32_t significand, int shift, int32_t zeroPoint, int32_t low, int32_t high);

#endif
