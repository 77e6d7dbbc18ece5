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

#endif
