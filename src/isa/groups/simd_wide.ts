// Advanced SIMD "three different" (long, wide and narrowing-high forms, PMULL), across-lanes
// reductions (ADDV, [SU]ADDLV, [SU]MAXV/MINV, FMAXV/FMINV/FMAXNMV/FMINNMV) and the scalar
// pairwise forms (ADDP, FADDP, FMAXP, …). Helpers: simd_wide_helpers.ts. The modular long and
// wide forms ([SU]ADDL/W, [SU]SUBL/W, [SU]MLAL, [SU]MLSL, [SU]MULL) and the integer reductions
// are IR on elements (both engines run them inline); the rest call the helpers.
import type { InsnDef, Decoded } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { ARR, arr, vreg, SC, vElem, packElems, vSetWords, vSetScalar } from './simd_common.js';

// key U<<4 | opcode → [name, kind]: L long (narrow sources), W wide + narrow, H narrowing high.
export const DIFF: Record<number, [string, string]> = {
  0x00: ['saddl', 'L'], 0x01: ['saddw', 'W'], 0x02: ['ssubl', 'L'], 0x03: ['ssubw', 'W'], 0x04: ['addhn', 'H'],
  0x05: ['sabal', 'L'], 0x06: ['subhn', 'H'], 0x07: ['sabdl', 'L'], 0x08: ['smlal', 'L'], 0x09: ['sqdmlal', 'L'],
  0x0a: ['smlsl', 'L'], 0x0b: ['sqdmlsl', 'L'], 0x0c: ['smull', 'L'], 0x0d: ['sqdmull', 'L'], 0x0e: ['pmull', 'L'],
  0x10: ['uaddl', 'L'], 0x11: ['uaddw', 'W'], 0x12: ['usubl', 'L'], 0x13: ['usubw', 'W'], 0x14: ['raddhn', 'H'],
  0x15: ['uabal', 'L'], 0x16: ['rsubhn', 'H'], 0x17: ['uabdl', 'L'], 0x18: ['umlal', 'L'], 0x1a: ['umlsl', 'L'],
  0x1c: ['umull', 'L'],
};
const SQD = new Set([0x09, 0x0b, 0x0d]);

/** Long/wide forms without saturation, rounding or polynomials, as IR: false when not one of them.
 *  Sources are extended to the wide element (i32 up to 16-bit sources, i64 for 32-bit ones) and
 *  the arithmetic is modulo the wide element size, which the packing keeps. By element (mIdx):
 *  element mIdx of Vm for every lane. */
export function diffIR(b: Builder, key: number, esz: number, q: number, d: Val, n: Val, m: Val, mIdx?: number): boolean {
  const kind = DIFF[key][1], op = key & 15, signed = key < 0x10;
  if (kind === 'H' || esz > 2 || ![0, 1, 2, 3, 8, 10, 12].includes(op)) return false;
  const count = 8 >> esz, half = q ? count : 0, wide = esz + 1;
  const ext = (v: Val) => (esz === 2 ? (signed ? b.sext(v) : b.zext(v)) : v);
  const out: Val[] = [];
  for (let i = 0; i < count; i++) {
    const x = kind === 'W' ? vElem(b, n, wide, i) : ext(vElem(b, n, esz, half + i, signed));
    const y = ext(vElem(b, m, esz, mIdx ?? half + i, signed));
    switch (op) {
      case 0: case 1: out.push(b.add(x, y)); break;
      case 2: case 3: out.push(b.sub(x, y)); break;
      case 8: out.push(b.add(vElem(b, d, wide, i), b.mul(x, y))); break;
      case 10: out.push(b.sub(vElem(b, d, wide, i), b.mul(x, y))); break;
      default: out.push(b.mul(x, y));
    }
  }
  vSetWords(b, d, packElems(b, wide, out));
  return true;
}

/** ADDV, [SU]ADDLV, [SU]MAXV, [SU]MINV as IR (the integer reductions). */
function acrossIR(b: Builder, id: number, esz: number, q: number, d: Val, n: Val): void {
  const count = (q ? 16 : 8) >> esz, U = id >> 5, op = id & 31, long = op === 0x03;
  const signed = !U && op !== 0x1b;
  let acc: Val | undefined;
  for (let i = 0; i < count; i++) {
    let e = vElem(b, n, esz, i, signed);
    if (long && esz === 2) e = signed ? b.sext(e) : b.zext(e);
    if (!acc) { acc = e; continue; }
    if (long || op === 0x1b) acc = b.add(acc, e);
    else {
      const lt = b.cmp(signed ? 'slt' : 'ult', e, acc);   // the new element is smaller
      acc = op === 0x1a ? b.select(lt, e, acc) : b.select(lt, acc, e);
    }
  }
  vSetScalar(b, d, esz + (long ? 1 : 0), acc!);
}

function decodeDiff(U: number, size: number, opcode: number, scalar: boolean): [string, string, number] | null {
  const key = (U << 4) | opcode, e = DIFF[key];
  if (!e) return null;
  if (scalar) return SQD.has(key) && (size === 1 || size === 2) ? [e[0], e[1], key] : null;
  if (key === 0x0e) return size === 0 || size === 3 ? [e[0], e[1], key] : null; // PMULL (size 3: 64×64, Crypto)
  if (size === 3 || (SQD.has(key) && size === 0)) return null;
  return [e[0], e[1], key];
}

// Across lanes: key U<<5 | opcode → name; FP forms use size<1> as min/max.
const ACROSS: Record<number, string> = { 0x03: 'saddlv', 0x0a: 'smaxv', 0x1a: 'sminv', 0x1b: 'addv', 0x23: 'uaddlv', 0x2a: 'umaxv', 0x3a: 'uminv' };

