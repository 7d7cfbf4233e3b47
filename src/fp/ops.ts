// FP operations on lanes of a register file: each kernel reads its operands from lanes of `S`
// and writes one lane of `D` (both laid out like cpu.V: element i of size 2^lg bytes). The
// common case — single or double, round to nearest, no flush-to-zero, finite operands, a
// result clear of the subnormal and overflow ranges — runs on JS doubles, with Inexact found
// by error-free transformations; everything else takes the exact BigInt path (soft.ts), which
// the fast path must match bit for bit (test/unit/fp_ops.test.ts checks that).
import { type FPCtx, F16, F32, F64, type Fmt, IXC } from './fpcr.js';
import { fpAdd, fpMul, fpDiv, fpSqrt, fpMulAdd, fpMinMax, fpCompare } from './soft.js';

export interface Lanes { V16: Uint16Array; V32: Uint32Array; VF32: Float32Array; VF64: Float64Array }

/** A scratch register file of `regs` 128-bit registers with the same views as Cpu. */
export function lanes(regs: number): Lanes & { V: Int32Array; V8: Uint8Array } {
  const buf = new ArrayBuffer(regs * 16);
  return { V: new Int32Array(buf), V8: new Uint8Array(buf), V16: new Uint16Array(buf), V32: new Uint32Array(buf), VF32: new Float32Array(buf), VF64: new Float64Array(buf) };
}

export const fmtLg = (lg: number): Fmt => (lg === 1 ? F16 : lg === 2 ? F32 : F64);

export function getBits(S: Lanes, lg: number, i: number): bigint {
  if (lg === 3) return (BigInt(S.V32[2 * i + 1]) << 32n) | BigInt(S.V32[2 * i]);
  return BigInt(lg === 2 ? S.V32[i] : S.V16[i]);
}
export function setBits(D: Lanes, lg: number, i: number, v: bigint): void {
  if (lg === 3) { D.V32[2 * i] = Number(v & 0xffffffffn); D.V32[2 * i + 1] = Number(v >> 32n); }
  else if (lg === 2) D.V32[i] = Number(v);
  else D.V16[i] = Number(v);
}

// FPCR.RMode and FPCR.FZ both clear: the only FPCR state the fast paths handle.
const FAST_MASK = (3 << 22) | (1 << 24);
const MIN_NORMAL32 = 1.1754943508222875e-38;
const MAX32 = 3.4028234663852886e38;
const SPLIT = 134217729; // 2^27 + 1 (Dekker)

/** Low part of a×b (a×b = p + err exactly), for |a|,|b| < 2^995 and a product clear of underflow. */
function mulErr(a: number, b: number, p: number): number {
  let t = SPLIT * a; const ah = t - (t - a), al = a - ah;
  t = SPLIT * b; const bh = t - (t - b), bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}
const okMag64 = (x: number) => { const a = Math.abs(x); return a > 1e-290 && a < 1e290; };

/** Double result of the fast path, or NaN when it does not apply. */
function fast64(op: number, a: number, b: number, ctx: FPCtx): number {
  let r: number;
  switch (op) {
    case 0: case 1: { // add, sub
      if (op) b = -b;
      r = a + b;
      if (!Number.isFinite(r)) return NaN; // overflow (or an infinite operand)
      const bb = r - a;
      if ((a - (r - bb)) + (b - bb) !== 0) ctx.fpsr |= IXC; // TwoSum error
      return r;
    }
    case 2: // mul
      r = a * b;
      if (r === 0) return a === 0 || b === 0 ? r : NaN;
      if (!okMag64(r) || !okMag64(a) || !okMag64(b)) return NaN;
      if (mulErr(a, b, r) !== 0) ctx.fpsr |= IXC;
      return r;
    case 3: // div
      r = a / b;
      if (r === 0 || b === 0) return a === 0 && b !== 0 ? r : NaN;
      if (!okMag64(r) || !okMag64(a) || !okMag64(b)) return NaN;
      if (a - r * b !== mulErr(r, b, r * b)) ctx.fpsr |= IXC; // a − r×b exact by Sterbenz
      return r;
    default: // sqrt
      if (!(a > 0)) return a === 0 ? a : NaN;
      if (a < 1e-290) return NaN; // the error term of r×r would underflow
      r = Math.sqrt(a);
      if (a - r * r !== mulErr(r, r, r * r)) ctx.fpsr |= IXC;
      return r;
  }
}

