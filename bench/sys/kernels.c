// The computational kernels of the system-mode benchmark, compiled unchanged into the user-mode
// program (user.c, a static Linux ELF) and the bare-metal guest (bare.c), so both runs execute
// the same instructions. Freestanding: no library calls (built with -fno-builtin and without
// loop-to-memcpy rewriting), general registers only.
#include "kernels.h"
#include "../../test/guests/src/crc32_impl.h"

#define COPY_BYTES (256 * 1024)
static u64 copy_a[COPY_BYTES / 8], copy_b[COPY_BYTES / 8];
#define STRIDE_BYTES (8 * 1024 * 1024)
static u64 stride_buf[STRIDE_BYTES / 8];
static u8 data[65536];

/** memset + memcpy of 256 KiB with 8-byte words: a streaming load/store loop (128 pages). */
static u64 k_copy(long n) {
  u64 sum = 0;
  for (long r = 0; r < n; r++) {
    for (long i = 0; i < COPY_BYTES / 8; i++) copy_a[i] = (u64)r * 0x0101010101010101ULL + (u64)i;
    for (long i = 0; i < COPY_BYTES / 8; i++) copy_b[i] = copy_a[i];
    sum = sum * 31 + copy_b[(r * 4099) % (COPY_BYTES / 8)];
  }
  return sum;
}

/** Loads and stores spread over 8 MiB (2048 pages, more than the 1024-entry soft TLB holds):
 *  each access lands on another page, so it measures translation misses. */
static u64 k_stride(long n) {
  u64 x = 12345, sum = 0;
  for (long r = 0; r < n; r++) {
    for (int i = 0; i < 16384; i++) {
      x = x * 6364136223846793005ULL + 1442695040888963407ULL;
      u64 idx = (x >> 33) % (STRIDE_BYTES / 8);
      sum += stride_buf[idx] ^ x;
      stride_buf[idx] = sum;
    }
  }
  return sum;
}

static u64 k_crc32(long n) {
  for (unsigned i = 0; i < sizeof data; i++) data[i] = (u8)(i * 31 + (i >> 8));
  crc32_init();
  u32 c = 0;
  for (long r = 0; r < n; r++) c = crc32_update(c, data, sizeof data);
  return c;
}

/** SHA-256 compression (FIPS 180-4) over 64 KiB per pass: register-heavy, few memory accesses. */
#include "../../test/guests/src/sha256_k.h"   /* SHA256_K */
#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
static u64 k_sha256(long n) {
  for (unsigned i = 0; i < sizeof data; i++) data[i] = (u8)(i * 31 + (i >> 8));
  u32 h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  for (long r = 0; r < n; r++) {
    for (unsigned off = 0; off < sizeof data; off += 64) {
      const u8 *p = data + off;
      u32 w[64];
      for (int i = 0; i < 16; i++) w[i] = (u32)p[4 * i] << 24 | (u32)p[4 * i + 1] << 16 | (u32)p[4 * i + 2] << 8 | p[4 * i + 3];
      for (int i = 16; i < 64; i++) {
        u32 s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        u32 s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
      }
      u32 a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
      for (int i = 0; i < 64; i++) {
        u32 t1 = hh + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + SHA256_K[i] + w[i];
        u32 t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
      }
      h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
    }
  }
  return ((u64)h[0] << 32) | h[7];
}

const char *const KERNEL_NAMES[KERNELS] = {"copy", "stride", "crc32", "sha256"};

u64 run_kernel(int which, long n) {
  switch (which) {
    case 0: return k_copy(n);
    case 1: return k_stride(n);
    case 2: return k_crc32(n);
    default: return k_sha256(n);
  }
}
