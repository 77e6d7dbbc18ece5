// Which kernel runs (the caller passes the instruction set it resolved once), and the plain-C weight packing.
#include "Kernels.h"

#include <string.h>

#if defined(__x86_64__)

int qgemm_supports(qgemm_isa isa) {
    __builtin_cpu_init();
    switch (isa) {
    case QGEMM_AVX2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case QGEMM_AVXVNNI:
        // Its depthwise kernel is the AVX2 one, built for avx2 and fma.
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("avxvnni");
    case QGEMM_AVX512VNNI:
        // Its first layer's byte patches are built for avx2 (BytePatches.c).
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni") &&
               __builtin_cpu_supports("avx2");
    case QGEMM_AVX512BW:
        // Its first layer's byte patches are built for avx2 (BytePatches.c).
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2");
    }
    return 0;
}

size_t qgemm_packed_weights_size_vnni(int columns, int depth) {
    return (size_t)((columns + 15) / 16) * 16 * (size_t)qgemm_padded_depth(depth);
}

void qgemm_pack_weights_vnni(int columns, int depth, const uint8_t *weights, int8_t *packed) {
    int padded = qgemm_padded_depth(depth);
    memset(packed, 0, qgemm_packed_weights_size_vnni(columns, depth));
    for (int column = 0; column < columns; column++) {
        int block = column / 16, c = column % 16;
        for (int k = 0; k < depth; k++) {
            int8_t value = (int8_t)((int)weights[(size_t)column * depth + k] - 128);
            packed[((size_t)block * (padded / 4) + k / 4) * 64 + c * 4 + k % 4] = value;
        }
    }
}

size_t qgemm_packed_weights_size_avx2(int columns, int depth) {
    return 2 * qgemm_packed_weights_size_vnni(columns, depth);
}

void qgemm_pack_weights_avx2(int columns, int depth, const uint8_t *weights, int16_t *packed) {
    int padded = qgemm_padded_depth(depth);
    memset(packed, 0, qgemm_packed_weights_size_avx2(columns, depth));
    for (int column = 0; column < columns; column++) {
        int block = column / 16, c = column % 16;
        for (int k = 0; k < depth; k++) {
            int16_t value = (int16_t)((int)weights[(size_t)column * depth + k] - 128);
            packed[((size_t)block * (padded / 2) + k / 2) * 32 + c * 2 + k % 2] = value;
        }
    }
}

size_t qgemm_packed_weights_size(qgemm_isa isa, int columns, int depth) {
    return qgemm_has_wide_rows(isa) ? qgemm_packed_weights_size_avx2(columns, depth)
                                    : qgemm_packed_weights_size_vnni(columns, depth);
}

void qgemm_pack_weights(qgemm_isa isa, int columns, int depth, const uint8_t *weights, void *packed) {
    if (qgemm_has_wide_rows(isa))
        qgemm_pack_weights_avx2(columns, depth, weights, packed);
    else
        qgemm_pack_weights_vnni(columns, depth, weights, packed);
}

size_t qgemm_packed_activations_size(qgemm_isa isa, int rows, int depth) {
    return (size_t)rows * (size_t)qgemm_padded_depth(depth) * (qgemm_has_wide_rows(isa) ? 2 : 1);
}

void qgemm_pack_activations(qgemm_isa isa, int rows, int depth, const float *source, int stride, float zeroPoint,
                            void *packed, int32_t rowSumScale, int32_t *rowTerms) {
    if (qgemm_is_avx512(isa))
        qgemm_pack_activations_avx512(rows, depth, source, stride, zeroPoint, packed, qgemm_has_wide_rows(isa),
                                      rowSumScale, rowTerms);
    else
        qgemm_pack_activations_avx2(rows, depth, source, stride, zeroPoint, packed, qgemm_has_wide_rows(isa),
                                    rowSumScale, rowTerms);
}

void qgemm_pack_patches(qgemm_isa isa, qgemm_window window, int first, int rows, const float *input,
                        float zeroPoint, void *packed, int32_t rowSumScale, int32_t *rowTerms) {
    if (qgemm_is_avx512(isa))
        qgemm_pack_patches_avx512(window, first, rows, input, zeroPoint, packed, qgemm_has_wide_rows(isa),
                                  rowSumScale, rowTerms);
    else
        qgemm_pack_patches_avx2(window, first, rows, input, zeroPoint, packed, qgemm_has_wide_rows(isa), rowSumScale,
                                rowTerms);
}

