// An 8-bit integer GEMM for quantized convolutions: uint8 activations times uint8 weights, int32 accumulation, and
// TFLite's requantization of the accumulators. One kernel per x86-64 instruction set (qgemm_isa), all computing the
// same integers: AVX-512 VNNI and AVX-VNNI (vpdpbusd, 512 and 256 bits), AVX-512BW and AVX2 (vpmaddwd, 512 and 256
// bits). Callers pick one the CPU has (qgemm_supports) and keep their float path otherwise.
//
// Written in C because Swift cannot emit these instructions; kept to plain functions on caller-owned memory.
#ifndef SSD_QUANTIZED_GEMM_H
#define SSD_QUANTIZED_GEMM_H

#include <stddef.h>
#include <stdint.h>

/// The instruction set a kernel is written for.
typedef enum qgemm_isa {
    /// AVX2: 16-bit products summed in pairs (vpmaddwd), 16 multiply-accumulates per instruction.
    QGEMM_AVX2 = 1,
    /// AVX-VNNI: vpdpbusd on 256-bit registers, 32 multiply-accumulates per instruction.
    QGEMM_AVXVNNI = 2,
    /// AVX-512 VNNI: vpdpbusd on 512-bit registers, 64 multiply-accumulates per instruction.
    QGEMM_AVX512VNNI = 3,
    /// AVX-512 without VNNI (AVX512BW): AVX2's vpmaddwd on 512-bit registers, 32 multiply-accumulates per
    /// instruction, on the AVX2 variant's 16-bit layouts (with AVX-512 VNNI's packing and depthwise kernels).
    QGEMM_AVX512BW = 4,
} qgemm_isa;

/// Nonzero for the variants whose packed rows and weights are 16-bit values (vpmaddwd's): AVX2 and AVX-512BW.
static inline int qgemm_has_wide_rows(qgemm_isa isa) { return isa == QGEMM_AVX2 || isa == QGEMM_AVX512BW; }

/// Nonzero for the 512-bit variants, AVX-512 VNNI and AVX-512BW: their tiles are Tile512.h's, and their packing,
/// requantization and depthwise kernels AVX512.c's.
static inline int qgemm_is_avx512(qgemm_isa isa) { return isa == QGEMM_AVX512VNNI || isa == QGEMM_AVX512BW; }

/// Rows of one register tile of the 256-bit kernels (Tile256.h) and of the 512-bit ones (Tile512.h).
#define QGEMM_TILE256_ROWS 6
#define QGEMM_TILE512_ROWS 8

/// Output rows and columns of one register tile of `isa`'s GEMM (one or two 16-column blocks): a range of rows or
/// columns that starts and ends on whole tiles leaves no tile partly empty.
static inline int qgemm_tile_rows(qgemm_isa isa) {
    return qgemm_is_avx512(isa) ? QGEMM_TILE512_ROWS : QGEMM_TILE256_ROWS;
}
static inline int qgemm_tile_columns(qgemm_isa isa) {
    return qgemm_is_avx512(isa) ? 32 : 16;
}

/// Nonzero when this CPU (and its OS) runs `isa`'s kernels.
int qgemm_supports(qgemm_isa isa);

/// K rounded up to a multiple of 4 (the depth of one vpdpbusd step, two vpmaddwd steps).
static inline int qgemm_padded_depth(int depth) { return (depth + 3) & ~3; }

/// Bytes of a packed weight matrix of `columns` outputs and `depth` inputs. For a multiple of 16 columns, also the
/// offset of column `columns` in a wider matrix of that depth: blocks of 16 columns lie one after another.
size_t qgemm_packed_weights_size(qgemm_isa isa, int columns, int depth);

/// Packs `weights` ([columns][depth] uint8, row-major) as (weight - 128) in the kernel's layout, zero-padded to 16
/// columns and 4 depths.
void qgemm_pack_weights(qgemm_isa isa, int columns, int depth, const uint8_t *weights, void *packed);

/// Bytes of `rows` packed activation rows of `depth` inputs, and so the offset of row `rows`.
size_t qgemm_packed_activations_size(qgemm_isa isa, int rows, int depth);

/// Converts `rows` rows of float activations (stored as quantized - zeroPoint, `stride` floats apart) to the
/// unsigned quantized values (stored + zeroPoint) in the kernel's rows of qgemm_padded_depth(depth) elements,
/// zero-padded, and writes each row's sum of those values times `rowSumScale` to rowTerms.
void qgemm_pack_activations(qgemm_isa isa, int rows, int depth, const float *source, int stride, float zeroPoint,
                            void *packed, int32_t rowSumScale, int32_t *rowTerms);

/// A convolution's window over one image of its input ([height][width][channels]) and its output size.
typedef struct qgemm_window {
    int height, width, channels;
    int filterHeight, filterWidth;
    int strideY, strideX, dilationY, dilationX;
    int padTop, padLeft;
    int outputHeight, outputWidth;
} qgemm_window;

/// qgemm_pack_activations for a convolution whose patches are not its input as it lies: gathers the patches of
/// output pixels [first, first + rows) of `input` (batches of images, stored values) straight into packed rows
/// of filterHeight * filterWidth * channels, the zero point where the window leaves the image (im2col without a
/// float copy).
void qgemm_pack_patches(qgemm_isa isa, qgemm_window window, int first, int rows, const float *input,
                        float zeroPoint, void *packed, int32_t rowSumScale, int32_t *rowTerms);

/// The deepest window qgemm_pack_patches_u8 takes (filterHeight * filterWidth * channels). A first layer's is tens
/// to hundreds (7 x 7 x 3 is 147); deeper ones gather from stored floats.
#define QGEMM_BYTE_PATCH_DEPTH_BOUND 4096

/// qgemm_pack_patches from the caller's uint8 input (its quantized bytes, batches of images) instead of stored
/// floats: a packed value is the byte itself, and `zeroPoint` (0...255) where the window leaves the image. The
/// window's depth is at most QGEMM_BYTE_PATCH_DEPTH_BOUND.
void qgemm_pack_patches_u8(qgemm_isa isa, qgemm_window window, int first, int rows, const uint8_t *input,
                           int zeroPoint, void *packed, int32_t rowSumScale, int32_t *rowTerms);

/// TFLite's requantization of a convolution's int32 accumulators (bias included): multiply by
/// significand * 2^(shift - 31) with its two roundings (MultiplyByQuantizedMultiplier), add the zero point, clamp to
/// [low, high]. The result is stored as a float holding (quantized - zeroPoint), the CPU backend's stored value.
typedef struct qgemm_requantization {
    int32_t significand;
    int shift;
    int32_t zeroPoint;
    int32_t low;
    int32_t high;
} qgemm_requantization;

/// output[m][n] = requantized(sum_k activation[m][k] * (weight[n][k] - 128) + rowTerms[m] + columnTerms[n]), for
/// `rows` rows and `columns` columns, each tile requantized while in registers; `output` rows are `outputStride`
/// elements apart. The column terms carry the bias.
void qgemm_multiply(qgemm_isa isa, int rows, int columns, int depth, const void *packed, const void *packedWeights,
                    const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                    float *output, int outputStride);

/// Requantizes, in place, `rows` rows of `channels` float accumulators holding exact integers (the depthwise
/// convolution's), adding bias[channel] first.
void qgemm_requantize(qgemm_isa isa, int rows, int channels, float *values, const int32_t *bias,
                      qgemm_requantization requantization);

#endif
