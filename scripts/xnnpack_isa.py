"""Make the XNNPACK bundled in the TFLite runtime (ai-edge-litert) see an older x86-64 CPU: AVX2-only, or AVX-512
without VNNI.

XNNPACK picks its kernels from cpuinfo's `cpuinfo_isa` flags once, when the first delegate is created, and has no
override. To time the kernels it would run on a host without AVX-512 or AVX-VNNI (AMD EPYC before Zen 4, many Intel
parts), or on one with AVX-512 but without VNNI (Skylake-SP, the first Xeon Scalable), on a host with them,
`limit_to(max_isa)` runs the library's own `cpuinfo_initialize()` and then clears the flags such a host lacks,
before any interpreter exists. This emulates that host for XNNPACK only: it is the same chip, caches and clock,
running the kernels XNNPACK would pick there.

`cpuinfo_isa` and `cpuinfo_initialize` are local symbols (not exported), found in the library's ELF symbol table;
the load base comes from an exported symbol's address. The flags' offsets follow `struct cpuinfo_x86_isa` in
pytorch/cpuinfo's include/cpuinfo.h (x86-64 build) and are checked against this CPU's /proc/cpuinfo flags before
anything is written: a library whose layout differs is refused, not patched.
"""
import ctypes, struct

import ai_edge_litert

LIBRARY = ai_edge_litert.__path__[0] + "/libpywrap_litert_common.so"
EXPORTED = "Wrapped_PyInit__pywrap_litert_interpreter_wrapper"

# struct cpuinfo_x86_isa on x86-64, one bool (byte) per field, in declaration order, as in cpuinfo releases with
# amx_fp8 (older ones lack it, and older still avxvnni, avx10_*, amx_fp16 and avx_vnni_*). XNNPACK's
# init_hardware_config in this library reads avx512f at 29, avx512vnni at 41, avx_vnni_int8 at 54 and gfni at 76.
FIELDS = """rdtscp rdpid sysenter msr clzero clflush clflushopt mwait mwaitx fxsave xsave three_d_now three_d_now_plus
prefetch prefetchw prefetchwt1 sse3 ssse3 sse4_1 sse4_2 sse4a misaligned_sse avx avxvnni fma3 fma4 xop f16c avx2
avx512f avx512pf avx512er avx512cd avx512dq avx512bw avx512vl avx512ifma avx512vbmi avx512vbmi2 avx512bitalg
avx512vpopcntdq avx512vnni avx512bf16 avx512fp16 avx512vp2intersect avx512_4vnniw avx512_4fmaps avx10_1 avx10_2
amx_bf16 amx_tile amx_int8 amx_fp16 amx_fp8 avx_vnni_int8 avx_vnni_int16 avx_ne_convert hle rtm xtest mpx cmpxchg16b
clwb movbe lahf_sahf fs_gs_base lzcnt popcnt tbm bmi bmi2 adx aes vaes pclmulqdq vpclmulqdq gfni rdrand rdseed sha rng ace
ace2 phe pmm lwp""".split()
OFFSET = {name: index for index, name in enumerate(FIELDS)}

# Fields checked against the kernel's /proc/cpuinfo flag of the same meaning: both the ones a CPU has and the ones
# it lacks, so that a shifted layout shows as a mismatch.
PROC_FLAG = {"sse3": "pni", "ssse3": "ssse3", "sse4_1": "sse4_1", "sse4_2": "sse4_2", "sse4a": "sse4a",
             "misaligned_sse": "misalignsse", "avx": "avx", "avxvnni": "avx_vnni", "fma3": "fma", "fma4": "fma4",
             "xop": "xop", "f16c": "f16c", "avx2": "avx2", "avx512f": "avx512f", "avx512pf": "avx512pf",
             "avx512er": "avx512er", "avx512cd": "avx512cd", "avx512dq": "avx512dq", "avx512bw": "avx512bw",
             "avx512vl": "avx512vl", "avx512ifma": "avx512ifma", "avx512vbmi": "avx512vbmi",
             "avx512vbmi2": "avx512_vbmi2", "avx512bitalg": "avx512_bitalg",
             "avx512vpopcntdq": "avx512_vpopcntdq", "avx512vnni": "avx512_vnni", "avx512bf16": "avx512_bf16",
             "avx512fp16": "avx512_fp16", "avx512vp2intersect": "avx512_vp2intersect",
             "avx512_4vnniw": "avx512_4vnniw", "avx512_4fmaps": "avx512_4fmaps", "amx_bf16": "amx_bf16",
             "amx_tile": "amx_tile", "amx_int8": "amx_int8", "cmpxchg16b": "cx16", "clwb": "clwb", "movbe": "movbe",
             "lahf_sahf": "lahf_lm", "fs_gs_base": "fsgsbase", "popcnt": "popcnt", "tbm": "tbm", "bmi": "bmi1",
             "bmi2": "bmi2", "adx": "adx", "aes": "aes", "vaes": "vaes", "pclmulqdq": "pclmulqdq",
             "vpclmulqdq": "vpclmulqdq", "gfni": "gfni", "rdrand": "rdrand", "sha": "sha_ni"}
