// im2col from the caller's uint8 input (qgemm_pack_patches_u8), for every variant: a packed value is stored +
// zero point, and for the caller's bytes that is the byte itself, so the patches are copies, not conversions. The
// first layer's float im2col had been 8.7% of the AVX-512 VNNI network: per pixel, three 9-value window rows, each
// converted, narrowed and summed. Copies and byte sums are what it does: SSE2, and AVX2 (which every variant has)
// to widen the 16-bit rows of the vpmaddwd variants.
#include "Kernels.h"

#if defined(__x86_64__)
#include <immintrin.h>

#define BYTE_PATCHES_INLINE __attribute__((target("avx2"), always_inline))

/// Copies `count` bytes and adds their sum to `sums` (two 64-bit lanes), reading and writing nothing outside the
/// two ranges: 16-byte moves, then 8- or 4-byte ones whose last overlaps the one before (a 3-channel image's window
/// rows are 3 to 21 bytes), the overlap shifted out of the sum. Summed as they pass and kept in a vector: a 16-byte
/// load of bytes just written by narrower stores waits for them (store forwarding fails), and moving each sum to a
/// general register had been most of the rest.
static inline __m128i copy_and_sum(uint8_t *to, const uint8_t *from, int count, __m128i sums) {
    const __m128i zero = _mm_setzero_si128();
    for (; count >= 16; count -= 16, to += 16, from += 16) {
        __m128i block = _mm_loadu_si128((const __m128i *)from);
        _mm_storeu_si128((__m128i *)to, block);
        sums = _mm_add_epi64(sums, _mm_sad_epu8(block, zero));
    }
    __m128i head, tail;
    int overlap;
    if (count >= 8) {
        head = _mm_loadl_epi64((const __m128i *)from), tail = _mm_loadl_epi64((const __m128i *)(from + count - 8));
        _mm_storel_epi64((__m128i *)to, head), _mm_storel_epi64((__m128i *)(to + count - 8), tail);
        overlap = 16 - count;  // the tail's first bytes are the head's last (all 8 of them for a count of 8)
    } else if (count >= 4) {
        int32_t first, last;
        memcpy(&first, from, 4), memcpy(&last, from + count - 4, 4);
        memcpy(to, &first, 4), memcpy(to + count - 4, &last, 4);
        head = _mm_cvtsi32_si128(first), tail = _mm_cvtsi32_si128(last);
        overlap = 8 - count;
    } else {
        int32_t sum = 0;
        for (int k = 0; k < count; k++) sum += to[k] = from[k];
        return _mm_add_epi64(sums, _mm_cvtsi32_si128(sum));
    }
    tail = _mm_srl_epi64(tail, _mm_cvtsi32_si128(8 * overlap));
    return _mm_add_epi64(sums, _mm_sad_epu8(_mm_unpacklo_epi64(head, tail), zero));
}

/// One output pixel's patch as bytes in `line` (depth bytes), the zero point where the window leaves the image;
/// returns their sum.
static inline int32_t gather_patch(const qgemm_window *w, const uint8_t *image, int x, int y, uint8_t zeroPoint,
                                   uint8_t *line) {
    const int channels = w->channels, left = x * w->strideX - w->padLeft;
    __m128i sums = _mm_setzero_si128();
    int32_t outside = 0;
    for (int ky = 0; ky < w->filterHeight; ky++) {
        int iy = y * w->strideY - w->padTop + ky * w->dilationY;
        // As the float kernels: a whole undilated window row inside the image is one segment.
        if (w->dilationX == 1 && iy >= 0 && iy < w->height && left >= 0 && left + w->filterWidth <= w->width) {
            int length = w->filterWidth * channels;
            sums = copy_and_sum(line, image + ((size_t)iy * w->width + left) * channels, length, sums);
            line += length;
            continue;
        }
        for (int kx = 0; kx < w->filterWidth; kx++, line += channels) {
            int ix = left + kx * w->dilationX;
            if (iy < 0 || iy >= w->height || ix < 0 || ix >= w->width) {
                memset(line, zeroPoint, (size_t)channels);
                outside += zeroPoint * channels;
            } else {
                sums = copy_and_sum(line, image + ((size_t)iy * w->width + ix) * channels, channels, sums);
            }
        }
    }
    return outside + _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums));
}

/// Whether a layer's windows can take the inside path (gather_inside): undilated window rows of at most 16
/// values, whose 16-value stores end within the row's padding or past it (so the row's padding comes out zero) and
/// within the next row (which is written after, over them).
static inline int inside_path_fits(const qgemm_window *w, int padded) {
    const int length = w->filterWidth * w->channels, end = (w->filterHeight - 1) * length + 16;
    return w->dilationX == 1 && length <= 16 && end >= padded && end <= 2 * padded;
}

