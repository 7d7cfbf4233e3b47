// Advanced SIMD "three same" (vector and scalar): integer arithmetic, compares, shifts by
// register, saturating/halving/rounding forms, pairwise, bitwise, and the FP three-same ops.
// Decoding is table-driven by U:opcode; the work is in simd_same_helpers.ts, except the bitwise
// operations and ADD/SUB, which are IR on the registers' 32-bit words (both engines run them inline).
import type { InsnDef, Decoded } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { arr, vreg, SC, vElem, packElems, vSetWords } from './simd_common.js';
import { fpArith, fpFastFpcr, fpFastMode, fpFma, fpIxcSet, fpMinMaxIR, fpResultOk, type FastOp } from './simd_fpir.js';

/** Size rules: all (64-bit elements need Q=1), n64 (no 64-bit elements), hs (16/32-bit only),
 *  b (bytes only). Scalar: d (64-bit only), all, hs. */
type Rule = 'all' | 'n64' | 'hs' | 'b' | 'd';
export const INT3: Record<number, [string, Rule, Rule | null]> = {
  // key = U<<5 | opcode: [name, vector rule, scalar rule (null = no scalar form)]
  0x00: ['shadd', 'n64', null], 0x01: ['sqadd', 'all', 'all'], 0x02: ['srhadd', 'n64', null],
  0x04: ['shsub', 'n64', null], 0x05: ['sqsub', 'all', 'all'], 0x06: ['cmgt', 'all', 'd'], 0x07: ['cmge', 'all', 'd'],
  0x08: ['sshl', 'all', 'd'], 0x09: ['sqshl', 'all', 'all'], 0x0a: ['srshl', 'all', 'd'], 0x0b: ['sqrshl', 'all', 'all'],
  0x0c: ['smax', 'n64', null], 0x0d: ['smin', 'n64', null], 0x0e: ['sabd', 'n64', null], 0x0f: ['saba', 'n64', null],
  0x10: ['add', 'all', 'd'], 0x11: ['cmtst', 'all', 'd'], 0x12: ['mla', 'n64', null], 0x13: ['mul', 'n64', null],
  0x14: ['smaxp', 'n64', null], 0x15: ['sminp', 'n64', null], 0x16: ['sqdmulh', 'hs', 'hs'], 0x17: ['addp', 'all', null],
  0x20: ['uhadd', 'n64', null], 0x21: ['uqadd', 'all', 'all'], 0x22: ['urhadd', 'n64', null],
  0x24: ['uhsub', 'n64', null], 0x25: ['uqsub', 'all', 'all'], 0x26: ['cmhi', 'all', 'd'], 0x27: ['cmhs', 'all', 'd'],
  0x28: ['ushl', 'all', 'd'], 0x29: ['uqshl', 'all', 'all'], 0x2a: ['urshl', 'all', 'd'], 0x2b: ['uqrshl', 'all', 'all'],
  0x2c: ['umax', 'n64', null], 0x2d: ['umin', 'n64', null], 0x2e: ['uabd', 'n64', null], 0x2f: ['uaba', 'n64', null],
  0x30: ['sub', 'all', 'd'], 0x31: ['cmeq', 'all', 'd'], 0x32: ['mls', 'n64', null], 0x33: ['pmul', 'b', null],
  0x34: ['umaxp', 'n64', null], 0x35: ['uminp', 'n64', null], 0x36: ['sqrdmulh', 'hs', 'hs'],
};

/** FP three-same, key = U<<4 | a<<3 | opcode<2:0> (opcode 11xxx): [id, name, has scalar form]. */
export const FP3: Record<number, [number, string, boolean]> = {
  0x00: [0, 'fmaxnm', false], 0x01: [2, 'fmla', false], 0x02: [4, 'fadd', false], 0x03: [6, 'fmulx', true],
  0x04: [7, 'fcmeq', true], 0x06: [8, 'fmax', false], 0x07: [10, 'frecps', true],
  0x08: [1, 'fminnm', false], 0x09: [3, 'fmls', false], 0x0a: [5, 'fsub', false], 0x0e: [9, 'fmin', false], 0x0f: [11, 'frsqrts', true],
  0x10: [12, 'fmaxnmp', false], 0x12: [14, 'faddp', false], 0x13: [16, 'fmul', false], 0x14: [17, 'fcmge', true],
  0x15: [19, 'facge', true], 0x16: [21, 'fmaxp', false], 0x17: [23, 'fdiv', false],
  0x18: [13, 'fminnmp', false], 0x1a: [15, 'fabd', true], 0x1c: [18, 'fcmgt', true], 0x1d: [20, 'facgt', true], 0x1e: [22, 'fminp', false],
};
export const PAIRWISE_FP = new Set([12, 13, 14, 21, 22]);

