// The per-instruction-set entry points FloatKernels.c dispatches to (private: not under include/).
#ifndef SSD_FLOAT_KERNEL_VARIANTS_H
#define SSD_FLOAT_KERNEL_VARIANTS_H

#include "FloatKernels.h"

#if defined(__x86_64__)
#define FK_DECLARE_VARIANT(suffix)                                                                                 \
    void fk_convolution_##suffix(int rows, int channels, int taps, int inputChannels,                              \
                                 const float *const *indirection, const float *packed, float low, float high,      \
                                 float *output, int outputStride);                                                 \
    void fk_gemm_##suffix(int rows, int channels, int depth, const float *input, int inputStride,                 \
                          const float *packed, float low, float high, float *output, int outputStride);            \
    void fk_depthwise_##suffix(const fk_depthwise_window *window, const float *input, int firstRow, int rows,      \
                               const float *packed, float low, float high, float *output);

FK_DECLARE_VARIANT(avx512)
FK_DECLARE_VARIANT(avx2)
#endif

#endif
