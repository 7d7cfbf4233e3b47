// FP/SIMD loads and stores: LDR/STR of b/h/s/d/q registers in every addressing mode, LDP/STP/
// LDNP/STNP, LDR (literal), and the Advanced SIMD structure loads/stores LD1–LD4/ST1–ST4
// (multiple, single, replicate; with post-index).
//
// Register loads and stores are IR: the memory access is a b.load/b.store (so both engines use
// their memory fast path), the V register is read or written through a small helper. Every load
// happens before any register is written; stores run in address order. Structure loads/stores
// are one helper each (ldst_mult / ldst_single, in simd_ldst_helpers.ts), except a single
// structure of one register (LD1/ST1 of a lane, LD1R), which is IR.
import type { InsnDef } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rsp, rz } from '../../cpu/state.js';
import { SC, EL, ARR, sreg, vlist, vGet32, vGet64, vSetScalar, vSet128, vElem, vSetElem, vSetWords, dupWords } from './simd_common.js';
import { sext, target, xsp, xz } from '../fmt.js';

/** log2 of the access size of LDR/STR (SIMD&FP) from size:opc, or -1 if unallocated. */
const lgOf = (size: number, opc: number) => ((opc & 2) ? (size === 0 ? 4 : -1) : size);

function loadV(b: Builder, lg: number, addr: Val): Val[] {
  if (lg === 4) return [b.load(addr, 8), b.load(b.add(addr, b.c64(8, 0)), 8)];
  return [b.load(addr, (1 << lg) as 1 | 2 | 4 | 8)];
}
function writeV(b: Builder, lg: number, t: Val, v: Val[]): void {
  if (lg === 4) vSet128(b, t, v[0], v[1]);
  else vSetScalar(b, t, lg, v[0]);
}
function storeV(b: Builder, lg: number, t: Val, addr: Val): void {
  if (lg === 4) {
    const lo = vGet64(b, t, 0), hi = vGet64(b, t, 1);
    b.store(addr, lo, 8);
    b.store(b.add(addr, b.c64(8, 0)), hi, 8);
  } else if (lg === 3) b.store(addr, vGet64(b, t, 0), 8);
  else b.store(addr, vGet32(b, t, 0), (1 << lg) as 1 | 2 | 4);
}
/** One register load or store at `addr`. */
function access(b: Builder, L: number, lg: number, t: Val, addr: Val): void {
  if (L) writeV(b, lg, t, loadV(b, lg, addr));
  else storeV(b, lg, t, addr);
}
const imm64 = (b: Builder, v: Val) => b.sext(v);
const mem = (rn: number, off: number) => (off ? `[${xsp(rn)}, #${off}]` : `[${xsp(rn)}]`);

// Extended-register offsets: UXTW, LSL (UXTX), SXTW, SXTX.
const EXT_NAMES: Record<number, string> = { 2: 'uxtw', 3: 'lsl', 6: 'sxtw', 7: 'sxtx' };

