// Exclusive and ordered loads/stores: LDXR/LDAXR/STXR/STLXR (byte, half, word, double), the
// pair forms LDXP/LDAXP/STXP/STLXP, and LDAR/STLR. All need natural alignment (an alignment
// fault otherwise, whatever SCTLR.A says). The monitor lives in H.exclMark / H.stxr.
import type { InsnDef } from '../table.js';
import type { Builder, Val } from '../../ir/ir.js';
import { rsp, rz, wz } from '../../cpu/state.js';
import { xsp, xz } from '../fmt.js';

const READ = 0, WRITE = 1; // Access.Read / Access.Write of mem/memory.ts

/** Alignment check of an exclusive or ordered access of `bytes` (no check for single bytes). */
function align(b: Builder, addr: Val, bytes: number, access: number): void {
  if (bytes > 1) b.effect('ldst_align', addr, b.c32(bytes - 1), b.c32(access));
}

const sfx = (size: number) => ['b', 'h', '', ''][size];
const mem = (rn: number) => `[${xsp(rn)}]`;

export const ldstExcl: InsnDef[] = [
  {
    name: 'LDST_excl',
    pattern: 'size:2 001000 0 L 0 Rs:5 o0 Rt2:5 Rn:5 Rt:5',
    // Rs/Rt2 of the loads should be ones; like qemu we ignore them.
    decode: (f) => ({ s: { size: f.size, L: f.L, o0: f.o0 }, o: { t: f.L ? wz(f.Rt) : rz(f.Rt), n: rsp(f.Rn), st: wz(f.Rs) } }),
    sem(b, o, s) {
      const bytes = (1 << s.size) as 1 | 2 | 4 | 8;
      const addr = b.x(o.n);
      if (s.L) {
        align(b, addr, bytes, READ);
        const v = b.load(addr, bytes, s.o0 ? { acquire: true } : undefined);
        b.effect('exclMark', addr, b.c32(bytes));
        b.setReg(o.t, v);
      } else {
        align(b, addr, bytes, WRITE);
        const v = s.size === 3 ? b.x(o.t) : b.zext(b.w(o.t));
        b.setReg(o.st, b.call('stxr', 'i32', addr, b.c32(bytes), v, b.c64(0, 0)));
      }
    },
    disasm(f) {
      const rt = xz(f.Rt, f.size === 3 ? 1 : 0);
      if (f.L) return `ld${f.o0 ? 'a' : ''}xr${sfx(f.size)}\t${rt}, ${mem(f.Rn)}`;
      return `st${f.o0 ? 'l' : ''}xr${sfx(f.size)}\t${xz(f.Rs, 0)}, ${rt}, ${mem(f.Rn)}`;
    },
  },
  {
    name: 'LDST_exclp',
    pattern: '1 sz 001000 0 L 1 Rs:5 o0 Rt2:5 Rn:5 Rt:5',
    decode: (f) => ({
      s: { sz: f.sz, L: f.L, o0: f.o0 },
      o: { t: f.L ? wz(f.Rt) : rz(f.Rt), t2: f.L ? wz(f.Rt2) : rz(f.Rt2), n: rsp(f.Rn), st: wz(f.Rs) },
    }),
    sem(b, o, s) {
      const addr = b.x(o.n);
      const attrs = s.o0 ? (s.L ? { acquire: true } : { release: true }) : undefined;
      // The whole pair must be aligned: 16 bytes for X registers, 8 for W registers.
      if (s.L) {
        align(b, addr, s.sz ? 16 : 8, READ);
        let v1: Val, v2: Val;
        if (s.sz) {
          v1 = b.load(addr, 8, attrs);
          v2 = b.load(b.add(addr, b.c64(8, 0)), 8, attrs);
        } else {
          // Two words as one single-copy-atomic doubleword; Rt gets the low half.
          const v = b.load(addr, 8, attrs);
          v1 = b.trunc(v);
          v2 = b.trunc(b.lsr(v, b.c32(32)));
        }
        b.effect('exclMark', addr, b.c32(s.sz ? 16 : 8));
        // Rt == Rt2 is CONSTRAINED UNPREDICTABLE; qemu leaves Rt2's value (unlike LDP).
        b.setReg(o.t, v1);
        b.setReg(o.t2, v2);
      } else {
        align(b, addr, s.sz ? 16 : 8, WRITE);
        const st = s.sz
          ? b.call('stxr', 'i32', addr, b.c32(16), b.x(o.t), b.x(o.t2))
          : b.call('stxr', 'i32', addr, b.c32(8), b.pair(b.w(o.t), b.w(o.t2)), b.c64(0, 0));
        b.setReg(o.st, st);
      }
    },
    disasm(f) {
      const regs = `${xz(f.Rt, f.sz)}, ${xz(f.Rt2, f.sz)}, ${mem(f.Rn)}`;
      if (f.L) return `ld${f.o0 ? 'a' : ''}xp\t${regs}`;
      return `st${f.o0 ? 'l' : ''}xp\t${xz(f.Rs, 0)}, ${regs}`;
    },
  },
  {
    name: 'LDAR_STLR',
    pattern: 'size:2 001000 1 L 0 Rs:5 1 Rt2:5 Rn:5 Rt:5',
    decode: (f) => ({ s: { size: f.size, L: f.L }, o: { t: f.L ? wz(f.Rt) : rz(f.Rt), n: rsp(f.Rn) } }),
    sem(b, o, s) {
      const bytes = (1 << s.size) as 1 | 2 | 4 | 8;
      const addr = b.x(o.n);
      align(b, addr, bytes, s.L ? READ : WRITE);
      if (s.L) b.setReg(o.t, b.load(addr, bytes, { acquire: true }));
      else b.store(addr, s.size === 3 ? b.x(o.t) : b.w(o.t), bytes, { release: true });
    },
    disasm: (f) => `${f.L ? 'ldar' : 'stlr'}${sfx(f.size)}\t${xz(f.Rt, f.size === 3 ? 1 : 0)}, ${mem(f.Rn)}`,
  },
];
