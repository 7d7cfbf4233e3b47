// Advanced SIMD "two-register miscellaneous" (vector and scalar): reversals, counts, compares
// with zero, abs/neg (saturating too), narrowing and widening, pairwise add-long, FP rounding,
// conversions, estimates, compares with zero, FCVTN/FCVTL/FCVTXN. Helpers: simd_misc_helpers.ts;
// the vector REV16/32/64, SHLL, XTN, NOT, NEG, ABS, CM* #0, FABS and FNEG are IR (miscIR).
import type { InsnDef, Decoded } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { arr, vreg, SC, ARR, vElem, packElems, vSetWords } from './simd_common.js';

// Integer ops, key U<<5 | opcode: [name, kind, vector sizes mask, scalar sizes mask].
// Vector 64-bit elements always need Q=1.
export const INT2: Record<number, [string, string, number, number]> = {
  0x00: ['rev64', 'rev', 0b0111, 0], 0x01: ['rev16', 'rev', 0b0001, 0], 0x02: ['saddlp', 'addlp', 0b0111, 0],
  0x03: ['suqadd', 'u', 0b1111, 0b1111], 0x04: ['cls', 'u', 0b0111, 0], 0x05: ['cnt', 'u', 0b0001, 0],
  0x06: ['sadalp', 'addlp', 0b0111, 0], 0x07: ['sqabs', 'u', 0b1111, 0b1111], 0x08: ['cmgt', 'u', 0b1111, 0b1000],
  0x09: ['cmeq', 'u', 0b1111, 0b1000], 0x0a: ['cmlt', 'u', 0b1111, 0b1000], 0x0b: ['abs', 'u', 0b1111, 0b1000],
  0x12: ['xtn', 'narrow', 0b0111, 0], 0x14: ['sqxtn', 'narrow', 0b0111, 0b0111],
  0x20: ['rev32', 'rev', 0b0011, 0], 0x22: ['uaddlp', 'addlp', 0b0111, 0], 0x23: ['usqadd', 'u', 0b1111, 0b1111],
  0x24: ['clz', 'u', 0b0111, 0], 0x25: ['not', 'u', 0b0011, 0], 0x26: ['uadalp', 'addlp', 0b0111, 0],
  0x27: ['sqneg', 'u', 0b1111, 0b1111], 0x28: ['cmge', 'u', 0b1111, 0b1000], 0x29: ['cmle', 'u', 0b1111, 0b1000],
  0x2b: ['neg', 'u', 0b1111, 0b1000], 0x32: ['sqxtun', 'narrow', 0b0111, 0b0111], 0x33: ['shll', 'shll', 0b0111, 0],
  0x34: ['uqxtn', 'narrow', 0b0111, 0b0111],
};
const ZERO_CMP = new Set([0x08, 0x09, 0x0a, 0x28, 0x29]);

// FP ops, key U<<6 | size<1><<5 | opcode: [id, name, vector?, scalar?]. ids index FP2_OPS in
// the helpers. fcvtn/fcvtl/fcvtxn have their own kinds.
export const FP2: Record<number, [number, string, boolean, boolean]> = {
  0x18: [0, 'frintn', true, false], 0x19: [1, 'frintm', true, false], 0x1a: [2, 'fcvtns', true, true],
  0x1b: [3, 'fcvtms', true, true], 0x1c: [4, 'fcvtas', true, true], 0x1d: [5, 'scvtf', true, true],
  0x2c: [6, 'fcmgt', true, true], 0x2d: [7, 'fcmeq', true, true], 0x2e: [8, 'fcmlt', true, true],
  0x2f: [9, 'fabs', true, false], 0x38: [10, 'frintp', true, false], 0x39: [11, 'frintz', true, false],
  0x3a: [12, 'fcvtps', true, true], 0x3b: [13, 'fcvtzs', true, true], 0x3c: [14, 'urecpe', true, false],
  0x3d: [15, 'frecpe', true, true], 0x3f: [16, 'frecpx', false, true],
  0x58: [17, 'frinta', true, false], 0x59: [18, 'frintx', true, false], 0x5a: [19, 'fcvtnu', true, true],
  0x5b: [20, 'fcvtmu', true, true], 0x5c: [21, 'fcvtau', true, true], 0x5d: [22, 'ucvtf', true, true],
  0x6c: [23, 'fcmge', true, true], 0x6d: [24, 'fcmle', true, true], 0x6f: [25, 'fneg', true, false],
  0x79: [26, 'frinti', true, false], 0x7a: [27, 'fcvtpu', true, true], 0x7b: [28, 'fcvtzu', true, true],
  0x7c: [29, 'ursqrte', true, false], 0x7d: [30, 'frsqrte', true, true], 0x7f: [31, 'fsqrt', true, false],
};
const FP_ZERO_CMP = new Set([6, 7, 8, 23, 24]);

