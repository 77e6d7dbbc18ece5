// The AVX-512 kernels around both 512-bit GEMMs (AVX-512 VNNI's and AVX-512BW's): the activation packing,
// requantization and depthwise convolution on 16 lanes with masks. Their packed rows are bytes for vpdpbusd, or
// 16-bit values with `wide` for vpmaddwd. Built for AVX-512F, BW and VL alone, so that CPUs without VNNI (Skylake-SP)
// run them too: on the AVX2 kernels there, the depthwise layers had taken 1.40x their time here (Zen 5, `bench
// --kernels`).
#include "Kernels.h"

#if defined(__x86_64__)
#include "Tile512.h"

#define AVX512 TILE512
#define AVX512_INLINE TILE512_INLINE

/// Stores 16 unsigned values (0...255 in int32 lanes), those of `lanes`, at element `offset` of a packed row:
/// 16-bit with `wide`, else bytes.
AVX512_INLINE static inline void store_packed16(void *row, size_t offset, int wide, __mmask16 lanes,
                                                __m512i values) {
    if (wide)
        _mm256_mask_storeu_epi16((uint16_t *)row + offset, lanes, _mm512_cvtusepi32_epi16(values));
    else
        _mm_mask_storeu_epi8((uint8_t *)row + offset, lanes, _mm512_cvtusepi32_epi8(values));
}

/// Converts `count` stored values to unsigned values (stored + zero point) at `destination` (16-bit with `wide`,
/// else bytes), adding them to the lanes of `sum` (reduced once per row: a reduction per segment cost more than the
/// conversion of a 3-channel image's taps).
AVX512_INLINE static inline __m512i convert_segment(const float *source, int count, __m512 offset,
                                                    void *destination, int wide, __m512i sum) {
    for (int k = 0; k < count; k += 16) {
        __mmask16 lanes = count - k >= 16 ? 0xFFFF : (__mmask16)((1u << (count - k)) - 1);
        __m512 stored = _mm512_maskz_loadu_ps(lanes, source + k);
        __m512i values = _mm512_maskz_cvtps_epi32(lanes, _mm512_add_ps(stored, offset));
        sum = _mm512_add_epi32(sum, values);
        store_packed16(destination, (size_t)k, wide, lanes, values);
    }
    return sum;
}

AVX512 void qgemm_pack_activations_avx512(int rows, int depth, const float *source, int stride, float zeroPoint,
                                          void *packed, int wide, int32_t rowSumScale, int32_t *rowTerms) {
    const int padded = qgemm_padded_depth(depth), size = wide ? 2 : 1;
    const __m512 offset = _mm512_set1_ps(zeroPoint);
    for (int m = 0; m < rows; m++) {
        uint8_t *destination = (uint8_t *)packed + (size_t)m * padded * size;
        __m512i sum = convert_segment(source + (size_t)m * stride, depth, offset, destination, wide,
                                      _mm512_setzero_si512());
        qgemm_fill_values(destination + (size_t)depth * size, padded - depth, 0, wide);
        rowTerms[m] = _mm512_reduce_add_epi32(sum) * rowSumScale;
    }
}

AVX512 void qgemm_pack_patches_avx512(qgemm_window window, int first, int rows, const float *input, float zeroPoint,
                                      void *packed, int wide, int32_t rowSumScale, int32_t *rowTerms) {
    const int channels = window.channels, depth = window.filterHeight * window.filterWidth * channels;
    const int padded = qgemm_padded_depth(depth), image = window.height * window.width * channels;
    const int size = wide ? 2 : 1;
    const __m512 offset = _mm512_set1_ps(zeroPoint);
    for (int m = 0; m < rows; m++) {
        int pixel = first + m;
        int x = pixel % window.outputWidth, y = pixel / window.outputWidth % window.outputHeight;
        const float *source = input + (size_t)(pixel / (window.outputWidth * window.outputHeight)) * image;
        uint8_t *destination = (uint8_t *)packed + (size_t)m * padded * size;
        int32_t total = 0;
        __m512i sum = _mm512_setzero_si512();
        const int left = x * window.strideX - window.padLeft;
        for (int ky = 0; ky < window.filterHeight; ky++) {
            int iy = y * window.strideY - window.padTop + ky * window.dilationY;
            // A window row wholly inside the image, undilated, lies contiguous: one segment (27 values of a 3x3 RGB
            // window in 3, not 9 of 3).
            if (window.dilationX == 1 && iy >= 0 && iy < window.height && left >= 0 &&
                left + window.filterWidth <= window.width) {
                int length = window.filterWidth * channels;
                sum = convert_segment(source + (size_t)(iy * window.width + left) * channels, length, offset,
                                      destination, wide, sum);
                destination += (size_t)length * size;
                continue;
            }
            for (int kx = 0; kx < window.filterWidth; kx++, destination += (size_t)channels * size) {
                int ix = left + kx * window.dilationX;
                if (iy < 0 || iy >= window.height || ix < 0 || ix >= window.width) {
                    qgemm_fill_values(destination, channels, (int)zeroPoint, wide);
                    total += (int32_t)zeroPoint * channels;
                } else {
                    sum = convert_segment(source + (size_t)(iy * window.width + ix) * channels, channels, offset,
                                          destination, wide, sum);
                }
            }
        }
        qgemm_fill_values(destination, padded - depth, 0, wide);
        rowTerms[m] = (total + _mm512_reduce_add_epi32(sum)) * rowSumScale;
    }
}

