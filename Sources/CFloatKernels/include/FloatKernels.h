// Float convolution kernels for the CPU backend: an indirect GEMM (IGEMM) for convolutions, the same
// microkernel as a plain GEMM for 1x1 stride-1 convolutions, and a depthwise kernel, each in an AVX-512 and an
// AVX2+FMA variant chosen at run time. Weights are packed once, at planning, into panels of output channels with
// their bias in front; the bias and the activation's clamp are applied as the results are stored.
//
// Written in C because Swift cannot emit AVX-512 intrinsics (nor reliably keep a register tile); kept to plain
// functions on caller-owned memory.
#ifndef SSD_FLOAT_KERNELS_H
#define SSD_FLOAT_KERNELS_H

#include <stddef.h>

/// No kernel of this library runs here (the caller keeps its portable path).
#define FK_ISA_NONE 0
/// AVX2 + FMA: 8-float vectors.
#define FK_ISA_AVX2 1
/// AVX-512 F: 16-float vectors.
#define FK_ISA_AVX512 2

/// Nonzero when this CPU runs `isa`'s kernels.
int fk_isa_supported(int isa);

/// The variant to use: the best this CPU runs, or AVX2 where the environment variable SSD_CPU_ISA is "avx2" (so
/// the AVX2 kernels can be run on an AVX-512 host). FK_ISA_NONE where the CPU has neither.
int fk_selected_isa(void);

/// Output channels per panel of `isa`'s packed weights (its vector width).
int fk_panel_width(int isa);

/// Floats of a packed convolution filter of `channels` outputs and `depth` inputs per output.
size_t fk_packed_size(int isa, int channels, int depth);

/// Packs `weights` ([channels][depth], row-major) and `bias` (`channels` values, or NULL for zeros) into panels
/// of fk_panel_width(isa) channels: each panel its bias, then for every depth its channels' weights, zero-padded.
void fk_pack(int isa, int channels, int depth, const float *weights, const float *bias, float *packed);

/// Floats of a packed depthwise filter of `channels` channels and `taps` taps.
size_t fk_packed_depthwise_size(int isa, int channels, int taps);

/// Packs a depthwise filter (`weights` [taps][channels]) and `bias` (or NULL) into panels as fk_pack does.
void fk_pack_depthwise(int isa, int channels, int taps, const float *weights, const float *bias, float *packed);

/// Output pixels per register tile of `isa`'s convolution kernel.
int fk_tile_rows(int isa);

/// A convolution over an indirection buffer of pointers to `inputChannels` input floats (or to zeros where the
/// window leaves the input): output pixels in tiles of fk_tile_rows(isa), the last padded with repeats; per tile,
/// per tap (in the filter's order), one pointer per pixel of the tile. output[row][c] = clamp(bias[c] + sum over
/// taps and input channels, low, high) for `rows` rows from the buffer's first tile; output rows are
/// `outputStride` floats apart.
void fk_convolution(int isa, int rows, int channels, int taps, int inputChannels, const float *const *indirection,
                    const float *packed, float low, float high, float *output, int outputStride);

/// A GEMM with the same packing and output stage: `rows` input rows of `depth` floats, `inputStride` apart.
void fk_gemm(int isa, int rows, int channels, int depth, const float *input, int inputStride, const float *packed,
             float low, float high, float *output, int outputStride);

/// The window of a depthwise convolution over one NHWC image.
typedef struct {
    int inputHeight, inputWidth, channels;
    int outputHeight, outputWidth;
    int filterHeight, filterWidth;
    int strideHeight, strideWidth, dilationHeight, dilationWidth;
    /// Rows above and columns left of the input that the window treats as zeros.
    int padTop, padLeft;
} fk_depthwise_window;

/// A depthwise convolution (one filter per channel, depth multiplier 1) of output rows [firstRow, firstRow +
/// rows) of one image, read directly from `input`: output[y][x][c] = clamp(bias[c] + sum over the taps inside
/// the input of input * weight, low, high). Weights packed by fk_pack_depthwise.
void fk_depthwise(int isa, const fk_depthwise_window *window, const float *input, int firstRow, int rows,
                  const float *packed, float low, float high, float *output);

#endif
