// Advanced SIMD shift by immediate (vector and scalar): shifts with rounding, accumulation,
// insertion and saturation, narrowing (SHRN…), widening (SSHLL/USHLL), and the fixed-point
// conversions SCVTF/UCVTF/FCVTZS/FCVTZU. Helpers: simd_shift_helpers.ts.
import type { InsnDef, Decoded } from '../table.js';
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

export const simdShift: InsnDef[] = [
  {
    name: 'SIMD_shift',
    pattern: '0 Q U 011110 immh:4 immb:3 opcode:5 1 Rn:5 Rd:5',
    decode(f): Decoded | null {
      const d = decodeShift(f.U, f.immh, f.immb, f.opcode, f.Q, false);
      return d && { s: { key: d.key, esz: d.esz, q: f.Q }, o: { d: f.Rd, n: f.Rn, sh: d.sh } };
    },
    sem(b, o, s) { b.effect('v_shift', b.c32(s.key), b.c32(s.esz), o.sh, b.c32(s.q), o.d, o.n); },
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
      return d && { s: { key: d.key, esz: d.esz, q: -1 }, o: { d: f.Rd, n: f.Rn, sh: d.sh } };
    },
    sem(b, o, s) { b.effect('v_shift', b.c32(s.key), b.c32(s.esz), o.sh, b.c32(-1), o.d, o.n); },
    disasm(f) {
      const d = decodeShift(f.U, f.immh, f.immb, f.opcode, 1, true)!;
      const src = d.kind === 'N' ? SC[d.esz + 1] : SC[d.esz];
      return `${d.name}\t${SC[d.esz]}${f.Rd}, ${src}${f.Rn}, #${d.sh}`;
    },
  },
];