const LOGIC = ['and', 'bic', 'orr', 'orn', 'eor', 'bsl', 'bit', 'bif'];

function ruleOk(rule: Rule, size: number, q: number): boolean {
  switch (rule) {
    case 'all': return size !== 3 || q === 1;
    case 'n64': return size !== 3;
    case 'hs': return size === 1 || size === 2;
    case 'b': return size === 0;
    case 'd': return size === 3;
  }
}

interface SameDec { kind: 'int' | 'logic' | 'fp'; name: string; id: number; esz: number }
function decodeSame(U: number, size: number, opcode: number, q: number, scalar: boolean): SameDec | null {
  if (opcode === 3) {
    if (scalar) return null;
    const k = (U << 2) | size;
    return { kind: 'logic', name: LOGIC[k], id: k, esz: 0 };
  }
  if (opcode >= 0x18) {
    const e = FP3[(U << 4) | ((size >> 1) << 3) | (opcode & 7)];
    if (!e || (scalar && !e[2])) return null;
    const esz = 2 + (size & 1);
    if (!scalar && esz === 3 && !q) return null;
    return { kind: 'fp', name: e[1], id: e[0], esz };
  }
  const e = INT3[(U << 5) | opcode];
  if (!e) return null;
  const rule = scalar ? e[2] : e[1];
  if (!rule || !ruleOk(rule, size, scalar ? 1 : q)) return null;
  return { kind: 'int', name: e[0], id: (U << 5) | opcode, esz: size };
}

function decoded(d: SameDec, f: Record<string, number>, scalar: boolean): Decoded {
  const count = scalar ? 1 : (f.Q ? 16 : 8) >> d.esz;
  return { s: { k: ['int', 'logic', 'fp'].indexOf(d.kind), id: d.id, esz: d.esz, count, q: scalar ? 0 : f.Q, sc: scalar ? 1 : 0 }, o: { d: f.Rd, n: f.Rn, m: f.Rm } };
}

/** AND, BIC, ORR, ORN, EOR, BSL, BIT, BIF (by k) on whole 64/128-bit registers. */
function logicIR(b: Builder, k: number, d: Val, n: Val, m: Val, q: number): void {
  const zero = b.c32(0);
  for (let i = 0; i < 4; i++) {
    if (i >= (q ? 4 : 2)) { b.setVWord(d, i, zero); continue; }
    const x = b.vWord(n, i), y = b.vWord(m, i), c = k >= 5 ? b.vWord(d, i) : zero;
    const r = [
      () => b.and(x, y), () => b.and(x, b.not(y)), () => b.or(x, y), () => b.or(x, b.not(y)), () => b.xor(x, y),
      () => b.or(b.and(c, x), b.and(b.not(c), y)),      // BSL: Vd selects Vn (1) or Vm (0)
      () => b.or(b.and(x, y), b.and(c, b.not(y))),      // BIT: insert Vn where Vm is 1
      () => b.or(b.and(c, y), b.and(x, b.not(y))),      // BIF: insert Vn where Vm is 0
    ][k]();
    b.setVWord(d, i, r);
  }
}

/** ADD/SUB (vector, or scalar D when `scalar`): modular lane arithmetic on 32-bit words. Byte and
 *  halfword lanes are added within a word without carries crossing lanes (the top bit of each
 *  lane is summed separately); doubleword lanes use i64 arithmetic. */
