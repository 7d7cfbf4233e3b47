// The system-mode benchmark (bench/sys.ts, `npm run bench -- --sys`): its measurements run and give
// sane data — every configuration computes the checksum the user-mode program prints under
// qemu-aarch64's arithmetic (the kernels are deterministic), the MMU-on runs translate through
// the MMU (TLB flushes, misses), access counts and hit rates are consistent. No timing asserted.
import { describe, expect, it } from 'vitest';
import { measureSys } from '../../bench/sys-measure.js';
import { printSysTable, wantsSys, type SysRow } from '../../bench/sys.js';

/** Runs and checksums, from `qemu-aarch64 bench/sys/bin/sysbench-user KERNEL N`. */
const RUNS = { copy: { n: 2, sum: '0x0101010101011104' }, stride: { n: 1, sum: '0x543ad12044ba80ff' } };

describe('bench --sys', () => {
  it('selects the system-mode benchmark from --sys', () => {
    expect(wantsSys(['--sys', '--repeats', '1'])).toBe(true);
    expect(wantsSys(['--only', 'sha256'])).toBe(false);
  });

  for (const kernel of ['copy', 'stride'] as const) {
    it(`${kernel}: user mode and the bare machine with the MMU off / 4 KiB / 2 MiB agree; TLB counters are consistent`, async () => {
      const { n, sum: want } = RUNS[kernel];
      const user = await measureSys('user', 'interp', kernel, n, 0, true);
      expect(user.ok).toBe(true);
      const sum = user.out.split(' ').pop();
      expect(user.out).toBe(`${kernel} ${n} ${want}`);
      expect(sum).toBe(want);
      const runs = [];
      for (const mmu of [0, 1, 2] as const) {
        const r = await measureSys('bare', 'interp', kernel, n, mmu, true);
        expect(r.ok).toBe(true);
        expect(r.out.split('\n').pop()).toBe(user.out);
        runs.push(r);
      }
      for (const r of [user, ...runs]) {
        const acc = r.accesses!.reads + r.accesses!.writes, miss = r.tlb!.readMisses + r.tlb!.writeMisses;
        expect(acc).toBeGreaterThan(10_000);
        expect(miss).toBeGreaterThan(0);
        expect(miss).toBeLessThan(acc);
      }
      // Turning the MMU on flushes the TLB (TLBI VMALLE1, the SCTLR write).
      expect(runs[1].tlb!.flushes).toBeGreaterThan(runs[0].tlb!.flushes);
      // stride touches 2048 pages at random, more than the 1024-entry TLB holds: most accesses miss.
      if (kernel === 'stride') {
        const s = runs[1];
        expect(s.tlb!.readMisses).toBeGreaterThan(8000);
      }
      // The JIT gives the same result and counts misses too (it does not count accesses).
      const jit = await measureSys('bare', 'jit', kernel, n, 1);
      expect(jit.out.split('\n').pop()).toBe(user.out);
      expect(jit.accesses).toBeUndefined();
      expect(jit.tlb!.readMisses + jit.tlb!.writeMisses).toBeGreaterThan(0);
    }, 120_000);
  }

  it('prints a table row per kernel', () => {
    const row: SysRow = {
      kernel: 'copy', memoryHeavy: true, insns: { user: 1, mmu_off: 1, mmu_4k: 1, mmu_2m: 1 },
      mips: { user: 300, mmu_off: 310, mmu_4k: 250, mmu_2m: 260 }, cost4k: 1.2, cost2m: 300 / 260,
      hitRate: { user: 0.999, mmu_off: 0.999, mmu_4k: 0.998, mmu_2m: 0.998 }, accesses: {}, jitMisses: { user: 10, mmu_4k: 20, mmu_2m: 30 }, checksum: '0x1',
    };
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try { printSysTable([row]); } finally { console.log = log; }
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^copy \(mem\)\s+300\.0\s+310\.0\s+250\.0\s+260\.0\s+1\.20\s+1\.15\s+99\.90%\s+99\.80%\s+99\.80%\s+10\/20\/30$/);
  });
});