export const simdLdst: InsnDef[] = [
  {
    name: 'LDST_V_uimm',
    pattern: 'size:2 111 1 01 opc:2 imm12:12 Rn:5 Rt:5',
    decode(f) {
      const lg = lgOf(f.size, f.opc);
      if (lg < 0) return null;
      return { s: { lg, L: f.opc & 1 }, o: { t: f.Rt, n: rsp(f.Rn), imm: f.imm12 << lg } };
    },
    sem(b, o, s) { access(b, s.L, s.lg, o.t, b.add(b.x(o.n), imm64(b, o.imm))); },
    disasm(f) {
      const lg = lgOf(f.size, f.opc);
      return `${f.opc & 1 ? 'ldr' : 'str'}\t${sreg(lg, f.Rt)}, ${mem(f.Rn, f.imm12 << lg)}`;
    },
  },
  {
    // idx: 00 unscaled (LDUR/STUR), 01 post-index, 11 pre-index (10, unprivileged, is unallocated)
    name: 'LDST_V_imm9',
    pattern: 'size:2 111 1 00 opc:2 0 imm9:9 idx:2 Rn:5 Rt:5',
    decode(f) {
      const lg = lgOf(f.size, f.opc);
      if (lg < 0 || f.idx === 2) return null;
      return { s: { lg, L: f.opc & 1, idx: f.idx }, o: { t: f.Rt, n: rsp(f.Rn), imm: sext(f.imm9, 9) } };
    },
    sem(b, o, s) {
      const base = b.x(o.n), next = b.add(base, imm64(b, o.imm));
      access(b, s.L, s.lg, o.t, s.idx === 1 ? base : next);
      if (s.idx !== 0) b.setReg(o.n, next);
    },
    disasm(f) {
      const lg = lgOf(f.size, f.opc), off = sext(f.imm9, 9), r = sreg(lg, f.Rt);
      const op = f.opc & 1 ? 'ldr' : 'str';
      if (f.idx === 0) return `${op.replace('r', 'ur')}\t${r}, ${mem(f.Rn, off)}`;
      if (f.idx === 1) return `${op}\t${r}, [${xsp(f.Rn)}], #${off}`;
      return `${op}\t${r}, [${xsp(f.Rn)}, #${off}]!`;
    },
  },
  {
    name: 'LDST_V_reg',
    pattern: 'size:2 111 1 00 opc:2 1 Rm:5 option:3 S 10 Rn:5 Rt:5',
    decode(f) {
      const lg = lgOf(f.size, f.opc);
      if (lg < 0 || !(f.option & 2)) return null;
      return { s: { lg, L: f.opc & 1, ext: f.option, sh: f.S ? lg : 0 }, o: { t: f.Rt, n: rsp(f.Rn), m: rz(f.Rm) } };
    },
    sem(b, o, s) {
      let off: Val;
      if (s.ext & 1) off = b.x(o.m);
      else off = s.ext & 4 ? b.sext(b.w(o.m)) : b.zext(b.w(o.m));
      if (s.sh) off = b.shl(off, b.c32(s.sh));
      access(b, s.L, s.lg, o.t, b.add(b.x(o.n), off));
    },
    disasm(f) {
      const lg = lgOf(f.size, f.opc);
      const rm = xz(f.Rm, f.option & 1);
      let ext = EXT_NAMES[f.option];
      if (f.S) ext += ` #${lg}`;
      else if (f.option === 3) ext = '';
      return `${f.opc & 1 ? 'ldr' : 'str'}\t${sreg(lg, f.Rt)}, [${xsp(f.Rn)}, ${rm}${ext ? ', ' + ext : ''}]`;
    },
  },
  {
    // idx: 00 no-allocate (LDNP/STNP), 01 post-index, 10 signed offset, 11 pre-index
    name: 'LDST_V_pair',
    pattern: 'opc:2 101 1 0 idx:2 L imm7:7 Rt2:5 Rn:5 Rt:5',
    decode(f) {
      if (f.opc === 3) return null;
      const lg = f.opc + 2;
      return { s: { lg, L: f.L, idx: f.idx }, o: { t: f.Rt, t2: f.Rt2, n: rsp(f.Rn), imm: sext(f.imm7, 7) << lg } };
    },
    sem(b, o, s) {
      const base = b.x(o.n), next = b.add(base, imm64(b, o.imm));
      const addr = s.idx === 1 ? base : next;
      const addr2 = b.add(addr, b.c64(1 << s.lg, 0));
      if (s.L) {
        const v1 = loadV(b, s.lg, addr), v2 = loadV(b, s.lg, addr2);
        writeV(b, s.lg, o.t, v1);
        writeV(b, s.lg, o.t2, v2);
      } else {
        storeV(b, s.lg, o.t, addr);
        storeV(b, s.lg, o.t2, addr2);
      }
      if (s.idx === 1 || s.idx === 3) b.setReg(o.n, next);
    },
    disasm(f) {
      const lg = f.opc + 2, off = sext(f.imm7, 7) << lg;
      const op = (f.L ? 'ld' : 'st') + (f.idx === 0 ? 'np' : 'p');
      const regs = `${sreg(lg, f.Rt)}, ${sreg(lg, f.Rt2)}`;
      if (f.idx === 1) return `${op}\t${regs}, [${xsp(f.Rn)}], #${off}`;
      if (f.idx === 3) return `${op}\t${regs}, [${xsp(f.Rn)}, #${off}]!`;
      return `${op}\t${regs}, ${mem(f.Rn, off)}`;
    },
  },
  {
    name: 'LDR_V_lit',
    pattern: 'opc:2 011 1 00 imm19:19 Rt:5',
    decode(f) {
      if (f.opc === 3) return null;
      return { s: { lg: f.opc + 2 }, o: { t: f.Rt, off: sext(f.imm19, 19) * 4 } };
    },
    sem(b, o, s) {
      const addr = b.fromPc(b.pcRel(0));
      writeV(b, s.lg, o.t, loadV(b, s.lg, b.add(addr, b.sext(o.off))));
    },
    disasm(f, pc) { return `ldr\t${SC[f.opc + 2]}${f.Rt}, ${target(pc, sext(f.imm19, 19) * 4)}`; },
  },
  {
    // LD1–LD4 / ST1–ST4 (multiple structures). P = post-index; Rm = 31 means "by the size".
    name: 'LDST_mult',
    pattern: '0 Q 001100 P L 0 Rm:5 opcode:4 size:2 Rn:5 Rt:5',
    decode(f) {
      if (!f.P && f.Rm !== 0) return null;
      const shape = MULT[f.opcode];
      if (!shape) return null;
      const [rpt, selem] = shape;
      if (f.size === 3 && !f.Q && selem > 1) return null;
      const bytes = rpt * selem * (f.Q ? 16 : 8);
      return {
        s: { L: f.L, rpt, selem, size: f.size, Q: f.Q, P: f.P, imm: f.P && f.Rm === 31 ? 1 : 0 },
        o: { t: f.Rt, n: rsp(f.Rn), m: rz(f.Rm), bytes },
      };
    },
    sem(b, o, s) {
      const base = b.x(o.n);
      b.effect('ldst_mult', b.c32(s.L), b.c32(s.rpt), b.c32(s.selem), b.c32(s.size), b.c32(s.Q), o.t, base);
      if (s.P) b.setReg(o.n, b.add(base, s.imm ? b.zext(o.bytes) : b.x(o.m)));
    },
    disasm(f) {
      const [rpt, selem] = MULT[f.opcode]!;
      const name = `${f.L ? 'ld' : 'st'}${selem}`;
      const list = vlist(f.Rt, rpt * selem, ARR[f.size * 2 + f.Q]);
      return `${name}\t${list}, [${xsp(f.Rn)}]${postText(f, rpt * selem * (f.Q ? 16 : 8))}`;
    },
  },
  {
    // LD1–LD4 / ST1–ST4 (single structure) and LD1R–LD4R (replicate).
    name: 'LDST_single',
    pattern: '0 Q 001101 P L R Rm:5 opcode:3 S size:2 Rn:5 Rt:5',
    decode(f) {
      if (!f.P && f.Rm !== 0) return null;
      const d = singleShape(f);
      if (!d) return null;
      const bytes = d.selem << d.lg;
      return {
        // One structure (LD1/ST1 of a lane, LD1R) is IR, with its lane in the shape.
        s: { L: f.L, selem: d.selem, lg: d.lg, rep: d.rep ? 1 : 0, Q: f.Q, P: f.P, imm: f.P && f.Rm === 31 ? 1 : 0, ...(d.selem === 1 ? { lane: d.index } : {}) },
        o: { t: f.Rt, n: rsp(f.Rn), m: rz(f.Rm), index: d.index, bytes },
      };
    },
    sem(b, o, s) {
      const base = b.x(o.n);
      if (s.selem === 1) single1(b, s, o.t, base);
      else b.effect('ldst_single', b.c32(s.L), b.c32(s.selem), b.c32(s.lg), b.c32(s.rep ? (s.Q ? 2 : 1) : 0), o.t, o.index, base);
      if (s.P) b.setReg(o.n, b.add(base, s.imm ? b.zext(o.bytes) : b.x(o.m)));
    },
    disasm(f) {
      const d = singleShape(f)!;
      if (d.rep) {
        const list = vlist(f.Rt, d.selem, ARR[d.lg * 2 + f.Q]);
        return `ld${d.selem}r\t${list}, [${xsp(f.Rn)}]${postText(f, d.selem << d.lg)}`;
      }
      const list = vlist(f.Rt, d.selem, EL[d.lg]);
      return `${f.L ? 'ld' : 'st'}${d.selem}\t${list}[${d.index}], [${xsp(f.Rn)}]${postText(f, d.selem << d.lg)}`;
    },
  },
];