AVX512 void qgemm_requantize_avx512(int rows, int channels, float *values, const int32_t *bias,
                                    qgemm_requantization requantization) {
    const requantization512 constants = requantization512_make(requantization);
    for (int r = 0; r < rows; r++) {
        float *line = values + (size_t)r * channels;
        for (int c = 0; c < channels; c += 16) {
            __mmask16 lanes = channels - c >= 16 ? 0xFFFF : (__mmask16)((1u << (channels - c)) - 1);
            __m512i x = _mm512_cvtps_epi32(_mm512_maskz_loadu_ps(lanes, line + c));
            x = _mm512_add_epi32(x, _mm512_maskz_loadu_epi32(lanes, bias + c));
            _mm512_mask_storeu_ps(line + c, lanes, requantize16(x, &constants));
        }
    }
}

/// As AVX2.c's: one output pixel's taps, and where a block of channels starts. With `packed`, the block's outputs
/// go to the pixel's packed row there (`packedStride` elements to the next pixel's) as unsigned values, 16-bit with
/// `wide`, else bytes, their sums added to `sums`, instead of to `output`.
typedef struct {
    int taps;
    const int *inputTaps, *filterTaps;
    const float *input, *filter;
    int step;
    const int32_t *bias;
    const requantization512 *constants;
    float *output;
    int channels;
    void *packed;
    int packedStride, wide;
    __m512i *sums;
} depthwise_block_args;

/// `vectors` x 16 channels (1 to 4 vectors, one chain each) of `pixels` (1, 2 or 4) output pixels with the same
/// taps; the last vector masked with `last` (all lanes for whole vectors). The pixels share each filter load.
/// With `rows` (4 pixels of a 3-wide window at stride 1, undilated: the taps are whole window rows, three
/// consecutive pixels each), the four pixels' windows overlap: each of a window row's six input pixels is loaded once
/// and multiplied into every pixel that reads it, 6 loads where taps one by one take 12. The loads, not the
/// multiply-adds, had bounded the loop (1.45x the vectors a second in a micro-benchmark of the block alone on Zen 5;
/// the model's 13 layers 1,050 -> 967 us in `qgemm-bench`, its 3 x 3 stride-1 ones 7-14% each).
AVX512_INLINE static inline void depthwise_block(int pixels, int vectors, int rows, __mmask16 last,
                                                 const depthwise_block_args *a) {
    __m512 s[4][4];
    __mmask16 masks[4];
    for (int v = 0; v < 4; v++) masks[v] = v == vectors - 1 ? last : 0xFFFF;
    for (int p = 0; p < pixels; p++)
        for (int v = 0; v < vectors; v++) s[p][v] = _mm512_setzero_ps();
    for (int t = 0; rows && t < a->taps; t += 3) {
        // The window row's filter vectors first, then one input vector at a time: 12 + 16 + 1 registers.
        const float *w = a->filter + a->filterTaps[t], *in = a->input + a->inputTaps[t];
        __m512 weights[4][3];
        for (int v = 0; v < vectors; v++)
            for (int kx = 0; kx < 3; kx++)
                weights[v][kx] = _mm512_maskz_loadu_ps(masks[v], w + kx * a->channels + 16 * v);
        for (int i = 0; i < 6; i++)
            for (int v = 0; v < vectors; v++) {
                __m512 x = _mm512_maskz_loadu_ps(masks[v], in + i * a->step + 16 * v);
                for (int p = 0; p < 4; p++)
                    if (i - p >= 0 && i - p < 3) s[p][v] = _mm512_fmadd_ps(x, weights[v][i - p], s[p][v]);
            }
    }
    for (int t = 0; !rows && t < a->taps; t++) {
        const float *w = a->filter + a->filterTaps[t];
        __m512 weights[4];
        for (int v = 0; v < vectors; v++) weights[v] = _mm512_maskz_loadu_ps(masks[v], w + 16 * v);
        for (int p = 0; p < pixels; p++) {
            const float *in = a->input + a->inputTaps[t] + p * a->step;
            for (int v = 0; v < vectors; v++)
                s[p][v] = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(masks[v], in + 16 * v), weights[v], s[p][v]);
        }
    }
    for (int p = 0; p < pixels; p++)
        for (int v = 0; v < vectors; v++) {
            __m512i b = _mm512_maskz_loadu_epi32(masks[v], a->bias + 16 * v);
            __m512i q = requantize16_integers(_mm512_add_epi32(_mm512_cvtps_epi32(s[p][v]), b), a->constants);
            if (a->packed) {
                __m512i values = _mm512_add_epi32(q, a->constants->zeroPoint);
                a->sums[p] = _mm512_mask_add_epi32(a->sums[p], masks[v], a->sums[p], values);
                store_packed16(a->packed, (size_t)p * a->packedStride + 16 * v, a->wide, masks[v], values);
            } else {
                _mm512_mask_storeu_ps(a->output + (size_t)p * a->channels + 16 * v, masks[v], _mm512_cvtepi32_ps(q));
            }
        }
}

