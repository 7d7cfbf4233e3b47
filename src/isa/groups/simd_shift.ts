// Advanced SIMD shift by immediate (vector and scalar): shifts with rounding, accumulation,
// insertion and saturation, narrowing (SHRN…), widening (SSHLL/USHLL), and the fixed-point
// conversions SCVTF/UCVTF/FCVTZS/FCVTZU. Helpers: simd_shift_helpers.ts.
import type { InsnDef, Decoded } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { arr, vreg, SC, ARR } from './simd_common.js';

// key U<<5 | opcode → [name, kind]: R right shift, L left shift, N narrowing right shift,
// W widening left shift, F fixed-point conversion.
export const SHIFT: Record<number, [string, string]> = {
  0x00: ['sshr', 'R'], 0x02: ['ssra', 'R'], 0x04: ['srshr', 'R'], 0x06: ['srsra', 'R'], 0x0a: ['shl', 'L'],
  0x0e: ['sqshl', 'L'], 0x10: ['shrn', 'N'], 0x11: ['rshrn', 'N'], 0x12: ['sqshrn', 'N'], 0x13: ['sqrshrn', 'N'],
  0x14: ['sshll', 'W'], 0x1c: ['scvtf', 'F'], 0x1f: ['fcvtzs', 'F'],
  0x20: ['ushr', 'R'], 0x22: ['usra', 'R'], 0x24: ['urshr', 'R'], 0x26: ['ursra', 'R'], 0x28: ['sri', 'R'],
  0x2a: ['sli', 'L'], 0x2c: ['sqshlu', 'L'], 0x2e: ['uqshl', 'L'], 0x30: ['sqshrun', 'N'], 0x31: ['sqrshrun', 'N'],
  0x32: ['uqshrn', 'N'], 0x33: ['uqrshrn', 'N'], 0x34: ['ushll', 'W'], 0x3c: ['ucvtf', 'F'], 0x3f: ['fcvtzu', 'F'],
};
const SCALAR_ANY = new Set([0x0e, 0x2c, 0x2e]);           // saturating left shifts: any size
const SCALAR_NARROW = new Set([0x12, 0x13, 0x30, 0x31, 0x32, 0x33]);

export interface ShiftDec { key: number; name: string; kind: string; esz: number; sh: number }

export function decodeShift(U: number, immh: number, immb: number, opcode: number, q: number, scalar: boolean): ShiftDec | null {
  if (immh === 0) return null;
  const key = (U << 5) | opcode, e = SHIFT[key];
  if (!e) return null;
  const [name, kind] = e;
  const esz = 31 - Math.clz32(immh), hb = (immh << 3) | immb, esize = 8 << esz;
  const right = 2 * esize - hb, left = hb - esize;
  if (scalar) {
    if (kind === 'W' || key === 0x10 || key === 0x11) return null;
    if (kind === 'N') { if (!SCALAR_NARROW.has(key) || esz === 3) return null; }
    else if (kind === 'F') { if (esz < 2) return null; }
    else if (!SCALAR_ANY.has(key) && esz !== 3) return null;
  } else if (kind === 'N' || kind === 'W') { if (esz === 3) return null; }
  else if ((esz === 3 && !q) || (kind === 'F' && esz < 2)) return null;
  return { key, name, kind, esz, sh: kind === 'L' || kind === 'W' ? left : right };
}

/** SSHR, USHR, SHL and SSHLL/USHLL (SXTL/UXTL) are IR on the registers' 32-bit words (both
 *  engines run them inline); the shift is then part of the shape (s.sh), a constant to the IR. */
const IR_SHIFTS = new Set([0x00, 0x20, 0x0a, 0x14, 0x34]);
const replicate = (laneValue: number, esz: number) => Math.imul(laneValue, esz === 0 ? 0x01010101 : 0x00010001);

/** SSHLL/USHLL{2}: the lanes of one half of Vn (esz: the narrow size) widened, then shifted left. */
function widenIR(b: Builder, signed: boolean, esz: number, sh: number, q: number, d: Val, n: Val): Val[] {
  const src = [b.vWord(n, q ? 2 : 0), b.vWord(n, q ? 3 : 1)], out: Val[] = [];
  const lane = (w: Val, at: number, bits: number) => {
    const x = at ? (signed ? b.asr(w, b.c32(at)) : b.lsr(w, b.c32(at))) : w;
    return at + bits === 32 ? x : signed ? b.sextBits(x, bits) : b.zextBits(x, bits);
  };
  for (const w of src) {
    if (esz === 2) {
      const r = b.shl(signed ? b.sext(w) : b.zext(w), b.c32(sh));
      out.push(b.trunc(r), b.trunc(b.lsr(r, b.c32(32))));
    } else if (esz === 1) {
      for (const at of [0, 16]) out.push(b.shl(lane(w, at, 16), b.c32(sh)));
    } else {
      for (const at of [0, 16]) {
        const lo = b.and(b.shl(lane(w, at, 8), b.c32(sh)), b.c32(0xffff)), hi = b.shl(lane(w, at + 8, 8), b.c32(sh + 16));
        out.push(b.or(lo, hi));
      }
    }
  }
  return out;
}

