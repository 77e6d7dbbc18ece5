// The depthwise convolution of quantized models (depth multiplier 1), one output row per call, with TFLite's
// requantization fused: AVX-512 for the AVX-512 VNNI variant, AVX2 for the others. Inputs and filters are the CPU
// backend's stored values (quantized - zero point, as floats); every product and partial sum is an integer below
// 2^24 in magnitude (|stored| <= 255, at most 256 taps), so float multiply-adds compute TFLite's int32
// accumulators exactly, and only the requantization rounds, in integers.
#ifndef SSD_QUANTIZED_DEPTHWISE_H
#define SSD_QUANTIZED_DEPTHWISE_H

#include "QuantizedGEMM.h"

/// Output row `y` of one image, for windows of at most 256 taps: `input` is the image, `filter`
/// [filterHeight][filterWidth][channels] stored values, `output` the row's outputWidth x channels stored values,
/// requantized with bias[channel] added first. `shape.outputHeight` is not read.
void qgemm_depthwise_row(qgemm_isa isa, qgemm_window shape, const float *input, const float *filter,
                         int y, const int32_t *bias, qgemm_requantization requantization, float *output);

/// Where qgemm_depthwise_row_packed puts a row: the packed activation rows of a pointwise convolution that reads
/// the depthwise output alone, as qgemm_pack_activations would write them from the stored row.
typedef struct qgemm_packed_rows {
    /// The packed row of the output row's first pixel; the others follow, qgemm_packed_activations_size(isa, 1,
    /// channels) bytes apart.
    void *rows;
    /// That pixel's row term; the others follow.
    int32_t *rowTerms;
    /// The convolution's factor of a row's sum of unsigned values.
    int32_t rowSumScale;
} qgemm_packed_rows;

/// qgemm_depthwise_row, its outputs written as `isa`'s packed rows of `shape.channels` unsigned values (quantized,
/// the zero point of `requantization` included) with their row terms, not as stored floats: the pass that would
/// convert the stored row, and the float row itself, are saved.
void qgemm_depthwise_row_packed(qgemm_isa isa, qgemm_window shape, const float *input, const float *filter,
                                int y, const int32_t *bias, qgemm_requantization requantization,
                                qgemm_packed_rows output);

#endif
