// Advanced SIMD "vector × indexed element" (vector and scalar): MUL/MLA/MLS, [SU]MULL/MLAL/MLSL,
// SQDMULL/SQDMLAL/SQDMLSL, SQDMULH/SQRDMULH, FMUL/FMLA/FMLS/FMULX by element.
// FMUL/FMLA/FMLS, MUL/MLA/MLS and the modular long forms are IR (the element index is part of the
// shape); the rest replicate the element into a scratch register and run the three-same/three-
// different machinery (simd_elem_helpers.ts).
import type { InsnDef, Decoded } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { ARR, EL, SC, arr, vreg } from './simd_common.js';
import { fpSameIR, mulIR } from './simd_same.js';
import { diffIR } from './simd_wide.js';

// key U<<4 | opcode → [name, kind]: I integer same-size, L long, F floating point.
const ELEM: Record<number, [string, string]> = {
  0x01: ['fmla', 'F'], 0x02: ['smlal', 'L'], 0x03: ['sqdmlal', 'L'], 0x05: ['fmls', 'F'], 0x06: ['smlsl', 'L'],
  0x07: ['sqdmlsl', 'L'], 0x08: ['mul', 'I'], 0x09: ['fmul', 'F'], 0x0a: ['smull', 'L'], 0x0b: ['sqdmull', 'L'],
  0x0c: ['sqdmulh', 'I'], 0x0d: ['sqrdmulh', 'I'],
  0x10: ['mla', 'I'], 0x12: ['umlal', 'L'], 0x14: ['mls', 'I'], 0x16: ['umlsl', 'L'], 0x19: ['fmulx', 'F'], 0x1a: ['umull', 'L'],
};
const SCALAR_OK = new Set([0x01, 0x03, 0x05, 0x07, 0x09, 0x0b, 0x0c, 0x0d, 0x19]);

export interface ElemDec { key: number; name: string; kind: string; esz: number; index: number; m: number }

export function decodeElem(f: Record<string, number>, scalar: boolean): ElemDec | null {
  const key = (f.U << 4) | f.opcode, e = ELEM[key];
  if (!e || (scalar && !SCALAR_OK.has(key))) return null;
  const [name, kind] = e;
  let esz: number, index: number, m: number;
  if (kind === 'F') {
    if (f.size < 2) return null;
    esz = f.size;
    if (esz === 3) { if (f.L || (!scalar && !f.Q)) return null; index = f.H; }
    else index = (f.H << 1) | f.L;
    m = (f.M << 4) | f.Rm;
  } else {
    if (f.size === 1) { esz = 1; index = (f.H << 2) | (f.L << 1) | f.M; m = f.Rm; }
    else if (f.size === 2) { esz = 2; index = (f.H << 1) | f.L; m = (f.M << 4) | f.Rm; }
    else return null;
  }
  return { key, name, kind, esz, index, m };
}

const FP_IR: Record<number, 'fmla' | 'fmls' | 'fmul'> = { 0x01: 'fmla', 0x05: 'fmls', 0x09: 'fmul' };
const MUL_IR: Record<number, 'mul' | 'mla' | 'mls'> = { 0x08: 'mul', 0x10: 'mla', 0x14: 'mls' };
/** The three-different key of a long by-element form without saturation. */
const LONG_IR: Record<number, number> = { 0x02: 0x08, 0x06: 0x0a, 0x0a: 0x0c, 0x12: 0x18, 0x16: 0x1a, 0x1a: 0x1c };

/** The by-element semantics (q = -1: scalar): IR where written, else the v_elem_op helper. */
function elemSem(b: Builder, o: Record<string, Val>, s: Record<string, number>): void {
  const args = [b.c32(s.key), b.c32(s.esz), b.c32(s.q), o.d, o.n, o.m, b.c32(s.idx)];
  const fop = FP_IR[s.key];
  if (fop) {
    const count = s.q < 0 ? 1 : (s.q ? 16 : 8) >> s.esz;
    return fpSameIR(b, fop, s.esz as 2 | 3, count, o.d, o.n, o.m, s.q, 'v_elem_op', args, s.idx);
  }
  if (s.q >= 0 && MUL_IR[s.key]) return mulIR(b, MUL_IR[s.key], s.esz, s.q, o.d, o.n, o.m, s.idx);
  if (s.q >= 0 && LONG_IR[s.key] !== undefined && diffIR(b, LONG_IR[s.key], s.esz, s.q, o.d, o.n, o.m, s.idx)) return;
  b.effect('v_elem_op', ...args);
}

function text(f: Record<string, number>, scalar: boolean): string {
  const d = decodeElem(f, scalar)!;
  const el = `v${d.m}.${EL[d.esz]}[${d.index}]`;
  if (scalar) {
    const dst = d.kind === 'L' ? SC[d.esz + 1] : SC[d.esz];
    return `${d.name}\t${dst}${f.Rd}, ${SC[d.esz]}${f.Rn}, ${el}`;
  }
  if (d.kind === 'L') return `${d.name}${f.Q ? '2' : ''}\t${vreg(f.Rd, ARR[(d.esz + 1) * 2 + 1])}, ${vreg(f.Rn, arr(d.esz, f.Q))}, ${el}`;
  const a = arr(d.esz, f.Q);
  return `${d.name}\t${vreg(f.Rd, a)}, ${vreg(f.Rn, a)}, ${el}`;
}

export const simdElem: InsnDef[] = [
  {
    name: 'SIMD_elem',
    pattern: '0 Q U 01111 size:2 L M Rm:4 opcode:4 H 0 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const d = decodeElem(f, false);
      return d && { s: { key: d.key, esz: d.esz, q: f.Q, idx: d.index }, o: { d: f.Rd, n: f.Rn, m: d.m } };
    },
    sem: elemSem,
    disasm: (f) => text(f, false),
  },
  {
    name: 'SIMD_elem_scalar',
    pattern: '01 U 11111 size:2 L M Rm:4 opcode:4 H 0 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const d = decodeElem(f, true);
      return d && { s: { key: d.key, esz: d.esz, q: -1, idx: d.index }, o: { d: f.Rd, n: f.Rn, m: d.m } };
    },
    sem: elemSem,
    disasm: (f) => text(f, true),
  },
];