function shiftIR(b: Builder, key: number, esz: number, sh: number, q: number, d: Val, n: Val): void {
  if (key === 0x14 || key === 0x34) {
    widenIR(b, key === 0x14, esz, sh, q, d, n).forEach((v, i) => b.setVWord(d, i, v));
    return;
  }
  const words = q === 1 ? 4 : 2, bits = 8 << esz, zero = b.c32(0);
  const left = key === 0x0a, signed = key === 0x00;
  const out: Val[] = [];
  if (esz === 3) {
    for (let h = 0; h < words / 2; h++) {
      const x = b.pair(b.vWord(n, 2 * h), b.vWord(n, 2 * h + 1));
      // A right shift by the element size gives 0 (unsigned) or the sign (signed, = by size-1).
      const r = left ? b.shl(x, b.c32(sh)) : signed ? b.asr(x, b.c32(Math.min(sh, 63))) : sh === 64 ? b.c64(0, 0) : b.lsr(x, b.c32(sh));
      out.push(b.trunc(r), b.trunc(b.lsr(r, b.c32(32))));
    }
  } else {
    for (let i = 0; i < words; i++) {
      const w = b.vWord(n, i);
      if (esz === 2) { out.push(left ? b.shl(w, b.c32(sh)) : signed ? b.asr(w, b.c32(Math.min(sh, 31))) : sh === 32 ? zero : b.lsr(w, b.c32(sh))); continue; }
      const laneMask = (1 << bits) - 1;
      if (left) { out.push(b.and(b.shl(w, b.c32(sh)), b.c32(replicate((laneMask << sh) & laneMask, esz)))); continue; }
      const k = signed ? Math.min(sh, bits - 1) : sh;
      if (k === bits) { out.push(zero); continue; }
      const t = b.and(b.lsr(w, b.c32(k)), b.c32(replicate(laneMask >>> k, esz)));
      if (!signed) { out.push(t); continue; }
      // Sign fill: each negative lane's top k bits, (2^p − 2^(p−k)) << 1 with p its sign bit.
      const signs = b.and(w, b.c32(replicate(1 << (bits - 1), esz)));
      out.push(b.or(t, b.shl(b.sub(signs, b.lsr(signs, b.c32(k))), b.c32(1))));
    }
  }
  out.forEach((v, i) => b.setVWord(d, i, v));
  for (let i = out.length; i < 4; i++) b.setVWord(d, i, zero);
}

export const simdShift: InsnDef[] = [
  {
    name: 'SIMD_shift',
    pattern: '0 Q U 011110 immh:4 immb:3 opcode:5 1 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const d = decodeShift(f.U, f.immh, f.immb, f.opcode, f.Q, false);
      if (d && IR_SHIFTS.has(d.key)) return { s: { key: d.key, esz: d.esz, q: f.Q, sh: d.sh }, o: { d: f.Rd, n: f.Rn } };
      return d && { s: { key: d.key, esz: d.esz, q: f.Q }, o: { d: f.Rd, n: f.Rn, sh: d.sh } };
    },
    sem(b, o, s) {
      if (s.sh !== undefined) return shiftIR(b, s.key, s.esz, s.sh, s.q, o.d, o.n);
      b.effect('v_shift', b.c32(s.key), b.c32(s.esz), o.sh, b.c32(s.q), o.d, o.n);
    },
    disasm(f) {
      const d = decodeShift(f.U, f.immh, f.immb, f.opcode, f.Q, false)!;
      const two = f.Q ? '2' : '', wide = ARR[(d.esz + 1) * 2 + 1];
      if (d.kind === 'N') return `${d.name}${two}\t${vreg(f.Rd, arr(d.esz, f.Q))}, ${vreg(f.Rn, wide)}, #${d.sh}`;
      if (d.kind === 'W') {
        if (d.sh === 0) return `${d.name[0]}xtl${two}\t${vreg(f.Rd, wide)}, ${vreg(f.Rn, arr(d.esz, f.Q))}`;
        return `${d.name}${two}\t${vreg(f.Rd, wide)}, ${vreg(f.Rn, arr(d.esz, f.Q))}, #${d.sh}`;
      }
      const a = arr(d.esz, f.Q);
      return `${d.name}\t${vreg(f.Rd, a)}, ${vreg(f.Rn, a)}, #${d.sh}`;
    },
  },
  {
    name: 'SIMD_shift_scalar',
    pattern: '01 U 111110 immh:4 immb:3 opcode:5 1 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const d = decodeShift(f.U, f.immh, f.immb, f.opcode, 1, true);
      if (d && IR_SHIFTS.has(d.key)) return { s: { key: d.key, esz: d.esz, q: -1, sh: d.sh }, o: { d: f.Rd, n: f.Rn } };
      return d && { s: { key: d.key, esz: d.esz, q: -1 }, o: { d: f.Rd, n: f.Rn, sh: d.sh } };
    },
    sem(b, o, s) {
      if (s.sh !== undefined) return shiftIR(b, s.key, s.esz, s.sh, -1, o.d, o.n);
      b.effect('v_shift', b.c32(s.key), b.c32(s.esz), o.sh, b.c32(-1), o.d, o.n);
    },
    disasm(f) {
      const d = decodeShift(f.U, f.immh, f.immb, f.opcode, 1, true)!;
      const src = d.kind === 'N' ? SC[d.esz + 1] : SC[d.esz];
      return `${d.name}\t${SC[d.esz]}${f.Rd}, ${src}${f.Rn}, #${d.sh}`;
    },
  },
];
