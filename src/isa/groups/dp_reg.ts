// Data processing — register: shifted/extended add/sub, logical, adc/sbc, ccmp/ccmn, conditional
// select here; 1-, 2- and 3-source (bit ops, divide, variable shifts, crc32, multiply) in
// dp_reg_arith.ts. Shapes carry what changes the code: width, op, shift/extend type, condition,
// and specialisations a0 (amount is 0), nz (Rn is ZR: mov, mvn, neg), nd (flags only: cmp, cmn,
// tst), zz (Rn and Rm are ZR: cset, csetm). Operands carry register slots and immediates.
import type { InsnDef } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rsp, rz, wz } from '../../cpu/state.js';
import { CONDS, SHIFTS, imm, xsp, xz } from '../fmt.js';
import { dpRegArith } from './dp_reg_arith.js';
import { condBase, condHolds } from '../cond.js';
export { condHolds };

const tyOf = (sf: number) => (sf ? 'i64' : 'i32') as 'i32' | 'i64';


/** ConditionHolds(cond) ? a : x. */
export function condSelect(b: Builder, cond: number, a: Val, x: Val): Val {
  const [c, inverted] = condBase(b, cond);
  return inverted ? b.select(c, x, a) : b.select(c, a, x);
}

/** objdump's "\t// cs = hs, nlast" comment: the other names binutils knows for a condition. */
const COND_ALT: Record<string, string> = {
  eq: 'none', ne: 'any', cs: 'hs, nlast', cc: 'lo, ul, last', mi: 'first', pl: 'nfrst',
  hi: 'pmore', ls: 'plast', ge: 'tcont', lt: 'tstop',
};
export const condText = (cond: number) => {
  const c = CONDS[cond & 15];
  return COND_ALT[c] ? `${c}\t// ${c} = ${COND_ALT[c]}` : c;
};

/** Shift(reg, type, amount) of the shifted-register forms; `amt` is an i32 below the width. */
export function shiftBy(b: Builder, v: Val, type: number, amt: Val): Val {
  switch (type) {
    case 0: return b.shl(v, amt);
    case 1: return b.lsr(v, amt);
    case 2: return b.asr(v, amt);
    default: return b.ror(v, amt);
  }
}
const shiftText = (type: number, amt: number) => (type === 0 && amt === 0 ? '' : `, ${SHIFTS[type]} #${amt}`);

/** AddWithCarry's NZCV as values, without writing the flags (for CCMP/CCMN's select). */
function adcFlags(b: Builder, a: Val, m: Val, cin: Val): [Val, Val, Val, Val] {
  const { n, z, c, v } = b.addWithCarryNZCV(a, m, cin);
  return [n, z, c, v];
}

/** Flag-setting forms whose Rd is ZR (cmp, cmn, tst) write no register. */
const flagsOnly = (S: number, Rd: number) => (S && Rd === 31 ? 1 : 0);

/** add/sub of a (already shifted or extended) second operand, with or without flags. */
function addSub(b: Builder, a: Val, m: Val, op: number, S: number): Val {
  if (S) return op ? b.addWithCarry(a, b.not(m), b.bool(1), true) : b.addWithCarry(a, m, b.bool(0), true);
  return op ? b.sub(a, m) : b.add(a, m);
}

const EXTENDS = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** ExtendReg(Rm, option, 0) at width `ty` (the shift is applied by the caller). */
function extendReg(b: Builder, slot: Val, option: number, ty: 'i32' | 'i64'): Val {
  const signed = option >= 4, size = option & 3;
  if (size === 3 || (size === 2 && ty === 'i32')) return b.reg(slot, ty);   // whole register
  const w = b.w(slot);
  const part = size === 2 ? w : signed ? b.sextBits(w, 8 << size) : b.zextBits(w, 8 << size);
  return b.resize(part, ty, signed);
}

