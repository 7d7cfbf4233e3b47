// 64-bit arithmetic torture test: every result is printed, so a wrong bit shows as a diff.
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static uint64_t rng = 0x0123456789abcdefull;
static uint64_t next(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
// A random value with a random number of leading zeros (calls next() in a fixed order).
static uint64_t next_narrow(void) { uint64_t v = next(); return v >> (next() % 64); }

// noinline + volatile inputs keep gcc from folding the operations at compile time.
#define NI __attribute__((noinline))
static volatile uint64_t sink;

static const uint64_t edge[] = {0, 1, 2, 3, 7, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x7fffffff,
  0x80000000, 0xffffffff, 0x100000000ull, 0x7fffffffffffffffull, 0x8000000000000000ull,
  0xffffffffffffffffull, 0xfffffffffffffffeull, 0x5555555555555555ull, 0xaaaaaaaaaaaaaaaaull,
  0x0123456789abcdefull, 0xfedcba9876543210ull, 10, 1000000007, 0xdeadbeefull};
#define NEDGE (sizeof edge / sizeof edge[0])

NI static void divmod(uint64_t a, uint64_t b) {
  int64_t sa = (int64_t)a, sb = (int64_t)b;
  uint32_t a32 = (uint32_t)a, b32 = (uint32_t)b;
  int32_t sa32 = (int32_t)a32, sb32 = (int32_t)b32;
  printf("  %016llx %016llx mul %016llx", (unsigned long long)a, (unsigned long long)b, (unsigned long long)(a * b));
  if (b) printf(" udiv %016llx umod %016llx", (unsigned long long)(a / b), (unsigned long long)(a % b));
  if (sb && !(sa == LLONG_MIN && sb == -1)) printf(" sdiv %lld smod %lld", (long long)(sa / sb), (long long)(sa % sb));
  if (b32) printf(" udiv32 %08x umod32 %08x", a32 / b32, a32 % b32);
  if (sb32 && !(sa32 == INT_MIN && sb32 == -1)) printf(" sdiv32 %d smod32 %d", sa32 / sb32, sa32 % sb32);
  printf(" mul32 %08x\n", a32 * b32);
}

NI static void shifts(uint64_t a, unsigned s) {
  s &= 63;
  uint64_t rotl = (a << s) | (a >> ((64 - s) & 63));
  uint64_t rotr = (a >> s) | (a << ((64 - s) & 63));
  uint32_t a32 = (uint32_t)a; unsigned s32 = s & 31;
  uint32_t rotl32 = (a32 << s32) | (a32 >> ((32 - s32) & 31));
  printf("  %016llx s%-2u lsl %016llx lsr %016llx asr %016llx rol %016llx ror %016llx lsl32 %08x asr32 %08x rol32 %08x\n",
         (unsigned long long)a, s, (unsigned long long)(a << s), (unsigned long long)(a >> s),
         (unsigned long long)((int64_t)a >> s), (unsigned long long)rotl, (unsigned long long)rotr, a32 << s32,
         (uint32_t)((int32_t)a32 >> s32), rotl32);
}

NI static void bits(uint64_t a) {
  uint32_t a32 = (uint32_t)a;
  printf("  %016llx pop %2d clz %2d ctz %2d clrsb %2d parity %d pop32 %2d clz32 %2d ctz32 %2d bswap %016llx bswap32 %08x bswap16 %04x",
         (unsigned long long)a, __builtin_popcountll(a), a ? __builtin_clzll(a) : 64, a ? __builtin_ctzll(a) : 64,
         __builtin_clrsbll((long long)a), __builtin_parityll(a), __builtin_popcount(a32), a32 ? __builtin_clz(a32) : 32,
         a32 ? __builtin_ctz(a32) : 32, (unsigned long long)__builtin_bswap64(a), __builtin_bswap32(a32),
         __builtin_bswap16((uint16_t)a));
  // classic bit tricks
  uint64_t lowest = a & -a, clear_lowest = a & (a - 1), smear = a | (a >> 1);
  smear |= smear >> 2; smear |= smear >> 4; smear |= smear >> 8; smear |= smear >> 16; smear |= smear >> 32;
  uint64_t rev = a;
  rev = ((rev >> 1) & 0x5555555555555555ull) | ((rev & 0x5555555555555555ull) << 1);
  rev = ((rev >> 2) & 0x3333333333333333ull) | ((rev & 0x3333333333333333ull) << 2);
  rev = ((rev >> 4) & 0x0f0f0f0f0f0f0f0full) | ((rev & 0x0f0f0f0f0f0f0f0full) << 4);
  rev = __builtin_bswap64(rev);
  printf(" low %llx clr %llx smear %llx rev %016llx ext8 %lld ext16 %lld ext32 %lld\n", (unsigned long long)lowest,
         (unsigned long long)clear_lowest, (unsigned long long)smear, (unsigned long long)rev, (long long)(int8_t)a,
         (long long)(int16_t)a, (long long)(int32_t)a);
}

NI static void wide(uint64_t a, uint64_t b) {
  unsigned __int128 u = (unsigned __int128)a * b;
  __int128 s = (__int128)(int64_t)a * (int64_t)b;
  unsigned __int128 q = b ? (((unsigned __int128)a << 64) | b) / b : 0;
  printf("  umul128 %016llx%016llx smul128 %016llx%016llx div128 %016llx%016llx\n", (unsigned long long)(u >> 64),
         (unsigned long long)u, (unsigned long long)((unsigned __int128)s >> 64), (unsigned long long)s,
         (unsigned long long)(q >> 64), (unsigned long long)q);
}

NI static void overflow(uint64_t a, uint64_t b) {
  uint64_t ru; int64_t rs; uint32_t ru32; int32_t rs32;
  int o1 = __builtin_add_overflow(a, b, &ru);
  int o2 = __builtin_sub_overflow(a, b, &ru);
  uint64_t sub = ru;
  int o3 = __builtin_mul_overflow(a, b, &ru);
  int o4 = __builtin_add_overflow((int64_t)a, (int64_t)b, &rs);
  int64_t sadd = rs;
  int o5 = __builtin_sub_overflow((int64_t)a, (int64_t)b, &rs);
  int64_t ssub = rs;
  int o6 = __builtin_mul_overflow((int64_t)a, (int64_t)b, &rs);
  int o7 = __builtin_add_overflow((uint32_t)a, (uint32_t)b, &ru32);
  int o8 = __builtin_mul_overflow((int32_t)a, (int32_t)b, &rs32);
  printf("  ovf uadd %d usub %d(%llx) umul %d(%llx) sadd %d(%lld) ssub %d(%lld) smul %d(%lld) uadd32 %d(%x) smul32 %d(%d)\n",
         o1, o2, (unsigned long long)sub, o3, (unsigned long long)ru, o4, (long long)sadd, o5, (long long)ssub, o6,
         (long long)rs, o7, ru32, o8, rs32);
}

NI static void compares(uint64_t a, uint64_t b) {
  int64_t sa = (int64_t)a, sb = (int64_t)b;
  unsigned m = (a < b) | (a <= b) << 1 | (a > b) << 2 | (a >= b) << 3 | (a == b) << 4 | (sa < sb) << 5 |
               (sa <= sb) << 6 | (sa > sb) << 7 | (sa >= sb) << 8 | ((int32_t)a < (int32_t)b) << 9 |
               ((uint32_t)a < (uint32_t)b) << 10;
  uint64_t mx = a > b ? a : b, smn = sa < sb ? (uint64_t)sa : (uint64_t)sb;
  uint64_t sel = (sa < 0) ? a + b : a - b;
  printf("  cmp %03x umax %016llx smin %016llx sel %016llx abs %lld\n", m, (unsigned long long)mx,
         (unsigned long long)smn, (unsigned long long)sel, (long long)(sa < 0 ? -(uint64_t)sa : (uint64_t)sa));
}

int main(void) {
  printf("divmod edge x edge\n");
  for (unsigned i = 0; i < NEDGE; i++)
    for (unsigned j = 0; j < NEDGE; j += 3) divmod(edge[i], edge[j]);
  printf("divmod random\n");
  for (int i = 0; i < 200; i++) {
    uint64_t a = next();
    uint64_t b = next_narrow();
    divmod(a, b);
  }
  printf("shifts\n");
  for (unsigned i = 0; i < NEDGE; i += 2)
    for (unsigned s = 0; s < 64; s += 7) shifts(edge[i], s);
  for (int i = 0; i < 60; i++) { uint64_t a = next(); shifts(a, (unsigned)next()); }
  printf("bits\n");
  for (unsigned i = 0; i < NEDGE; i++) bits(edge[i]);
  for (int i = 0; i < 60; i++) bits(next_narrow());
  printf("wide\n");
  for (unsigned i = 0; i < NEDGE; i += 2) wide(edge[i], edge[(i * 7 + 3) % NEDGE]);
  for (int i = 0; i < 60; i++) { uint64_t a = next(); wide(a, next_narrow()); }
  printf("overflow\n");
  for (unsigned i = 0; i < NEDGE; i++) overflow(edge[i], edge[(i * 5 + 1) % NEDGE]);
  for (int i = 0; i < 60; i++) { uint64_t a = next(); overflow(a, next_narrow()); }
  printf("compares\n");
  for (unsigned i = 0; i < NEDGE; i++) compares(edge[i], edge[(i * 11 + 2) % NEDGE]);
  for (int i = 0; i < 60; i++) { uint64_t a = next(); compares(a, next()); }
  // A long mixing chain: the final value depends on every step.
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < 100000; i++) {
    uint64_t x = next();
    h = (h ^ x) * 0x100000001b3ull;
    h += (h << 7) | (h >> 57);
    h ^= (uint64_t)((unsigned __int128)h * x >> 64);
    h -= x / ((x & 0xffff) | 1);
  }
  sink = h;
  printf("mix %016llx\n", (unsigned long long)h);
  return 0;
}
