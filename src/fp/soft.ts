// The general floating-point path: exact arithmetic on BigInt significands, rounded once by
// FPRound, following the Arm ARM pseudocode (shared/functions/float: FPUnpack, FPRoundBase,
// FPProcessNaN(s), FPAdd, FPMul, FPDiv, FPSqrt, FPMulAdd, FPCompare, FPMax/FPMin(Num)).
// Bit patterns come and go as unsigned BigInts of the format's width. Fast paths for common
// cases live in ops.ts and must agree with these functions bit for bit.
import {
  type FPCtx, type Fmt, RM, FPCR_AHP, FPCR_DN, FPCR_FZ, IOC, DZC, OFC, UFC, IXC, IDC, fpcrRounding,
} from './fpcr.js';

export const enum T { Zero, Num, Inf, QNaN, SNaN }
/** An unpacked operand: for T.Num the value is (-1)^sign × m × 2^e, m > 0. */
export interface Unp { t: T; sign: number; m: bigint; e: number }

export function bitlen(m: bigint): number {
  if (m < 0x100000000n) return 32 - Math.clz32(Number(m));
  const s = m.toString(16);
  return (s.length - 1) * 4 + 32 - Math.clz32(parseInt(s[0], 16));
}

/** FPUnpack: input denormals of single and double flush to zero when FPCR.FZ is set (IDC);
 *  half precision never flushes in Armv8.0, and with FPCR.AHP it has no infinities or NaNs. */
export function unpack(f: Fmt, bits: bigint, ctx: FPCtx): Unp {
  const sign = Number((bits >> BigInt(f.N - 1)) & 1n);
  const exp = (bits >> BigInt(f.F)) & f.expMax;
  const frac = bits & f.fracMask;
  if (exp === 0n) {
    if (frac === 0n) return { t: T.Zero, sign, m: 0n, e: 0 };
    if (f.N !== 16 && ctx.fpcr & FPCR_FZ) { ctx.fpsr |= IDC; return { t: T.Zero, sign, m: 0n, e: 0 }; }
    return { t: T.Num, sign, m: frac, e: f.emin - f.F };
  }
  if (exp === f.expMax && !(f.N === 16 && ctx.fpcr & FPCR_AHP)) {
    if (frac === 0n) return { t: T.Inf, sign, m: 0n, e: 0 };
    return { t: frac & f.quietBit ? T.QNaN : T.SNaN, sign, m: 0n, e: 0 };
  }
  return { t: T.Num, sign, m: frac | (1n << BigInt(f.F)), e: Number(exp) - f.bias - f.F };
}

export const isNaN_ = (u: Unp) => u.t >= T.QNaN;
export const zero = (f: Fmt, sign: number): bigint => (sign ? f.signBit : 0n);
export const inf = (f: Fmt, sign: number): bigint => (sign ? f.signBit : 0n) | (f.expMax << BigInt(f.F));
export const defaultNaN = (f: Fmt): bigint => (f.expMax << BigInt(f.F)) | f.quietBit;
export const maxNormal = (f: Fmt, sign: number): bigint => (sign ? f.signBit : 0n) | ((f.expMax - 1n) << BigInt(f.F)) | f.fracMask;

/** FPProcessNaN: a signalling NaN is quietened (IOC); FPCR.DN replaces any NaN by the default. */
export function processNaN(f: Fmt, u: Unp, bits: bigint, ctx: FPCtx): bigint {
  let r = bits;
  if (u.t === T.SNaN) { r |= f.quietBit; ctx.fpsr |= IOC; }
  return ctx.fpcr & FPCR_DN ? defaultNaN(f) : r;
}
/** FPProcessNaNs: signalling NaNs first, then quiet ones, in operand order; null if none. */
export function processNaNs(f: Fmt, a: Unp, b: Unp, abits: bigint, bbits: bigint, ctx: FPCtx): bigint | null {
  if (a.t === T.SNaN) return processNaN(f, a, abits, ctx);
  if (b.t === T.SNaN) return processNaN(f, b, bbits, ctx);
  if (a.t === T.QNaN) return processNaN(f, a, abits, ctx);
  if (b.t === T.QNaN) return processNaN(f, b, bbits, ctx);
  return null;
}
export function processNaNs3(f: Fmt, u: Unp[], bits: bigint[], ctx: FPCtx): bigint | null {
  for (const t of [T.SNaN, T.QNaN]) for (let i = 0; i < 3; i++) if (u[i].t === t) return processNaN(f, u[i], bits[i], ctx);
  return null;
}

/** FPRoundBase: rounds (-1)^sign × (m + sticky) × 2^e, m > 0, where `sticky` says nonzero bits
 *  lie below m's last bit (callers keep at least two bits below the result's precision). */
