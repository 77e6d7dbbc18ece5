// The AVX-512 F variants: 16-float vectors, tiles of 8 pixels by 32 channels (16 of the 32 registers).
#if defined(__x86_64__)
#include <immintrin.h>
#include <stddef.h>

#include "Variants.h"

#define TARGET __attribute__((target("avx512f,avx2,fma")))
#define SUFFIX(name) name##_avx512
#define VEC __m512
#define LANES 16
#define MR 8
#define MASK(n) ((__mmask16)((1u << (n)) - 1))
#define LOAD(p) _mm512_loadu_ps(p)
#define LOAD_PARTIAL(p, n) _mm512_maskz_loadu_ps(MASK(n), p)
#define SET1(x) _mm512_set1_ps(x)
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define MIN(a, b) _mm512_min_ps(a, b)
#define MAX(a, b) _mm512_max_ps(a, b)
#define STORE(p, v) _mm512_storeu_ps(p, v)
#define STORE_PARTIAL(p, v, n) _mm512_mask_storeu_ps(p, MASK(n), v)

#include "VectorKernels.h"
#endif
