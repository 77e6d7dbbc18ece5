// Instruction-set selection, weight packing, and dispatch to the AVX-512 and AVX2 variants.
#include "FloatKernels.h"

#include <stdlib.h>
#include <string.h>

#include "Variants.h"

int fk_isa_supported(int isa) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (isa) {
    case FK_ISA_AVX512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case FK_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    default:
        return 0;
    }
#else
    (void)isa;
    return 0;
#endif
}

int fk_selected_isa(void) {
    const char *requested = getenv("SSD_CPU_ISA");
    if (requested && strcmp(requested, "avx2") == 0) {
        return fk_isa_supported(FK_ISA_AVX2) ? FK_ISA_AVX2 : FK_ISA_NONE;
    }
    if (fk_isa_supported(FK_ISA_AVX512)) return FK_ISA_AVX512;
    if (fk_isa_supported(FK_ISA_AVX2)) return FK_ISA_AVX2;
    return FK_ISA_NONE;
}

int fk_panel_width(int isa) { return isa == FK_ISA_AVX512 ? 16 : 8; }

int fk_tile_rows(int isa) { return isa == FK_ISA_AVX512 ? 8 : 6; }

static size_t panels(int isa, int channels) {
    int width = fk_panel_width(isa);
    return (size_t)((channels + width - 1) / width);
}

size_t fk_packed_size(int isa, int channels, int depth) {
    return panels(isa, channels) * ((size_t)depth + 1) * (size_t)fk_panel_width(isa);
}

void fk_pack(int isa, int channels, int depth, const float *weights, const float *bias, float *packed) {
    int width = fk_panel_width(isa);
    memset(packed, 0, fk_packed_size(isa, channels, depth) * sizeof(float));
    for (size_t panel = 0; panel < panels(isa, channels); panel++) {
        float *destination = packed + panel * ((size_t)depth + 1) * width;
        for (int lane = 0; lane < width; lane++) {
            size_t channel = panel * width + lane;
            if (channel >= (size_t)channels) break;
            destination[lane] = bias ? bias[channel] : 0;
            for (int k = 0; k < depth; k++) {
                destination[(size_t)(k + 1) * width + lane] = weights[channel * depth + k];
            }
        }
    }
}

size_t fk_packed_depthwise_size(int isa, int channels, int taps) { return fk_packed_size(isa, channels, taps); }

void fk_pack_depthwise(int isa, int channels, int taps, const float *weights, const float *bias, float *packed) {
    int width = fk_panel_width(isa);
    memset(packed, 0, fk_packed_depthwise_size(isa, channels, taps) * sizeof(float));
    for (size_t panel = 0; panel < panels(isa, channels); panel++) {
        float *destination = packed + panel * ((size_t)taps + 1) * width;
        for (int lane = 0; lane < width; lane++) {
            size_t channel = panel * width + lane;
            if (channel >= (size_t)channels) break;
            destination[lane] = bias ? bias[channel] : 0;
            for (int t = 0; t < taps; t++) {
                destination[(size_t)(t + 1) * width + lane] = weights[(size_t)t * channels + channel];
            }
        }
    }
}

void fk_convolution(int isa, int rows, int channels, int taps, int inputChannels, const float *const *indirection,
                    const float *packed, float low, float high, float *output, int outputStride) {
#if defined(__x86_64__)
    if (isa == FK_ISA_AVX512) {
        fk_convolution_avx512(rows, channels, taps, inputChannels, indirection, packed, low, high, output,
                              outputStride);
        return;
    }
    if (isa == FK_ISA_AVX2) {
        fk_convolution_avx2(rows, channels, taps, inputChannels, indirection, packed, low, high, output,
                            outputStride);
        return;
    }
#endif
    abort();
}

void fk_gemm(int isa, int rows, int channels, int depth, const float *input, int inputStride, const float *packed,
             float low, float high, float *output, int outputStride) {
#if defined(__x86_64__)
    if (isa == FK_ISA_AVX512) {
        fk_gemm_avx512(rows, channels, depth, input, inputStride, packed, low, high, output, outputStride);
        return;
    }
    if (isa == FK_ISA_AVX2) {
        fk_gemm_avx2(rows, channels, depth, input, inputStride, packed, low, high, output, outputStride);
        return;
    }
#endif
    abort();
}

void fk_depthwise(int isa, const fk_depthwise_window *window, const float *input, int firstRow, int rows,
                  const float *packed, float low, float high, float *output) {
#if defined(__x86_64__)
    if (isa == FK_ISA_AVX512) {
        fk_depthwise_avx512(window, input, firstRow, rows, packed, low, high, output);
        return;
    }
    if (isa == FK_ISA_AVX2) {
        fk_depthwise_avx2(window, input, firstRow, rows, packed, low, high, output);
        return;
    }
#endif
    abort();
}
