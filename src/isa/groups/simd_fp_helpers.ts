// Helpers of the scalar FP instructions (simd_fp.ts). Operands are V register numbers; a scalar
// result goes to lane 0 of Vd and zeroes the rest of the register. Integer results are returned
// to the IR (i64 as lo + cpu.hi), NZCV as a 4-bit value the IR unpacks.
import type { Cpu } from '../../cpu/state.js';
import { FPCR_FZ, IXC, RM, fpcrRounding } from '../../fp/fpcr.js';
import { arith, mulAdd, minMax, compare, getBits, setBits, fmtLg, Op2, type Lanes } from '../../fp/ops.js';
import { fpConvert, fpRoundInt, fpToFixed, fixedToFp } from '../../fp/convert.js';

const TWO32 = 4294967296;
const RMODE_FZ = (3 << 22) | FPCR_FZ;
const MIN_NORMAL32 = 1.1754943508222875e-38;

/** Element index of lane 0 of register r for elements of 2^lg bytes. */
const at = (r: number, lg: number) => r << (4 - lg);
/** Zeroes V[r] above its low 2^lg bytes. */
export function zeroAbove(cpu: Cpu, lg: number, r: number): void {
  const V = cpu.V, i = r * 4;
  if (lg === 0) cpu.V8[r * 16 + 1] = 0;
  if (lg <= 1) cpu.V16[r * 8 + 1] = 0;
  if (lg <= 2) V[i + 1] = 0;
  V[i + 2] = 0; V[i + 3] = 0;
}
function copyLane(cpu: Cpu, lg: number, d: number, n: number): void {
  if (lg === 3) { cpu.V[d * 4] = cpu.V[n * 4]; cpu.V[d * 4 + 1] = cpu.V[n * 4 + 1]; }
  else if (lg === 2) cpu.V[d * 4] = cpu.V[n * 4];
  else cpu.V16[d * 8] = cpu.V16[n * 8];
}

const ARITH: Record<number, Op2> = { 0: Op2.MUL, 1: Op2.DIV, 2: Op2.ADD, 3: Op2.SUB };
const FRINT_RM = [RM.TIEEVEN, RM.POSINF, RM.NEGINF, RM.ZERO, RM.TIEAWAY, -1, -1, -1];

/** Rounds x to an integral double per `rm`: [result, nonzero fraction]. */
function roundNum(x: number, rm: RM): number {
  const t = Math.trunc(x), fr = x - t, af = Math.abs(fr);
  switch (rm) {
    case RM.TIEEVEN: return af > 0.5 || (af === 0.5 && t % 2 !== 0) ? t + Math.sign(fr) : t;
    case RM.POSINF: return fr > 0 ? t + 1 : t;
    case RM.NEGINF: return fr < 0 ? t - 1 : t;
    case RM.TIEAWAY: return af >= 0.5 ? t + Math.sign(fr) : t;
    default: return t;
  }
}

/** FRINT* on a lane; fast for finite single/double without flush-to-zero. */
export function frint(cpu: Cpu, lg: number, n: number, d: number, rm: RM, exact: boolean, S: Lanes = cpu, D = S): void {
  if (lg >= 2 && !(cpu.fpcr & FPCR_FZ)) {
    const x = lg === 3 ? S.VF64[n] : S.VF32[n];
    if (Number.isFinite(x)) {
      let r = roundNum(x, rm);
      if (r === 0) r = x < 0 || Object.is(x, -0) ? -0 : 0;
      if (exact && r !== x) cpu.fpsr |= IXC;
      if (lg === 3) D.VF64[d] = r; else D.VF32[d] = r;
      return;
    }
  }
  setBits(D, lg, d, fpRoundInt(fmtLg(lg), getBits(S, lg, n), cpu, rm, exact));
}

/** FCVT between precisions on a lane. */
export function fcvt(cpu: Cpu, from: number, to: number, n: number, d: number, S: Lanes = cpu, D = S): void {
  if (!(cpu.fpcr & FPCR_FZ)) {
    if (from === 2 && to === 3) {
      const x = S.VF32[n];
      if (x === x) { D.VF64[d] = x; return; }
    } else if (from === 3 && to === 2 && !(cpu.fpcr & RMODE_FZ)) {
      const x = S.VF64[n], f = Math.fround(x);
      if (Number.isFinite(f) && (Math.abs(f) > MIN_NORMAL32 || x === 0)) {
        if (f !== x) cpu.fpsr |= IXC;
        D.VF32[d] = f;
        return;
      }
    }
  }
  setBits(D, to, d, fpConvert(fmtLg(from), fmtLg(to), getBits(S, from, n), cpu, fpcrRounding(cpu.fpcr)));
}