/** Single-precision result computed in double (innocuous double rounding: 53 ≥ 2×24+2), or NaN. */
function fast32(op: number, a: number, b: number, ctx: FPCtx): number {
  let r: number, exact: boolean;
  switch (op) {
    case 0: case 1: {
      if (op) b = -b;
      r = a + b;
      const bb = r - a;
      exact = (a - (r - bb)) + (b - bb) === 0;
      break;
    }
    case 2: r = a * b; exact = true; break;
    case 3:
      if (b === 0) return NaN;
      r = a / b; exact = r * b === a && Math.fround(r) === r;
      break;
    default:
      if (a < 0) return NaN;
      r = Math.sqrt(a); exact = r * r === a;
      break;
  }
  const f = Math.fround(r);
  const af = Math.abs(f);
  if (af > MAX32) return NaN;
  if (af <= MIN_NORMAL32 && r !== 0) return NaN; // possible underflow (tiny before rounding): exact path
  if (r === 0 && op === 2 && a !== 0 && b !== 0) return NaN;
  if (!exact || f !== r) ctx.fpsr |= IXC;
  return f;
}

const SOFT2 = [
  (f: Fmt, a: bigint, b: bigint, c: FPCtx) => fpAdd(f, a, b, c),
  (f: Fmt, a: bigint, b: bigint, c: FPCtx) => fpAdd(f, a, b, c, true),
  fpMul, fpDiv,
  (f: Fmt, a: bigint, _b: bigint, c: FPCtx) => fpSqrt(f, a, c),
];
export const enum Op2 { ADD = 0, SUB = 1, MUL = 2, DIV = 3, SQRT = 4 }

/** D[d] = S[n] op S[m] (sqrt: of S[n]). */
export function arith(ctx: FPCtx, op: Op2, lg: number, S: Lanes, n: number, m: number, D: Lanes, d: number): void {
  if ((ctx.fpcr & FAST_MASK) === 0) {
    if (lg === 3) {
      const a = S.VF64[n], b = S.VF64[m];
      if (Number.isFinite(a) && Number.isFinite(b)) {
        const r = fast64(op, a, b, ctx);
        if (r === r) { D.VF64[d] = r; return; }
      }
    } else if (lg === 2) {
      const a = S.VF32[n], b = S.VF32[m];
      if (Number.isFinite(a) && Number.isFinite(b)) {
        const r = fast32(op, a, b, ctx);
        if (r === r) { D.VF32[d] = r; return; }
      }
    }
  }
  setBits(D, lg, d, SOFT2[op](fmtLg(lg), getBits(S, lg, n), getBits(S, lg, m), ctx));
}

/** D[d] = S[a] + S[n] × S[m], one rounding; `negA`/`negN` negate those operands first (FPNeg,
 *  so NaN signs flip too: FMSUB, FNMADD, FNMSUB). */
export function mulAdd(ctx: FPCtx, lg: number, S: Lanes, a: number, n: number, m: number, D: Lanes, d: number, negA: boolean, negN: boolean): void {
  if ((ctx.fpcr & FAST_MASK) === 0 && lg >= 2) {
    const F = lg === 3 ? S.VF64 : S.VF32;
    let c = F[a], x = F[n];
    const y = F[m];
    if (negA) c = -c;
    if (negN) x = -x;
    const r = lg === 3 ? fma64(x, y, c, ctx) : fma32(x, y, c, ctx);
    if (r === r) { F === S.VF64 ? (D.VF64[d] = r) : (D.VF32[d] = r); return; }
  }
  const f = fmtLg(lg);
  let A = getBits(S, lg, a), N = getBits(S, lg, n);
  if (negA) A ^= f.signBit;
  if (negN) N ^= f.signBit;
  setBits(D, lg, d, fpMulAdd(f, A, N, getBits(S, lg, m), ctx));
}