function addSubIR(b: Builder, sub: boolean, esz: number, d: Val, n: Val, m: Val, q: number, scalar: boolean): void {
  const words = scalar ? 2 : q ? 4 : 2, zero = b.c32(0);
  if (esz === 3) {
    for (let h = 0; h < words / 2; h++) {
      const x = b.pair(b.vWord(n, 2 * h), b.vWord(n, 2 * h + 1)), y = b.pair(b.vWord(m, 2 * h), b.vWord(m, 2 * h + 1));
      const r = sub ? b.sub(x, y) : b.add(x, y);
      b.setVWord(d, 2 * h, b.trunc(r));
      b.setVWord(d, 2 * h + 1, b.trunc(b.lsr(r, b.c32(32))));
    }
  } else {
    const top = esz === 0 ? 0x80808080 : esz === 1 ? 0x80008000 : 0, low = b.c32(~top), hi = b.c32(top);
    for (let i = 0; i < words; i++) {
      const x = b.vWord(n, i), y = b.vWord(m, i);
      let r: Val;
      if (esz === 2) r = sub ? b.sub(x, y) : b.add(x, y);
      else if (!sub) r = b.xor(b.add(b.and(x, low), b.and(y, low)), b.and(b.xor(x, y), hi));
      else r = b.xor(b.sub(b.or(x, hi), b.and(y, low)), b.and(b.xor(x, b.not(y)), hi));
      b.setVWord(d, i, r);
    }
  }
  for (let i = words; i < 4; i++) b.setVWord(d, i, zero);
}
const ADD = 0x10, SUB = 0x30;

/** FP three-same ids (FP3) with an IR fast path: lane arithmetic, or FMLA/FMLS (fused). */
const FAST_FP3: Record<number, FastOp | 'fmla' | 'fmls' | 'fmax' | 'fmin'> = {
  2: 'fmla', 3: 'fmls', 4: 'fadd', 5: 'fsub', 16: 'fmul', 23: 'fdiv', 0: 'fmax', 1: 'fmin', 8: 'fmax', 9: 'fmin',
};

/** FADD/FSUB/FMUL/FDIV/FMLA/FMLS (vector; by element when `mIdx` is given, every lane then
 *  taking lane mIdx of Vm): every lane computed on doubles, then written only if every lane
 *  passes the exactness guard (simd_fpir.ts), else the helper `slowFn(slowArgs)` does the whole
 *  instruction. q = -1: a scalar result (the rest of Vd zeroed). */
export function fpSameIR(b: Builder, op: FastOp | 'fmla' | 'fmls' | 'fmax' | 'fmin', lg: 2 | 3, count: number, d: Val, n: Val, m: Val, q: number,
  slowFn: string, slowArgs: Val[], mIdx?: number): void {
  // min/max are exact and raise no flag on non-NaN operands: they need no rounding mode or IXC.
  // FMLA/FMLS: also with FPSR.IXC clear when every lane is exact (see fpFma).
  const fused = op === 'fmla' || op === 'fmls';
  let ok = op === 'fmax' || op === 'fmin' ? b.bool(1) : fused ? fpFastFpcr(b) : fpFastMode(b);
  let allExact = b.bool(1);
  const rs: Val[] = [];
  const yElem = mIdx !== undefined ? b.vLaneF(m, mIdx, lg) : undefined;
  for (let i = 0; i < count; i++) {
    const x = b.vLaneF(n, i, lg), y = yElem ?? b.vLaneF(m, i, lg);
    let r: Val;
    // FMLS: FPMulAdd(d, FPNeg(n), m); the negation of a NaN does not matter (the guard fails).
    if (fused) {
      const f = fpFma(b, lg, op === 'fmls' ? b.fun('fneg', x) : x, y, b.vLaneF(d, i, lg));
      r = f.r;
      ok = b.and(ok, f.ok);
      allExact = b.and(allExact, f.exact);
    } else if (op === 'fmax' || op === 'fmin') { // FMAX/FMIN, FMAXNM/FMINNM: exact, no flag (no NaN)
      const [f, fine] = fpMinMaxIR(b, op === 'fmax', x, y);
      r = f;
      ok = b.and(ok, fine);
    } else {
      r = fpArith(b, op, lg, x, y);
      ok = b.and(ok, fpResultOk(b, op, lg, r, x, y));
    }
    rs.push(r);
  }
  if (fused) ok = b.and(ok, b.or(fpIxcSet(b), allExact));
  b.orSlow(ok, slowFn, ...slowArgs);
  rs.forEach((r, i) => b.setVLaneF(d, i, lg, r));
  const zero = b.c32(0);
  for (let w = q > 0 ? 4 : q === 0 ? 2 : lg === 3 ? 2 : 1; w < 4; w++) b.setVWord(d, w, zero);
}

