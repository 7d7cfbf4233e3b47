// Data processing — register, the arithmetic part: 1-source (rbit, rev*, clz, cls), 2-source
// (udiv, sdiv, lslv/lsrv/asrv/rorv, crc32*), 3-source (madd/msub and the long multiplies,
// smulh/umulh). Exported through dpReg in dp_reg.ts.
import type { InsnDef } from '../table.js';
import type { BinOp, UnOp, Val } from '../../ir/ir.js';
import { rz, wz } from '../../cpu/state.js';
import { xz } from '../fmt.js';

const tyOf = (sf: number) => (sf ? 'i64' : 'i32') as 'i32' | 'i64';

// 1-source opcode → IR op and mnemonic; opcode 2 is REV on W registers, REV32 on X.
const DP1_OPS: UnOp[] = ['rbit', 'rev16', 'rev32', 'rev', 'clz', 'cls'];
const dp1Op = (sf: number, opc: number): UnOp => (opc === 2 && !sf ? 'rev' : DP1_OPS[opc]);

const SHIFTV = ['lsl', 'lsr', 'asr', 'ror'];
const SHIFT_OPS: BinOp[] = ['shl', 'lsr', 'asr', 'ror'];

export const dpRegArith: InsnDef[] = [
  {
    name: 'DP_1SRC',
    pattern: 'sf 1 0 11010110 00000 opcode:6 Rn:5 Rd:5',
    decode(f) {
      if (f.opcode > 5 || (f.opcode === 3 && !f.sf)) return null;
      return { s: { sf: f.sf, opc: f.opcode }, o: { d: wz(f.Rd), n: rz(f.Rn) } };
    },
    sem(b, o, s) {
      b.setReg(o.d, b.un(dp1Op(s.sf, s.opc), b.reg(o.n, tyOf(s.sf))));
    },
    disasm: (f) => `${dp1Op(f.sf, f.opcode)}\t${xz(f.Rd, f.sf)}, ${xz(f.Rn, f.sf)}`,
  },
  {
    name: 'DP_2SRC',
    pattern: 'sf 0 0 11010110 Rm:5 opcode:6 Rn:5 Rd:5',
    decode(f) {
      const op = f.opcode;
      const crc = op >= 16 && op <= 23;
      if (!(op === 2 || op === 3 || (op >= 8 && op <= 11) || crc)) return null;
      if (crc && f.sf !== ((op & 3) === 3 ? 1 : 0)) return null;   // only crc32x/crc32cx are 64-bit
      return { s: { sf: f.sf, opc: op }, o: { d: wz(f.Rd), n: rz(f.Rn), m: rz(f.Rm) } };
    },
    sem(b, o, s) {
      const ty = tyOf(s.sf), op = s.opc;
      if (op >= 16) {
        // CRC32(C): accumulator Wn, data the low 1/2/4/8 bytes of Rm.
        const bytes = 1 << (op & 3);
        const m = b.x(o.m);
        const hi = bytes === 8 ? b.trunc(b.lsr(m, b.c32(32))) : b.c32(0);
        b.setReg(o.d, b.call(op & 4 ? 'crc32c' : 'crc32', 'i32', b.w(o.n), b.trunc(m), hi, b.c32(bytes)));
        return;
      }
      const n = b.reg(o.n, ty);
      if (op < 8) { b.setReg(o.d, b.bin(op === 2 ? 'udiv' : 'sdiv', n, b.reg(o.m, ty))); return; }
      // Variable shifts: the amount is Rm modulo the width.
      const amt = b.and(b.w(o.m), b.c32(s.sf ? 63 : 31));
      b.setReg(o.d, b.bin(SHIFT_OPS[op - 8], n, amt));
    },
    disasm(f) {
      const op = f.opcode;
      if (op >= 16) {
        const name = `crc32${op & 4 ? 'c' : ''}${'bhwx'[op & 3]}`;
        return `${name}\t${xz(f.Rd, 0)}, ${xz(f.Rn, 0)}, ${xz(f.Rm, f.sf)}`;
      }
      const mn = op === 2 ? 'udiv' : op === 3 ? 'sdiv' : SHIFTV[op - 8];
      return `${mn}\t${xz(f.Rd, f.sf)}, ${xz(f.Rn, f.sf)}, ${xz(f.Rm, f.sf)}`;
    },
  },
  {
    name: 'DP_3SRC',
    pattern: 'sf 00 11011 op31:3 Rm:5 o0 Ra:5 Rn:5 Rd:5',
    decode(f) {
      const k = f.op31;
      // op31: 000 madd/msub, 001 smaddl/smsubl, 010 smulh, 101 umaddl/umsubl, 110 umulh.
      if (k === 3 || k === 4 || k === 7 || (!f.sf && k !== 0) || ((k === 2 || k === 6) && f.o0)) return null;
      return {
        s: { sf: f.sf, op: k, sub: f.o0, a0: f.Ra === 31 ? 1 : 0 },
        o: { d: wz(f.Rd), n: rz(f.Rn), m: rz(f.Rm), a: rz(f.Ra) },
      };
    },
    sem(b, o, s) {
      let p: Val;
      if (s.op === 0) {                                   // MADD/MSUB at the register width
        const ty = tyOf(s.sf);
        p = b.mul(b.reg(o.n, ty), b.reg(o.m, ty));
      } else if (s.op === 2 || s.op === 6) {             // SMULH/UMULH (Ra unused)
        b.setReg(o.d, b.bin(s.op === 2 ? 'smulh' : 'umulh', b.x(o.n), b.x(o.m)));
        return;
      } else {                                            // [SU]MADDL/[SU]MSUBL: 32×32→64
        const signed = s.op === 1;
        p = b.mul(b.resize(b.w(o.n), 'i64', signed), b.resize(b.w(o.m), 'i64', signed));
      }
      let r: Val;
      if (s.a0) r = s.sub ? b.neg(p) : p;
      else {
        const a = b.reg(o.a, p.ty as 'i32' | 'i64');
        r = s.sub ? b.sub(a, p) : b.add(a, p);
      }
      b.setReg(o.d, r);
    },
    disasm(f) {
      const k = f.op31, sf = f.sf;
      const rd = xz(f.Rd, sf), ra = xz(f.Ra, sf);
      if (k === 2 || k === 6) return `${k === 2 ? 'smulh' : 'umulh'}\t${rd}, ${xz(f.Rn)}, ${xz(f.Rm)}`;
      const src = k === 0 ? sf : 0;
      const rn = xz(f.Rn, src), rm = xz(f.Rm, src);
      const long = k === 0 ? '' : k === 1 ? 's' : 'u';
      if (f.Ra === 31) {
        const mn = k === 0 ? (f.o0 ? 'mneg' : 'mul') : `${long}${f.o0 ? 'mnegl' : 'mull'}`;
        return `${mn}\t${rd}, ${rn}, ${rm}`;
      }
      const mn = k === 0 ? (f.o0 ? 'msub' : 'madd') : `${long}${f.o0 ? 'msubl' : 'maddl'}`;
      return `${mn}\t${rd}, ${rn}, ${rm}, ${ra}`;
    },
  },
];
