// Loads and stores of one general register: unsigned scaled offset, 9-bit signed offset
// (unscaled, post-index, pre-index, unprivileged), register offset, PC-relative literal, and
// the PRFM/PRFUM prefetches (decoded, no effect).
import type { InsnDef } from '../table.js';
import type { Val } from '../../ir/ir.js';
import { rsp, rz } from '../../cpu/state.js';
import { sext, target, xsp, xz } from '../fmt.js';
import { Kind, access, mnemonic, offText, prfop, rtSlot, rtText, singleKind } from './ldst_common.js';

/** imm9 addressing forms (instruction bits 11:10). */
const Mode = { Unscaled: 0, Post: 1, Unpriv: 2, Pre: 3 } as const;

export const ldstSingle: InsnDef[] = [
  {
    name: 'LDST_uimm',
    pattern: 'size:2 111 0 01 opc:2 imm12:12 Rn:5 Rt:5',
    decode(f) {
      const k = singleKind(f.size, f.opc, true);
      if (k === null) return null;
      return { s: { size: f.size, k }, o: { t: rtSlot(k, f.Rt), n: rsp(f.Rn), off: f.imm12 << f.size } };
    },
    sem(b, o, s) {
      if (s.k === Kind.Prefetch) return;
      const v = access(b, s.k as Kind, s.size, b.add(b.x(o.n), b.zext(o.off)), o.t);
      if (v) b.setReg(o.t, v);
    },
    disasm(f) {
      const k = singleKind(f.size, f.opc, true)!;
      return `${mnemonic(k, f.size, 'r')}\t${rtText(k, f.size, f.Rt)}, [${xsp(f.Rn)}${offText(f.imm12 << f.size)}]`;
    },
  },
  {
    name: 'LDST_imm9',
    pattern: 'size:2 111 0 00 opc:2 0 imm9:9 mode:2 Rn:5 Rt:5',
    decode(f) {
      // Only the unscaled form has a prefetch (PRFUM); unprivileged prefetch is unallocated too.
      const k = singleKind(f.size, f.opc, f.mode === Mode.Unscaled);
      if (k === null) return null;
      // Writeback with Rn == Rt is CONSTRAINED UNPREDICTABLE; like qemu we execute it (the
      // writeback wins for loads, stores store the old value).
      return { s: { size: f.size, k, mode: f.mode }, o: { t: rtSlot(k, f.Rt), n: rsp(f.Rn), off: sext(f.imm9, 9) } };
    },
    sem(b, o, s) {
      if (s.k === Kind.Prefetch) return;
      const base = b.x(o.n);
      const ea = b.add(base, b.sext(o.off));
      const v = access(b, s.k as Kind, s.size, s.mode === Mode.Post ? base : ea, o.t, s.mode === Mode.Unpriv ? { unpriv: true } : undefined);
      if (v) b.setReg(o.t, v);
      if (s.mode === Mode.Post || s.mode === Mode.Pre) b.setReg(o.n, ea);
    },
    disasm(f) {
      const k = singleKind(f.size, f.opc, f.mode === Mode.Unscaled)!;
      const off = sext(f.imm9, 9), rn = xsp(f.Rn);
      const form = f.mode === Mode.Unscaled ? 'ur' : f.mode === Mode.Unpriv ? 'tr' : 'r';
      const mem = f.mode === Mode.Post ? `[${rn}], #${off}` : f.mode === Mode.Pre ? `[${rn}, #${off}]!` : `[${rn}${offText(off)}]`;
      return `${mnemonic(k, f.size, form)}\t${rtText(k, f.size, f.Rt)}, ${mem}`;
    },
  },
  {
    name: 'LDST_reg',
    pattern: 'size:2 111 0 00 opc:2 1 Rm:5 option:3 S 10 Rn:5 Rt:5',
    decode(f) {
      const k = singleKind(f.size, f.opc, true);
      if (k === null || !(f.option & 2)) return null;
      // Shape: extend (UXTW 2, LSL/UXTX 3, SXTW 6, SXTX 7) and whether the index is scaled.
      return { s: { size: f.size, k, ext: f.option, sh: f.S && f.size ? 1 : 0 }, o: { t: rtSlot(k, f.Rt), n: rsp(f.Rn), m: rz(f.Rm) } };
    },
    sem(b, o, s) {
      if (s.k === Kind.Prefetch) return;
      let idx: Val = s.ext === 2 ? b.zext(b.w(o.m)) : s.ext === 6 ? b.sext(b.w(o.m)) : b.x(o.m);
      if (s.sh) idx = b.shl(idx, b.c32(s.size));
      const v = access(b, s.k as Kind, s.size, b.add(b.x(o.n), idx), o.t);
      if (v) b.setReg(o.t, v);
    },
    disasm(f) {
      const k = singleKind(f.size, f.opc, true)!;
      const amount = f.S ? ` #${f.size}` : '';
      const ext = f.option === 3 ? (f.S ? `, lsl${amount}` : '') : `, ${f.option === 2 ? 'uxtw' : f.option === 6 ? 'sxtw' : 'sxtx'}${amount}`;
      return `${mnemonic(k, f.size, 'r')}\t${rtText(k, f.size, f.Rt)}, [${xsp(f.Rn)}, ${xz(f.Rm, f.option & 1)}${ext}]`;
    },
  },
  {
    name: 'LDR_lit',
    pattern: 'opc:2 011 0 00 imm19:19 Rt:5',
    // opc: 0 LDR W, 1 LDR X, 2 LDRSW, 3 PRFM.
    decode: (f) => ({ s: { opc: f.opc }, o: { t: rtSlot(Kind.Load, f.Rt), off: sext(f.imm19, 19) * 4 } }),
    sem(b, o, s) {
      if (s.opc === 3) return;
      const addr = b.add(b.fromPc(b.pcRel(0)), b.sext(o.off));
      const v = b.load(addr, s.opc === 1 ? 8 : 4);
      b.setReg(o.t, s.opc === 2 ? b.sext(v) : v);
    },
    disasm(f, pc) {
      const t = target(pc, sext(f.imm19, 19) * 4);
      if (f.opc === 3) return `prfm\t${prfop(f.Rt)}, ${t}`;
      return `${f.opc === 2 ? 'ldrsw' : 'ldr'}\t${xz(f.Rt, f.opc === 0 ? 0 : 1)}, ${t}`;
    },
  },
];
