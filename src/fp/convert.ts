// Conversions, general path (Arm ARM shared/functions/float: FPConvert, FPConvertNaN,
// FPRoundInt, FPToFixed, FixedToFP).
import { type FPCtx, type Fmt, RM, FPCR_AHP, FPCR_DN, IOC, IXC } from './fpcr.js';
import { T, unpack, isNaN_, round, zero, inf, defaultNaN, processNaN } from './soft.js';

/** FPConvertNaN: keep the sign and the top of the payload, set the quiet bit. */
function convertNaN(from: Fmt, to: Fmt, bits: bigint): bigint {
  const sign = (bits >> BigInt(from.N - 1)) & 1n;
  const payload = (bits & (from.quietBit - 1n)) << BigInt(52 - from.F); // left-aligned in 51 bits
  const p = payload >> BigInt(52 - to.F);
  return (sign << BigInt(to.N - 1)) | (to.expMax << BigInt(to.F)) | to.quietBit | p;
}

/** FPConvert (FCVT and friends): between half, single and double. */
export function fpConvert(from: Fmt, to: Fmt, bits: bigint, ctx: FPCtx, rm: RM): bigint {
  const A = unpack(from, bits, ctx);
  const altHP = to.N === 16 && (ctx.fpcr & FPCR_AHP) !== 0;
  if (isNaN_(A)) {
    let r: bigint;
    if (altHP) r = zero(to, A.sign);
    else if (ctx.fpcr & FPCR_DN) r = defaultNaN(to);
    else r = convertNaN(from, to, bits);
    if (A.t === T.SNaN || altHP) ctx.fpsr |= IOC;
    return r;
  }
  if (A.t === T.Inf) {
    if (altHP) { ctx.fpsr |= IOC; return (A.sign ? to.signBit : 0n) | (to.signBit - 1n); }
    return inf(to, A.sign);
  }
  if (A.t === T.Zero) return zero(to, A.sign);
  return round(to, A.sign, A.m, A.e, false, ctx, rm);
}

/** Rounds a magnitude m × 2^e (e < 0) to an integer: [integer, nonzero fraction]. */
function roundMag(m: bigint, e: number, sign: number, rm: RM): [bigint, boolean] {
  if (e >= 0) return [m << BigInt(e), false];
  const sh = BigInt(-e);
  let q = m >> sh;
  const rem = m & ((1n << sh) - 1n), half = 1n << (sh - 1n);
  let up = false;
  switch (rm) {
    case RM.TIEEVEN: up = rem > half || (rem === half && (q & 1n) === 1n); break;
    case RM.TIEAWAY: up = rem >= half; break;
    case RM.POSINF: up = rem !== 0n && sign === 0; break;
    case RM.NEGINF: up = rem !== 0n && sign === 1; break;
    default: break;
  }
  if (up) q++;
  return [q, rem !== 0n];
}

/** FPRoundInt (FRINT*): `exact` raises Inexact when the value changes (FRINTX). */
export function fpRoundInt(f: Fmt, bits: bigint, ctx: FPCtx, rm: RM, exact: boolean): bigint {
  const A = unpack(f, bits, ctx);
  if (isNaN_(A)) return processNaN(f, A, bits, ctx);
  if (A.t === T.Inf) return inf(f, A.sign);
  if (A.t === T.Zero) return zero(f, A.sign);
  if (A.e >= 0) return bits; // already an integer
  const [q, frac] = roundMag(A.m, A.e, A.sign, rm);
  const r = q === 0n ? zero(f, A.sign) : round(f, A.sign, q, 0, false, ctx, RM.ZERO);
  if (frac && exact) ctx.fpsr |= IXC;
  return r;
}

/** FPToFixed: an M-bit integer (two's complement pattern, as an unsigned BigInt) with `fbits`
 *  fraction bits, saturating with Invalid Operation. */
export function fpToFixed(f: Fmt, bits: bigint, fbits: number, unsigned: boolean, M: number, ctx: FPCtx, rm: RM): bigint {
  const A = unpack(f, bits, ctx);
  let v: bigint, frac = false;
  if (isNaN_(A)) { ctx.fpsr |= IOC; v = 0n; }
  else if (A.t === T.Zero) v = 0n;
  else if (A.t === T.Inf) v = A.sign ? -(1n << 4096n) : 1n << 4096n;
  else {
    const [q, fr] = roundMag(A.m, A.e + fbits, A.sign, rm);
    v = A.sign ? -q : q;
    frac = fr;
  }
  const lo = unsigned ? 0n : -(1n << BigInt(M - 1));
  const hi = unsigned ? (1n << BigInt(M)) - 1n : (1n << BigInt(M - 1)) - 1n;
  if (v < lo || v > hi) { ctx.fpsr |= IOC; v = v < lo ? lo : hi; }
  else if (frac) ctx.fpsr |= IXC;
  return BigInt.asUintN(M, v);
}

/** FixedToFP: `v` is the (signed) integer value; the result is v / 2^fbits rounded. */
export function fixedToFp(f: Fmt, v: bigint, fbits: number, ctx: FPCtx, rm: RM): bigint {
  if (v === 0n) return 0n;
  return v < 0n ? round(f, 1, -v, -fbits, false, ctx, rm) : round(f, 0, v, -fbits, false, ctx, rm);
}