export function round(f: Fmt, sign: number, m: bigint, e: number, sticky: boolean, ctx: FPCtx, rm: RM = fpcrRounding(ctx.fpcr)): bigint {
  const exponent = e + bitlen(m) - 1;
  if (f.N !== 16 && ctx.fpcr & FPCR_FZ && exponent < f.emin) {
    ctx.fpsr |= UFC; // flushed output: Underflow, not Inexact
    return zero(f, sign);
  }
  let biased = Math.max(exponent - f.emin + 1, 0);
  const lsbExp = (biased === 0 ? f.emin : exponent) - f.F;
  const shift = lsbExp - e;
  let mant: bigint, gtHalf: boolean, eqHalf: boolean, inexact: boolean;
  if (shift <= 0) {
    mant = m << BigInt(-shift);
    gtHalf = false; eqHalf = false; inexact = sticky;
  } else {
    const sh = BigInt(shift);
    mant = m >> sh;
    const rem = m & ((1n << sh) - 1n), half = 1n << (sh - 1n);
    gtHalf = rem > half || (rem === half && sticky);
    eqHalf = rem === half && !sticky;
    inexact = rem !== 0n || sticky;
  }
  if (biased === 0 && inexact) ctx.fpsr |= UFC;
  let up = false, toInf = false;
  switch (rm) {
    case RM.TIEEVEN: up = gtHalf || (eqHalf && (mant & 1n) === 1n); toInf = true; break;
    case RM.TIEAWAY: up = gtHalf || eqHalf; toInf = true; break;
    case RM.POSINF: up = inexact && sign === 0; toInf = sign === 0; break;
    case RM.NEGINF: up = inexact && sign === 1; toInf = sign === 1; break;
    default: break; // ZERO, ODD
  }
  const one = 1n << BigInt(f.F);
  if (up) {
    mant++;
    if (mant === one) biased = 1;
    if (mant === one << 1n) { biased++; mant >>= 1n; }
  }
  if (inexact && rm === RM.ODD) mant |= 1n;
  let r: bigint;
  if (!(f.N === 16 && ctx.fpcr & FPCR_AHP)) {
    if (biased >= (1 << f.E) - 1) {
      r = toInf ? inf(f, sign) : maxNormal(f, sign);
      ctx.fpsr |= OFC;
      inexact = true;
    } else r = (sign ? f.signBit : 0n) | (BigInt(biased) << BigInt(f.F)) | (mant & f.fracMask);
  } else if (biased >= 1 << f.E) {
    r = (sign ? f.signBit : 0n) | (f.signBit - 1n);
    ctx.fpsr |= IOC;
    inexact = false;
  } else r = (sign ? f.signBit : 0n) | (BigInt(biased) << BigInt(f.F)) | (mant & f.fracMask);
  if (inexact) ctx.fpsr |= IXC;
  return r;
}

/** Exact signed sum of two finite values as [signed significand, exponent]. */
function exactSum(sa: number, ma: bigint, ea: number, sb: number, mb: bigint, eb: number): [bigint, number] {
  if (ma === 0n) return [sb ? -mb : mb, eb];
  if (mb === 0n) return [sa ? -ma : ma, ea];
  const e = Math.min(ea, eb);
  const a = ma << BigInt(ea - e), b = mb << BigInt(eb - e);
  return [(sa ? -a : a) + (sb ? -b : b), e];
}
function roundSigned(f: Fmt, v: bigint, e: number, ctx: FPCtx, rm: RM): bigint {
  if (v === 0n) return zero(f, rm === RM.NEGINF ? 1 : 0);
  return v < 0n ? round(f, 1, -v, e, false, ctx, rm) : round(f, 0, v, e, false, ctx, rm);
}

/** FPAdd / FPSub (sub negates b after NaN processing). */
export function fpAdd(f: Fmt, a: bigint, b: bigint, ctx: FPCtx, sub = false): bigint {
  const A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  const n = processNaNs(f, A, B, a, b, ctx);
  if (n !== null) return n;
  const sb = sub ? B.sign ^ 1 : B.sign;
  const iA = A.t === T.Inf, iB = B.t === T.Inf;
  if (iA && iB && A.sign !== sb) { ctx.fpsr |= IOC; return defaultNaN(f); }
  if ((iA && A.sign === 0) || (iB && sb === 0)) return inf(f, 0);
  if (iA || iB) return inf(f, 1);
  if (A.t === T.Zero && B.t === T.Zero && A.sign === sb) return zero(f, A.sign);
  const [v, e] = exactSum(A.sign, A.m, A.e, sb, B.m, B.e);
  return roundSigned(f, v, e, ctx, fpcrRounding(ctx.fpcr));
}