# Not rdseed: Linux hides it on Zen 5 (its 16- and 32-bit forms are faulty) while CPUID, which cpuinfo reads, has it.

# What each emulated host lacks. avx2: every AVX-512 and AVX10 extension, AMX, and the VEX-encoded VNNI family.
# avx512skx (Skylake-SP): the same but AVX-512 F, CD, DQ, BW and VL, and also GFNI, VAES and VPCLMULQDQ (Ice Lake's).
BEYOND_AVX2 = [name for name in FIELDS if name.startswith(("avx512", "avx10", "amx", "avxvnni", "avx_vnni"))]
SKYLAKE_AVX512 = ["avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl"]
LACKS = {"avx2": BEYOND_AVX2,
         "avx512skx": [name for name in BEYOND_AVX2 if name not in SKYLAKE_AVX512] + ["gfni", "vaes", "vpclmulqdq"]}


def local_symbols(path, names):
    """The st_value of each of `names` in the ELF file's .symtab (64-bit little-endian)."""
    data = open(path, "rb").read()
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    found = {}
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != 2:  # SHT_SYMTAB
            continue
        strings = sections[link][4]
        for at in range(offset, offset + size, entsize):
            name_offset, _, _, _, value, _ = struct.unpack_from("<IBBHQQ", data, at)
            name = data[strings + name_offset:data.index(b"\0", strings + name_offset)].decode()
            if name in names:
                if name in found and found[name] != value:
                    raise SystemExit(f"xnnpack_isa: {name} is defined twice in {path}; refusing to guess")
                found[name] = value
    missing = set(names) - set(found)
    if missing:
        raise SystemExit(f"xnnpack_isa: {path} has no symbols {sorted(missing)} (stripped, or another build)")
    return found


def limit_to(max_isa):
    """Clear the flags a `max_isa` host lacks (LACKS) in the runtime's cpuinfo; call before creating any
    interpreter. Refuses where this CPU lacks what that host has."""
    symbols = local_symbols(LIBRARY, {"cpuinfo_isa", "cpuinfo_initialize", EXPORTED})
    library = ctypes.CDLL(LIBRARY)
    base = ctypes.cast(getattr(library, EXPORTED), ctypes.c_void_p).value - symbols[EXPORTED]
    if not ctypes.CFUNCTYPE(ctypes.c_bool)(base + symbols["cpuinfo_initialize"])():
        raise SystemExit("xnnpack_isa: cpuinfo_initialize failed")
    isa = (ctypes.c_uint8 * len(FIELDS)).from_address(base + symbols["cpuinfo_isa"])
    flags = next(line for line in open("/proc/cpuinfo") if line.startswith("flags")).split(":")[1].split()
    mismatches = [f"{field}={isa[OFFSET[field]]} but /proc/cpuinfo {'has' if flag in flags else 'lacks'} {flag}"
                  for field, flag in PROC_FLAG.items() if isa[OFFSET[field]] != (flag in flags)]
    if mismatches or any(value > 1 for value in isa) or not isa[OFFSET["avx2"]]:
        raise SystemExit("xnnpack_isa: cpuinfo_isa does not have the expected layout, not patched: "
                         + "; ".join(mismatches or ["bytes other than 0/1, or no AVX2"]))
    needed = ["avx2"] + (SKYLAKE_AVX512 if max_isa == "avx512skx" else [])
    if missing := [name for name in needed if not isa[OFFSET[name]]]:
        raise SystemExit(f"xnnpack_isa: this CPU lacks {', '.join(missing)}: it cannot stand in for {max_isa}")
    for name in LACKS[max_isa]:
        isa[OFFSET[name]] = 0
