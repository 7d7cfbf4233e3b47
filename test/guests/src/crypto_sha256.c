// SHA-256 with the Armv8 Crypto Extension (SHA256H/SHA256H2/SHA256SU0/SHA256SU1 through
// <arm_neon.h>): FIPS 180-2 known answers, then the digest of a file (the test compares with
// node:crypto). Message words are loaded with REV32 (vrev32q_u8).
#include <arm_neon.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256_k.h"

static void blocks(uint32_t st[8], const uint8_t *p, size_t n) {
  uint32x4_t abcd = vld1q_u32(st), efgh = vld1q_u32(st + 4);
  for (; n; n--, p += 64) {
    uint32x4_t m[4];
    for (int i = 0; i < 4; i++) m[i] = vreinterpretq_u32_u8(vrev32q_u8(vld1q_u8(p + 16 * i)));
    uint32x4_t a0 = abcd, e0 = efgh;
    for (int i = 0; i < 16; i++) {
      uint32x4_t wk = vaddq_u32(m[i & 3], vld1q_u32(SHA256_K + 4 * i));
      uint32x4_t t = abcd;
      abcd = vsha256hq_u32(abcd, efgh, wk);
      efgh = vsha256h2q_u32(efgh, t, wk);
      if (i < 12) m[i & 3] = vsha256su1q_u32(vsha256su0q_u32(m[i & 3], m[(i + 1) & 3]), m[(i + 2) & 3], m[(i + 3) & 3]);
    }
    abcd = vaddq_u32(abcd, a0);
    efgh = vaddq_u32(efgh, e0);
  }
  vst1q_u32(st, abcd);
  vst1q_u32(st + 4, efgh);
}

static void sha256(const uint8_t *msg, size_t len, char out[65]) {
  uint32_t st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
  size_t full = len / 64;
  blocks(st, msg, full);
  uint8_t tail[128] = { 0 };
  size_t rest = len - full * 64;
  memcpy(tail, msg + full * 64, rest);
  tail[rest] = 0x80;
  size_t tn = rest + 9 <= 64 ? 64 : 128;
  uint64_t bits = (uint64_t)len * 8;
  for (int i = 0; i < 8; i++) tail[tn - 1 - i] = (uint8_t)(bits >> (8 * i));
  blocks(st, tail, tn / 64);
  for (int i = 0; i < 8; i++) sprintf(out + 8 * i, "%08x", st[i]);
}

static int fails;
static void kat(const char *msg, const char *want) {
  char got[65];
  sha256((const uint8_t *)msg, strlen(msg), got);
  int ok = !strcmp(got, want);
  fails += !ok;
  printf("\"%.20s\" %s %s\n", msg, got, ok ? "ok" : "FAIL");
}

int main(int argc, char **argv) {
  kat("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  kat("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  kat("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  printf("known answers %s\n", fails ? "FAILED" : "passed");
  if (argc < 2) return fails;
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  size_t cap = 1 << 20, n = 0;
  uint8_t *buf = malloc(cap);
  for (size_t r; (r = fread(buf + n, 1, cap - n, f)) > 0;) n += r;
  fclose(f);
  char d[65];
  sha256(buf, n, d);
  printf("%s  %zu bytes\n", d, n);
  // Every prefix length 0..200 (all padding cases), folded into one digest-of-digests.
  char all[201 * 64 + 1];
  for (int l = 0; l <= 200; l++) sha256(buf, l, all + 64 * l);
  sha256((const uint8_t *)all, 201 * 64, d);
  printf("prefixes %s\n", d);
  return fails;
}