export interface MiscDec { kind: string; name: string; id: number; esz: number }

export function decodeMisc(U: number, size: number, opcode: number, q: number, scalar: boolean): MiscDec | null {
  // FCVTN/FCVTXN (narrow), FCVTL (widen): size<0> selects the wide element size
  if (opcode === 0x16 && !(size & 2)) {
    if (U === 0 && !scalar) return { kind: 'fcvtn', name: 'fcvtn', id: 0, esz: 2 + (size & 1) };
    if (U === 1 && (size & 1)) return { kind: 'fcvtn', name: 'fcvtxn', id: 1, esz: 3 };
    return null;
  }
  if (opcode === 0x17 && U === 0 && !(size & 2) && !scalar) return { kind: 'fcvtl', name: 'fcvtl', id: 0, esz: 2 + (size & 1) };
  const fe = opcode >= 0x0c && (opcode >= 0x18 || opcode <= 0x0f) ? FP2[(U << 6) | ((size >> 1) << 5) | opcode] : undefined;
  if (fe && (opcode >= 0x18 || size >= 2)) {
    if (scalar ? !fe[3] : !fe[2]) return null;
    const esz = 2 + (size & 1);
    if (!scalar && esz === 3 && !q) return null;
    if ((fe[0] === 14 || fe[0] === 29) && esz !== 2) return null; // URECPE/URSQRTE: 32-bit only
    return { kind: 'fp', name: fe[1], id: fe[0], esz };
  }
  const key = (U << 5) | opcode;
  const e = INT2[key];
  if (!e) return null;
  let name = e[0];
  if (key === 0x25) name = size === 0 ? 'not' : 'rbit';
  const mask = scalar ? e[3] : e[2];
  if (!(mask & (1 << size))) return null;
  if (!scalar && size === 3 && !q) return null;
  return { kind: e[1], name, id: key, esz: size };
}

/** The vector forms written in IR (false for the others, which call v2_misc). */
function miscIR(b: Builder, kind: string, id: number, esz: number, q: number, d: Val, n: Val): boolean {
  const count = (q ? 16 : 8) >> esz, elems = (r: Val, e: number, k: number, from = 0, signed = false) =>
    Array.from({ length: k }, (_, i) => vElem(b, r, e, from + i, signed));
  switch (kind) {
    case 'rev': { // reverse the elements inside each 16/32/64-bit container
      const container = id === 0x01 ? 1 : id === 0x20 ? 2 : 3, flip = (1 << (container - esz)) - 1;
      const src = elems(n, esz, count);
      vSetWords(b, d, packElems(b, esz, src.map((_, i) => src[i ^ flip])));
      return true;
    }
    case 'shll': { // SHLL{2}: widen the low (high) half, shift left by the element size
      const half = 8 >> esz, src = elems(n, esz, half, q ? half : 0);
      const wide = src.map((e) => (esz === 2 ? b.shl(b.zext(e), b.c32(32)) : b.shl(e, b.c32(8 << esz))));
      vSetWords(b, d, packElems(b, esz + 1, wide));
      return true;
    }
    case 'narrow': { // XTN{2}: the low half of each wide element, into the low (high) half of Vd
      if (id !== 0x12) return false;
      const half = 8 >> esz;
      const words = packElems(b, esz, elems(n, esz + 1, half).map((e) => (esz === 2 ? b.trunc(e) : e)));
      vSetWords(b, d, q ? [b.vWord(d, 0), b.vWord(d, 1), ...words] : words);
      return true;
    }
    case 'u': {
      if (id === 0x25) { // NOT (size 0; size 1 is RBIT)
        if (esz !== 0) return false;
        vSetWords(b, d, Array.from({ length: q ? 4 : 2 }, (_, i) => b.not(b.vWord(n, i))));
        return true;
      }
      if (![0x0b, 0x2b, 0x08, 0x09, 0x0a, 0x28, 0x29].includes(id)) return false;
      const zero = esz === 3 ? b.c64(0, 0) : b.c32(0), ones = esz === 3 ? b.c64(-1, -1) : b.c32(-1);
      const out = elems(n, esz, count, 0, true).map((x) => {
        switch (id) {
          case 0x2b: return b.neg(x);                                    // NEG (modular)
          case 0x0b: return b.select(b.cmp('slt', x, zero), b.neg(x), x); // ABS (modular)
          case 0x08: return b.select(b.cmp('slt', zero, x), ones, zero);  // CMGT #0
          case 0x09: return b.select(b.cmp('eq', x, zero), ones, zero);   // CMEQ #0
          case 0x0a: return b.select(b.cmp('slt', x, zero), ones, zero);  // CMLT #0
          case 0x28: return b.select(b.cmp('sle', zero, x), ones, zero);  // CMGE #0
          default: return b.select(b.cmp('sle', x, zero), ones, zero);    // CMLE #0
        }
      });
      vSetWords(b, d, packElems(b, esz, out));
      return true;
    }
    case 'fp': { // FABS, FNEG: the sign bits (no FP exception, FPCR plays no part)
      if (id !== 9 && id !== 25) return false;
      const sign = b.c32(0x80000000);
      vSetWords(b, d, Array.from({ length: q ? 4 : 2 }, (_, i) => {
        const w = b.vWord(n, i);
        if (esz === 3 && !(i & 1)) return w;
        return id === 9 ? b.and(w, b.not(sign)) : b.xor(w, sign);
      }));
      return true;
    }
  }
  return false;
}

