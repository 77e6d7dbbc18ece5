// The kernels, written once over a vector type and included by one file per instruction set, which defines:
//   TARGET          the function attribute enabling the instruction set
//   SUFFIX(name)    the variant's function name
//   VEC, LANES      the vector type and its floats
//   MR              output pixels per register tile (two vectors of channels each)
//   LOAD, LOAD_PARTIAL(p, n), SET1, FMA(a, b, c), MIN, MAX, STORE, STORE_PARTIAL(p, v, n)
// Private to the library: not under include/.

// Loops over a tile's rows fully unrolled, so that its accumulators are registers, never an array in memory.
#define UNROLL _Pragma("clang loop unroll(full)")

// One tile: MR output pixels (rows past `rows` repeat the last one and are not stored) by `vectors` vectors of
// channels, whose panels lie `panelStride` floats apart. With an indirection buffer the rows' inputs are its
// pointers, MR per tap (the tile's rows, padded to MR), tap by tap; without one (a GEMM) they are `base` + row *
// `stride`, one tap of `depth` floats.
static inline __attribute__((always_inline)) TARGET void SUFFIX(tile)(
    const int vectors, const int indirect, int rows, int columns, int taps, int depth,
    const float *const *indirection, const float *base, size_t stride, const float *panel, size_t panelStride,
    VEC low, VEC high, float *output, size_t outputStride) {
    VEC acc[MR][2];
    UNROLL for (int i = 0; i < MR; i++) {
        acc[i][0] = LOAD(panel);
        if (vectors > 1) acc[i][1] = LOAD(panel + panelStride);
    }
    const float *w = panel + LANES;
    for (int t = 0; t < taps; t++) {
        const float *a[MR];
        UNROLL for (int i = 0; i < MR; i++) {
            int r = i < rows ? i : rows - 1;
            a[i] = indirect ? indirection[(size_t)t * MR + i] : base + (size_t)r * stride;
        }
        for (int k = 0; k < depth; k++) {
            VEC w0 = LOAD(w), w1 = w0;
            if (vectors > 1) w1 = LOAD(w + panelStride);
            w += LANES;
            UNROLL for (int i = 0; i < MR; i++) {
                VEC b = SET1(a[i][k]);
                acc[i][0] = FMA(b, w0, acc[i][0]);
                if (vectors > 1) acc[i][1] = FMA(b, w1, acc[i][1]);
            }
        }
    }
    // Every row's store guarded rather than a loop that stops early: the accumulators must stay registers.
    UNROLL for (int i = 0; i < MR; i++) {
        if (i < rows) {
            float *row = output + (size_t)i * outputStride;
            VEC v0 = MIN(MAX(acc[i][0], low), high);
            if (columns >= LANES) {
                STORE(row, v0);
            } else {
                STORE_PARTIAL(row, v0, columns);
            }
            if (vectors > 1) {
                VEC v1 = MIN(MAX(acc[i][1], low), high);
                if (columns >= 2 * LANES) {
                    STORE(row + LANES, v1);
                } else {
                    STORE_PARTIAL(row + LANES, v1, columns - LANES);
                }
            }
        }
    }
}

// Row tiles outer, so that a tile's inputs stay in L1 while every column panel passes over them.
static inline __attribute__((always_inline)) TARGET void SUFFIX(multiply)(
    const int indirect, int rows, int channels, int taps, int depth, const float *const *indirection,
    const float *base, size_t stride, const float *packed, float low, float high, float *output,
    size_t outputStride) {
    size_t panelStride = ((size_t)taps * depth + 1) * LANES;
    VEC lowVector = SET1(low), highVector = SET1(high);
    for (int m = 0; m < rows; m += MR) {
        int tileRows = rows - m < MR ? rows - m : MR;
        const float *const *tileIndirection = indirect ? indirection + (size_t)m * taps : indirection;  // m / MR tiles
        const float *tileBase = indirect ? base : base + (size_t)m * stride;
        float *tileOutput = output + (size_t)m * outputStride;
        int n = 0;
        for (; n + LANES < channels; n += 2 * LANES) {
            SUFFIX(tile)(2, indirect, tileRows, channels - n, taps, depth, tileIndirection, tileBase, stride,
                         packed + (size_t)(n / LANES) * panelStride, panelStride, lowVector, highVector,
                         tileOutput + n, outputStride);
        }
        if (n < channels) {
            SUFFIX(tile)(1, indirect, tileRows, channels - n, taps, depth, tileIndirection, tileBase, stride,
                         packed + (size_t)(n / LANES) * panelStride, panelStride, lowVector, highVector,
                         tileOutput + n, outputStride);
        }
    }
}

TARGET void SUFFIX(fk_convolution)(int rows, int channels, int taps, int inputChannels,
                                   const float *const *indirection, const float *packed, float low, float high,
                                   float *output, int outputStride) {
    SUFFIX(multiply)(1, rows, channels, taps, inputChannels, indirection, NULL, 0, packed, low, high, output,
                     (size_t)outputStride);
}

TARGET void SUFFIX(fk_gemm)(int rows, int channels, int depth, const float *input, int inputStride,
                            const float *packed, float low, float high, float *output, int outputStride) {
    SUFFIX(multiply)(0, rows, channels, 1, depth, NULL, input, (size_t)inputStride, packed, low, high, output,
                     (size_t)outputStride);
}

