// The kernels of the system-mode benchmark (kernels.c).
#pragma once
typedef unsigned long u64;
typedef unsigned int u32;
typedef unsigned char u8;
#define KERNELS 4
extern const char *const KERNEL_NAMES[KERNELS];
/** Runs kernel `which` (0 copy, 1 stride, 2 crc32, 3 sha256) `n` times; returns its checksum. */
u64 run_kernel(int which, long n);