/// Whether pixel (x, y)'s window lies inside the image and 16 bytes from its last row's start are still the
/// image's: the inside path reads that far.
static inline int inside_window(const qgemm_window *w, int x, int y) {
    const int left = x * w->strideX - w->padLeft, top = y * w->strideY - w->padTop;
    const int bottom = top + (w->filterHeight - 1) * w->dilationY;
    return left >= 0 && left + w->filterWidth <= w->width && top >= 0 && bottom < w->height &&
           ((size_t)bottom * w->width + left) * w->channels + 16 <= (size_t)w->height * w->width * w->channels;
}

/// The patch of a pixel whose window lies inside the image (inside_window), for layers that fit the inside path:
/// one 16-byte load per window row, its bytes past the row's `keep` zeroed, stored at the row's place (widened to
/// 16 bits with `wide`, AVX2's rows). Each store runs past its row and the next overwrites that; the last one's
/// zeros are the row's padding, and past the padding they fall in the next packed row, written after. Returns the
/// bytes' sum. The general path had spent 30 cycles a pixel on the first layer's three 9-byte rows, most of it
/// choosing how to copy them.
BYTE_PATCHES_INLINE static inline int32_t gather_inside(const qgemm_window *w, const uint8_t *image, int x, int y,
                                                        __m128i keep, void *row, int wide) {
    const int length = w->filterWidth * w->channels;
    const size_t rowStride = (size_t)w->dilationY * w->width * w->channels;
    const uint8_t *from = image + ((size_t)(y * w->strideY - w->padTop) * w->width + x * w->strideX - w->padLeft) *
                                      w->channels;
    __m128i sums = _mm_setzero_si128();
    for (int ky = 0; ky < w->filterHeight; ky++, from += rowStride) {
        __m128i values = _mm_and_si128(_mm_loadu_si128((const __m128i *)from), keep);
        if (wide)
            _mm256_storeu_si256((__m256i *)((uint16_t *)row + ky * length), _mm256_cvtepu8_epi16(values));
        else
            _mm_storeu_si128((__m128i *)((uint8_t *)row + ky * length), values);
        sums = _mm_add_epi64(sums, _mm_sad_epu8(values, _mm_setzero_si128()));
    }
    return _mm_cvtsi128_si32(sums) + _mm_cvtsi128_si32(_mm_unpackhi_epi64(sums, sums));
}

__attribute__((target("avx2"))) void qgemm_pack_patches_u8(qgemm_isa isa, qgemm_window window, int first, int rows,
                                                            const uint8_t *input, int zeroPoint, void *packed,
                                                            int32_t rowSumScale, int32_t *rowTerms) {
    const int depth = window.filterHeight * window.filterWidth * window.channels;
    const int padded = qgemm_padded_depth(depth), wide = qgemm_has_wide_rows(isa);
    const size_t image = (size_t)window.height * window.width * window.channels;
    // CPUModel+BytePatches keeps to the bound; past it the line below would overflow the stack.
    if (depth > QGEMM_BYTE_PATCH_DEPTH_BOUND) __builtin_trap();
    uint8_t line[QGEMM_BYTE_PATCH_DEPTH_BOUND];
    // The first pixel's place; the others step from it (three divisions a row had been a third of the time).
    int x = first % window.outputWidth, y = first / window.outputWidth % window.outputHeight;
    const uint8_t *source = input + (size_t)(first / (window.outputWidth * window.outputHeight)) * image;
    const int insidePath = inside_path_fits(&window, padded);
    const __m128i keep = _mm_cmplt_epi8(_mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                        _mm_set1_epi8((char)(window.filterWidth * window.channels)));
    for (int m = 0; m < rows; m++) {
        // The inside path's stores run into the next row: never on a part's last, which another thread may pack.
        const int inside = insidePath && m + 1 < rows && inside_window(&window, x, y);
        int32_t sum;
        // A constant `wide` in each call, so that the copies inlined have no test per store.
        if (inside && wide)
            sum = gather_inside(&window, source, x, y, keep, (uint16_t *)packed + (size_t)m * padded, 1);
        else if (inside)
            sum = gather_inside(&window, source, x, y, keep, (uint8_t *)packed + (size_t)m * padded, 0);
        // Bytes go straight to their row; AVX2's 16-bit rows are widened from the line.
        uint8_t *bytes = wide ? line : (uint8_t *)packed + (size_t)m * padded;
        if (!inside) sum = gather_patch(&window, source, x, y, (uint8_t)zeroPoint, bytes);
        rowTerms[m] = sum * rowSumScale;
        if (++x == window.outputWidth) {
            x = 0;
            if (++y == window.outputHeight) y = 0, source += image;
        }
        if (inside) continue;
        if (!wide) {
            qgemm_fill_values(bytes + depth, padded - depth, 0, 0);
            continue;
        }
        uint16_t *words = (uint16_t *)packed + (size_t)m * padded;
        int k = 0;
        for (; k + 8 <= depth; k += 8) {
            __m128i eight = _mm_loadl_epi64((const __m128i *)(line + k));
            _mm_storeu_si128((__m128i *)(words + k), _mm_unpacklo_epi8(eight, _mm_setzero_si128()));
        }
        for (; k < depth; k++) words[k] = line[k];
        for (; k < padded; k++) words[k] = 0;
    }
}

#endif