export function fpMul(f: Fmt, a: bigint, b: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  const n = processNaNs(f, A, B, a, b, ctx);
  if (n !== null) return n;
  const s = A.sign ^ B.sign;
  if ((A.t === T.Inf && B.t === T.Zero) || (A.t === T.Zero && B.t === T.Inf)) { ctx.fpsr |= IOC; return defaultNaN(f); }
  if (A.t === T.Inf || B.t === T.Inf) return inf(f, s);
  if (A.t === T.Zero || B.t === T.Zero) return zero(f, s);
  return round(f, s, A.m * B.m, A.e + B.e, false, ctx);
}

export function fpDiv(f: Fmt, a: bigint, b: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  const n = processNaNs(f, A, B, a, b, ctx);
  if (n !== null) return n;
  const s = A.sign ^ B.sign;
  if ((A.t === T.Inf && B.t === T.Inf) || (A.t === T.Zero && B.t === T.Zero)) { ctx.fpsr |= IOC; return defaultNaN(f); }
  if (A.t === T.Inf || B.t === T.Zero) { if (A.t !== T.Inf) ctx.fpsr |= DZC; return inf(f, s); }
  if (A.t === T.Zero || B.t === T.Inf) return zero(f, s);
  const k = Math.max(0, f.F + 3 + bitlen(B.m) - bitlen(A.m));
  const num = A.m << BigInt(k);
  const q = num / B.m;
  return round(f, s, q, A.e - B.e - k, q * B.m !== num, ctx);
}

export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitlen(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function fpSqrt(f: Fmt, a: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, a, ctx);
  if (isNaN_(A)) return processNaN(f, A, a, ctx);
  if (A.t === T.Zero) return zero(f, A.sign);
  if (A.t === T.Inf && A.sign === 0) return inf(f, 0);
  if (A.sign) { ctx.fpsr |= IOC; return defaultNaN(f); }
  let m = A.m, e = A.e;
  if (e & 1) { m <<= 1n; e--; }
  const k = Math.max(0, f.F + 4 - (bitlen(m) >> 1));
  const M = m << BigInt(2 * k);
  const r = isqrt(M);
  return round(f, 0, r, (e >> 1) - k, r * r !== M, ctx);
}

/** FPMulAdd(addend, op1, op2): addend + op1 × op2 with a single rounding. */
export function fpMulAdd(f: Fmt, addend: bigint, op1: bigint, op2: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, addend, ctx), B = unpack(f, op1, ctx), C = unpack(f, op2, ctx);
  const inf1 = B.t === T.Inf, inf2 = C.t === T.Inf, zero1 = B.t === T.Zero, zero2 = C.t === T.Zero;
  const n = processNaNs3(f, [A, B, C], [addend, op1, op2], ctx);
  if (A.t === T.QNaN && ((inf1 && zero2) || (zero1 && inf2))) { ctx.fpsr |= IOC; return defaultNaN(f); }
  if (n !== null) return n;
  const infA = A.t === T.Inf, zeroA = A.t === T.Zero;
  const signP = B.sign ^ C.sign, infP = inf1 || inf2, zeroP = zero1 || zero2;
  if ((inf1 && zero2) || (zero1 && inf2) || (infA && infP && A.sign !== signP)) { ctx.fpsr |= IOC; return defaultNaN(f); }
  if ((infA && A.sign === 0) || (infP && signP === 0)) return inf(f, 0);
  if (infA || infP) return inf(f, 1);
  if (zeroA && zeroP && A.sign === signP) return zero(f, A.sign);
  const [v, e] = exactSum(A.sign, A.m, A.e, signP, zeroP ? 0n : B.m * C.m, B.e + C.e);
  return roundSigned(f, v, e, ctx, fpcrRounding(ctx.fpcr));
}

