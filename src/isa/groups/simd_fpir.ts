// FP arithmetic fast paths written in IR (f64 values on float lanes, src/ir/ir.ts), shared by the
// scalar (simd_fp.ts) and vector (simd_same.ts) entries, so both engines run them inline.
//
// Why the fast path is exact: for single and double operands a JS double `a+b`, `a-b`, `a*b`,
// `a/b`, `Math.sqrt(a)` is the IEEE result rounded to nearest even, and `Math.fround` of that
// double is the correctly rounded single result (53 ≥ 2×24 + 2: double rounding is innocuous for
// these operations). The Arm result equals it whenever FPCR asks for round to nearest with no
// flush-to-zero (and no trap enables), and the result is a finite normal number (or an exact
// zero where the operation cannot underflow): then no NaN, infinity, denormal or overflow rule
// applies, and the only FPSR flag the operation can raise is Inexact. The guard also asks for
// FPSR.IXC to be set already, so the flag needs no computing (the fused multiply-add below also
// takes exact results with IXC clear: they raise no flag). Whenever the guard fails the
// instruction runs its exact helper instead (`orSlow`), which sets every flag itself.
import type { Builder, Val } from '../../ir/ir.js';
import { FPCR_FZ, IXC } from '../../fp/fpcr.js';

/** FPCR bits that must be clear: RMode (23:22), FZ (24) and the trap enables (15, 12:8). */
export const FAST_FPCR_MASK = (3 << 22) | FPCR_FZ | 0x9f00;
/** Smallest normal and largest finite magnitudes per log2 byte size (2 single, 3 double). */
const MIN_NORMAL = [0, 0, 1.1754943508222875e-38, 2.2250738585072014e-308];
const MAX_FINITE = [0, 0, 3.4028234663852886e38, 1.7976931348623157e308];

export type FastOp = 'fadd' | 'fsub' | 'fmul' | 'fdiv' | 'fsqrt';

/** bool: FPCR is in the fast mode and FPSR.IXC is already set. */
export function fpFastMode(b: Builder): Val { return b.fpState(FAST_FPCR_MASK, IXC); }

/** bool: r is a finite normal number of the format (strictly above the smallest normal, so a
 *  result that rounded up to it from the subnormal range is refused), or zero when `zeroOk`. */
export function fpNormal(b: Builder, r: Val, lg: 2 | 3, zeroOk: boolean): Val {
  const ok = b.frange(r, MIN_NORMAL[lg], MAX_FINITE[lg]);
  return zeroOk ? b.or(ok, b.fcmp('feq', r, b.fconst(0))) : ok;
}

/** The rounded result of `op` on lane values of the format (sqrt: of x). */
export function fpArith(b: Builder, op: FastOp, lg: 2 | 3, x: Val, y: Val): Val {
  const r = op === 'fsqrt' ? b.fun('fsqrt', x) : b.fbin(op, x, y);
  return lg === 2 ? b.fun('fround', r) : r;
}

/** bool: the result r of `op` on x, y needs no flag but Inexact: a finite normal number, or a
 *  zero that is exact — any zero sum or difference (of finite operands; it is exact), the square
 *  root of ±0, a product with a zero factor, a quotient of a zero dividend (a zero product or
 *  quotient of nonzero operands is an underflow, left to the helper). IEEE gives these zeros the
 *  signs FPAdd/FPMul/FPDiv/FPSqrt give them. */
export function fpResultOk(b: Builder, op: FastOp, lg: 2 | 3, r: Val, x: Val, y: Val): Val {
  const zero = b.fconst(0), isZero = (v: Val) => b.fcmp('feq', v, zero);
  switch (op) {
    case 'fmul': return b.or(fpNormal(b, r, lg, false), b.and(isZero(r), b.or(isZero(x), isZero(y))));
    case 'fdiv': return b.or(fpNormal(b, r, lg, false), b.and(isZero(r), isZero(x)));
    default: return fpNormal(b, r, lg, true);
  }
}

