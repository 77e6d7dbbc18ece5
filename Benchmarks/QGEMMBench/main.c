// qgemm-bench: the 8-bit GEMM (CQuantizedGEMM) on every convolution shape of SSD MobileNet v1 (COCO, quantized),
// each variant this CPU runs: time per call, multiply-adds per second, and the activation packing beside it; then
// the model's depthwise convolutions, each writing the next convolution's packed rows as in the network, and each
// again on three rows' inputs over and over, for what waiting on memory costs it. Random data; the arithmetic is
// checked by QuantizedGEMMTests and OperationParityTests, not here. Each shape runs for 50 ms, so its operands are as
// warm as repetition makes them (in the network they are often not: compare with `ssd-detect bench`).
//
// Each variant's GEMM total is also given as a share of what its multiply instruction alone reaches on this core
// (InstructionRates.h): how far the kernel is from its bound, on whatever CPU it runs.
//
// usage: qgemm-bench   (prints two tables per variant, then one JSON line per variant)
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "InstructionRates.h"
#include "QuantizedDepthwise.h"
#include "QuantizedGEMM.h"

// Output pixels (M), output channels (N) and depth (K = filter height x width x input channels) of the model's 34
// CONV_2D, in order (read from the model with the TFLite interpreter).
static const int shapes[][3] = {
    {22500, 24, 27}, {22500, 48, 24}, {5625, 96, 48}, {5625, 96, 96}, {1444, 192, 96}, {1444, 192, 192},
    {361, 384, 192}, {361, 384, 384}, {361, 384, 384}, {361, 384, 384}, {361, 384, 384}, {361, 384, 384},
    {100, 768, 384}, {100, 768, 768}, {100, 192, 768}, {25, 384, 1728}, {25, 96, 384}, {9, 192, 864},
    {9, 96, 192}, {4, 192, 864}, {4, 48, 192}, {1, 96, 432}, {361, 12, 384}, {361, 273, 384},
    {100, 24, 768}, {100, 546, 768}, {25, 24, 384}, {25, 546, 384}, {9, 24, 192}, {9, 546, 192},
    {4, 24, 192}, {4, 546, 192}, {1, 24, 96}, {1, 546, 96},
};