/** Compares two non-NaN unpacked values: -1, 0 or 1. */
export function cmpVal(a: Unp, b: Unp): number {
  const key = (u: Unp) => (u.t === T.Zero ? 0 : u.sign ? -1 : 1);
  const ka = key(a), kb = key(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  if (ka === 0) return 0;
  let mag: number;
  if (a.t === T.Inf || b.t === T.Inf) mag = a.t === b.t ? 0 : a.t === T.Inf ? 1 : -1;
  else {
    const e = Math.min(a.e, b.e);
    const x = a.m << BigInt(a.e - e), y = b.m << BigInt(b.e - e);
    mag = x === y ? 0 : x > y ? 1 : -1;
  }
  return ka < 0 ? -mag : mag;
}

/** FPCompare: NZCV as a 4-bit number (N=8, Z=4, C=2, V=1). `signalling`: FCMPE/FCCMPE, where a
 *  quiet NaN is Invalid Operation too. */
export function fpCompare(f: Fmt, a: bigint, b: bigint, ctx: FPCtx, signalling: boolean): number {
  const A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  if (isNaN_(A) || isNaN_(B)) {
    if (A.t === T.SNaN || B.t === T.SNaN || signalling) ctx.fpsr |= IOC;
    return 0b0011;
  }
  const c = cmpVal(A, B);
  return c === 0 ? 0b0110 : c < 0 ? 0b1000 : 0b0010;
}

/** FPMax / FPMin, and the ...Num variants (FMAXNM/FMINNM) where a quiet NaN loses to a number. */
export function fpMinMax(f: Fmt, a: bigint, b: bigint, ctx: FPCtx, max: boolean, num: boolean): bigint {
  let A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  if (num) {
    // FPMaxNum/FPMinNum: a lone quiet NaN becomes the infinity that loses.
    const loser: Unp = { t: T.Inf, sign: max ? 1 : 0, m: 0n, e: 0 };
    if (A.t === T.QNaN && B.t !== T.QNaN && B.t !== T.SNaN) { A = loser; a = inf(f, loser.sign); }
    else if (B.t === T.QNaN && A.t !== T.QNaN && A.t !== T.SNaN) { B = loser; b = inf(f, loser.sign); }
  }
  const n = processNaNs(f, A, B, a, b, ctx);
  if (n !== null) return n;
  const c = cmpVal(A, B);
  const pickA = max ? c > 0 : c < 0;
  const W = pickA ? A : B, wbits = pickA ? a : b;
  if (W.t === T.Zero) return zero(f, max ? A.sign & B.sign : A.sign | B.sign);
  if (W.t === T.Inf) return inf(f, W.sign);
  return W.m === 0n ? wbits : round(f, W.sign, W.m, W.e, false, ctx);
}

/** FPMulX (FMULX): like FPMul, but ∞ × 0 is ±2.0 instead of Invalid Operation. */
export function fpMulX(f: Fmt, a: bigint, b: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  const n = processNaNs(f, A, B, a, b, ctx);
  if (n !== null) return n;
  const s = A.sign ^ B.sign;
  if ((A.t === T.Inf && B.t === T.Zero) || (A.t === T.Zero && B.t === T.Inf)) return constant(f, s, 2, 0);
  if (A.t === T.Inf || B.t === T.Inf) return inf(f, s);
  if (A.t === T.Zero || B.t === T.Zero) return zero(f, s);
  return round(f, s, A.m * B.m, A.e + B.e, false, ctx);
}

/** ±(1 + frac/2^F... ) small constants: value = m × 2^e exactly (2.0, 1.5, 3.0 …). */
function constant(f: Fmt, sign: number, m: number, e: number): bigint {
  const fake: FPCtx = { fpcr: 0, fpsr: 0 };
  return round(f, sign, BigInt(m), e, false, fake, RM.ZERO);
}

/** FPRecipStepFused (FRECPS: 2 − a×b) and FPRSqrtStepFused (FRSQRTS: (3 − a×b) / 2), fused. */
export function fpStepFused(f: Fmt, a: bigint, b: bigint, ctx: FPCtx, rsqrt: boolean): bigint {
  a ^= f.signBit; // op1 = FPNeg(op1), before NaN processing
  const A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  const n = processNaNs(f, A, B, a, b, ctx);
  if (n !== null) return n;
  if ((A.t === T.Inf && B.t === T.Zero) || (A.t === T.Zero && B.t === T.Inf)) return rsqrt ? constant(f, 0, 3, -1) : constant(f, 0, 2, 0);
  if (A.t === T.Inf || B.t === T.Inf) return inf(f, A.sign ^ B.sign);
  // (c + a×b) × 2^k with c = 3 (k = -1) or 2 (k = 0), exactly
  const [v, e] = exactSum(0, rsqrt ? 3n : 2n, 0, A.sign ^ B.sign, A.t === T.Zero || B.t === T.Zero ? 0n : A.m * B.m, A.e + B.e);
  return roundSigned(f, v, e - (rsqrt ? 1 : 0), ctx, fpcrRounding(ctx.fpcr));
}

/** FPCompareEQ / GE / GT of the vector compares: a boolean; EQ signals only on signalling NaNs. */
export function fpCompareOp(f: Fmt, a: bigint, b: bigint, ctx: FPCtx, op: 'eq' | 'ge' | 'gt'): boolean {
  const A = unpack(f, a, ctx), B = unpack(f, b, ctx);
  if (isNaN_(A) || isNaN_(B)) {
    if (op !== 'eq' || A.t === T.SNaN || B.t === T.SNaN) ctx.fpsr |= IOC;
    return false;
  }
  const c = cmpVal(A, B);
  return op === 'eq' ? c === 0 : op === 'ge' ? c >= 0 : c > 0;
}
