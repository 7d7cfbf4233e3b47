// Load/store pair of general registers: LDP/STP (offset, pre-index, post-index), LDPSW, and
// the non-temporal LDNP/STNP (the hint does not change the meaning).
import type { InsnDef } from '../table.js';
import { rsp } from '../../cpu/state.js';
import { sext, xsp, xz } from '../fmt.js';
import { Kind, offText, rtSlot } from './ldst_common.js';

/** Index forms (instruction bits 24:23). */
const Idx = { NoAlloc: 0, Post: 1, Offset: 2, Pre: 3 } as const;

/** Kind of the pair access, or null where unallocated (opc 11; opc 01 except LDPSW). */
function pairKind(opc: number, L: number, idx: number): Kind | null {
  if (opc === 3) return null;
  if (opc === 1) return L && idx !== Idx.NoAlloc ? Kind.LoadS64 : null;
  return L ? Kind.Load : Kind.Store;
}

export const ldstPair: InsnDef[] = [
  {
    name: 'LDST_pair',
    pattern: 'opc:2 10100 idx:2 L imm7:7 Rt2:5 Rn:5 Rt:5',
    decode(f) {
      const k = pairKind(f.opc, f.L, f.idx);
      if (k === null) return null;
      const size = f.opc === 2 ? 3 : 2;
      // Rt == Rt2 on loads and writeback with Rn == Rt/Rt2 are CONSTRAINED UNPREDICTABLE;
      // qemu executes them (Rt beats Rt2, writeback beats both), and so do we.
      const wb = f.idx === Idx.Post || f.idx === Idx.Pre ? f.idx : 0;
      return {
        s: { size, k, wb },
        o: { t: rtSlot(k, f.Rt), t2: rtSlot(k, f.Rt2), n: rsp(f.Rn), off: sext(f.imm7, 7) * (1 << size) },
      };
    },
    sem(b, o, s) {
      const base = b.x(o.n);
      const ea = b.add(base, b.sext(o.off));
      const addr = s.wb === Idx.Post ? base : ea;
      if (s.size === 2) {
        // Two adjacent words: one 8-byte access (Rt's word is the low half).
        if (s.k === Kind.Store) b.store(addr, b.pair(b.w(o.t), b.w(o.t2)), 8);
        else {
          const v = b.load(addr, 8);
          let lo = b.trunc(v), hi = b.trunc(b.lsr(v, b.c32(32)));
          if (s.k === Kind.LoadS64) { lo = b.sext(lo); hi = b.sext(hi); }
          b.setReg(o.t2, hi);
          b.setReg(o.t, lo);
        }
      } else {
        const addr2 = b.add(addr, b.c64(8, 0));
        if (s.k === Kind.Store) {
          const v1 = b.x(o.t), v2 = b.x(o.t2);
          b.store(addr, v1, 8);
          b.store(addr2, v2, 8);
        } else {
          // Both loads before any register write, so a fault on the second leaves Rt intact.
          const v1 = b.load(addr, 8), v2 = b.load(addr2, 8);
          b.setReg(o.t2, v2);
          b.setReg(o.t, v1);
        }
      }
      if (s.wb) b.setReg(o.n, ea);
    },
    disasm(f) {
      const k = pairKind(f.opc, f.L, f.idx)!;
      const sf = f.opc === 0 ? 0 : 1;
      const off = sext(f.imm7, 7) * (f.opc === 2 ? 8 : 4), rn = xsp(f.Rn);
      const mn = k === Kind.LoadS64 ? 'ldpsw' : `${f.L ? 'ld' : 'st'}${f.idx === Idx.NoAlloc ? 'np' : 'p'}`;
      const mem = f.idx === Idx.Post ? `[${rn}], #${off}` : f.idx === Idx.Pre ? `[${rn}, #${off}]!` : `[${rn}${offText(off)}]`;
      return `${mn}\t${xz(f.Rt, sf)}, ${xz(f.Rt2, sf)}, ${mem}`;
    },
  },
];
