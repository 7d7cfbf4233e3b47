// Data processing — immediate: add/sub, logical, move wide, bitfield, extract, PC-relative.
import type { InsnDef } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rsp, rz, wz } from '../../cpu/state.js';
import { decodeBitMasks, hex, imm, split64, target, xsp, xz, sext } from '../fmt.js';

const tyOf = (sf: number) => (sf ? 'i64' : 'i32') as 'i32' | 'i64';
/** An i64 (or i32) constant from the split operand pair `name_lo`/`name_hi`. */
export const wideImm = (b: Builder, o: Record<string, Val>, name: string, sf: number): Val =>
  (sf ? b.pair(o[`${name}_lo`], o[`${name}_hi`]) : o[`${name}_lo`]);

export const dpImm: InsnDef[] = [
  {
    name: 'ADDSUB_imm',
    pattern: 'sf op S 100010 sh imm12:12 Rn:5 Rd:5',
    decode: (f) => ({ s: { sf: f.sf, op: f.op, S: f.S }, o: { d: f.S ? wz(f.Rd) : rsp(f.Rd), n: rsp(f.Rn), imm: f.imm12 << (f.sh * 12) } }),
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      const a = b.reg(o.n, ty);
      const i = ty === 'i64' ? b.zext(o.imm) : o.imm;
      let r: Val;
      if (s.S) r = s.op ? b.addWithCarry(a, b.not(i), b.bool(1), true) : b.addWithCarry(a, i, b.bool(0), true);
      else r = s.op ? b.sub(a, i) : b.add(a, i);
      b.setReg(o.d, r);
    },
    disasm(f) {
      const sh = f.sh ? ', lsl #12' : '';
      if (f.S && f.Rd === 31) return `${f.op ? 'cmp' : 'cmn'}\t${xsp(f.Rn, f.sf)}, ${imm(f.imm12)}${sh}`;
      if (!f.op && !f.S && !f.sh && f.imm12 === 0 && (f.Rd === 31 || f.Rn === 31)) return `mov\t${xsp(f.Rd, f.sf)}, ${xsp(f.Rn, f.sf)}`;
      const rd = f.S ? xz(f.Rd, f.sf) : xsp(f.Rd, f.sf);
      return `${f.op ? 'sub' : 'add'}${f.S ? 's' : ''}\t${rd}, ${xsp(f.Rn, f.sf)}, ${imm(f.imm12)}${sh}`;
    },
  },
  {
    name: 'LOGICAL_imm',
    pattern: 'sf opc:2 100100 N immr:6 imms:6 Rn:5 Rd:5',
    decode(f) {
      if (!f.sf && f.N) return null;
      const m = decodeBitMasks(f.N, f.imms, f.immr, true, f.sf ? 64 : 32);
      if (!m) return null;
      return { s: { sf: f.sf, opc: f.opc }, o: { d: f.opc === 3 ? wz(f.Rd) : rsp(f.Rd), n: rz(f.Rn), ...split64('imm', m[0]) } };
    },
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      const a = b.reg(o.n, ty), i = wideImm(b, o, 'imm', s.sf);
      const r = s.opc === 1 ? b.or(a, i) : s.opc === 2 ? b.xor(a, i) : b.and(a, i);
      if (s.opc === 3) b.setNZ00(r);
      b.setReg(o.d, r);
    },
    disasm(f) {
      const v = decodeBitMasks(f.N, f.imms, f.immr, true, f.sf ? 64 : 32)![0];
      if (f.opc === 3 && f.Rd === 31) return `tst\t${xz(f.Rn, f.sf)}, ${imm(v)}`;
      if (f.opc === 1 && f.Rn === 31 && (f.Rd === 31 || !wideConstant(v, f.sf))) {
        const signed = f.sf ? BigInt.asIntN(64, v) : BigInt.asIntN(32, v);
        return `mov\t${xsp(f.Rd, f.sf)}, ${imm(v)}\t// #${signed}`;
      }
      const rd = f.opc === 3 ? xz(f.Rd, f.sf) : xsp(f.Rd, f.sf);
      return `${['and', 'orr', 'eor', 'ands'][f.opc]}\t${rd}, ${xz(f.Rn, f.sf)}, ${imm(v)}`;
    },
  },
  {
    name: 'MOVEWIDE',
    pattern: 'sf opc:2 100101 hw:2 imm16:16 Rd:5',
    decode(f) {
      if (f.opc === 1 || (!f.sf && f.hw >= 2)) return null;
      const v = BigInt(f.imm16) << BigInt(16 * f.hw);
      if (f.opc === 3) return { s: { sf: f.sf, opc: 3 }, o: { d: wz(f.Rd), ...split64('keep', ~(0xffffn << BigInt(16 * f.hw))), ...split64('imm', v) } };
      return { s: { sf: f.sf, opc: f.opc }, o: { d: wz(f.Rd), ...split64('imm', f.opc === 0 ? ~v : v) } };
    },
    sem(b, o, s) {
      const i = wideImm(b, o, 'imm', s.sf);
      if (s.opc === 3) b.setReg(o.d, b.or(b.and(b.reg(o.d, tyOf(s.sf)), wideImm(b, o, 'keep', s.sf)), i));
      else b.setReg(o.d, i);
    },
    disasm(f) {
      const rd = xz(f.Rd, f.sf);
      if (f.opc === 3) return `movk\t${rd}, ${imm(f.imm16)}${f.hw ? `, lsl #${16 * f.hw}` : ''}`;
      const v = BigInt(f.imm16) << BigInt(16 * f.hw);
      const mnem = f.opc === 0 ? 'movn' : 'movz';
      if (f.imm16 === 0 && f.hw !== 0) return `${mnem}\t${rd}, ${imm(0)}, lsl #${16 * f.hw}`;
      if (f.opc === 0 && !f.sf && f.imm16 === 0xffff) return `movn\t${rd}, ${imm(0xffff)}${f.hw ? `, lsl #${16 * f.hw}` : ''}`;
      const val = f.sf ? BigInt.asIntN(64, f.opc === 0 ? ~v : v) : BigInt.asIntN(32, f.opc === 0 ? ~v : v);
      const u = f.sf ? BigInt.asUintN(64, val) : BigInt.asUintN(32, val);
      return `mov\t${rd}, #${hex(u)}\t// #${val}`;
    },
  },
  {
    name: 'BITFIELD',
    pattern: 'sf opc:2 100110 N immr:6 imms:6 Rn:5 Rd:5',
    decode(f) {
      if (f.opc === 3 || f.sf !== f.N || (!f.sf && (f.immr >= 32 || f.imms >= 32))) return null;
      const size = f.sf ? 64 : 32;
      const m = decodeBitMasks(f.N, f.imms, f.immr, false, size);
      if (!m) return null;
      return {
        s: { sf: f.sf, opc: f.opc },
        o: { d: wz(f.Rd), n: rz(f.Rn), r: f.immr, top: size - 1 - f.imms, ...split64('wmask', m[0]), ...split64('tmask', m[1]) },
      };
    },
    // Arm ARM, SBFM/BFM/UBFM: bot = (dst & ~wmask) | (ROR(src, R) & wmask);
    // top = extend ? Replicate(src<S>) : dst; result = (top & ~tmask) | (bot & tmask).
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      const src = b.reg(o.n, ty);
      const wmask = wideImm(b, o, 'wmask', s.sf), tmask = wideImm(b, o, 'tmask', s.sf);
      const dst = s.opc === 1 ? b.reg(o.d, ty) : undefined;
      let bot = b.and(b.ror(src, o.r), wmask);
      if (dst) bot = b.or(b.and(dst, b.not(wmask)), bot);
      const top = s.opc === 0 ? b.asr(b.shl(src, o.top), b.c32(s.sf ? 63 : 31)) : dst;
      const r = top ? b.or(b.and(top, b.not(tmask)), b.and(bot, tmask)) : b.and(bot, tmask);
      b.setReg(o.d, r);
    },
    disasm(f) {
      const sz = f.sf ? 64 : 32, rd = xz(f.Rd, f.sf), rn = xz(f.Rn, f.sf), R = f.immr, S = f.imms;
      if (f.opc === 1) {
        if (S < R) return f.Rn === 31 ? `bfc\t${rd}, #${(sz - R) % sz}, #${S + 1}` : `bfi\t${rd}, ${rn}, #${(sz - R) % sz}, #${S + 1}`;
        return `bfxil\t${rd}, ${rn}, #${R}, #${S - R + 1}`;
      }
      const u = f.opc === 2;
      if (S === sz - 1) return `${u ? 'lsr' : 'asr'}\t${rd}, ${rn}, #${R}`;
      if (u && S + 1 === R) return `lsl\t${rd}, ${rn}, #${sz - 1 - S}`;
      // UXTB/UXTH exist only as 32-bit forms, SXTB/SXTH/SXTW as 64-bit ones too.
      if (R === 0 && (S === 7 || S === 15 || (S === 31 && !u)) && !(u && f.sf)) {
        const sfx = S === 7 ? 'b' : S === 15 ? 'h' : 'w';
        return `${u ? 'uxt' : 'sxt'}${sfx}\t${rd}, ${xz(f.Rn, 0)}`;
      }
      if (S < R) return `${u ? 'ubfiz' : 'sbfiz'}\t${rd}, ${rn}, #${(sz - R) % sz}, #${S + 1}`;
      return `${u ? 'ubfx' : 'sbfx'}\t${rd}, ${rn}, #${R}, #${S - R + 1}`;
    },
  },
  {
    name: 'EXTR',
    pattern: 'sf 00 100111 N 0 Rm:5 imms:6 Rn:5 Rd:5',
    decode(f) {
      if (f.sf !== f.N || (!f.sf && f.imms >= 32)) return null;
      return { s: { sf: f.sf, zero: f.imms === 0 ? 1 : 0 }, o: { d: wz(f.Rd), n: rz(f.Rn), m: rz(f.Rm), lsb: f.imms, up: (f.sf ? 64 : 32) - f.imms } };
    },
    sem(b, o, s) {
      const ty = tyOf(s.sf);
      const lo = b.reg(o.m, ty);
      b.setReg(o.d, s.zero ? lo : b.or(b.lsr(lo, o.lsb), b.shl(b.reg(o.n, ty), o.up)));
    },
    disasm(f) {
      if (f.Rn === f.Rm) return `ror\t${xz(f.Rd, f.sf)}, ${xz(f.Rn, f.sf)}, #${f.imms}`;
      return `extr\t${xz(f.Rd, f.sf)}, ${xz(f.Rn, f.sf)}, ${xz(f.Rm, f.sf)}, #${f.imms}`;
    },
  },
  {
    name: 'ADR',
    pattern: 'op immlo:2 10000 immhi:19 Rd:5',
    decode: (f) => ({ s: { page: f.op }, o: { d: wz(f.Rd), off: sext((f.immhi << 2) | f.immlo, 21) } }),
    sem(b, o, s) {
      let v: Val;
      if (s.page) {
        // ADRP: (pc & ~0xfff) + (imm << 12)
        const base = b.and(b.fromPc(b.pcRel(0)), b.c64(~0xfff, -1));
        v = b.add(base, b.shl(b.sext(o.off), b.c32(12)));
      } else v = b.add(b.fromPc(b.pcRel(0)), b.sext(o.off));
      b.setReg(o.d, v);
    },
    disasm(f, pc) {
      const off = sext((f.immhi << 2) | f.immlo, 21);
      if (f.op) {
        const t = BigInt.asUintN(64, (BigInt(pc) & ~0xfffn) + (BigInt(off) << 12n));
        return `adrp\t${xz(f.Rd)}, ${t.toString(16)}`;
      }
      return `adr\t${xz(f.Rd)}, ${target(pc, off)}`;
    },
  },
];

/** Whether MOVZ or MOVN can write the value (all 16-bit chunks but one are zeros, or all
 *  ones). objdump prints ORR-with-ZR as MOV only when they cannot, or when Rd is SP; it looks
 *  at the value, unlike the Arm ARM's MoveWidePreferred (they differ on 0xffffffff8001ffff). */
function wideConstant(v: bigint, sf: number): boolean {
  const width = sf ? 64 : 32;
  const mask = (1n << BigInt(width)) - 1n;
  const oneChunk = (x: bigint) => {
    for (let sh = 0; sh < width; sh += 16) if ((x & ~(0xffffn << BigInt(sh)) & mask) === 0n) return true;
    return false;
  };
  return oneChunk(v & mask) || oneChunk(~v & mask);
}
