// libFuzzer's entry point for programs that keep their own main (compiler-rt's FuzzerInterface.h); the runtime is
// linked by `-sanitize=fuzzer`.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*test)(const uint8_t *data, size_t size));
