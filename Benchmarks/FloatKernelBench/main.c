// float-kernel-bench: CFloatKernels against im2col + OpenBLAS SGEMM on every convolution of UltraFace RFB-320
// (its shapes, random data), each variant this CPU runs; each result checked against a plain double loop. Best
// of 200 runs per layer, so a layer's operands are as warm as repetition makes them.
//
// usage: float-kernel-bench   (OPENBLAS_CORETYPE=SkylakeX to give OpenBLAS its AVX-512 kernels)
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "FloatKernels.h"

typedef struct {
    int height, width, inputChannels, outputChannels, filter, stride, pad, dilation, groups;
} Layer;

// From the ONNX file (input NCHW 1x3x240x320), in order.
static const Layer layers[] = {{240,320,3,16,3,2,1,1,1}, {120,160,16,16,3,1,1,1,16}, {120,160,16,32,1,1,0,1,1}, {120,160,32,32,3,2,1,1,32}, {60,80,32,32,1,1,0,1,1}, {60,80,32,32,3,1,1,1,32}, {60,80,32,32,1,1,0,1,1}, {60,80,32,32,3,2,1,1,32}, {30,40,32,64,1,1,0,1,1}, {30,40,64,64,3,1,1,1,64}, {30,40,64,64,1,1,0,1,1}, {30,40,64,64,3,1,1,1,64}, {30,40,64,64,1,1,0,1,1}, {30,40,64,8,1,1,0,1,1}, {30,40,8,16,3,1,1,1,1}, {30,40,16,16,3,1,2,2,1}, {30,40,64,8,1,1,0,1,1}, {30,40,8,16,3,1,1,1,1}, {30,40,16,16,3,1,3,3,1}, {30,40,64,8,1,1,0,1,1}, {30,40,8,12,3,1,1,1,1}, {30,40,12,16,3,1,1,1,1}, {30,40,16,16,3,1,5,5,1}, {30,40,48,64,1,1,0,1,1}, {30,40,64,64,1,1,0,1,1}, {30,40,64,64,3,1,1,1,64}, {30,40,64,6,1,1,0,1,1}, {30,40,64,64,3,1,1,1,64}, {30,40,64,12,1,1,0,1,1}, {30,40,64,64,3,2,1,1,64}, {15,20,64,128,1,1,0,1,1}, {15,20,128,128,3,1,1,1,128}, {15,20,128,128,1,1,0,1,1}, {15,20,128,128,3,1,1,1,128}, {15,20,128,128,1,1,0,1,1}, {15,20,128,128,3,1,1,1,128}, {15,20,128,4,1,1,0,1,1}, {15,20,128,128,3,1,1,1,128}, {15,20,128,8,1,1,0,1,1}, {15,20,128,128,3,2,1,1,128}, {8,10,128,256,1,1,0,1,1}, {8,10,256,256,3,1,1,1,256}, {8,10,256,256,1,1,0,1,1}, {8,10,256,256,3,1,1,1,256}, {8,10,256,4,1,1,0,1,1}, {8,10,256,256,3,1,1,1,256}, {8,10,256,8,1,1,0,1,1}, {8,10,256,64,1,1,0,1,1}, {8,10,64,64,3,2,1,1,64}, {4,5,64,256,1,1,0,1,1}, {4,5,256,6,3,1,1,1,1}, {4,5,256,12,3,1,1,1,1}, };

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *floats(size_t count) {
    float *p = aligned_alloc(64, (count * sizeof(float) + 127) / 64 * 64);
    for (size_t i = 0; i < count; i++) p[i] = (float)rand() / (float)RAND_MAX - 0.5f;
    return p;
}