/** FCVT*S/U to an integer of M bits: the result as Number pair (lo returned, hi in cpu.hi). */
export function toInt(cpu: Cpu, lg: number, S: Lanes, n: number, rm: RM, u: number, M: number, fbits: number): number {
  if (lg >= 2 && !(cpu.fpcr & FPCR_FZ)) {
    const x0 = lg === 3 ? S.VF64[n] : S.VF32[n];
    const x = fbits ? x0 * Math.pow(2, fbits) : x0;
    if (Number.isFinite(x)) {
      const r = roundNum(x, rm);
      const lo = u ? 0 : -Math.pow(2, M - 1), hi = u ? Math.pow(2, M) : Math.pow(2, M - 1);
      if (r >= lo && r < hi) {
        if (r !== x) cpu.fpsr |= IXC;
        if (M === 32) { cpu.hi = 0; return r | 0; }
        const h = Math.floor(r / TWO32);
        cpu.hi = h | 0;
        return (r - h * TWO32) | 0;
      }
    }
  }
  const v = fpToFixed(fmtLg(lg), getBits(S, lg, n), fbits, !!u, M, cpu, rm);
  cpu.hi = Number(v >> 32n) | 0;
  return Number(v & 0xffffffffn) | 0;
}

/** SCVTF/UCVTF of the 64-bit integer (lo, hi) with `fbits` fraction bits into lane d of D. */
export function fromInt(cpu: Cpu, lg: number, u: number, fbits: number, lo: number, hi: number, D: Lanes, d: number): void {
  if (lg >= 2 && !(cpu.fpcr & RMODE_FZ)) {
    const x = (u ? hi >>> 0 : hi) * TWO32, y = lo >>> 0;
    const s = x + y, bb = s - x;
    const exact = (x - (s - bb)) + (y - bb) === 0;
    const scale = fbits ? Math.pow(2, -fbits) : 1;
    if (lg === 3) {
      if (!exact) cpu.fpsr |= IXC;
      D.VF64[d] = s * scale;
      return;
    }
    if (exact && Math.abs(s) <= 9007199254740992) {
      const f = Math.fround(s);
      if (f !== s) cpu.fpsr |= IXC;
      D.VF32[d] = f * scale;
      return;
    }
  }
  const big = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  const v = u ? big : BigInt.asIntN(64, big);
  setBits(D, lg, d, fixedToFp(fmtLg(lg), v, fbits, cpu, fpcrRounding(cpu.fpcr)));
}

export const fpHelpers = {
  fp_2src(cpu: Cpu, op: number, lg: number, d: number, n: number, m: number): void {
    const N = at(n, lg), Mi = at(m, lg), Di = at(d, lg);
    if (op <= 3) arith(cpu, ARITH[op], lg, cpu, N, Mi, cpu, Di);
    else if (op <= 7) minMax(cpu, lg, cpu, N, Mi, cpu, Di, (op & 1) === 0, op >= 6);
    else { // FNMUL: FPNeg(FPMul(n, m)), NaNs included
      arith(cpu, Op2.MUL, lg, cpu, N, Mi, cpu, Di);
      if (lg === 3) cpu.V[d * 4 + 1] ^= 0x80000000; else cpu.V[d * 4] ^= 0x80000000;
    }
    zeroAbove(cpu, lg, d);
  },
  fp_1src(cpu: Cpu, op: number, lg: number, to: number, d: number, n: number): void {
    const V = cpu.V;
    const dtop = lg === 3 ? d * 4 + 1 : d * 4;
    switch (op) {
      // op 0–2 (FMOV, FABS, FNEG) are IR in simd_fp.ts and never reach this helper.
      case 3: arith(cpu, Op2.SQRT, lg, cpu, at(n, lg), at(n, lg), cpu, at(d, lg)); break;
      case 4: case 5: case 7: fcvt(cpu, lg, to, at(n, lg), at(d, to)); break;
      default: {
        const rm = FRINT_RM[op - 8];
        frint(cpu, lg, at(n, lg), at(d, lg), rm < 0 ? fpcrRounding(cpu.fpcr) : rm, op === 14);
      }
    }
    zeroAbove(cpu, to, d);
  },
  fp_cmp(cpu: Cpu, lg: number, E: number, n: number, m: number): number {
    return compare(cpu, lg, cpu, at(n, lg), m < 0 ? -1 : at(m, lg), E !== 0);
  },
  fp_ccmp(cpu: Cpu, lg: number, E: number, n: number, m: number, c: number, nzcv: number): number {
    return c ? compare(cpu, lg, cpu, at(n, lg), at(m, lg), E !== 0) : nzcv;
  },
  fp_csel(cpu: Cpu, lg: number, d: number, n: number, m: number, c: number): void {
    copyLane(cpu, lg, d, c ? n : m);
    zeroAbove(cpu, lg, d);
  },
  fp_madd(cpu: Cpu, lg: number, negA: number, negN: number, d: number, n: number, m: number, a: number): void {
    mulAdd(cpu, lg, cpu, at(a, lg), at(n, lg), at(m, lg), cpu, at(d, lg), negA !== 0, negN !== 0);
    zeroAbove(cpu, lg, d);
  },
  fp_toint(cpu: Cpu, lg: number, rm: number, u: number, M: number, fbits: number, n: number): number {
    return toInt(cpu, lg, cpu, at(n, lg), rm as RM, u, M, fbits);
  },
  fp_fromint(cpu: Cpu, lg: number, u: number, fbits: number, d: number, lo: number, hi: number): void {
    fromInt(cpu, lg, u, fbits, lo, hi, cpu, at(d, lg));
    zeroAbove(cpu, lg, d);
  },
};
