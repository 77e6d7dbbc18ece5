// What bounds each variant's GEMM on this CPU: how many of its multiply instructions a core retires per second, in
// a loop of nothing else (twelve independent accumulators, operands in registers), shaped as the GEMM's inner loop
// uses them: vpmaddwd with a vpaddd after it (AVX2, AVX-512BW), vpdpbusd alone (AVX-VNNI, AVX-512 VNNI).
#ifndef QGEMM_BENCH_INSTRUCTION_RATES_H
#define QGEMM_BENCH_INSTRUCTION_RATES_H

#include "QuantizedGEMM.h"

/// Multiply-adds a second, in billions, of `isa`'s multiply instruction on this core: the most its GEMM can reach.
/// 0 where the CPU lacks it.
double instruction_gmacs(qgemm_isa isa);

/// The instruction that bounds `isa`'s GEMM, as printed.
const char *instruction_name(qgemm_isa isa);

#endif
