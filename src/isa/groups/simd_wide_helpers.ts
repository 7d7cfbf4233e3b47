// Helpers of the three-different, across-lanes and scalar pairwise groups (simd_wide.ts).
import type { Cpu } from '../../cpu/state.js';
import { T, getB, setB, getS, getU, setE, commit, commitScalar, sat, clearSat, flushSat, type LaneFile } from './simd_lanes.js';
import { placeHalf } from './simd_misc_helpers.js';
import { DIFF } from './simd_wide.js';
import { fpMinMax } from '../../fp/soft.js';
import { fmtLg, getBits, setBits, arith, minMax, Op2 } from '../../fp/ops.js';

const abs = (x: bigint) => (x < 0n ? -x : x);

/** Carry-less product of two `bits`-bit polynomials. */
export function clmul(a: bigint, b: bigint, bits: number): bigint {
  let r = 0n;
  for (let i = 0; i < bits; i++) if ((b >> BigInt(i)) & 1n) r ^= a << BigInt(i);
  return r;
}

function longOp(op: number, a: bigint, b: bigint, acc: bigint, wbits: number): bigint {
  switch (op) {
    case 0: return a + b;
    case 2: return a - b;
    case 5: return acc + abs(a - b);
    case 7: return abs(a - b);
    case 8: return acc + a * b;
    case 10: return acc - a * b;
    case 12: return a * b;
    case 9: case 11: case 13: { // SQDMLAL, SQDMLSL, SQDMULL
      const p = sat(2n * a * b, wbits, false);
      if (op === 13) return p;
      return sat(op === 9 ? acc + p : acc - p, wbits, false);
    }
    default: return clmul(a, b, wbits >> 1); // PMULL
  }
}

/** Switch for tests: the Number path of diffOp against the BigInt reference. */
export const diffFastPath = { on: true };
/** Whether a long/wide operation can run on Numbers: no saturation or polynomial product, and
 *  for 32-bit source elements only the sums and differences (64-bit products and accumulators
 *  are not exact in doubles). */
function numberSafe(kind: string, op: number, esz: number): boolean {
  if (kind === 'H' || op === 9 || op === 11 || op === 13 || op === 14) return false;
  return esz < 2 || (kind === 'L' && (op === 0 || op === 2 || op === 7));
}
/** longOp on Numbers (the accumulator is read modulo the wide lane size: the store truncates). */
function longNum(op: number, a: number, b: number, acc: number): number {
  switch (op) {
    case 0: return a + b;
    case 2: return a - b;
    case 5: return acc + Math.abs(a - b);
    case 7: return Math.abs(a - b);
    case 8: return acc + a * b;
    case 10: return acc - a * b;
    default: return a * b; // 12: MULL
  }
}

/** Three-different forms; esz is the narrow element size; q = -1: scalar SQDML*. Vm is read
 *  from the register file M (by-element forms pass a replicated element there). */
