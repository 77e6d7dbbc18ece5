// The loops are inline assembly, not intrinsics: twelve products of the same two registers are one expression to a
// compiler, which computes it once, where the point is to have the core compute it twelve times.
#include "InstructionRates.h"

#include <time.h>

#if defined(__x86_64__)
static double seconds(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec * 1e-9;
}

// One step per accumulator 0-11; registers 12 and 13 take vpmaddwd's products, 14 and 15 are the operands.
#define WIDEN(r, acc, tmp)                                                                                            \
    "vpmaddwd %%" r "14, %%" r "15, %%" r #tmp "\n\t"                                                                 \
    "vpaddd %%" r #tmp ", %%" r #acc ", %%" r #acc "\n\t"
#define WIDENED(r)                                                                                                    \
    WIDEN(r, 0, 12) WIDEN(r, 1, 13) WIDEN(r, 2, 12) WIDEN(r, 3, 13) WIDEN(r, 4, 12) WIDEN(r, 5, 13) WIDEN(r, 6, 12)   \
    WIDEN(r, 7, 13) WIDEN(r, 8, 12) WIDEN(r, 9, 13) WIDEN(r, 10, 12) WIDEN(r, 11, 13)
// AVX-VNNI's vpdpbusd is the VEX form, which the assembler picks only when told to ({vex}, braces escaped in asm).
#define DOT(prefix, r, acc) prefix "vpdpbusd %%" r "14, %%" r "15, %%" r #acc "\n\t"
#define DOTS(prefix, r)                                                                                               \
    DOT(prefix, r, 0) DOT(prefix, r, 1) DOT(prefix, r, 2) DOT(prefix, r, 3) DOT(prefix, r, 4) DOT(prefix, r, 5)       \
    DOT(prefix, r, 6) DOT(prefix, r, 7) DOT(prefix, r, 8) DOT(prefix, r, 9) DOT(prefix, r, 10) DOT(prefix, r, 11)
#define CLOBBERS                                                                                                      \
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12",         \
        "xmm13", "xmm14", "xmm15"

/// Runs `BODY` (twelve multiply instructions) in batches for about 30 ms; returns instructions a second.
#define RATE(BODY)                                                                                                    \
    do {                                                                                                              \
        long instructions = 0;                                                                                        \
        double start = seconds(), elapsed;                                                                            \
        do {                                                                                                          \
            for (int i = 0; i < 10000; i++) __asm__ volatile(BODY ::: CLOBBERS);                                     \
            instructions += 12 * 10000;                                                                               \
            elapsed = seconds() - start;                                                                              \
        } while (elapsed < 0.03);                                                                                     \
        /* Upper halves left dirty slow later SSE code on some Intel cores. */                                       \
        __asm__ volatile("vzeroupper" ::: CLOBBERS);                                                                  \
        return instructions / elapsed;                                                                                \
    } while (0)

static double avx2_rate(void) { RATE(WIDENED("ymm")); }
static double avx512bw_rate(void) { RATE(WIDENED("zmm")); }
static double avxvnni_rate(void) { RATE(DOTS("%{vex%} ", "ymm")); }
static double avx512vnni_rate(void) { RATE(DOTS("", "zmm")); }
#endif

double instruction_gmacs(qgemm_isa isa) {
#if defined(__x86_64__)
    if (!qgemm_supports(isa)) return 0;
    switch (isa) {
    case QGEMM_AVX2: return avx2_rate() * 16 / 1e9;
    case QGEMM_AVX512BW: return avx512bw_rate() * 32 / 1e9;
    case QGEMM_AVXVNNI: return avxvnni_rate() * 32 / 1e9;
    case QGEMM_AVX512VNNI: return avx512vnni_rate() * 64 / 1e9;
    }
#endif
    return 0;
}

const char *instruction_name(qgemm_isa isa) {
    switch (isa) {
    case QGEMM_AVX2: return "vpmaddwd + vpaddd, 256 bits";
    case QGEMM_AVX512BW: return "vpmaddwd + vpaddd, 512 bits";
    case QGEMM_AVXVNNI: return "vpdpbusd, 256 bits";
    case QGEMM_AVX512VNNI: return "vpdpbusd, 512 bits";
    }
    return "";
}