const base: InsnDef[] = [
  {
    name: 'ADDSUB_shift',
    pattern: 'sf op S 01011 shift:2 0 Rm:5 imm6:6 Rn:5 Rd:5',
    decode(f) {
      if (f.shift === 3 || (!f.sf && f.imm6 >= 32)) return null;
      return {
        s: {
          sf: f.sf, op: f.op, S: f.S, sh: f.shift, a0: f.imm6 === 0 ? 1 : 0,
          nz: f.op && !f.S && f.Rn === 31 ? 1 : 0, nd: flagsOnly(f.S, f.Rd),
        },
        o: { d: wz(f.Rd), n: rz(f.Rn), m: rz(f.Rm), amt: f.imm6 },
      };
    },
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      let m = b.reg(o.m, ty);
      if (!s.a0) m = shiftBy(b, m, s.sh, o.amt);
      const r = s.nz ? b.neg(m) : addSub(b, b.reg(o.n, ty), m, s.op, s.S);
      if (!s.nd) b.setReg(o.d, r);
    },
    disasm(f) {
      const sf = f.sf, m = `${xz(f.Rm, sf)}${shiftText(f.shift, f.imm6)}`;
      if (f.S && f.Rd === 31) return `${f.op ? 'cmp' : 'cmn'}\t${xz(f.Rn, sf)}, ${m}`;
      if (f.op && f.Rn === 31) return `${f.S ? 'negs' : 'neg'}\t${xz(f.Rd, sf)}, ${m}`;
      return `${f.op ? 'sub' : 'add'}${f.S ? 's' : ''}\t${xz(f.Rd, sf)}, ${xz(f.Rn, sf)}, ${m}`;
    },
  },
  {
    name: 'ADDSUB_ext',
    pattern: 'sf op S 01011 00 1 Rm:5 option:3 imm3:3 Rn:5 Rd:5',
    decode(f) {
      if (f.imm3 > 4) return null;
      return {
        s: { sf: f.sf, op: f.op, S: f.S, ext: f.option, a0: f.imm3 === 0 ? 1 : 0, nd: flagsOnly(f.S, f.Rd) },
        o: { d: f.S ? wz(f.Rd) : rsp(f.Rd), n: rsp(f.Rn), m: rz(f.Rm), amt: f.imm3 },
      };
    },
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      let m = extendReg(b, o.m, s.ext, ty);
      if (!s.a0) m = b.shl(m, o.amt);
      const r = addSub(b, b.reg(o.n, ty), m, s.op, s.S);
      if (!s.nd) b.setReg(o.d, r);
    },
    disasm(f) {
      const sf = f.sf;
      const rm = xz(f.Rm, sf && (f.option & 3) === 3 ? 1 : 0);
      // objdump writes LSL for UXTW/UXTX (the width's own size) when SP is involved.
      const lsl = f.option === (sf ? 3 : 2) && ((f.Rd === 31 && !f.S) || f.Rn === 31);
      const amt = f.imm3 ? ` #${f.imm3}` : '';
      const m = lsl ? (f.imm3 ? `${rm}, lsl${amt}` : rm) : `${rm}, ${EXTENDS[f.option]}${amt}`;
      if (f.S && f.Rd === 31) return `${f.op ? 'cmp' : 'cmn'}\t${xsp(f.Rn, sf)}, ${m}`;
      const rd = f.S ? xz(f.Rd, sf) : xsp(f.Rd, sf);
      return `${f.op ? 'sub' : 'add'}${f.S ? 's' : ''}\t${rd}, ${xsp(f.Rn, sf)}, ${m}`;
    },
  },
  {
    name: 'LOGICAL_shift',
    pattern: 'sf opc:2 01010 shift:2 N Rm:5 imm6:6 Rn:5 Rd:5',
    decode(f) {
      if (!f.sf && f.imm6 >= 32) return null;
      return {
        s: {
          sf: f.sf, opc: f.opc, N: f.N, sh: f.shift, a0: f.imm6 === 0 ? 1 : 0,
          nz: f.opc === 1 && f.Rn === 31 ? 1 : 0, nd: flagsOnly(f.opc === 3 ? 1 : 0, f.Rd),
        },
        o: { d: wz(f.Rd), n: rz(f.Rn), m: rz(f.Rm), amt: f.imm6 },
      };
    },
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      let m = b.reg(o.m, ty);
      if (!s.a0) m = shiftBy(b, m, s.sh, o.amt);
      if (s.N) m = b.not(m);
      let r: Val;
      if (s.nz) r = m;                                   // mov / mvn: ZR | m
      else {
        const n = b.reg(o.n, ty);
        r = s.opc === 1 ? b.or(n, m) : s.opc === 2 ? b.xor(n, m) : b.and(n, m);
      }
      if (s.opc === 3) b.setNZ00(r);
      if (!s.nd) b.setReg(o.d, r);
    },
    disasm(f) {
      const sf = f.sf, m = `${xz(f.Rm, sf)}${shiftText(f.shift, f.imm6)}`;
      if (f.opc === 1 && f.Rn === 31) {
        if (f.N) return `mvn\t${xz(f.Rd, sf)}, ${m}`;
        if (f.shift === 0 && f.imm6 === 0) return `mov\t${xz(f.Rd, sf)}, ${m}`;
      }
      if (f.opc === 3 && !f.N && f.Rd === 31) return `tst\t${xz(f.Rn, sf)}, ${m}`;
      const mn = [['and', 'bic'], ['orr', 'orn'], ['eor', 'eon'], ['ands', 'bics']][f.opc][f.N];
      return `${mn}\t${xz(f.Rd, sf)}, ${xz(f.Rn, sf)}, ${m}`;
    },
  },
  {
    name: 'ADC',
    pattern: 'sf op S 11010000 Rm:5 000000 Rn:5 Rd:5',
    decode: (f) => ({ s: { sf: f.sf, op: f.op, S: f.S }, o: { d: wz(f.Rd), n: rz(f.Rn), m: rz(f.Rm) } }),
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      const m = b.reg(o.m, ty);
      b.setReg(o.d, b.addWithCarry(b.reg(o.n, ty), s.op ? b.not(m) : m, b.flag('c'), !!s.S));
    },
    disasm(f) {
      const sf = f.sf, s = f.S ? 's' : '';
      if (f.op && f.Rn === 31) return `ngc${s}\t${xz(f.Rd, sf)}, ${xz(f.Rm, sf)}`;
      return `${f.op ? 'sbc' : 'adc'}${s}\t${xz(f.Rd, sf)}, ${xz(f.Rn, sf)}, ${xz(f.Rm, sf)}`;
    },
  },
  ccmp('CCMP_reg', 'sf op 1 11010010 Rm:5 cond:4 0 0 Rn:5 0 nzcv:4', false),
  ccmp('CCMP_imm', 'sf op 1 11010010 imm5:5 cond:4 1 0 Rn:5 0 nzcv:4', true),
  {
    name: 'CSEL',
    pattern: 'sf op 0 11010100 Rm:5 cond:4 0 o2 Rn:5 Rd:5',
    decode: (f) => ({
      s: { sf: f.sf, op: f.op, o2: f.o2, cond: f.cond, zz: f.Rn === 31 && f.Rm === 31 ? 1 : 0 },
      o: { d: wz(f.Rd), n: rz(f.Rn), m: rz(f.Rm) },
    }),
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      const k = (x: number) => (ty === 'i64' ? b.c64(x, x >> 31) : b.c32(x));
      if (s.cond >= 14) { b.setReg(o.d, s.zz ? k(0) : b.reg(o.n, ty)); return; }   // AL/NV: always Rn
      if (s.zz) {                                         // cset / csetm: 0 or 1 / -1
        const v = s.op === 0 && s.o2 ? 1 : s.op && !s.o2 ? -1 : 0;
        b.setReg(o.d, b.resize(condSelect(b, s.cond, b.c32(0), b.c32(v)), ty, v < 0));
        return;
      }
      const n = b.reg(o.n, ty);
      let m = b.reg(o.m, ty);
      if (s.op) m = s.o2 ? b.neg(m) : b.not(m);
      else if (s.o2) m = b.add(m, k(1));
      b.setReg(o.d, condSelect(b, s.cond, n, m));
    },
    disasm(f) {
      const sf = f.sf, rd = xz(f.Rd, sf), rn = xz(f.Rn, sf), inv = condText(f.cond ^ 1);
      if (f.cond < 14 && f.Rn === f.Rm && (f.op || f.o2)) {
        if (f.op && f.o2) return `cneg\t${rd}, ${rn}, ${inv}`;
        if (f.Rn === 31) return `${f.op ? 'csetm' : 'cset'}\t${rd}, ${inv}`;
        return `${f.op ? 'cinv' : 'cinc'}\t${rd}, ${rn}, ${inv}`;
      }
      const mn = [['csel', 'csinc'], ['csinv', 'csneg']][f.op][f.o2];
      return `${mn}\t${rd}, ${rn}, ${xz(f.Rm, sf)}, ${condText(f.cond)}`;
    },
  },
];