// A 3x3 window's interior run of one output row, one panel of channels: the nine weights in registers, the taps
// at fixed offsets from the window's corner (no bounds checks, no pointers to load). `full` when the panel has
// LANES channels.
static inline __attribute__((always_inline)) TARGET void SUFFIX(depthwise_run3x3)(
    const int full, int count, const float *corner, size_t step, const ptrdiff_t *offsets, int pixels,
    const float *panel, VEC low, VEC high, float *output, size_t outputStep) {
    VEC bias = LOAD(panel), weights[9];
    UNROLL for (int t = 0; t < 9; t++) weights[t] = LOAD(panel + (size_t)(t + 1) * LANES);
    for (int x = 0; x < pixels; x++, corner += step, output += outputStep) {
        VEC acc = bias;
        UNROLL for (int t = 0; t < 9; t++) {
            VEC v = full ? LOAD(corner + offsets[t]) : LOAD_PARTIAL(corner + offsets[t], count);
            acc = FMA(v, weights[t], acc);
        }
        acc = MIN(MAX(acc, low), high);
        if (full) {
            STORE(output, acc);
        } else {
            STORE_PARTIAL(output, acc, count);
        }
    }
}

// Any other pixel: every tap checked against the input's bounds, weights from memory. (Pointers per tap, to the
// input or a row of zeros, measured slower.)
static inline __attribute__((always_inline)) TARGET void SUFFIX(depthwise_pixel)(
    const fk_depthwise_window *w, const float *input, int y, int x, const float *packed, VEC low, VEC high,
    float *output) {
    size_t panelStride = (size_t)(w->filterHeight * w->filterWidth + 1) * LANES;
    for (int first = 0; first < w->channels; first += LANES) {
        int count = w->channels - first < LANES ? w->channels - first : LANES;
        const float *panel = packed + (size_t)(first / LANES) * panelStride;
        VEC acc = LOAD(panel);
        for (int ky = 0; ky < w->filterHeight; ky++) {
            int iy = y * w->strideHeight - w->padTop + ky * w->dilationHeight;
            if (iy < 0 || iy >= w->inputHeight) continue;
            for (int kx = 0; kx < w->filterWidth; kx++) {
                int ix = x * w->strideWidth - w->padLeft + kx * w->dilationWidth;
                if (ix < 0 || ix >= w->inputWidth) continue;
                const float *source = input + ((size_t)iy * w->inputWidth + ix) * w->channels + first;
                VEC weight = LOAD(panel + (size_t)(ky * w->filterWidth + kx + 1) * LANES);
                acc = FMA(count == LANES ? LOAD(source) : LOAD_PARTIAL(source, count), weight, acc);
            }
        }
        acc = MIN(MAX(acc, low), high);
        if (count == LANES) {
            STORE(output + first, acc);
        } else {
            STORE_PARTIAL(output + first, acc, count);
        }
    }
}

// Row by row: a 3x3 window's rows that lie wholly inside the input run their interior columns panel by panel on
// the fast path; edges, other rows and other filters go pixel by pixel. (An indirection buffer, one pointer per
// tap, measured 1.5x slower here than taps at fixed offsets.)
TARGET void SUFFIX(fk_depthwise)(const fk_depthwise_window *w, const float *input, int firstRow, int rows,
                                 const float *packed, float low, float high, float *output) {
    VEC lowVector = SET1(low), highVector = SET1(high);
    size_t channels = (size_t)w->channels;
    // Interior columns: every horizontal tap inside the input.
    int interiorStart = (w->padLeft + w->strideWidth - 1) / w->strideWidth;
    int lastStart = w->inputWidth - 1 - (w->filterWidth - 1) * w->dilationWidth + w->padLeft;
    int interiorEnd = lastStart >= 0 ? lastStart / w->strideWidth + 1 : 0;
    if (interiorEnd > w->outputWidth) interiorEnd = w->outputWidth;
    if (interiorStart > interiorEnd) interiorStart = interiorEnd;
    ptrdiff_t offsets[9];
    int fast = w->filterHeight == 3 && w->filterWidth == 3;
    if (fast) {
        for (int t = 0; t < 9; t++) {
            offsets[t] = ((ptrdiff_t)(t / 3) * w->dilationHeight * w->inputWidth + (t % 3) * w->dilationWidth) *
                         (ptrdiff_t)channels;
        }
    }
    for (int y = firstRow; y < firstRow + rows; y++) {
        float *row = output + (size_t)y * w->outputWidth * channels;
        int top = y * w->strideHeight - w->padTop;
        int inside = top >= 0 && top + (w->filterHeight - 1) * w->dilationHeight < w->inputHeight;
        int start = 0, end = 0;
        if (fast && inside && interiorStart < interiorEnd) {
            start = interiorStart;
            end = interiorEnd;
            const float *corner =
                input + ((size_t)top * w->inputWidth + (size_t)(start * w->strideWidth - w->padLeft)) * channels;
            size_t step = (size_t)w->strideWidth * channels;
            size_t panelStride = 10 * LANES;
            for (size_t first = 0; first < channels; first += LANES) {
                const float *panel = packed + first / LANES * panelStride;
                if (channels - first >= LANES) {
                    SUFFIX(depthwise_run3x3)(1, LANES, corner + first, step, offsets, end - start, panel, lowVector,
                                             highVector, row + start * channels + first, channels);
                } else {
                    SUFFIX(depthwise_run3x3)(0, (int)(channels - first), corner + first, step, offsets, end - start,
                                             panel, lowVector, highVector, row + start * channels + first,
                                             channels);
                }
            }
        }
        for (int x = 0; x < w->outputWidth; x++) {
            if (x == start && start < end) {
                x = end - 1;
                continue;
            }
            SUFFIX(depthwise_pixel)(w, input, y, x, packed, lowVector, highVector, row + x * channels);
        }
    }
}
