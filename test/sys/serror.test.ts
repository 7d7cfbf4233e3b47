// SError (asynchronous abort): the bare-metal guest test/baremetal/src/serror.c asks for an SError
// each time it prints "serror: ready N"; the test makes one pending between slices — on the bare
// machine through SysEnv.injectSError, in a VM through the hypervisor core's virtual SError
// (KCore.injectVirtualSError, HCR_EL2.VSE-like) — and the guest checks ISR_EL1.A, PSTATE.A
// masking, the vector taken and ESR_EL1. Both engines, bare and kvm modes.
// QEMU: the virt build of the guest runs under qemu-system-aarch64 -M virt,virtualization=on,
// enters at EL2, drops to EL1 and sets HCR_EL2.VSE itself (HVC #0x5e) at each "ready" line —
// the way QEMU can raise an SError (TCG has no physical SError source); its result lines must
// equal krustvm's.
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { hasTool, itWith } from '../util/tools.js';
import { BufferBackend } from '../../devices/serial/backend.js';
import { bootLayout, planBoot } from '../../src/machine/boot.js';
import { Scheduler } from '../../src/machine/scheduler.js';
import type { Machine } from '../../src/machine/machine.js';
import { VmMachine } from '../../hypervisor/host/vm-machine.js';
import { BIN } from './run_guest.js';

const QEMU = 'qemu-system-aarch64';
const resultLines = (out: string) => out.replace(/\r/g, '').split('\n').filter((l) => /^(PASS|FAIL|serror: ready)/.test(l));

type Mode = 'bare' | 'kvm';

async function runSerror(engine: 'interp' | 'jit', mode: Mode, checkJit = false) {
  const ramBytes = 64 * 2 ** 20;
  const serial = new BufferBackend();
  const layout = planBoot({ kernel: path.join(BIN, 'serror.elf') }, ramBytes, 1);
  let scheduler: Scheduler;
  let inject: () => void;
  if (mode === 'bare') {
    const b = bootLayout(layout, { ramBytes, cpus: 1, engine, icount: true, serial, checkJit, jitThreshold: checkJit ? 20 : undefined });
    scheduler = b.scheduler;
    inject = () => b.machine.vcpus[0].env.injectSError();
  } else {
    const m = VmMachine.create({ isolation: 'kvm', ramBytes, cpus: 1, engine, icount: true, serial, checkJit }, { layout });
    if ('error' in m) throw new Error(m.error);
    scheduler = new Scheduler(m as unknown as Machine);
    inject = () => { const r = m.core.injectVirtualSError(m.vm, 0); if (!('ok' in r) || !r.ok) throw new Error('refused'); };
  }
  let injected = 0, limit = 0;
  let r;
  for (;;) {
    limit += 20_000;
    r = await scheduler.run({ maxInsns: limit, quantum: 5_000 });
    const ready = (serial.text().match(/serror: ready \d/g) ?? []).length;
    if (ready > injected) { inject(); injected++; }
    if (r.reason !== 'limit' || limit > 60_000_000) break;
  }
  return { ...r, out: serial.text(), injected };
}

for (const engine of ['interp', 'jit'] as const) {
  describe(`SError (${engine})`, () => {
    for (const mode of ['bare', 'kvm'] as const) {
      it(`${mode}: pending in ISR_EL1.A, masked by PSTATE.A, taken at 0x380 / 0x580 with EC 0x2F`, async () => {
        const r = await runSerror(engine, mode);
        expect(r.out.split('\n').filter((l) => l.startsWith('FAIL'))).toEqual([]);
        expect(r.out).toContain('ALL PASSED');
        expect(r.injected).toBe(3);
        expect(r.reason).toBe('exit');
        expect(r.exitCode).toBe(0);
      }, 60_000);
    }
  });
}

it('SError guest under --check-jit: no difference', async () => {
  const r = await runSerror('jit', 'bare', true);
  expect(r.message).not.toMatch(/check-jit/);
  expect(r.out).toContain('ALL PASSED');
}, 60_000);

itWith(hasTool(QEMU), QEMU, 'qemu-system-arm')('the same result lines as qemu-system-aarch64 (virtual SError from EL2, HCR_EL2.VSE)', async () => {
  const q = spawnSync(QEMU, ['-nographic', '-M', 'virt,gic-version=2,virtualization=on', '-cpu', 'cortex-a72', '-m', '128M',
    '-monitor', 'none', '-serial', 'stdio', '-kernel', path.join(BIN, 'virt/serror.elf')], { encoding: 'utf8', timeout: 60_000 });
  expect(q.status).toBe(0);
  expect(q.stdout).toContain('ALL PASSED');
  const want = resultLines(q.stdout);
  expect(want.length).toBeGreaterThan(20);
  for (const engine of ['interp', 'jit'] as const) {
    for (const mode of ['bare', 'kvm'] as const) expect(resultLines((await runSerror(engine, mode)).out)).toEqual(want);
  }
}, 120_000);
