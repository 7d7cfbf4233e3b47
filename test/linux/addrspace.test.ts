// The process address space: mappings, protections, demand allocation of RAM pages, the
// charge against guest RAM, and the faults it hands the CPU.
import { describe, it, expect } from 'vitest';
import { Access, GuestFault, Memory } from '../../src/mem/memory.js';
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE } from '../../src/linux/addrspace.js';

const P = 4096;
function space(pages = 64) {
  const as = new AddressSpace(pages * P);
  const mem = new Memory(pages * P, as);
  as.attach(mem);
  return { as, mem };
}
const fault = (f: () => unknown) => { try { f(); } catch (x) { return x as GuestFault; } throw new Error('no fault'); };

describe('AddressSpace', () => {
  it('maps, reads and writes through the TLB, pages allocated on first touch', () => {
    const { as, mem } = space();
    expect(as.map(0x10000, 3 * P, PROT_READ | PROT_WRITE)).toBe(true);
    expect(as.usedPages).toBe(0);
    mem.write32(0x10000 + P + 8, 0xdeadbeef);
    expect(mem.read32(0x10000 + P + 8)).toBe(0xdeadbeef);
    expect(as.usedPages).toBe(1);
    expect(mem.read32(0x10000)).toBe(0);
    expect(as.usedPages).toBe(2);
  });

  it('faults with the exact address: translation for holes, permission for protections', () => {
    const { as, mem } = space();
    as.map(0x10000, P, PROT_READ);
    const t = fault(() => mem.read32(0x20004));
    expect(t).toBeInstanceOf(GuestFault);
    expect([t.kind, t.addr, t.access]).toEqual(['translation', 0x20004n, Access.Read]);
    const w = fault(() => mem.write32(0x10008, 1));
    expect([w.kind, w.addr, w.access]).toEqual(['permission', 0x10008n, Access.Write]);
    const x = fault(() => mem.addrOf(0x10000, 0, Access.Exec));
    expect(x.kind).toBe('permission');
    // Addresses outside the 48-bit user space.
    expect(fault(() => mem.read64(2 ** 48)).kind).toBe('translation');
  });

  it('mprotect changes allocated and unallocated pages alike, and flushes the TLB', () => {
    const { as, mem } = space();
    as.map(0x10000, 2 * P, PROT_READ | PROT_WRITE);
    mem.write32(0x10000, 5);
    expect(as.protect(0x10000, 2 * P, PROT_READ)).toBe('ok');
    expect(fault(() => mem.write32(0x10000, 6)).kind).toBe('permission');
    expect(fault(() => mem.write32(0x10000 + P, 6)).kind).toBe('permission');
    expect(mem.read32(0x10000)).toBe(5);
    expect(as.protect(0x10000, 4 * P, PROT_READ)).toBe('unmapped');
    expect(as.protect(0x10000, P, PROT_READ | PROT_EXEC)).toBe('ok');
    expect(as.vmas.map((m) => [m.start, m.end, m.prot])).toEqual([[0x10000, 0x11000, 5], [0x11000, 0x12000, 1]]);
  });

  it('munmap splits mappings, frees pages, and freed pages come back zeroed', () => {
    const { as, mem } = space(8);
    as.map(0x10000, 4 * P, PROT_READ | PROT_WRITE);
    for (let i = 0; i < 4; i++) mem.write32(0x10000 + i * P, 0x1111 * (i + 1));
    as.unmap(0x11000, P);
    expect(as.vmas.map((m) => [m.start, m.end])).toEqual([[0x10000, 0x11000], [0x12000, 0x14000]]);
    expect(fault(() => mem.read32(0x11000)).kind).toBe('translation');
    expect(as.usedPages).toBe(3);
    as.map(0x40000, P, PROT_READ | PROT_WRITE);
    expect(mem.read32(0x40000)).toBe(0);
  });

  it('drops decoded code of a freed page', () => {
    const { as, mem } = space();
    const dropped: number[] = [];
    mem.onCodeWrite = (p) => dropped.push(p);
    as.map(0x10000, P, PROT_READ | PROT_EXEC);
    const off = mem.addrOf(0x10000, 0, Access.Exec);
    mem.markCode(off / P);
    as.unmap(0x10000, P);
    expect(dropped).toEqual([off / P]);
  });

  it('charges accessible mappings against RAM: ENOMEM instead of running out later', () => {
    const { as } = space(16);
    expect(as.map(0x10000, 12 * P, PROT_READ | PROT_WRITE)).toBe(true);
    expect(as.map(0x100000, 8 * P, PROT_READ | PROT_WRITE)).toBe(false);
    expect(as.map(0x100000, 64 * P, 0)).toBe(true);                            // PROT_NONE reserves nothing
    expect(as.map(0x200000, 64 * P, PROT_READ, { noreserve: true })).toBe(true); // nor does MAP_NORESERVE
    expect(as.protect(0x100000, 8 * P, PROT_READ)).toBe('nomem');
    expect(as.protect(0x100000, 4 * P, PROT_READ)).toBe('ok');
    as.unmap(0x10000, 12 * P);
    expect(as.committed).toBe(4);
  });

  it('finds free ranges top-down and moves mappings with their pages', () => {
    const { as, mem } = space();
    as.map(0x7000_0000, P, PROT_READ);
    expect(as.findFree(2 * P, 0x10000, 0x7000_1000)).toBe(0x7000_0000 - 2 * P);
    expect(as.findFree(2 * P, 0x10000, 0x7000_3000)).toBe(0x7000_1000);
    expect(as.findFreeUp(P, 0x7000_0000, 0x8000_0000)).toBe(0x7000_1000);
    as.map(0x20000, P, PROT_READ | PROT_WRITE);
    mem.write32(0x20010, 77);
    as.move(0x20000, P, 0x90000);
    expect(mem.read32(0x90010)).toBe(77);
    expect(as.isFree(0x20000, 0x21000)).toBe(true);
  });

  it('merges adjacent anonymous mappings with the same protection', () => {
    const { as } = space();
    for (let i = 0; i < 10; i++) as.map(0x10000 + i * P, P, PROT_READ | PROT_WRITE, { name: '[heap]' });
    expect(as.vmas).toHaveLength(1);
    expect(as.isMapped(0x10000, 0x10000 + 10 * P)).toBe(true);
  });

  it('checks system call buffers without faulting', () => {
    const { as } = space();
    as.map(0x10000, 2 * P, PROT_READ);
    expect(as.accessible(0x10ff0, 0x20, Access.Read)).toBe(true);
    expect(as.accessible(0x10ff0, 0x20, Access.Write)).toBe(false);
    expect(as.accessible(0x11ff0, 0x20, Access.Read)).toBe(false);
    expect(as.accessible(-1, 1, Access.Read)).toBe(false);
  });
});