/// depthwise_block with the counts as constants: one copy of the loop per combination (`rows` only with 4 pixels).
AVX512_INLINE static inline void depthwise_blocks(int pixels, int vectors, int rows, __mmask16 last,
                                                  const depthwise_block_args *a) {
    switch (vectors + 4 * (pixels / 2) + 4 * rows) {
    case 1: depthwise_block(1, 1, 0, last, a); break;
    case 2: depthwise_block(1, 2, 0, last, a); break;
    case 3: depthwise_block(1, 3, 0, last, a); break;
    case 4: depthwise_block(1, 4, 0, last, a); break;
    case 5: depthwise_block(2, 1, 0, last, a); break;
    case 6: depthwise_block(2, 2, 0, last, a); break;
    case 7: depthwise_block(2, 3, 0, last, a); break;
    case 8: depthwise_block(2, 4, 0, last, a); break;
    case 9: depthwise_block(4, 1, 0, last, a); break;
    case 10: depthwise_block(4, 2, 0, last, a); break;
    case 11: depthwise_block(4, 3, 0, last, a); break;
    case 12: depthwise_block(4, 4, 0, last, a); break;
    case 13: depthwise_block(4, 1, 1, last, a); break;
    case 14: depthwise_block(4, 2, 1, last, a); break;
    case 15: depthwise_block(4, 3, 1, last, a); break;
    case 16: depthwise_block(4, 4, 1, last, a); break;
    }
}

