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
// FPSR.IXC to be set already, so the flag needs no computing. Whenever the guard fails the
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

/** x×y + c rounded once (FPMulAdd), and a bool that must hold for it to be right (besides the
 *  fpNormal guard). Single: x×y is exact in a double (24 + 24 bits), and when the double sum
 *  p + c is exact too (its TwoSum error is zero) one `fround` rounds the exact value. Double: a
 *  pure helper decides it (error-free transformations, src/fp/ops.ts), or returns NaN. */
export function fpFma(b: Builder, lg: 2 | 3, x: Val, y: Val, c: Val): [Val, Val | undefined] {
  if (lg === 3) return [b.call('fp_fma', 'f64', b.c32(lg), x, y, c), undefined];
  const p = b.fbin('fmul', x, y), s = b.fbin('fadd', p, c);
  const bb = b.fbin('fsub', s, p);
  const err = b.fbin('fadd', b.fbin('fsub', p, b.fbin('fsub', s, bb)), b.fbin('fsub', c, bb));
  return [b.fun('fround', s), b.fcmp('feq', err, b.fconst(0))];
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
