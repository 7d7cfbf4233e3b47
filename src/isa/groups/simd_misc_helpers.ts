// Helpers of the two-register-miscellaneous group (simd_misc.ts).
import type { Cpu } from '../../cpu/state.js';
import { T, getB, setB, getU, elemArray, commit, commitScalar, sat, clearSat, flushSat, ones } from './simd_lanes.js';
import { getBits, setBits, fmtLg, arith, Op2 } from '../../fp/ops.js';
import { fpCompareOp } from '../../fp/soft.js';
import { fpConvert } from '../../fp/convert.js';
import { fpRecipEstimate, fpRSqrtEstimate, fpRecpX, unsignedRecipEstimate, unsignedRSqrtEstimate } from '../../fp/estimate.js';
import { RM, fpcrRounding } from '../../fp/fpcr.js';
import { frint, toInt, fromInt, fcvt } from './simd_fp_helpers.js';
import { KINDS } from './simd_misc.js';

const K = Object.fromEntries(KINDS.map((k, i) => [k, i]));

function clsB(a: bigint, bits: number): bigint {
  const neg = a < 0n;
  const x = neg ? ~a : a;
  let n = 0;
  for (let i = bits - 2; i >= 0 && !((x >> BigInt(i)) & 1n); i--) n++;
  return BigInt(n);
}
function clzB(a: bigint, bits: number): bigint {
  let n = 0;
  for (let i = bits - 1; i >= 0 && !((a >> BigInt(i)) & 1n); i--) n++;
  return BigInt(n);
}
function popcnt8(x: number): number { let n = 0; while (x) { x &= x - 1; n++; } return n; }
function rbit8(x: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (x & (1 << i)) r |= 0x80 >> i;
  return r;
}

/** Unary integer element operations by U<<5 | opcode; `a` unsigned, `d` the old destination. */
function unary(key: number, a: bigint, d: bigint, bits: number): bigint {
  const sa = BigInt.asIntN(bits, a);
  const c = (x: boolean) => (x ? ones(bits) : 0n);
  switch (key) {
    case 0x03: return sat(BigInt.asIntN(bits, d) + a, bits, false);   // SUQADD
    case 0x23: return sat(d + sa, bits, true);                         // USQADD
    case 0x04: return clsB(sa, bits);
    case 0x24: return clzB(a, bits);
    case 0x05: return BigInt(popcnt8(Number(a)));
    case 0x07: return sat(sa < 0n ? -sa : sa, bits, false);
    case 0x27: return sat(-sa, bits, false);
    case 0x08: return c(sa > 0n);
    case 0x09: return c(a === 0n);
    case 0x0a: return c(sa < 0n);
    case 0x28: return c(sa >= 0n);
    case 0x29: return c(sa <= 0n);
    case 0x0b: return sa < 0n ? -sa : sa;
    case 0x2b: return -a;
    default: return ~a; // NOT
  }
}

/** Number forms of the non-saturating unary operations (elements ≤ 32 bits, read signed). */
const NUM_UNARY: Record<number, ((a: number) => number) | undefined> = {
  0x08: (a) => (a > 0 ? -1 : 0), 0x09: (a) => (a === 0 ? -1 : 0), 0x0a: (a) => (a < 0 ? -1 : 0),
  0x28: (a) => (a >= 0 ? -1 : 0), 0x29: (a) => (a <= 0 ? -1 : 0), 0x0b: (a) => Math.abs(a), 0x2b: (a) => -a,
  0x25: (a) => ~a,
};

type FpUn = (cpu: Cpu, lg: number, n: number, d: number) => void;
const rint = (rm: RM | -1, exact = false): FpUn => (cpu, lg, n, d) =>
  frint(cpu, lg, n, d, rm < 0 ? fpcrRounding(cpu.fpcr) : (rm as RM), exact, cpu, T);