void qgemm_multiply(qgemm_isa isa, int rows, int columns, int depth, const void *packed, const void *packedWeights,
                    const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                    float *output, int outputStride) {
    switch (isa) {
    case QGEMM_AVX2:
        qgemm_multiply_avx2(rows, columns, depth, packed, packedWeights, rowTerms, columnTerms, requantization, output,
                            outputStride);
        break;
    case QGEMM_AVXVNNI:
        qgemm_multiply_avxvnni(rows, columns, depth, packed, packedWeights, rowTerms, columnTerms, requantization,
                               output, outputStride);
        break;
    case QGEMM_AVX512VNNI:
        qgemm_multiply_avx512vnni(rows, columns, depth, packed, packedWeights, rowTerms, columnTerms, requantization,
                                  output, outputStride);
        break;
    case QGEMM_AVX512BW:
        qgemm_multiply_avx512bw(rows, columns, depth, packed, packedWeights, rowTerms, columnTerms, requantization,
                                output, outputStride);
        break;
    }
}

void qgemm_requantize(qgemm_isa isa, int rows, int channels, float *values, const int32_t *bias,
                      qgemm_requantization requantization) {
    if (qgemm_is_avx512(isa))
        qgemm_requantize_avx512(rows, channels, values, bias, requantization);
    else
        qgemm_requantize_avx2(rows, channels, values, bias, requantization);
}

void qgemm_depthwise_row(qgemm_isa isa, qgemm_window shape, const float *input, const float *filter,
                         int y, const int32_t *bias, qgemm_requantization requantization, float *output) {
    if (qgemm_is_avx512(isa))
        qgemm_depthwise_row_avx512(shape, input, filter, y, bias, requantization, output);
    else
        qgemm_depthwise_row_avx2(shape, input, filter, y, bias, requantization, output);
}

void qgemm_depthwise_row_packed(qgemm_isa isa, qgemm_window shape, const float *input, const float *filter,
                                int y, const int32_t *bias, qgemm_requantization requantization,
                                qgemm_packed_rows output) {
    if (qgemm_is_avx512(isa))
        qgemm_depthwise_row_packed_avx512(shape, input, filter, y, bias, requantization, output,
                                          qgemm_has_wide_rows(isa));
    else
        qgemm_depthwise_row_packed_avx2(shape, input, filter, y, bias, requantization, output,
                                        qgemm_has_wide_rows(isa));
}

#else  // Other architectures: no kernel; callers use their float path.

int qgemm_supports(qgemm_isa isa) { return 0; }
size_t qgemm_packed_weights_size(qgemm_isa isa, int columns, int depth) { return 0; }
void qgemm_pack_weights(qgemm_isa isa, int columns, int depth, const uint8_t *weights, void *packed) {}
size_t qgemm_packed_activations_size(qgemm_isa isa, int rows, int depth) { return 0; }
void qgemm_pack_activations(qgemm_isa isa, int rows, int depth, const float *source, int stride, float zeroPoint,
                            void *packed, int32_t rowSumScale, int32_t *rowTerms) {}
void qgemm_pack_patches(qgemm_isa isa, qgemm_window window, int first, int rows, const float *input,
                        float zeroPoint, void *packed, int32_t rowSumScale, int32_t *rowTerms) {}
void qgemm_pack_patches_u8(qgemm_isa isa, qgemm_window window, int first, int rows, const uint8_t *input,
                           int zeroPoint, void *packed, int32_t rowSumScale, int32_t *rowTerms) {}
void qgemm_multiply(qgemm_isa isa, int rows, int columns, int depth, const void *packed, const void *packedWeights,
                    const int32_t *rowTerms, const int32_t *columnTerms, qgemm_requantization requantization,
                    float *output, int outputStride) {}
void qgemm_requantize(qgemm_isa isa, int rows, int channels, float *values, const int32_t *bias,
                      qgemm_requantization requantization) {}
void qgemm_depthwise_row(qgemm_isa isa, qgemm_window shape, const float *input, const float *filter,
                         int y, const int32_t *bias, qgemm_requantization requantization, float *output) {}
void qgemm_depthwise_row_packed(qgemm_isa isa, qgemm_window shape, const float *input, const float *filter,
                                int y, const int32_t *bias, qgemm_requantization requantization,
                                qgemm_packed_rows output) {}

#endif
