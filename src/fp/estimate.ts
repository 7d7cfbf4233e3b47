// Reciprocal and reciprocal square root estimates (FRECPE, FRSQRTE, URECPE, URSQRTE) and FRECPX,
// from the Arm ARM pseudocode (shared/functions/float: RecipEstimate, RecipSqrtEstimate,
// FPRecipEstimate, FPRSqrtEstimate, UnsignedRecipEstimate, UnsignedRSqrtEstimate, FPRecpX).
// Armv8.0 precision (8-bit estimates; FEAT_RPRES is not implemented).
import { type FPCtx, type Fmt, FPCR_FZ, DZC, IOC, OFC, UFC, IXC, RM, fpcrRounding } from './fpcr.js';
import { T, unpack, isNaN_, processNaN, zero, inf, defaultNaN, maxNormal } from './soft.js';

/** RecipEstimate: 256 ≤ a < 512 (a fixed-point value in [0.5, 1)) → 256..511 in [1, 2). */
export function recipEstimate(a: number): number {
  a = a * 2 + 1;
  const b = Math.floor((1 << 19) / a);
  return (b + 1) >> 1;
}

const RSQRT = new Int16Array(512);
/** RecipSqrtEstimate: 128 ≤ a < 512 → 256..511. */
export function recipSqrtEstimate(a: number): number {
  if (RSQRT[a]) return RSQRT[a];
  let x = a;
  if (x < 256) x = x * 2 + 1;
  else { x = (x >> 1) << 1; x = (x + 1) * 2; }
  let b = 512;
  while (x * (b + 1) * (b + 1) < 268435456) b++;
  return (RSQRT[a] = (b + 1) >> 1);
}

/** Fraction of an operand left-aligned to 52 bits, and its biased exponent. */
function fracExp(f: Fmt, bits: bigint): [bigint, number] {
  const frac = (bits & f.fracMask) << BigInt(52 - f.F);
  return [frac, Number((bits >> BigInt(f.F)) & f.expMax)];
}

export function fpRecipEstimate(f: Fmt, bits: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, bits, ctx);
  if (isNaN_(A)) return processNaN(f, A, bits, ctx);
  if (A.t === T.Inf) return zero(f, A.sign);
  if (A.t === T.Zero) { ctx.fpsr |= DZC; return inf(f, A.sign); }
  const e2 = A.e + Number(bitLen(A.m)) - 1; // floor(log2 |value|)
  const tinyLimit = f.N === 16 ? -16 : f.N === 32 ? -128 : -1024;
  if (e2 < tinyLimit) {
    const rm = fpcrRounding(ctx.fpcr);
    const toInf = rm === RM.TIEEVEN || (rm === RM.POSINF && A.sign === 0) || (rm === RM.NEGINF && A.sign === 1);
    ctx.fpsr |= OFC | IXC;
    return toInf ? inf(f, A.sign) : maxNormal(f, A.sign);
  }
  const bigLimit = f.N === 16 ? 14 : f.N === 32 ? 126 : 1022;
  if (f.N !== 16 && ctx.fpcr & FPCR_FZ && e2 >= bigLimit) { ctx.fpsr |= UFC; return zero(f, A.sign); }
  let [frac, exp] = fracExp(f, bits);
  if (exp === 0) {
    if (!((frac >> 51n) & 1n)) { exp = -1; frac = (frac & ((1n << 50n) - 1n)) << 2n; }
    else frac = (frac & ((1n << 51n) - 1n)) << 1n;
  }
  const scaled = 256 | Number((frac >> 44n) & 0xffn);
  let rexp = (f.N === 16 ? 29 : f.N === 32 ? 253 : 2045) - exp;
  const est = recipEstimate(scaled);
  let rf = BigInt(est & 0xff) << 44n;
  if (rexp === 0) rf = (1n << 51n) | (rf >> 1n);
  else if (rexp === -1) { rf = (1n << 50n) | (rf >> 2n); rexp = 0; }
  return (BigInt(A.sign) << BigInt(f.N - 1)) | (BigInt(rexp) << BigInt(f.F)) | (rf >> BigInt(52 - f.F));
}

export function fpRSqrtEstimate(f: Fmt, bits: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, bits, ctx);
  if (isNaN_(A)) return processNaN(f, A, bits, ctx);
  if (A.t === T.Zero) { ctx.fpsr |= DZC; return inf(f, A.sign); }
  if (A.sign) { ctx.fpsr |= IOC; return defaultNaN(f); }
  if (A.t === T.Inf) return zero(f, 0);
  let [frac, exp] = fracExp(f, bits);
  const top = 1n << 51n, mask = (1n << 52n) - 1n;
  if (exp === 0) {
    while (!(frac & top)) { frac = (frac << 1n) & mask; exp--; }
    frac = (frac << 1n) & mask;
  }
  const scaled = (exp & 1) === 0 ? 256 | Number((frac >> 44n) & 0xffn) : 128 | Number((frac >> 45n) & 0x7fn);
  const rexp = Math.floor(((f.N === 16 ? 44 : f.N === 32 ? 380 : 3068) - exp) / 2);
  const est = recipSqrtEstimate(scaled);
  return (BigInt(rexp) << BigInt(f.F)) | (BigInt(est & 0xff) << BigInt(f.F - 8));
}

/** URECPE / URSQRTE on a 32-bit unsigned element. */
export function unsignedRecipEstimate(x: number): number {
  if (!(x & 0x80000000)) return 0xffffffff;
  return (recipEstimate(x >>> 23) << 23) >>> 0;
}
export function unsignedRSqrtEstimate(x: number): number {
  if (!(x & 0xc0000000)) return 0xffffffff;
  return (recipSqrtEstimate(x >>> 23) << 23) >>> 0;
}

/** FRECPX: the exponent inverted, fraction cleared (zeros and denormals get the maximum). */
export function fpRecpX(f: Fmt, bits: bigint, ctx: FPCtx): bigint {
  const A = unpack(f, bits, ctx);
  if (isNaN_(A)) return processNaN(f, A, bits, ctx);
  const sign = bits & f.signBit;
  const exp = (bits >> BigInt(f.F)) & f.expMax;
  const e = exp === 0n ? f.expMax - 1n : ~exp & f.expMax;
  return sign | (e << BigInt(f.F));
}

function bitLen(m: bigint): number { return m.toString(2).length; }