const FCVT_ARR = (esz: number, q: number) => (esz === 3 ? (q ? '4s' : '2s') : q ? '8h' : '4h');

export const simdMisc: InsnDef[] = [
  {
    name: 'SIMD_2misc',
    pattern: '0 Q U 01110 size:2 10000 opcode:5 10 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const d = decodeMisc(f.U, f.size, f.opcode, f.Q, false);
      if (!d) return null;
      return { s: { kind: KINDS.indexOf(d.kind), id: d.id, esz: d.esz, q: f.Q }, o: { d: f.Rd, n: f.Rn } };
    },
    sem(b, o, s) {
      if (!miscIR(b, KINDS[s.kind], s.id, s.esz, s.q, o.d, o.n)) b.effect('v2_misc', b.c32(s.kind), b.c32(s.id), b.c32(s.esz), b.c32(s.q), o.d, o.n);
    },
    disasm(f) {
      const d = decodeMisc(f.U, f.size, f.opcode, f.Q, false)!;
      const two = f.Q ? '2' : '';
      switch (d.kind) {
        case 'narrow': return `${d.name}${two}\t${vreg(f.Rd, arr(d.esz, f.Q))}, ${vreg(f.Rn, ARR[(d.esz + 1) * 2 + 1])}`;
        case 'shll': return `shll${two}\t${vreg(f.Rd, ARR[(d.esz + 1) * 2 + 1])}, ${vreg(f.Rn, arr(d.esz, f.Q))}, #${8 << d.esz}`;
        case 'addlp': return `${d.name}\t${vreg(f.Rd, arr(d.esz + 1, f.Q))}, ${vreg(f.Rn, arr(d.esz, f.Q))}`;
        case 'fcvtn': return `${d.name}${two}\t${vreg(f.Rd, FCVT_ARR(d.esz, f.Q))}, ${vreg(f.Rn, d.esz === 3 ? '2d' : '4s')}`;
        case 'fcvtl': return `fcvtl${two}\t${vreg(f.Rd, d.esz === 3 ? '2d' : '4s')}, ${vreg(f.Rn, FCVT_ARR(d.esz, f.Q))}`;
      }
      const a = d.kind === 'u' && d.id === 0x25 ? arr(0, f.Q) : arr(d.esz, f.Q);
      const name = d.id === 0x25 && f.size === 0 ? 'mvn' : d.name;
      const zero = (d.kind === 'u' && ZERO_CMP.has(d.id)) ? ', #0' : d.kind === 'fp' && FP_ZERO_CMP.has(d.id) ? ', #0.0' : '';
      return `${name}\t${vreg(f.Rd, a)}, ${vreg(f.Rn, a)}${zero}`;
    },
  },
  {
    name: 'SIMD_2misc_scalar',
    pattern: '01 U 11110 size:2 10000 opcode:5 10 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const d = decodeMisc(f.U, f.size, f.opcode, 1, true);
      if (!d) return null;
      return { s: { kind: KINDS.indexOf(d.kind), id: d.id, esz: d.esz, q: -1 }, o: { d: f.Rd, n: f.Rn } };
    },
    sem(b, o, s) { b.effect('v2_misc', b.c32(s.kind), b.c32(s.id), b.c32(s.esz), b.c32(-1), o.d, o.n); },
    disasm(f) {
      const d = decodeMisc(f.U, f.size, f.opcode, 1, true)!;
      if (d.kind === 'narrow') return `${d.name}\t${SC[d.esz]}${f.Rd}, ${SC[d.esz + 1]}${f.Rn}`;
      if (d.kind === 'fcvtn') return `${d.name}\ts${f.Rd}, d${f.Rn}`;
      const zero = (d.kind === 'u' && ZERO_CMP.has(d.id)) ? ', #0' : d.kind === 'fp' && FP_ZERO_CMP.has(d.id) ? ', #0.0' : '';
      return `${d.name}\t${SC[d.esz]}${f.Rd}, ${SC[d.esz]}${f.Rn}${zero}`;
    },
  },
];
export const KINDS = ['u', 'rev', 'addlp', 'narrow', 'shll', 'fp', 'fcvtn', 'fcvtl'];
