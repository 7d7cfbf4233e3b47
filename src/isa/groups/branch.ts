// Branches: b, bl, b.cond, cbz/cbnz, tbz/tbnz, br, blr, ret (and eret/drps, which share the
// unconditional-branch-register encoding space).
//
// Direct branch offsets are run-time operands, not shape values: putting them in the shape would
// compile one interpreter handler per distinct offset. The target is b.pcPlus(off): this
// instruction's address plus the signed offset.
import type { InsnDef } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rz } from '../../cpu/state.js';
import { CONDS, sext, target, xz } from '../fmt.js';
import { condHolds } from '../cond.js';

/** Register operand of X30, the link register. */
const LR = rz(30);


/** objdump's trailing comment for b.<cond>: the other names binutils accepts for it. */
const COND_ALIASES: Record<string, string> = {
  eq: 'b.none', ne: 'b.any', cs: 'b.hs, b.nlast', cc: 'b.lo, b.ul, b.last', mi: 'b.first', pl: 'b.nfrst',
  hi: 'b.pmore', ls: 'b.plast', ge: 'b.tcont', lt: 'b.tstop',
};

export const branch: InsnDef[] = [
  {
    name: 'B_imm',
    pattern: 'op 00101 imm26:26',
    decode: (f) => ({ s: { link: f.op }, o: { off: sext(f.imm26 << 2, 28) } }),
    sem(b, o, s) {
      const t = b.pcPlus(o.off);
      if (s.link) b.setReg(b.c32(LR), b.fromPc(b.pcRel(4)));
      b.jump(t);
    },
    disasm: (f, pc) => `${f.op ? 'bl' : 'b'}\t${target(pc, sext(f.imm26 << 2, 28))}`,
    branch: true,
  },
  {
    name: 'B_cond',
    // bit 4 set is BC.cond (FEAT_HBC, Armv8.8): unallocated in Armv8.0.
    pattern: '01010100 imm19:19 0 cond:4',
    decode: (f) => ({ s: { cond: f.cond }, o: { off: sext(f.imm19 << 2, 21) } }),
    sem(b, o, s) {
      const t = b.pcPlus(o.off);
      if (s.cond >= 14) b.jump(t);
      else b.jump(t, condHolds(b, s.cond));
    },
    disasm(f, pc) {
      const c = CONDS[f.cond];
      const alias = COND_ALIASES[c];
      return `b.${c}\t${target(pc, sext(f.imm19 << 2, 21))}${alias ? `\t// ${alias}` : ''}`;
    },
    branch: true,
  },
  {
    name: 'CBZ',
    pattern: 'sf 011010 op imm19:19 Rt:5',
    decode: (f) => ({ s: { sf: f.sf, op: f.op }, o: { t: rz(f.Rt), off: sext(f.imm19 << 2, 21) } }),
    sem(b, o, s) {
      const v = b.reg(o.t, s.sf ? 'i64' : 'i32');
      const zero = s.sf ? b.c64(0, 0) : b.c32(0);
      b.jump(b.pcPlus(o.off), b.cmp(s.op ? 'ne' : 'eq', v, zero));
    },
    disasm: (f, pc) => `${f.op ? 'cbnz' : 'cbz'}\t${xz(f.Rt, f.sf)}, ${target(pc, sext(f.imm19 << 2, 21))}`,
    branch: true,
  },
  {
    name: 'TBZ',
    // The bit number is b5:b40; b5 picks the word, so the test is one 32-bit AND with a mask.
    pattern: 'b5 011011 op b40:5 imm14:14 Rt:5',
    decode: (f) => ({ s: { hi: f.b5, op: f.op }, o: { t: rz(f.Rt), mask: (1 << f.b40) | 0, off: sext(f.imm14 << 2, 16) } }),
    sem(b, o, s) {
      const x = b.x(o.t);
      const word = s.hi ? b.trunc(b.lsr(x, b.c32(32))) : b.trunc(x);
      b.jump(b.pcPlus(o.off), b.cmp(s.op ? 'ne' : 'eq', b.and(word, o.mask), b.c32(0)));
    },
    disasm: (f, pc) =>
      `${f.op ? 'tbnz' : 'tbz'}\t${xz(f.Rt, f.b5)}, #${(f.b5 << 5) | f.b40}, ${target(pc, sext(f.imm14 << 2, 16))}`,
    branch: true,
  },
  {
    name: 'BR_reg',
    // opc 0000 BR, 0001 BLR, 0010 RET; op3 != 0 are the pointer-authentication forms (Armv8.3).
    pattern: '1101011 00 op:2 11111 000000 Rn:5 00000',
    decode: (f) => (f.op === 3 ? null : { s: { op: f.op }, o: { n: rz(f.Rn) } }),
    sem(b, o, s) {
      // The target is read before X30 is written, so `blr x30` branches to the old X30.
      const t = b.toPc(b.x(o.n));
      if (s.op === 1) b.setReg(b.c32(LR), b.fromPc(b.pcRel(4)));
      b.jump(t);
    },
    disasm(f) {
      if (f.op === 2 && f.Rn === 30) return 'ret';
      return `${['br', 'blr', 'ret'][f.op]}\t${xz(f.Rn)}`;
    },
    branch: true,
  },
  {
    name: 'ERET',
    // ERET and DRPS: exception return goes to the environment (UNDEFINED at EL0); DRPS is
    // UNDEFINED outside Debug state, which this emulator never enters.
    pattern: '1101011 01 op:2 11111 000000 11111 00000',
    decode: (f) => (f.op >= 2 ? null : { s: { op: f.op }, o: {} }),
    sem(b, _o, s) {
      if (s.op === 0) b.exit('eret');
      else b.exit('udf');
    },
    disasm: (f) => (f.op === 0 ? 'eret' : 'drps'),
    branch: true,
  },
];