// Per pixel, 64 channels at a time over all its taps: four independent chains of multiply-adds, since one chain
// alone waits on each multiply-add's latency (a 3x3 window is 9 in a row). The channels left (fewer than 64) run
// as many chains as they fill vectors, the last masked; masking every block had cost 5%. Each vector is
// requantized in registers. Four pixels at a time where their windows lie inside the image's columns, else two,
// and those pixels share the row's tap lists: with 24 or 48 channels (one or two vectors, the model's largest
// layers) two pixels were only two to four chains, each 9 multiply-adds long, and four took the 24-channel layer
// from 384 to 333 us (qgemm-bench). 4 x 4 chains and 4 filter vectors fit AVX-512's 32 registers; AVX2's 16 do
// not hold 4 x 3, and four pixels tap by tap made it slower there (it takes four only by window rows, 2 vectors at a
// time). Four by window rows with `windowRows` (a constant: see depthwise_row_of). With `packed`, each pixel's
// values go to its packed row (16-bit with `wide`, AVX-512BW's GEMM, else bytes), then its row term and the row's
// zero padding.
AVX512_INLINE static inline void depthwise_row(qgemm_window shape, const float *input, const float *filter, int y,
                                               const int32_t *bias, qgemm_requantization requantization,
                                               float *output, const qgemm_packed_rows *packed, int wide,
                                               int windowRows) {
    const requantization512 constants = requantization512_make(requantization);
    const int channels = shape.channels, step = shape.strideX * channels;
    const int padded = qgemm_padded_depth(channels), size = wide ? 2 : 1;
    qgemm_depthwise_row_taps taps = qgemm_depthwise_row_taps_make();
    for (int x = 0; x < shape.outputWidth;) {
        int pixels = qgemm_depthwise_run_inside(&shape, x, 4) ? 4 : 1 + qgemm_depthwise_run_inside(&shape, x, 2);
        int byRows = pixels == 4 && windowRows;
        int shift = 0;
        __m512i sums[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                           _mm512_setzero_si512()};
        uint8_t *rows = packed ? (uint8_t *)packed->rows + (size_t)x * padded * size : NULL;
        depthwise_block_args a = {
            .taps = qgemm_depthwise_row_taps_of(&taps, &shape, x, y, pixels > 1, &shift),
            .inputTaps = taps.input,
            .filterTaps = taps.filter,
            .step = step,
            .constants = &constants,
            .channels = channels,
            .packedStride = padded,
            .wide = wide,
            .sums = sums,
        };
        for (int c = 0; c < channels;) {
            int left = channels - c, vectors = left >= 64 ? 4 : (left + 15) / 16;
            __mmask16 last = left >= 16 * vectors ? 0xFFFF : (__mmask16)((1u << (left - 16 * (vectors - 1))) - 1);
            a.input = input + shift + c, a.filter = filter + c, a.bias = bias + c;
            a.output = packed ? NULL : output + (size_t)x * channels + c;
            a.packed = packed ? rows + (size_t)c * size : NULL;
            // Whole blocks with a constant mask, which the compiler drops: plain loads and stores.
            if (vectors == 4 && last == 0xFFFF)
                depthwise_blocks(pixels, 4, byRows, 0xFFFF, &a);
            else
                depthwise_blocks(pixels, vectors, byRows, last, &a);
            c += 16 * vectors;
        }
        for (int p = 0; packed && p < pixels; p++) {
            packed->rowTerms[x + p] = _mm512_reduce_add_epi32(sums[p]) * packed->rowSumScale;
            qgemm_fill_values(rows + ((size_t)p * padded + channels) * size, padded - channels, 0, wide);
        }
        x += pixels;
    }
}

/// depthwise_row with `windowRows` a constant, as AVX2.c's: one copy for the windows taken by rows, one for the
/// others (with the stride-2 layers' blocks beside the by-rows ones, the 150 x 150 x 24 layer had run 15% slower
/// and the 150 x 150 x 48 one 9%, in `qgemm-bench` on Zen 4).
AVX512_INLINE static inline void depthwise_row_of(qgemm_window shape, const float *input, const float *filter,
                                                  int y, const int32_t *bias, qgemm_requantization requantization,
                                                  float *output, const qgemm_packed_rows *packed, int wide) {
    if (qgemm_depthwise_by_window_rows(&shape))
        depthwise_row(shape, input, filter, y, bias, requantization, output, packed, wide, 1);
    else
        depthwise_row(shape, input, filter, y, bias, requantization, output, packed, wide, 0);
}

AVX512 void qgemm_depthwise_row_avx512(qgemm_window shape, const float *input, const float *filter, int y,
                                       const int32_t *bias, qgemm_requantization requantization, float *output) {
    depthwise_row_of(shape, input, filter, y, bias, requantization, output, NULL, 0);
}

/// The packed depthwise row with a constant `wide`, one function each: tested at every store, `wide` had cost the
/// byte rows' 150 x 150 x 24 layer 22%, and both copies in one function 3% (the AVX-512 VNNI variant's depthwise
/// layers in `qgemm-bench`).
__attribute__((target("avx512f,avx512bw,avx512vl"), noinline)) static void
depthwise_row_packed_bytes(qgemm_window shape, const float *input, const float *filter, int y, const int32_t *bias,
                           qgemm_requantization requantization, const qgemm_packed_rows *output) {
    depthwise_row_of(shape, input, filter, y, bias, requantization, NULL, output, 0);
}

__attribute__((target("avx512f,avx512bw,avx512vl"), noinline)) static void
depthwise_row_packed_words(qgemm_window shape, const float *input, const float *filter, int y, const int32_t *bias,
                           qgemm_requantization requantization, const qgemm_packed_rows *output) {
    depthwise_row_of(shape, input, filter, y, bias, requantization, NULL, output, 1);
}

AVX512 void qgemm_depthwise_row_packed_avx512(qgemm_window shape, const float *input, const float *filter, int y,
                                              const int32_t *bias, qgemm_requantization requantization,
                                              qgemm_packed_rows output, int wide) {
    if (wide)
        depthwise_row_packed_words(shape, input, filter, y, bias, requantization, &output);
    else
        depthwise_row_packed_bytes(shape, input, filter, y, bias, requantization, &output);
}

#endif