/** CCMN/CCMP (register or immediate): flags of Rn ± op2 if cond holds, else #nzcv. */
function ccmp(name: string, pattern: string, isImm: boolean): InsnDef {
  return {
    name,
    pattern,
    decode: (f) => ({
      s: { sf: f.sf, op: f.op, cond: f.cond },
      o: {
        n: rz(f.Rn), m: isImm ? f.imm5 : rz(f.Rm),
        nf: (f.nzcv >> 3) & 1, zf: (f.nzcv >> 2) & 1, cf: (f.nzcv >> 1) & 1, vf: f.nzcv & 1,
      },
    }),
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      const c = s.cond < 14 ? condBase(b, s.cond) : undefined;   // read before the flags change
      let m = isImm ? (ty === 'i64' ? b.zext(o.m) : o.m) : b.reg(o.m, ty);
      if (s.op) m = b.not(m);
      const fl = adcFlags(b, b.reg(o.n, ty), m, b.bool(s.op));
      if (!c) { b.setNZCV(...fl); return; }
      const [h, inv] = c;
      const pick = (v: Val, imm: Val) => (inv ? b.select(h, imm, v) : b.select(h, v, imm));
      b.setNZCV(pick(fl[0], o.nf), pick(fl[1], o.zf), pick(fl[2], o.cf), pick(fl[3], o.vf));
    },
    disasm(f) {
      const op2 = isImm ? imm(f.imm5) : xz(f.Rm, f.sf);
      return `${f.op ? 'ccmp' : 'ccmn'}\t${xz(f.Rn, f.sf)}, ${op2}, ${imm(f.nzcv)}, ${condText(f.cond)}`;
    },
  };
}

export const dpReg: InsnDef[] = [...base, ...dpRegArith];