// ----- fused multiply-add on doubles (Boldo & Melquiond, "Emulation of FMA and correctly rounded
// sums: proved algorithms using rounding to odd", IEEE TC 2008): with a×b = uh + ul and
// c + uh = th + tl exactly, RN(th + RO(tl + ul)) is the correctly rounded a×b + c.
const BITS = new Float64Array(1), WORDS = new Uint32Array(BITS.buffer); // WORDS[0]: low word (little-endian host)
/** Whether the last addOdd was inexact. */
let oddInexact = false;
/** x + y rounded to odd (no overflow or underflow). */
function addOdd(x: number, y: number): number {
  const s = x + y, bb = s - x, err = (x - (s - bb)) + (y - bb);
  oddInexact = err !== 0;
  if (err === 0) return s;
  BITS[0] = s;
  if ((WORDS[0] & 1) === 0) {
    // To the odd neighbour on err's side: ±1 on the 64-bit pattern (the low word is even, so
    // +1 never carries; −1 borrows from the high word only when the low word is 0).
    if ((err > 0) === (s > 0)) WORDS[0] += 1;
    else if (WORDS[0] === 0) { WORDS[0] = 0xffffffff; WORDS[1] -= 1; } else WORDS[0] -= 1;
  }
  return BITS[0];
}

/** RN(x×y + c) for doubles, or NaN when the fast path does not apply. */
function fma64(x: number, y: number, c: number, ctx: FPCtx): number {
  if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(c)) return NaN;
  // A zero factor: the product is an exact ±0 and the sum is exact (IEEE zero-sign rules, as
  // FPMulAdd's). A zero addend (x, y nonzero): the product is nonzero, so the result is RN(x×y).
  if (x === 0 || y === 0) return x * y + c;
  if (c === 0) {
    if (!okMag64(x) || !okMag64(y)) return NaN;
    const p = x * y;
    if (!okMag64(p)) return NaN;
    if (mulErr(x, y, p) !== 0) ctx.fpsr |= IXC;
    return p;
  }
  if (!okMag64(x) || !okMag64(y) || !okMag64(c)) return NaN;
  const uh = x * y;
  if (!okMag64(uh)) return NaN;
  const ul = mulErr(x, y, uh);
  const th = c + uh, bb = th - c, tl = (c - (th - bb)) + (uh - bb);
  const v = addOdd(tl, ul), inexactV = oddInexact;
  const z = th + v;
  if (!okMag64(z)) return NaN;
  const b2 = z - th, e2 = (th - (z - b2)) + (v - b2);
  if (inexactV || e2 !== 0) ctx.fpsr |= IXC;
  return z;
}
/** RN(x×y + c) for singles: x×y is exact in double, one odd rounding to double, one to single. */
function fma32(x: number, y: number, c: number, ctx: FPCtx): number {
  if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(c)) return NaN;
  // A zero factor: an exact ±0 product, an exact sum (as in fma64). A zero addend: x×y, exact in
  // double, rounded once to single below.
  if (x === 0 || y === 0) return x * y + c;
  const s = c === 0 ? x * y : addOdd(x * y, c), inexact = c !== 0 && oddInexact;
  const z = Math.fround(s), az = Math.abs(z);
  if (!(az > MIN_NORMAL32 && az <= MAX32)) return NaN;
  if (inexact || z !== s) ctx.fpsr |= IXC;
  return z;
}

/** FMAX/FMIN (num = false) and FMAXNM/FMINNM (num = true). */
export function minMax(ctx: FPCtx, lg: number, S: Lanes, n: number, m: number, D: Lanes, d: number, max: boolean, num: boolean): void {
  setBits(D, lg, d, fpMinMax(fmtLg(lg), getBits(S, lg, n), getBits(S, lg, m), ctx, max, num));
}

/** FPCompare of S[n] with S[m] (or with +0.0 when m < 0): NZCV as 4 bits. */
export function compare(ctx: FPCtx, lg: number, S: Lanes, n: number, m: number, signalling: boolean): number {
  return fpCompare(fmtLg(lg), getBits(S, lg, n), m < 0 ? 0n : getBits(S, lg, m), ctx, signalling);
}

/** D[d] = fn(S[n], S[m]) through the exact path only (rarer operations). */
export function soft2(ctx: FPCtx, fn: (f: Fmt, a: bigint, b: bigint, ctx: FPCtx) => bigint, lg: number, S: Lanes, n: number, m: number, D: Lanes, d: number): void {
  setBits(D, lg, d, fn(fmtLg(lg), getBits(S, lg, n), getBits(S, lg, m), ctx));
}
