// Helpers of the three-same group (simd_same.ts): integer element operations on the lane engine
// and the FP three-same operations lane by lane (bitwise operations and ADD/SUB are IR there).
import type { Cpu } from '../../cpu/state.js';
import { type ElemOp, T, map2, pairwise, commit, commitScalar, sat, ones, elemArray } from './simd_lanes.js';
import { arith, minMax, mulAdd, soft2, getBits, setBits, Op2, fmtLg, type Lanes } from '../../fp/ops.js';
import { fpMulX, fpStepFused, fpCompareOp } from '../../fp/soft.js';
import type { Fmt, FPCtx } from '../../fp/fpcr.js';
import { PAIRWISE_FP } from './simd_same.js';

const abs = (x: bigint) => (x < 0n ? -x : x);
const cmp = (c: boolean) => (c ? -1 : 0);
const cmpB = (c: boolean, bits: number) => (c ? ones(bits) : 0n);

/** SSHL/USHL/SRSHL/URSHL/SQSHL/UQSHL/SQRSHL/UQRSHL: shift by the signed low byte of b. */
function shiftOp(signed: boolean, round: boolean, satq: boolean): ElemOp {
  return {
    signed,
    b(a, b, bits) {
      const sh = Number(BigInt.asIntN(8, b));
      const rc = round && sh < 0 ? 1n << BigInt(-sh - 1) : 0n;
      const v = sh >= 0 ? a << BigInt(sh) : (a + rc) >> BigInt(-sh);
      return satq ? sat(v, bits, !signed) : v;
    },
  };
}
function pmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r ^= a << i;
  return r & 0xff;
}

/** Integer three-same operations by U<<5 | opcode. */
export const INT_OPS: Record<number, ElemOp> = {
  0x00: { signed: true, b: (a, b) => (a + b) >> 1n, n: (a, b) => Math.floor((a + b) / 2) },
  0x20: { signed: false, b: (a, b) => (a + b) >> 1n, n: (a, b) => Math.floor((a + b) / 2) },
  0x02: { signed: true, b: (a, b) => (a + b + 1n) >> 1n, n: (a, b) => Math.floor((a + b + 1) / 2) },
  0x22: { signed: false, b: (a, b) => (a + b + 1n) >> 1n, n: (a, b) => Math.floor((a + b + 1) / 2) },
  0x04: { signed: true, b: (a, b) => (a - b) >> 1n, n: (a, b) => Math.floor((a - b) / 2) },
  0x24: { signed: false, b: (a, b) => (a - b) >> 1n, n: (a, b) => Math.floor((a - b) / 2) },
  0x01: { signed: true, b: (a, b, bits) => sat(a + b, bits, false) },
  0x21: { signed: false, b: (a, b, bits) => sat(a + b, bits, true) },
  0x05: { signed: true, b: (a, b, bits) => sat(a - b, bits, false) },
  0x25: { signed: false, b: (a, b, bits) => sat(a - b, bits, true) },
  0x06: { signed: true, b: (a, b, bits) => cmpB(a > b, bits), n: (a, b) => cmp(a > b) },
  0x07: { signed: true, b: (a, b, bits) => cmpB(a >= b, bits), n: (a, b) => cmp(a >= b) },
  0x26: { signed: false, b: (a, b, bits) => cmpB(a > b, bits), n: (a, b) => cmp(a > b) },
  0x27: { signed: false, b: (a, b, bits) => cmpB(a >= b, bits), n: (a, b) => cmp(a >= b) },
  0x31: { signed: false, b: (a, b, bits) => cmpB(a === b, bits), n: (a, b) => cmp(a === b) },
  0x11: { signed: false, b: (a, b, bits) => cmpB((a & b) !== 0n, bits), n: (a, b) => cmp((a & b) !== 0) },
  0x08: shiftOp(true, false, false), 0x28: shiftOp(false, false, false),
  0x0a: shiftOp(true, true, false), 0x2a: shiftOp(false, true, false),
  0x09: shiftOp(true, false, true), 0x29: shiftOp(false, false, true),
  0x0b: shiftOp(true, true, true), 0x2b: shiftOp(false, true, true),
  0x0c: { signed: true, b: (a, b) => (a > b ? a : b), n: (a, b) => (a > b ? a : b) },
  0x0d: { signed: true, b: (a, b) => (a < b ? a : b), n: (a, b) => (a < b ? a : b) },
  0x2c: { signed: false, b: (a, b) => (a > b ? a : b), n: (a, b) => (a > b ? a : b) },
  0x2d: { signed: false, b: (a, b) => (a < b ? a : b), n: (a, b) => (a < b ? a : b) },
  0x0e: { signed: true, b: (a, b) => abs(a - b), n: (a, b) => Math.abs(a - b) },
  0x2e: { signed: false, b: (a, b) => abs(a - b), n: (a, b) => Math.abs(a - b) },
  0x0f: { signed: true, b: (a, b, _s, d) => d + abs(a - b), n: (a, b, _s, d) => d + Math.abs(a - b) },
  0x2f: { signed: false, b: (a, b, _s, d) => d + abs(a - b), n: (a, b, _s, d) => d + Math.abs(a - b) },
  0x10: { signed: false, b: (a, b) => a + b, n: (a, b) => a + b },
  0x30: { signed: false, b: (a, b) => a - b, n: (a, b) => a - b },
  0x12: { signed: false, b: (a, b, _s, d) => d + a * b, n: (a, b, _s, d) => d + Math.imul(a, b) },
  0x32: { signed: false, b: (a, b, _s, d) => d - a * b, n: (a, b, _s, d) => d - Math.imul(a, b) },
  0x13: { signed: false, b: (a, b) => a * b, n: (a, b) => Math.imul(a, b) },
  0x33: { signed: false, b: (a, b) => BigInt(pmul8(Number(a), Number(b))), n: pmul8 },
  0x16: { signed: true, b: (a, b, bits) => sat((2n * a * b) >> BigInt(bits), bits, false) },
  0x36: { signed: true, b: (a, b, bits) => sat((2n * a * b + (1n << BigInt(bits - 1))) >> BigInt(bits), bits, false) },
  // pairwise
  0x14: { signed: true, b: (a, b) => (a > b ? a : b), n: (a, b) => (a > b ? a : b) },
  0x15: { signed: true, b: (a, b) => (a < b ? a : b), n: (a, b) => (a < b ? a : b) },
  0x34: { signed: false, b: (a, b) => (a > b ? a : b), n: (a, b) => (a > b ? a : b) },
  0x35: { signed: false, b: (a, b) => (a < b ? a : b), n: (a, b) => (a < b ? a : b) },
  0x17: { signed: false, b: (a, b) => a + b, n: (a, b) => a + b },
};
const PAIRWISE_INT = new Set([0x14, 0x15, 0x34, 0x35, 0x17]);

