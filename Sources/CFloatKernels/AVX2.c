// The AVX2 + FMA variants: 8-float vectors, tiles of 6 pixels by 16 channels (12 of the 16 registers, leaving
// two for weights and one for the broadcast input).
#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

#include "Variants.h"

// Eight -1s then eight 0s: the mask of the first n lanes starts at 8 - n.
static const int partialMasks[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};

#define TARGET __attribute__((target("avx2,fma")))
#define SUFFIX(name) name##_avx2
#define VEC __m256
#define LANES 8
#define MR 6
#define MASK(n) _mm256_loadu_si256((const __m256i *)(partialMasks + 8 - (n)))
#define LOAD(p) _mm256_loadu_ps(p)
#define LOAD_PARTIAL(p, n) _mm256_maskload_ps(p, MASK(n))
#define SET1(x) _mm256_set1_ps(x)
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define MIN(a, b) _mm256_min_ps(a, b)
#define MAX(a, b) _mm256_max_ps(a, b)
#define STORE(p, v) _mm256_storeu_ps(p, v)
#define STORE_PARTIAL(p, v, n) _mm256_maskstore_ps(p, MASK(n), v)

#include "VectorKernels.h"
#endif
