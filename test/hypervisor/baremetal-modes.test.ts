// The bare-metal guests (test/baremetal) give the same results in bare, kvm and krustvm modes,
// with both engines: the same UART text, exit status and instruction count (icount time, the
// core adds no guest instructions). In the VM modes the guest RAM is scattered over host pages.
// Known gap: a bare CPU waits in WFE on its event register (src/sys/env.ts), a VM's vCPU does not
// yet (the core ends every 8th WFE as a yield), so a guest that spins with WFE (smp) retires a
// different number of instructions in a VM; its output and status must still agree.
import { describe, expect, it } from 'vitest';
import { runGuest } from '../sys/run_guest.js';
import { runVmGuest } from './run_vm.js';

const GUESTS: [string, number][] = [['hello', 1], ['exc', 1], ['mmu', 1], ['timer', 1], ['fp', 1], ['smp', 4]];
/** Guests whose spin loops use WFE (see the known gap above). */
const WFE_SPINNERS = new Set(['smp']);

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
          if (!WFE_SPINNERS.has(name)) expect(vm.insns).toBe(bare.insns);
          expect(vm.machine.core.log.get('exits: mmio')).toBeGreaterThan(0);
        }
      }, 120_000);
    }
  });
}