const toI = (rm: RM, u: number): FpUn => (cpu, lg, n, d) => {
  const lo = toInt(cpu, lg, cpu, n, rm, u, 8 << lg, 0);
  if (lg === 3) { T.V[2 * d] = lo; T.V[2 * d + 1] = cpu.hi; } else T.V[d] = lo;
};
const cvtf = (u: number): FpUn => (cpu, lg, n, d) => {
  const lo = cpu.V[lg === 3 ? 2 * n : n], hi = lg === 3 ? cpu.V[2 * n + 1] : u ? 0 : lo >> 31;
  fromInt(cpu, lg, u, 0, lo, hi, T, d);
};
const cmp0 = (op: 'eq' | 'ge' | 'gt', swap: boolean): FpUn => (cpu, lg, n, d) => {
  const f = fmtLg(lg), a = getBits(cpu, lg, n);
  const r = swap ? fpCompareOp(f, 0n, a, cpu, op) : fpCompareOp(f, a, 0n, cpu, op);
  setBits(T, lg, d, r ? ones(8 << lg) : 0n);
};
const soft1 = (fn: (f: ReturnType<typeof fmtLg>, b: bigint, c: Cpu) => bigint): FpUn => (cpu, lg, n, d) =>
  setBits(T, lg, d, fn(fmtLg(lg), getBits(cpu, lg, n), cpu));
const signOp = (and: number, xor: number): FpUn => (cpu, lg, n, d) => {
  if (lg === 3) { T.V[2 * d] = cpu.V[2 * n]; T.V[2 * d + 1] = (cpu.V[2 * n + 1] & and) ^ xor; }
  else T.V[d] = (cpu.V[n] & and) ^ xor;
};

/** FP two-register-misc lane operations by the ids of simd_misc.ts's FP2 table. */
const FP2_OPS: FpUn[] = [
  rint(RM.TIEEVEN), rint(RM.NEGINF), toI(RM.TIEEVEN, 0), toI(RM.NEGINF, 0), toI(RM.TIEAWAY, 0), cvtf(0),
  cmp0('gt', false), cmp0('eq', false), cmp0('gt', true), signOp(0x7fffffff, 0), rint(RM.POSINF), rint(RM.ZERO),
  toI(RM.POSINF, 0), toI(RM.ZERO, 0),
  (cpu, _lg, n, d) => { T.V32[d] = unsignedRecipEstimate(cpu.V32[n]); },
  soft1(fpRecipEstimate), soft1(fpRecpX), rint(RM.TIEAWAY), rint(-1, true),
  toI(RM.TIEEVEN, 1), toI(RM.NEGINF, 1), toI(RM.TIEAWAY, 1), cvtf(1),
  cmp0('ge', false), cmp0('ge', true), signOp(-1, 0x80000000 | 0), rint(-1),
  toI(RM.POSINF, 1), toI(RM.ZERO, 1),
  (cpu, _lg, n, d) => { T.V32[d] = unsignedRSqrtEstimate(cpu.V32[n]); },
  soft1(fpRSqrtEstimate),
  (cpu, lg, n, d) => arith(cpu, Op2.SQRT, lg, cpu, n, n, T, d),
];

