// AES-128 with the Armv8 Crypto Extension (AESE/AESD/AESMC/AESIMC through <arm_neon.h>):
// the FIPS-197 appendix known answers (key expansion A.1, cipher B, C.1 encrypt and decrypt),
// then AES-128-ECB of a file (the test compares with node:crypto) and the decryption back.
// The key expansion's SubWord also runs on AESE (with a zero round key, four equal columns make
// ShiftRows a no-op).
#include <arm_neon.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned char u8;

static void hex(const u8 *p, int n) { for (int i = 0; i < n; i++) printf("%02x", p[i]); }
static void unhex(const char *s, u8 *out) { for (int i = 0; s[2 * i]; i++) sscanf(s + 2 * i, "%2hhx", &out[i]); }

static void expand(const u8 key[16], u8 ek[11][16], u8 dk[11][16]) {
  u8 w[44][4];
  static const u8 rcon[10] = { 0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0x1b, 0x36 };
  memcpy(w, key, 16);
  for (int i = 4; i < 44; i++) {
    u8 t[4];
    memcpy(t, w[i - 1], 4);
    if (i % 4 == 0) {
      u8 rot[16], sub[16];
      for (int c = 0; c < 4; c++) { rot[4 * c] = t[1]; rot[4 * c + 1] = t[2]; rot[4 * c + 2] = t[3]; rot[4 * c + 3] = t[0]; }
      vst1q_u8(sub, vaeseq_u8(vld1q_u8(rot), vdupq_n_u8(0)));
      memcpy(t, sub, 4);
      t[0] ^= rcon[i / 4 - 1];
    }
    for (int k = 0; k < 4; k++) w[i][k] = w[i - 4][k] ^ t[k];
  }
  memcpy(ek, w, 176);
  // The equivalent inverse cipher's keys: reversed, InvMixColumns on the middle ones.
  memcpy(dk[0], ek[10], 16);
  for (int r = 1; r < 10; r++) vst1q_u8(dk[r], vaesimcq_u8(vld1q_u8(ek[10 - r])));
  memcpy(dk[10], ek[0], 16);
}

static uint8x16_t enc(uint8x16_t s, u8 ek[11][16]) {
  for (int r = 0; r < 9; r++) s = vaesmcq_u8(vaeseq_u8(s, vld1q_u8(ek[r])));
  s = vaeseq_u8(s, vld1q_u8(ek[9]));
  return veorq_u8(s, vld1q_u8(ek[10]));
}
static uint8x16_t dec(uint8x16_t s, u8 dk[11][16]) {
  for (int r = 0; r < 9; r++) s = vaesimcq_u8(vaesdq_u8(s, vld1q_u8(dk[r])));
  s = vaesdq_u8(s, vld1q_u8(dk[9]));
  return veorq_u8(s, vld1q_u8(dk[10]));
}

static int fails;
static void kat(const char *name, const char *key_hex, const char *pt_hex, const char *ct_hex) {
  u8 key[16], pt[16], ct[16], got[16], back[16], ek[11][16], dk[11][16];
  unhex(key_hex, key); unhex(pt_hex, pt); unhex(ct_hex, ct);
  expand(key, ek, dk);
  vst1q_u8(got, enc(vld1q_u8(pt), ek));
  vst1q_u8(back, dec(vld1q_u8(ct), dk));
  int ok = !memcmp(got, ct, 16) && !memcmp(back, pt, 16);
  fails += !ok;
  printf("%s %s enc ", name, ok ? "ok" : "FAIL"); hex(got, 16); printf(" dec "); hex(back, 16); printf("\n");
}

int main(int argc, char **argv) {
  // FIPS-197 A.1: the expansion of 2b7e1516…; w[43] is b6630ca6.
  u8 key[16], ek[11][16], dk[11][16];
  unhex("2b7e151628aed2a6abf7158809cf4f3c", key);
  expand(key, ek, dk);
  printf("A.1 w4 "); hex(ek[1], 4); printf(" w43 "); hex(ek[10] + 12, 4); printf("\n");
  kat("B", "2b7e151628aed2a6abf7158809cf4f3c", "3243f6a8885a308d313198a2e0370734", "3925841d02dc09fbdc118597196a0b32");
  kat("C.1", "000102030405060708090a0b0c0d0e0f", "00112233445566778899aabbccddeeff", "69c4e0d86a7b0430d8cdb78070b4c55a");
  printf("known answers %s\n", fails ? "FAILED" : "passed");
  if (argc < 2) return fails;

  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  size_t cap = 1 << 20, n = 0;
  u8 *buf = malloc(cap);
  for (size_t r; (r = fread(buf + n, 1, cap - n, f)) > 0;) n += r;
  fclose(f);
  size_t blocks = n / 16;
  if (!blocks) { printf("no full block\n"); return fails; }
  u8 *ct = malloc(blocks * 16 + 16);
  // ECB under the B key; the file's blocks in order.
  for (size_t i = 0; i < blocks; i++) vst1q_u8(ct + 16 * i, enc(vld1q_u8(buf + 16 * i), ek));
  uint8x16_t x = vdupq_n_u8(0);
  for (size_t i = 0; i < blocks; i++) x = veorq_u8(x, vld1q_u8(ct + 16 * i));
  u8 xs[16];
  vst1q_u8(xs, x);
  printf("ecb %zu blocks first ", blocks); hex(ct, 16); printf(" last "); hex(ct + 16 * (blocks - 1), 16);
  printf(" xor "); hex(xs, 16); printf("\n");
  int same = 1;
  for (size_t i = 0; i < blocks; i++) {
    u8 p[16];
    vst1q_u8(p, dec(vld1q_u8(ct + 16 * i), dk));
    same &= !memcmp(p, buf + 16 * i, 16);
  }
  printf("decrypt %s\n", same ? "round-trips" : "DIFFERS");
  return fails + !same;
}
