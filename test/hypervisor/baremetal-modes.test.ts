// The bare-metal guests (test/baremetal) give the same results in bare, kvm and krustvm modes,
// with both engines: the same UART text, exit status and instruction count (icount time, the
// core adds no guest instructions). In the VM modes the guest RAM is scattered over host pages.
// A VM's vCPU waits in WFE on its event register as a bare CPU does (src/sys/wfe-wait.ts, in the
// core), so the smp guest's WFE spinlock retires the same instruction count too.
import { describe, expect, it } from 'vitest';
import { runGuest } from '../sys/run_guest.js';
import { runVmGuest } from './run_vm.js';

const GUESTS: [string, number][] = [['hello', 1], ['exc', 1], ['mmu', 1], ['timer', 1], ['fp', 1], ['smp', 4]];

for (const engine of ['interp', 'jit'] as const) {
  describe(`bare-metal guests in every mode (${engine})`, () => {
    for (const [name, cpus] of GUESTS) {
      it(`${name}: bare, kvm and krustvm agree`, async () => {
        const bare = await runGuest(name, { engine, cpus });
        expect(bare.out).toContain('ALL PASSED');
        for (const isolation of ['kvm', 'krustvm'] as const) {
          const vm = await runVmGuest(name, isolation, { engine, cpus });
          expect(vm.out).toBe(bare.out);
          expect(vm.reason).toBe('exit');
          expect(vm.exitCode).toBe(0);
          expect(vm.insns).toBe(bare.insns);
          expect(vm.machine.core.log.get('exits: mmio')).toBeGreaterThan(0);
        }
      }, 120_000);
    }
  });
}