// ----- Fused multiply-add, x×y + c rounded once (FPMulAdd), on doubles without a helper call.
//
// Let v be the exact x×y + c and RN the correct rounding (to nearest, ties to even) to the lane
// format. A JS `+`/`*` of two doubles is RN64 of the exact result, `Math.fround` of a double is
// RN32 of that double. Each format accepts the computed result on either of two tests:
//
// Exact sum. When the double computation has the exact v as a double sum a + b of doubles (a
// TwoSum error of zero), RN(a + b) is one correctly rounded JS operation (single: fround of the
// exact double a + b). Ties are rounded to even by JS as by Arm.
//
// Bracket. RN is monotonic (ties to even included). If doubles lo, hi satisfy lo <= v <= hi (or
// hi <= v <= lo), RN(v) lies between RN(lo) and RN(hi); when those are equal, RN(v) is that value.
// Bounds from a rounded double d = RN64(t) of a real t: t lies within the midpoints from d to
// pred(d) and succ(d). For normal d (|d| >= 2^-1022) the gap from d to either neighbour is at most
// ulp(d) <= 2^-52·|d|, so the exact d·(1 + 2^-52) is at or beyond succ(d) (d > 0) and
// d·(1 - 2^-52) at or beyond pred(d); rounding those products (1 ± 2^-52 are doubles) keeps them at
// or beyond the neighbours, hence beyond the midpoints: t lies between d·(1 - 2^-52) and
// d·(1 + 2^-52) as computed (for d < 0 the two swap roles; the equality test does not care).
//
// Single (lg 2). x, y, c are single values, so p = x×y is exact in a double (24 + 24 bits, |p|
// within 2^-298..2^256), s = RN64(p + c) and err = p + c - s exactly (TwoSum). v is a multiple of
// 2^-298 below 2^257, so s is normal, or s = v = 0. Exact sum: err = 0 ⇒ RN32(v) = fround(s).
// Bracket (t = v, d = s): fround(s·(1 - 2^-52)) === fround(s·(1 + 2^-52)) ⇒ RN32(v) = fround(s) (s
// lies in the bracket too). The bracket fails only when a single rounding boundary lies within
// about a double ulp of s, the exact sum only when the sum is inexact: both fail almost never.
//
// Double (lg 3). p = RN64(x×y) and e = x×y - p exactly (Dekker's product on Veltkamp halves, split
// constant 2^27 + 1), provided nothing overflows and the error stays clear of the subnormals:
// ulp(x)·ulp(y) >= |x×y|·2^-106 (subnormals too), so |p| > 2^-900 keeps every partial product's
// granularity above 2^-1022 (the condition e_x + e_y >= e_min + 52 for Dekker with underflow,
// Boldo 2006). A zero factor (x or y = ±0, the other finite) is also fine: every partial product
// and e are zeros and v = c + ±0. (A nonzero product that underflows to p = 0 is not: e would be
// rounding garbage; the guard refuses it.) s = RN64(p + c) and err = p + c - s exactly (TwoSum),
// so v = s + err + e exactly. w = RN64(err + e), z = RN64(s + w). Exact sum: err = 0 or e = 0
// (an exact sum p + c, as in cancellation, or an exact product) ⇒ w = err + e ⇒ v = s + w ⇒
// RN64(v) = z. Bracket: when w is subnormal, err + e (a sum of doubles below 2^-1022, both
// multiples of 2^-1074) was exact, so v = s + w again, and z⁻ = z⁺ = z below. Otherwise err + e
// lies between w⁻ = w·(1 - 2^-52) and w⁺ = w·(1 + 2^-52) as computed, so v between the exact
// s + w⁻ and s + w⁺, RN64(v) between their JS sums z⁻, z⁺, and so does z: z⁻ === z⁺ ⇒ RN64(v) = z.
// Overflow anywhere (Veltkamp's SPLIT·x beyond the largest double, a partial product, p + c)
// makes an infinity that +, -, × carry on to a NaN or infinite z (inf - inf, inf × 0 give NaN;
// nothing turns them finite again); so do NaN and infinite operands: the fpNormal guard refuses
// z, and when z is finite the infinity never happened.
//
// Result range and flags. With FPCR in the fast mode (round to nearest, FZ clear, no trap
// enables) and a result strictly above the smallest normal and finite (so |v| was above the
// underflow threshold before rounding), FPMulAdd raises no flag but Inexact; the caller asks for
// FPSR.IXC to be set already, or for every lane to be exact (v representable: single, err = 0 and
// fround(s) = s; double, w = 0, so err + e = 0 and v = s = z), which raises no flag at all. Single
// exact results need no range guard either: a tiny one is no underflow (Arm's FPRound signals
// Underflow for a tiny result only when it is inexact or the trap is enabled). Single zeros are
// such exact results (s = 0 ⇔ v = 0, v being a multiple of 2^-298), and FPMulAdd's sign of an
// exact zero (-0 only when the addend and the product are zeros of that sign, else +0 in round to
// nearest) is IEEE's, which the JS sum p + c gives (p carries the exact product's sign). Double
// zero and subnormal results go to the helper (rare; z = s + w would turn s = -0 into +0).
const ULP_BELOW = 1 - 2 ** -52, ULP_ABOVE = 1 + 2 ** -52;
/** Veltkamp's constant for splitting a double into two 26-bit halves. */
const SPLIT = 134217729; // 2^27 + 1
/** Below this |x×y| Dekker's error term could fall among the subnormals (see above). */
const MIN_EXACT_PRODUCT = 2 ** -900;

