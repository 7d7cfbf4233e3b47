// The soft TLB's handling of unprivileged accesses (LDTR/STTR, Linux's uaccess routines) and of an
// ASID switch: an unprivileged access is checked as EL0 would be, so its translation is cached
// in the EL0 set and never served from the EL1 set; an ASID switch (TTBR write) drops the lower
// half's entries and keeps the upper half's.
import { describe, expect, it } from 'vitest';
import { Access, GuestFault, Memory, type Translator } from '../../src/mem/memory.js';

const KERNEL_HI = 0xffffffc0 | 0;   // an upper-half VA (bit 55 set)

/** Identity-ish map: page n at RAM page n; pages >= 8 are EL1-only (an EL0 or unprivileged
 *  access faults). Counts translations. */
function setup() {
  const calls: string[] = [];
  const t: Translator = {
    translate(vpn, hi, access, unpriv) {
      calls.push(`${hi === 0 ? 'lo' : 'hi'}:${vpn}:${unpriv ? 'u' : 'p'}`);
      const page = vpn & 15;
      if (unpriv && page >= 8) throw new GuestFault('permission', BigInt(vpn) << 12n, access, 0xd);
      return page * 4096;
    },
  };
  const mem = new Memory(16 * 4096, t);
  mem.useTlb(1);   // running at EL1
  return { mem, calls };
}

describe('soft TLB: unprivileged accesses and ASID switches', () => {
  it('an unprivileged load is translated as EL0, cached in the EL0 set, never served from the EL1 set', () => {
    const { mem, calls } = setup();
    mem.dv.setUint32(9 * 4096, 0x1234, true);
    expect(mem.r32(9 * 4096, 0)).toBe(0x1234);        // privileged: allowed, cached in the EL1 set
    expect(() => mem.ur32(9 * 4096, 0)).toThrow(GuestFault);   // unprivileged: still checked
    mem.dv.setUint32(2 * 4096, 0x5678, true);
    expect(mem.ur32(2 * 4096, 0)).toBe(0x5678);
    expect(mem.ur32(2 * 4096 + 4, 0)).toBe(0);
    expect(calls.filter((c) => c === 'lo:2:u')).toHaveLength(1);   // the second hit the EL0 set
    mem.useTlb(0);                                      // at EL0 the same entry serves
    expect(mem.r32(2 * 4096, 0)).toBe(0x5678);
    expect(calls.filter((c) => c.startsWith('lo:2'))).toHaveLength(1);
  });

  it('an unprivileged store is cached for writes and still sees code pages', () => {
    const { mem, calls } = setup();
    const written: number[] = [];
    mem.onCodeWrite = (p) => written.push(p);
    mem.markCode(3);
    mem.uw32(3 * 4096, 0, 7);
    mem.uw32(3 * 4096 + 4, 0, 8);
    expect(written).toEqual([3]);
    expect(calls.filter((c) => c === 'lo:3:u')).toHaveLength(1);
    expect(mem.dv.getUint32(3 * 4096 + 4, true)).toBe(8);
  });

  it('an ASID switch drops the lower half and keeps the upper half', () => {
    const { mem, calls } = setup();
    mem.r32(1 * 4096, 0);
    mem.r32(5 * 4096, KERNEL_HI);   // another slot of the direct-mapped TLB
    mem.ur32(2 * 4096, 0);
    mem.flushTlbLowerHalf();
    calls.length = 0;
    mem.r32(1 * 4096, 0);
    mem.r32(5 * 4096, KERNEL_HI);
    mem.ur32(2 * 4096, 0);
    expect(calls).toEqual(['lo:1:p', 'lo:2:u']);
  });
});