// The model's 13 DEPTHWISE_CONV_2D (3 x 3, SAME padding): input height = width, channels, stride. SAME pads a
// stride-2 window by (output - 1) * 2 + 3 - input, the smaller half at the top and left.
static const int depthwiseShapes[][3] = {
    {150, 24, 1}, {150, 48, 2}, {75, 96, 1}, {75, 96, 2}, {38, 192, 1}, {38, 192, 2}, {19, 384, 1},
    {19, 384, 1}, {19, 384, 1}, {19, 384, 1}, {19, 384, 1}, {19, 384, 2}, {10, 768, 1},
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static void *buffer(size_t bytes) { return aligned_alloc(64, (bytes + 63) / 64 * 64); }

/// Seconds per image of one depthwise shape, repeated for 50 ms: every output row of the image, or (`hot`) as many
/// rows, but rows 1 to 3 over and over, so that the input rows they read (5 at stride 1, 7 at stride 2) stay in the
/// nearest cache they fit in. Those rows are inside the image, nine taps per pixel, where the whole image's first and
/// last rows have six: the repeated rows do slightly more work (3.5% more for the 19 x 19 layers).
static double time_depthwise(qgemm_isa isa, qgemm_window window, const float *input, const float *filter,
                             const int32_t *bias, uint8_t *rows, size_t rowBytes, int32_t *rowTerms, int hot) {
    const int out = window.outputHeight;
    qgemm_requantization requantization = {1 << 30, -12, 128, 0, 255};
    int runs = 0;
    double start = now();
    while (now() - start < 0.05) {
        for (int i = 0; i < out; i++) {
            int y = hot ? 1 + i % 3 : i;
            qgemm_packed_rows packed = {rows + rowBytes * (size_t)y * out, rowTerms + (size_t)y * out, 128};
            qgemm_depthwise_row_packed(isa, window, input, filter, y, bias, requantization, packed);
        }
        runs++;
    }
    return (now() - start) / runs;
}

/// Times every depthwise shape on `isa` (all output rows of one image per call) and returns the total in seconds.
/// Beside each, as many rows repeated on three rows' inputs (`*hotTotal`, their total): what the layer's waiting on
/// memory beyond those caches costs is about the difference.
static double bench_depthwise(qgemm_isa isa, const char *name, double *hotTotal) {
    printf("%-10s  size  chan  s  depthwise us  Mpixel-channels/s  3 rows repeated us\n", name);
    double total = 0;
    *hotTotal = 0;
    for (size_t s = 0; s < sizeof(depthwiseShapes) / sizeof(depthwiseShapes[0]); s++) {
        int size = depthwiseShapes[s][0], channels = depthwiseShapes[s][1], stride = depthwiseShapes[s][2];
        int out = (size + stride - 1) / stride, pad = (out - 1) * stride + 3 - size;
        qgemm_window window = {size, size, channels, 3, 3, stride, stride, 1, 1, pad / 2, pad / 2, out, out};
        float *input = buffer(sizeof(float) * (size_t)size * size * channels);
        for (size_t i = 0; i < (size_t)size * size * channels; i++) input[i] = (float)(rand() % 256 - 128);
        float *filter = buffer(sizeof(float) * 9 * (size_t)channels);
        for (int i = 0; i < 9 * channels; i++) filter[i] = (float)(rand() % 256 - 128);
        int32_t *bias = buffer(sizeof(int32_t) * (size_t)channels);
        for (int i = 0; i < channels; i++) bias[i] = rand() % 4096 - 2048;
        size_t rowBytes = qgemm_packed_activations_size(isa, 1, channels);
        uint8_t *rows = buffer(rowBytes * (size_t)out * out);
        int32_t *rowTerms = buffer(sizeof(int32_t) * (size_t)out * out);
        double call = time_depthwise(isa, window, input, filter, bias, rows, rowBytes, rowTerms, 0);
        double hot = time_depthwise(isa, window, input, filter, bias, rows, rowBytes, rowTerms, 1);
        printf("%-10s %5d %5d %2d %13.1f %18.0f %19.1f\n", "", size, channels, stride, call * 1e6,
               (double)out * out * channels / call / 1e6, hot * 1e6);
        total += call, *hotTotal += hot;
        free(input), free(filter), free(bias), free(rows), free(rowTerms);
    }
    printf("%s depthwise total: %.3f ms, 3 rows repeated %.3f ms\n", name, total * 1e3, *hotTotal * 1e3);
    return total;
}

int main(void) {
    const qgemm_isa isas[] = {QGEMM_AVX512VNNI, QGEMM_AVXVNNI, QGEMM_AVX512BW, QGEMM_AVX2};
    const char *names[] = {"avx512vnni", "avxvnni", "avx512bw", "avx2"};
    const int count = sizeof(shapes) / sizeof(shapes[0]);
    for (int v = 0; v < 4; v++) {
        qgemm_isa isa = isas[v];
        if (!qgemm_supports(isa)) {
            printf("%s: not supported by this CPU\n", names[v]);
            continue;
        }
        printf("%-10s     M     N     K  GEMM us  pack us  GMAC/s   MMAC\n", names[v]);
        double gemm = 0, pack = 0, macs = 0;
        for (int s = 0; s < count; s++) {
            int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            uint8_t *weights = buffer((size_t)n * k);
            for (size_t i = 0; i < (size_t)n * k; i++) weights[i] = (uint8_t)rand();
            void *packedWeights = buffer(qgemm_packed_weights_size(isa, n, k));
            qgemm_pack_weights(isa, n, k, weights, packedWeights);
            float *activations = buffer(sizeof(float) * (size_t)m * k);
            for (size_t i = 0; i < (size_t)m * k; i++) activations[i] = (float)(rand() % 256 - 128);
            void *packed = buffer(qgemm_packed_activations_size(isa, m, k));
            int32_t *rowTerms = buffer(sizeof(int32_t) * m), *columnTerms = calloc((size_t)n, sizeof(int32_t));
            float *output = buffer(sizeof(float) * (size_t)m * n);
            qgemm_requantization requantization = {1 << 30, -8, 0, 0, 255};
            int runs = 0;
            double packing = 0, start = now();
            while (now() - start < 0.05) {
                double before = now();
                qgemm_pack_activations(isa, m, k, activations, k, 128.f, packed, 128, rowTerms);
                packing += now() - before;
                qgemm_multiply(isa, m, n, k, packed, packedWeights, rowTerms, columnTerms, requantization, output, n);
                runs++;
            }
            double call = (now() - start - packing) / runs, mac = (double)m * n * k;
            printf("%-10s %5d %5d %5d %8.1f %8.1f %7.1f %6.2f\n", "", m, n, k, call * 1e6, packing / runs * 1e6,
                   mac / call / 1e9, mac / 1e6);
            gemm += call, pack += packing / runs, macs += mac;
            free(weights), free(packedWeights), free(activations), free(packed), free(rowTerms), free(columnTerms);
            free(output);
        }
        double bound = instruction_gmacs(isa);
        printf("%s total: GEMM %.2f ms (%.1f GMAC/s over %.0f million multiply-adds), packing %.2f ms\n", names[v],
               gemm * 1e3, macs / gemm / 1e9, macs / 1e6, pack * 1e3);
        printf("%s bound: %s alone %.1f GMAC/s, so at least %.2f ms for these multiply-adds; the GEMM ran at %.0f%% "
               "of it\n",
               names[v], instruction_name(isa), bound, macs / bound / 1e6, macs / gemm / 1e9 / bound * 100);
        double hot, depthwise = bench_depthwise(isa, names[v], &hot);
        printf("{\"isa\":\"%s\",\"gemm_ms\":%.3f,\"packing_ms\":%.3f,\"gmac_per_s\":%.1f,"
               "\"instruction_gmac_per_s\":%.1f,\"depthwise_ms\":%.3f,\"depthwise_3_rows_repeated_ms\":%.3f}\n",
               names[v], gemm * 1e3, pack * 1e3, macs / gemm / 1e9, bound, depthwise * 1e3, hot * 1e3);
    }
    return 0;
}