// Times one layer on one variant: the kernel's and OpenBLAS's best seconds, and the kernel's largest relative error.
static void layer(int isa, const Layer *l, double *ours, double *blas, double *error) {
    int oh = (l->height + 2 * l->pad - (l->filter - 1) * l->dilation - 1) / l->stride + 1;
    int ow = (l->width + 2 * l->pad - (l->filter - 1) * l->dilation - 1) / l->stride + 1;
    int pixels = oh * ow, taps = l->filter * l->filter, channels = l->outputChannels;
    int depthwise = l->groups > 1, depth = depthwise ? taps : taps * l->inputChannels;
    float *input = floats((size_t)l->height * l->width * l->inputChannels), *weights = floats((size_t)channels * depth);
    float *bias = floats(channels), *output = floats((size_t)pixels * channels);
    float *zeros = calloc(l->inputChannels + 16, sizeof(float));
    // Per pixel and tap, the input pixel (or zeros): the reference's view, and the kernel's tiled buffer.
    int tile = fk_tile_rows(isa), padded = (pixels + tile - 1) / tile * tile;
    const float **pixelTaps = malloc(sizeof(float *) * (size_t)pixels * taps);
    const float **indirection = malloc(sizeof(float *) * (size_t)padded * taps);
    for (int slot = 0; slot < padded; slot++) {
        int pixel = slot < pixels ? slot : pixels - 1, y = pixel / ow, x = pixel % ow;
        for (int t = 0; t < taps; t++) {
            int iy = y * l->stride - l->pad + t / l->filter * l->dilation;
            int ix = x * l->stride - l->pad + t % l->filter * l->dilation;
            const float *p = iy >= 0 && iy < l->height && ix >= 0 && ix < l->width
                                 ? input + ((size_t)iy * l->width + ix) * l->inputChannels
                                 : zeros;
            indirection[((size_t)slot / tile * taps + t) * tile + slot % tile] = p;
            if (slot < pixels) pixelTaps[(size_t)pixel * taps + t] = p;
        }
    }
    float *packed = aligned_alloc(64, (fk_packed_size(isa, channels, depth) * sizeof(float) + 63) / 64 * 64);
    if (depthwise) {
        // Depthwise weights as [taps][channels].
        fk_pack_depthwise(isa, channels, taps, weights, bias, packed);
    } else {
        fk_pack(isa, channels, depth, weights, bias, packed);
    }
    fk_depthwise_window window = {l->height, l->width, channels, oh, ow, l->filter, l->filter, l->stride, l->stride,
                                  l->dilation, l->dilation, l->pad, l->pad};
    int gemm = !depthwise && l->filter == 1 && l->stride == 1 && l->pad == 0;
    *ours = 1e9;
    for (int run = 0; run < 200; run++) {
        double start = now();
        if (depthwise) {
            fk_depthwise(isa, &window, input, 0, oh, packed, -INFINITY, INFINITY, output);
        } else if (gemm) {
            fk_gemm(isa, pixels, channels, l->inputChannels, input, l->inputChannels, packed, -INFINITY, INFINITY,
                    output, channels);
        } else {
            fk_convolution(isa, pixels, channels, taps, l->inputChannels, indirection, packed, -INFINITY, INFINITY,
                           output, channels);
        }
        double time = now() - start;
        if (time < *ours) *ours = time;
    }
    *error = 0;
    for (int m = 0; m < pixels; m++) {
        for (int c = 0; c < channels; c++) {
            double sum = bias[c];
            for (int t = 0; t < taps; t++) {
                if (depthwise) {
                    sum += (double)pixelTaps[(size_t)m * taps + t][c] * weights[(size_t)t * channels + c];
                } else {
                    for (int i = 0; i < l->inputChannels; i++) {
                        sum += (double)pixelTaps[(size_t)m * taps + t][i] * weights[(size_t)c * depth + t * l->inputChannels + i];
                    }
                }
            }
            double e = fabs(sum - output[(size_t)m * channels + c]) / fmax(1, fabs(sum));
            if (e > *error) *error = e;
        }
    }
    // OpenBLAS: the patches gathered (im2col) unless the input is the patch matrix, then one SGEMM.
    *blas = NAN;
    if (!depthwise) {
        float *patches = gemm ? NULL : malloc(sizeof(float) * (size_t)pixels * depth);
        *blas = 1e9;
        for (int run = 0; run < 200; run++) {
            double start = now();
            const float *a = input;
            if (!gemm) {
                for (int m = 0; m < pixels; m++) {
                    for (int t = 0; t < taps; t++) {
                        memcpy(patches + (size_t)m * depth + t * l->inputChannels, pixelTaps[(size_t)m * taps + t],
                               sizeof(float) * l->inputChannels);
                    }
                }
                a = patches;
            }
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, pixels, channels, depth, 1, a, depth, weights,
                        depth, 0, output, channels);
            double time = now() - start;
            if (time < *blas) *blas = time;
        }
        free(patches);
    }
    free(input), free(weights), free(bias), free(output), free(zeros), free(pixelTaps), free(indirection), free(packed);
}

int main(void) {
    openblas_set_num_threads(1);
    const char *names[] = {"none", "avx2", "avx512"};
    for (int isa = FK_ISA_AVX512; isa >= FK_ISA_AVX2; isa--) {
        if (!fk_isa_supported(isa)) {
            printf("%s: not supported by this CPU\n", names[isa]);
            continue;
        }
        double total[3] = {0}, blasTotal = 0, worst = 0;
        printf("%s                                   ours ms  GFLOP/s  OpenBLAS ms\n", names[isa]);
        for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
            const Layer *l = &layers[i];
            double ours, blas, error;
            layer(isa, l, &ours, &blas, &error);
            int oh = (l->height + 2 * l->pad - (l->filter - 1) * l->dilation - 1) / l->stride + 1;
            int ow = (l->width + 2 * l->pad - (l->filter - 1) * l->dilation - 1) / l->stride + 1;
            double flops = 2.0 * oh * ow * l->outputChannels * l->filter * l->filter *
                           (l->groups > 1 ? 1 : l->inputChannels);
            int kind = l->groups > 1 ? 2 : (l->filter == 1 && l->stride == 1 ? 1 : 0);
            total[kind] += ours;
            if (!isnan(blas)) blasTotal += blas;
            if (error > worst) worst = error;
            printf("%3dx%3dx%3d -> %3d k%d s%d d%d %-5s %8.4f %8.0f %11.4f\n", l->height, l->width,
                   l->inputChannels, l->outputChannels, l->filter, l->stride, l->dilation,
                   kind == 2 ? "dw" : kind == 1 ? "gemm" : "conv", ours * 1e3, flops / ours * 1e-9, blas * 1e3);
        }
        printf("%s total %.3f ms (convolutions %.3f, 1x1 GEMMs %.3f, depthwise %.3f); OpenBLAS on the non-depthwise "
               "layers %.3f ms; largest relative error %.1e\n\n",
               names[isa], (total[0] + total[1] + total[2]) * 1e3, total[0] * 1e3, total[1] * 1e3, total[2] * 1e3,
               blasTotal * 1e3, worst);
    }
    return 0;
}