/** LD1/ST1 (single structure) of lane `s.lane` and LD1R: one access of 2^lg bytes; the load
 *  happens before the register is written (a fault leaves it unchanged). LD1R replicates the
 *  element over 64 bits (Q = 0, upper half zeroed) or 128 bits; LD1 keeps the other lanes. */
function single1(b: Builder, s: Record<string, number>, t: Val, addr: Val): void {
  const size = (1 << s.lg) as 1 | 2 | 4 | 8;
  if (!s.L) { b.store(addr, vElem(b, t, s.lg, s.lane), size); return; }
  const v = b.load(addr, size);
  if (!s.rep) { vSetElem(b, t, s.lg, s.lane, v); return; }
  const words = dupWords(b, s.lg, v);
  vSetWords(b, t, s.Q ? words : words.slice(0, 2));
}

/** opcode of the multiple-structure forms → [registers per structure group (rpt), selem]. */
const MULT: Record<number, [number, number] | undefined> = {
  0b0000: [1, 4], 0b0010: [4, 1], 0b0100: [1, 3], 0b0110: [3, 1], 0b0111: [1, 1], 0b1000: [1, 2], 0b1010: [2, 1],
};

function postText(f: Record<string, number>, bytes: number): string {
  if (!f.P) return '';
  return f.Rm === 31 ? `, #${bytes}` : `, ${xz(f.Rm)}`;
}

/** Element size, index and structure count of a single-structure encoding (Arm ARM
 *  "LD1 (single structure)" decode), or null when unallocated. */
function singleShape(f: Record<string, number>): { lg: number; index: number; selem: number; rep: boolean } | null {
  const selem = (((f.opcode & 1) << 1) | f.R) + 1;
  let lg = f.opcode >> 1, index = 0;
  const qs = (f.Q << 3) | (f.S << 2) | f.size;
  switch (lg) {
    case 3: // replicate
      if (!f.L || f.S) return null;
      return { lg: f.size, index: 0, selem, rep: true };
    case 0: index = qs; break;
    case 1: if (f.size & 1) return null; index = qs >> 1; break;
    case 2:
      if (f.size & 2) return null;
      if (!(f.size & 1)) index = qs >> 2;
      else { if (f.S) return null; index = f.Q; lg = 3; }
      break;
  }
  return { lg, index, selem, rep: false };
}