/** An FP lane operation: operands at element indices n, m (acc: the accumulator) of S. */
export type FpLane = (cpu: Cpu, lg: number, n: number, m: number, d: number, acc: number, S: Lanes) => void;
const soft = (fn: (f: Fmt, a: bigint, b: bigint, c: FPCtx) => bigint): FpLane => (cpu, lg, n, m, d, _a, S) => soft2(cpu, fn, lg, S, n, m, T, d);
const cmpLane = (op: 'eq' | 'ge' | 'gt', absv: boolean): FpLane => (cpu, lg, n, m, d, _a, S) => {
  const f = fmtLg(lg);
  let a = getBits(S, lg, n), b = getBits(S, lg, m);
  if (absv) { a &= ~f.signBit; b &= ~f.signBit; }
  setBits(T, lg, d, fpCompareOp(f, a, b, cpu, op) ? ones(8 << lg) : 0n);
};
/** FP three-same lane operations, by the id in simd_same.ts's FP3 table. */
export const FP_LANE: FpLane[] = [
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, true, true),        // 0 fmaxnm
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, false, true),       // 1 fminnm
  (cpu, lg, n, m, d, acc, S) => mulAdd(cpu, lg, S, acc, n, m, T, d, false, false), // 2 fmla
  (cpu, lg, n, m, d, acc, S) => mulAdd(cpu, lg, S, acc, n, m, T, d, false, true),  // 3 fmls
  (cpu, lg, n, m, d, _a, S) => arith(cpu, Op2.ADD, lg, S, n, m, T, d),            // 4 fadd
  (cpu, lg, n, m, d, _a, S) => arith(cpu, Op2.SUB, lg, S, n, m, T, d),            // 5 fsub
  soft(fpMulX),                                                              // 6 fmulx
  cmpLane('eq', false),                                                      // 7 fcmeq
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, true, false),       // 8 fmax
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, false, false),      // 9 fmin
  soft((f, a, b, c) => fpStepFused(f, a, b, c, false)),                      // 10 frecps
  soft((f, a, b, c) => fpStepFused(f, a, b, c, true)),                       // 11 frsqrts
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, true, true),        // 12 fmaxnmp
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, false, true),       // 13 fminnmp
  (cpu, lg, n, m, d, _a, S) => arith(cpu, Op2.ADD, lg, S, n, m, T, d),            // 14 faddp
  (cpu, lg, n, m, d, _a, S) => {                                             // 15 fabd: FPAbs(FPSub)
    arith(cpu, Op2.SUB, lg, S, n, m, T, d);
    if (lg === 3) T.V32[2 * d + 1] &= 0x7fffffff; else T.V32[d] &= 0x7fffffff;
  },
  (cpu, lg, n, m, d, _a, S) => arith(cpu, Op2.MUL, lg, S, n, m, T, d),            // 16 fmul
  cmpLane('ge', false), cmpLane('gt', false), cmpLane('ge', true), cmpLane('gt', true), // 17–20
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, true, false),       // 21 fmaxp
  (cpu, lg, n, m, d, _a, S) => minMax(cpu, lg, S, n, m, T, d, false, false),      // 22 fminp
  (cpu, lg, n, m, d, _a, S) => arith(cpu, Op2.DIV, lg, S, n, m, T, d),            // 23 fdiv
];

const fin = (cpu: Cpu, d: number, esz: number, q: number) => (q < 0 ? commitScalar(cpu, d, esz) : commit(cpu, d, q));

export const sameHelpers = {
  /** Integer three-same; q = -1 for the scalar forms. */
  v3_int(cpu: Cpu, key: number, esz: number, count: number, d: number, n: number, m: number, q: number): void {
    const op = INT_OPS[key];
    // ADD/SUB and the bitwise operations are IR (simd_same.ts): the generic driver below is
    // their reference in test/jit/simd_fast.test.ts.
    if (PAIRWISE_INT.has(key)) pairwise(cpu, op, esz, count, d, n, m);
    else map2(cpu, op, esz, count, d, n, m);
    fin(cpu, d, esz, q);
  },
  v3_fp(cpu: Cpu, id: number, esz: number, count: number, d: number, n: number, m: number, q: number): void {
    const f = FP_LANE[id], per = 16 >> esz;
    if (PAIRWISE_FP.has(id)) {
      const src = (k: number) => (k < count ? n * per + k : m * per + k - count);
      for (let i = 0; i < count; i++) f(cpu, esz, src(2 * i), src(2 * i + 1), i, 0, cpu);
    } else {
      for (let i = 0; i < count; i++) f(cpu, esz, n * per + i, m * per + i, i, d * per + i, cpu);
    }
    fin(cpu, d, esz, q);
  },
};