/** bool: FPCR is in the fast mode (FPSR aside). */
export function fpFastFpcr(b: Builder): Val { return b.fpState(FAST_FPCR_MASK); }
/** bool: FPSR.IXC is set. */
export function fpIxcSet(b: Builder): Val { return b.fpState(0, IXC); }

/** x×y + c rounded once to the lane format: the result `r`, a bool `ok` that must hold for it
 *  to be right (with fpFastFpcr), and a bool `exact` (the result raises no flag at all); the
 *  instruction also needs fpIxcSet or every lane exact. See the proof above. */
export function fpFma(b: Builder, lg: 2 | 3, x: Val, y: Val, c: Val): { r: Val; ok: Val; exact: Val } {
  const mul = (u: Val, v: Val) => b.fbin('fmul', u, v), add = (u: Val, v: Val) => b.fbin('fadd', u, v);
  const below = b.fconst(ULP_BELOW), above = b.fconst(ULP_ABOVE), zero = b.fconst(0);
  const isZero = (t: Val) => b.fcmp('feq', t, zero);
  const p = mul(x, y);
  const [s, err] = twoSum(b, p, c);
  if (lg === 2) {
    const r = b.fun('fround', s), sumExact = isZero(err);
    const bracket = b.fcmp('feq', b.fun('fround', mul(s, below)), b.fun('fround', mul(s, above)));
    const exact = b.and(sumExact, b.fcmp('feq', r, s));
    return { r, ok: b.and(b.or(sumExact, bracket), b.or(fpNormal(b, r, 2, false), exact)), exact };
  }
  const [xh, xl] = veltkamp(b, x), [yh, yl] = veltkamp(b, y);
  const e = add(add(add(b.fbin('fsub', mul(xh, yh), p), mul(xh, yl)), mul(xl, yh)), mul(xl, yl));
  const w = add(err, e), sumExact = b.or(isZero(err), isZero(e));
  const bracket = b.fcmp('feq', add(s, mul(w, below)), add(s, mul(w, above)));
  // No upper bound needed on |p|: an infinite p makes z a NaN.
  const productOk = b.or(b.fcmp('flt', b.fconst(MIN_EXACT_PRODUCT), b.fun('fabs', p)), b.or(isZero(x), isZero(y)));
  const r = add(s, w);
  const ok = b.and(b.and(productOk, b.or(sumExact, bracket)), fpNormal(b, r, 3, false));
  return { r, ok, exact: isZero(w) };
}

/** Knuth's TwoSum: [RN(a + b), a + b - RN(a + b)] (exact unless something overflows). */
function twoSum(b: Builder, u: Val, v: Val): [Val, Val] {
  const s = b.fbin('fadd', u, v), bb = b.fbin('fsub', s, u);
  return [s, b.fbin('fadd', b.fbin('fsub', u, b.fbin('fsub', s, bb)), b.fbin('fsub', v, bb))];
}

/** Splits already emitted, by value: a by-element FMLA splits its one element once. */
const splits = new WeakMap<Val, [Val, Val]>();
/** Veltkamp's split of a double into a high half of 26 bits and the exact rest (an overflow
 *  of SPLIT·a gives NaN halves). */
function veltkamp(b: Builder, a: Val): [Val, Val] {
  let halves = splits.get(a);
  if (!halves) {
    const t = b.fbin('fmul', b.fconst(SPLIT), a);
    const hi = b.fbin('fsub', t, b.fbin('fsub', t, a));
    halves = [hi, b.fbin('fsub', a, hi)];
    splits.set(a, halves);
  }
  return halves;
}

/** FMAX/FMIN/FMAXNM/FMINNM without NaN operands: the exact Math.max/Math.min (their zero rules
 *  are FPMax's and FPMin's: max(+0, −0) = +0, min(+0, −0) = −0), no flag at all. The guard: no
 *  NaN, and FZ clear (a flushed denormal would compare as zero and raise IDC). */
export function fpMinMaxIR(b: Builder, max: boolean, x: Val, y: Val): [Val, Val] {
  const ok = b.and(b.and(b.fcmp('feq', x, x), b.fcmp('feq', y, y)), b.fpState(FPCR_FZ));
  return [b.fbin(max ? 'fmax' : 'fmin', x, y), ok];
}

/** Writes a scalar float result to lane 0 of V[d] and zeroes the rest of the register. */
export function setScalarF(b: Builder, d: Val, lg: 2 | 3, r: Val): void {
  b.setVLaneF(d, 0, lg, r);
  const zero = b.c32(0);
  for (let i = lg === 3 ? 2 : 1; i < 4; i++) b.setVWord(d, i, zero);
}
