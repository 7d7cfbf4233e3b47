// Bare-metal guests (test/baremetal) on the Pi 4-shaped machine, with both engines. Each guest
// prints PASS/FAIL lines on the PL011 and powers off with the number of failures as its status.
import { describe, expect, it } from 'vitest';
import { runGuest } from './run_guest.js';

const ENGINES = ['interp', 'jit'] as const;

function expectAllPassed(r: { out: string; reason: string; exitCode: number }): void {
  const fails = r.out.split('\n').filter((l) => l.startsWith('FAIL'));
  expect(fails).toEqual([]);
  expect(r.out).toContain('ALL PASSED');
  expect(r.reason).toBe('exit');
  expect(r.exitCode).toBe(0);
}

for (const engine of ENGINES) {
  describe(`bare-metal guests (${engine})`, () => {
    it('hello: PL011 output, boot state, PSCI basics', async () => {
      const r = await runGuest('hello', { engine });
      expect(r.out).toContain('hello from bare metal');
      expectAllPassed(r);
    });
    it('exc: vectors and ESR syndromes of every exception kind', async () => {
      expectAllPassed(await runGuest('exc', { engine }));
    });
    it('mmu: tables, faults fixed and retried, AT, TTBR/ASID switch, EL0 permissions', async () => {
      expectAllPassed(await runGuest('mmu', { engine }));
    });
    it('timer: interrupts at a known rate under icount; WFI skips ahead instead of spinning', async () => {
      const a = await runGuest('timer', { engine });
      expectAllPassed(a);
      // 10 periods of 5400 ticks are 1,000,000 instructions of guest time at 1 ns each; the
      // guest waits in WFI, so far fewer instructions actually run.
      expect(a.insns).toBeLessThan(200_000);
      const b = await runGuest('timer', { engine });
      expect(b.out).toBe(a.out);
      expect(b.insns).toBe(a.insns);
    });
    it('fp: CPACR_EL1.FPEN traps (EC 0x07) at EL1 and EL0, exact and without effect, lazy enable', async () => {
      expectAllPassed(await runGuest('fp', { engine }));
    });
    it('smp: 4 CPUs by PSCI CPU_ON, SGIs, LDXR/STXR atomics and a spinlock', async () => {
      expectAllPassed(await runGuest('smp', { engine, cpus: 4 }));
    }, 60_000);
  });
}