export function diffOp(cpu: Cpu, key: number, esz: number, q: number, d: number, n: number, m: number, M: LaneFile = cpu): void {
    const kind = DIFF[key][1], op = key & 15, signed = key < 0x10 && op !== 14;
    const scalar = q < 0, per = 16 >> esz, wper = per >> 1, wbits = 16 << esz;
    if (esz === 3) { // PMULL{2} Vd.1Q, Vn.1D/2D, Vm.1D/2D
      const r = clmul(getB(cpu, 3, n * 2 + q, false), getB(cpu, 3, m * 2 + q, false), 64);
      setB(T, 3, 0, r); setB(T, 3, 1, r >> 64n);
      commit(cpu, d, 1);
      return;
    }
    const count = scalar ? 1 : 8 >> esz, half = scalar ? 0 : q ? count : 0;
    clearSat();
    if (kind === 'H') {
      const round = key >= 0x10, sub = op === 6;
      for (let i = 0; i < count; i++) {
        const a = getB(cpu, esz + 1, n * wper + i, false), b = getB(cpu, esz + 1, m * wper + i, false);
        let r = sub ? a - b : a + b;
        if (round) r += 1n << BigInt((8 << esz) - 1);
        setB(T, esz, i, r >> BigInt(8 << esz));
      }
      placeHalf(cpu, d, q);
      return;
    }
    if (diffFastPath.on && numberSafe(kind, op, esz)) {
      // Every intermediate is an integer below 2^35 in magnitude: exact in doubles, and the typed
      // array store truncates it modulo the lane size as the architecture does.
      for (let i = 0; i < count; i++) {
        const b = signed ? getS(M, esz, m * per + half + i) : getU(M, esz, m * per + half + i);
        const a = kind === 'W' ? (signed ? getS(cpu, esz + 1, n * wper + i) : getU(cpu, esz + 1, n * wper + i))
          : signed ? getS(cpu, esz, n * per + half + i) : getU(cpu, esz, n * per + half + i);
        const r = kind === 'W' ? (op === 1 ? a + b : a - b) : longNum(op, a, b, esz < 2 ? getU(cpu, esz + 1, d * wper + i) : 0);
        if (esz < 2) setE(T, esz + 1, i, r);
        else { T.V32[2 * i] = r >>> 0; T.V32[2 * i + 1] = Math.floor(r / 4294967296) >>> 0; }
      }
      if (scalar) commitScalar(cpu, d, esz + 1); else commit(cpu, d, 1);
      return;
    }
    for (let i = 0; i < count; i++) {
      const b = getB(M, esz, m * per + half + i, signed);
      const a = kind === 'W' ? getB(cpu, esz + 1, n * wper + i, signed) : getB(cpu, esz, n * per + half + i, signed);
      const acc = getB(cpu, esz + 1, d * wper + i, true);
      setB(T, esz + 1, i, kind === 'W' ? (op === 1 ? a + b : a - b) : longOp(op, a, b, acc, wbits));
    }
    flushSat(cpu);
    if (scalar) commitScalar(cpu, d, esz + 1); else commit(cpu, d, 1);
}

export const wideHelpers = {
  v3_diff(cpu: Cpu, key: number, esz: number, q: number, d: number, n: number, m: number): void { diffOp(cpu, key, esz, q, d, n, m); },
  /** Across-lanes reductions; fp ids: 0 fmaxnmv, 1 fminnmv, 2 fmaxv, 3 fminv (Arm ARM Reduce()
   *  order: pairs of halves, recursively). */
  v_across(cpu: Cpu, fp: number, id: number, esz: number, q: number, d: number, n: number): void {
    const count = (q ? 16 : 8) >> esz, per = 16 >> esz;
    if (fp) {
      const f = fmtLg(2), mm = (a: bigint, b: bigint) => fpMinMax(f, a, b, cpu, !(id & 1), id < 2);
      const e = (i: number) => getBits(cpu, 2, n * 4 + i);
      setBits(T, 2, 0, mm(mm(e(0), e(1)), mm(e(2), e(3))));
      commitScalar(cpu, d, 2);
      return;
    }
    const signed = id === 0x03 || id === 0x0a || id === 0x1a;
    let r = getB(cpu, esz, n * per, signed);
    for (let i = 1; i < count; i++) {
      const v = getB(cpu, esz, n * per + i, signed);
      switch (id & 31) {
        case 0x0a: if (v > r) r = v; break;
        case 0x1a: if (v < r) r = v; break;
        default: r += v;
      }
    }
    const long = (id & 31) === 0x03;
    setB(T, esz + (long ? 1 : 0), 0, r);
    commitScalar(cpu, d, esz + (long ? 1 : 0));
  },
  /** Scalar pairwise: 0 fmaxnmp, 1 fminnmp, 2 fmaxp, 3 fminp, 4 faddp, 8 addp (64-bit). */
  v_pair_scalar(cpu: Cpu, id: number, esz: number, d: number, n: number): void {
    const per = 16 >> esz, a = n * per;
    if (id === 8) setB(T, 3, 0, getB(cpu, 3, a, false) + getB(cpu, 3, a + 1, false));
    else if (id === 4) arith(cpu, Op2.ADD, esz, cpu, a, a + 1, T, 0);
    else minMax(cpu, esz, cpu, a, a + 1, T, 0, !(id & 1), id < 2);
    commitScalar(cpu, d, esz);
  },
};