function decodeAcross(U: number, size: number, opcode: number, q: number): { name: string; id: number; fp: boolean } | null {
  if (opcode === 0x0c || opcode === 0x0f) {
    if (!U || (size & 1) || !q) return null; // single precision 4s only (the half forms need FP16)
    const name = (opcode === 0x0c ? ['fmaxnmv', 'fminnmv'] : ['fmaxv', 'fminv'])[size >> 1];
    return { name, id: (opcode === 0x0c ? 0 : 2) + (size >> 1), fp: true };
  }
  const name = ACROSS[(U << 5) | opcode];
  if (!name || size === 3 || (size === 2 && !q)) return null;
  return { name, id: (U << 5) | opcode, fp: false };
}

// Scalar pairwise: [name, id] where id < 8 is an FP op (see helpers) and 8 is ADDP.
function decodePair(U: number, size: number, opcode: number): [string, number] | null {
  if (!U) return opcode === 0x1b && size === 3 ? ['addp', 8] : null;
  const a = size >> 1;
  switch (opcode) {
    case 0x0c: return a ? ['fminnmp', 1] : ['fmaxnmp', 0];
    case 0x0d: return a ? null : ['faddp', 4];
    case 0x0f: return a ? ['fminp', 3] : ['fmaxp', 2];
  }
  return null;
}

export const simdWide: InsnDef[] = [
  {
    name: 'SIMD_3diff',
    pattern: '0 Q U 01110 size:2 1 Rm:5 opcode:4 00 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const e = decodeDiff(f.U, f.size, f.opcode, false);
      return e && { s: { key: e[2], esz: f.size, q: f.Q }, o: { d: f.Rd, n: f.Rn, m: f.Rm } };
    },
    sem(b, o, s) {
      if (!diffIR(b, s.key, s.esz, s.q, o.d, o.n, o.m)) b.effect('v3_diff', b.c32(s.key), b.c32(s.esz), b.c32(s.q), o.d, o.n, o.m);
    },
    disasm(f) {
      const [name, kind] = decodeDiff(f.U, f.size, f.opcode, false)!;
      const two = f.Q ? '2' : '';
      const narrow = arr(f.size, f.Q), wide = f.size === 3 ? '1q' : ARR[(f.size + 1) * 2 + 1];
      if (kind === 'H') return `${name}${two}\t${vreg(f.Rd, narrow)}, ${vreg(f.Rn, wide)}, ${vreg(f.Rm, wide)}`;
      if (kind === 'W') return `${name}${two}\t${vreg(f.Rd, wide)}, ${vreg(f.Rn, wide)}, ${vreg(f.Rm, narrow)}`;
      return `${name}${two}\t${vreg(f.Rd, wide)}, ${vreg(f.Rn, narrow)}, ${vreg(f.Rm, narrow)}`;
    },
  },
  {
    name: 'SIMD_3diff_scalar',
    pattern: '01 U 11110 size:2 1 Rm:5 opcode:4 00 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const e = decodeDiff(f.U, f.size, f.opcode, true);
      return e && { s: { key: e[2], esz: f.size, q: -1 }, o: { d: f.Rd, n: f.Rn, m: f.Rm } };
    },
    sem(b, o, s) { b.effect('v3_diff', b.c32(s.key), b.c32(s.esz), b.c32(-1), o.d, o.n, o.m); },
    disasm(f) {
      const [name] = decodeDiff(f.U, f.size, f.opcode, true)!;
      return `${name}\t${SC[f.size + 1]}${f.Rd}, ${SC[f.size]}${f.Rn}, ${SC[f.size]}${f.Rm}`;
    },
  },
  {
    name: 'SIMD_across',
    pattern: '0 Q U 01110 size:2 11000 opcode:5 10 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const e = decodeAcross(f.U, f.size, f.opcode, f.Q);
      return e && { s: { fp: e.fp ? 1 : 0, id: e.id, esz: e.fp ? 2 : f.size, q: f.Q }, o: { d: f.Rd, n: f.Rn } };
    },
    sem(b, o, s) {
      if (!s.fp) return acrossIR(b, s.id, s.esz, s.q, o.d, o.n);
      b.effect('v_across', b.c32(s.fp), b.c32(s.id), b.c32(s.esz), b.c32(s.q), o.d, o.n);
    },
    disasm(f) {
      const e = decodeAcross(f.U, f.size, f.opcode, f.Q)!;
      const esz = e.fp ? 2 : f.size, long = e.name.endsWith('lv');
      return `${e.name}\t${SC[esz + (long ? 1 : 0)]}${f.Rd}, ${vreg(f.Rn, arr(esz, f.Q))}`;
    },
  },
  {
    name: 'SIMD_pair_scalar',
    pattern: '01 U 11110 size:2 11000 opcode:5 10 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const e = decodePair(f.U, f.size, f.opcode);
      return e && { s: { id: e[1], esz: e[1] === 8 ? 3 : 2 + (f.size & 1) }, o: { d: f.Rd, n: f.Rn } };
    },
    sem(b, o, s) { b.effect('v_pair_scalar', b.c32(s.id), b.c32(s.esz), o.d, o.n); },
    disasm(f) {
      const [name, id] = decodePair(f.U, f.size, f.opcode)!;
      const esz = id === 8 ? 3 : 2 + (f.size & 1);
      return `${name}\t${SC[esz]}${f.Rd}, ${vreg(f.Rn, esz === 3 ? '2d' : '2s')}`;
    },
  },
];