export const miscHelpers = {
  /** q = -1: scalar form. */
  v2_misc(cpu: Cpu, kind: number, id: number, esz: number, q: number, d: number, n: number): void {
    const scalar = q < 0;
    const bytes = scalar ? 1 << esz : q ? 16 : 8;
    switch (kind) {
      case K.u: {
        const ez = id === 0x25 ? 0 : esz, bits = 8 << ez, per = 16 >> ez, count = scalar ? 1 : bytes >> ez;
        const fast = ez < 3 ? NUM_UNARY[id] : undefined;
        if (id === 0x25 && esz === 1) { // RBIT (bytes)
          for (let i = 0; i < count; i++) T.V8[i] = rbit8(cpu.V8[n * 16 + i]);
        } else if (fast) {
          const A = elemArray(cpu, ez, true), R = elemArray(T, ez, false), base = n * per;
          for (let i = 0; i < count; i++) R[i] = fast(A[base + i]);
        } else {
          clearSat();
          for (let i = 0; i < count; i++) setB(T, ez, i, unary(id, getB(cpu, ez, n * per + i, false), getB(cpu, ez, d * per + i, false), bits));
          flushSat(cpu);
        }
        if (scalar) commitScalar(cpu, d, ez); else commit(cpu, d, q);
        return;
      }
      case K.rev: {
        // reverse elements of 2^esz bytes within containers: rev64 (id 0), rev32 (0x20), rev16 (1)
        const cont = id === 0 ? 8 : id === 0x20 ? 4 : 2, e = 1 << esz;
        for (let i = 0; i < bytes; i++) {
          const c = i - (i % cont), k = i % cont;
          const src = c + (cont - e - (k - (k % e))) + (k % e);
          T.V8[i] = cpu.V8[n * 16 + src];
        }
        commit(cpu, d, q);
        return;
      }
      case K.addlp: {
        const signed = id === 0x02 || id === 0x06, acc = id === 0x06 || id === 0x26;
        const count = bytes >> (esz + 1), per = 16 >> esz, dper = per >> 1;
        for (let i = 0; i < count; i++) {
          let s = getB(cpu, esz, n * per + 2 * i, signed) + getB(cpu, esz, n * per + 2 * i + 1, signed);
          if (acc) s += getB(cpu, esz + 1, d * dper + i, false);
          setB(T, esz + 1, i, s);
        }
        commit(cpu, d, q);
        return;
      }
      case K.narrow: {
        // XTN, SQXTN, UQXTN, SQXTUN: 2^(esz+1)-byte source elements to 2^esz bytes
        const count = scalar ? 1 : 8 >> esz, bits = 8 << esz, sper = 8 >> esz;
        const srcSigned = id === 0x14 || id === 0x32;
        clearSat();
        for (let i = 0; i < count; i++) {
          const v = getB(cpu, esz + 1, n * sper + i, srcSigned);
          setB(T, esz, i, id === 0x12 ? v : sat(v, bits, id !== 0x14));
        }
        flushSat(cpu);
        if (scalar) commitScalar(cpu, d, esz); else placeHalf(cpu, d, q);
        return;
      }
      case K.shll: {
        const count = 8 >> esz, base = n * (16 >> esz) + (q ? count : 0);
        for (let i = 0; i < count; i++) setB(T, esz + 1, i, BigInt(getU(cpu, esz, base + i)) << BigInt(8 << esz));
        commit(cpu, d, 1);
        return;
      }
      case K.fp: {
        const f = FP2_OPS[id], per = 16 >> esz, count = scalar ? 1 : bytes >> esz;
        for (let i = 0; i < count; i++) f(cpu, esz, n * per + i, i);
        if (scalar) commitScalar(cpu, d, esz); else commit(cpu, d, q);
        return;
      }
      case K.fcvtn: {
        // esz: the wide (source) size; id 1 = FCVTXN (round to odd)
        const count = scalar ? 1 : 8 >> (esz - 1), per = 16 >> esz;
        for (let i = 0; i < count; i++) {
          if (id) setBits(T, esz - 1, i, fpConvert(fmtLg(esz), fmtLg(esz - 1), getBits(cpu, esz, n * per + i), cpu, RM.ODD));
          else fcvt(cpu, esz, esz - 1, n * per + i, i, cpu, T);
        }
        if (scalar) commitScalar(cpu, d, 2); else placeHalf(cpu, d, q);
        return;
      }
      default: { // fcvtl: esz is the wide (result) size
        const count = 8 >> (esz - 1), base = n * (16 >> (esz - 1)) + (q ? count : 0);
        for (let i = 0; i < count; i++) fcvt(cpu, esz - 1, esz, base + i, i, cpu, T);
        commit(cpu, d, 1);
      }
    }
  },
};

/** Narrowing result in T's low 64 bits → the low half of Vd (upper zeroed) or, for the "2"
 *  forms, the upper half (lower kept). */
export function placeHalf(cpu: Cpu, d: number, q: number): void {
  const V = cpu.V, i = d * 4;
  if (q) { V[i + 2] = T.V[0]; V[i + 3] = T.V[1]; }
  else { V[i] = T.V[0]; V[i + 1] = T.V[1]; V[i + 2] = 0; V[i + 3] = 0; }
}