/** MUL, MLA, MLS (vector; by element when `mIdx` is given) on elements modulo their size. */
export function mulIR(b: Builder, op: 'mul' | 'mla' | 'mls', esz: number, q: number, d: Val, n: Val, m: Val, mIdx?: number): void {
  const count = (q ? 16 : 8) >> esz, out: Val[] = [];
  const yElem = mIdx !== undefined ? vElem(b, m, esz, mIdx) : undefined;
  for (let i = 0; i < count; i++) {
    const p = b.mul(vElem(b, n, esz, i), yElem ?? vElem(b, m, esz, i));
    out.push(op === 'mul' ? p : op === 'mla' ? b.add(vElem(b, d, esz, i), p) : b.sub(vElem(b, d, esz, i), p));
  }
  vSetWords(b, d, packElems(b, esz, out));
}
const MUL_OPS: Record<number, 'mul' | 'mla' | 'mls'> = { 0x13: 'mul', 0x12: 'mla', 0x32: 'mls' };

export const simdSame: InsnDef[] = [
  {
    name: 'SIMD_3same',
    pattern: '0 Q U 01110 size:2 1 Rm:5 opcode:5 1 Rn:5 Rd:5',
    decode(f) {
      const d = decodeSame(f.U, f.size, f.opcode, f.Q, false);
      return d && decoded(d, f, false);
    },
    sem(b, o, s) {
      if (s.k === 1) return logicIR(b, s.id, o.d, o.n, o.m, s.q);
      if (s.k === 0 && (s.id === ADD || s.id === SUB)) return addSubIR(b, s.id === SUB, s.esz, o.d, o.n, o.m, s.q, false);
      const args = [b.c32(s.id), b.c32(s.esz), b.c32(s.count), o.d, o.n, o.m, b.c32(s.q)];
      if (s.k === 2 && FAST_FP3[s.id]) return fpSameIR(b, FAST_FP3[s.id], s.esz as 2 | 3, s.count, o.d, o.n, o.m, s.q, 'v3_fp', args);
      if (s.k === 0 && MUL_OPS[s.id]) return mulIR(b, MUL_OPS[s.id], s.esz, s.q, o.d, o.n, o.m);
      b.effect(s.k === 2 ? 'v3_fp' : 'v3_int', ...args);
    },
    disasm(f) {
      const d = decodeSame(f.U, f.size, f.opcode, f.Q, false)!;
      const a = d.kind === 'logic' ? arr(0, f.Q) : arr(d.esz, f.Q);
      if (d.kind === 'logic' && d.id === 2 && f.Rn === f.Rm) return `mov\t${vreg(f.Rd, a)}, ${vreg(f.Rn, a)}`;
      return `${d.name}\t${vreg(f.Rd, a)}, ${vreg(f.Rn, a)}, ${vreg(f.Rm, a)}`;
    },
  },
  {
    name: 'SIMD_3same_scalar',
    pattern: '01 U 11110 size:2 1 Rm:5 opcode:5 1 Rn:5 Rd:5',
    decode(f) {
      const d = decodeSame(f.U, f.size, f.opcode, 1, true);
      return d && decoded(d, { ...f, Q: 0 }, true);
    },
    sem(b, o, s) {
      if (s.k === 0 && (s.id === ADD || s.id === SUB)) return addSubIR(b, s.id === SUB, s.esz, o.d, o.n, o.m, 0, true);
      const args = [b.c32(s.id), b.c32(s.esz), b.c32(1), o.d, o.n, o.m, b.c32(-1)];
      b.effect(s.k === 2 ? 'v3_fp' : 'v3_int', ...args);
    },
    disasm(f) {
      const d = decodeSame(f.U, f.size, f.opcode, 1, true)!;
      const r = (x: number) => `${SC[d.esz]}${x}`;
      return `${d.name}\t${r(f.Rd)}, ${r(f.Rn)}, ${r(f.Rm)}`;
    },
  },
];
