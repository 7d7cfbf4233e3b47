// Runs a bare-metal test guest (test/baremetal/bin) as a VM under the hypervisor core, with its
// UART captured; in krustvm isolation the kernel is signed with a key made for the test.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BufferBackend } from '../../devices/serial/backend.js';
import { planBoot } from '../../src/machine/boot.js';
import { Scheduler, type RunResult } from '../../src/machine/scheduler.js';
import { VmMachine, kernelImage } from '../../hypervisor/host/vm-machine.js';
import { generateSigningKeys, signImage } from '../../hypervisor/core/image-verify.js';
import type { Isolation } from '../../hypervisor/core/core.js';
import { BIN } from '../sys/run_guest.js';

export const KEYS = generateSigningKeys();

export interface VmRun extends RunResult { out: string; machine: VmMachine }

/** Guests of the hypervisor tests themselves (test/hypervisor/guests, built by its build.sh). */
export const HV_GUESTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'guests');

export async function runVmGuest(name: string, isolation: Isolation, o: { engine?: 'interp' | 'jit'; cpus?: number; maxInsns?: number; ramMiB?: number; scatterSeed?: number; vgic?: boolean; elf?: string; beforeRun?: (m: VmMachine) => void } = {}): Promise<VmRun> {
  const ramBytes = (o.ramMiB ?? 64) * 2 ** 20, cpus = o.cpus ?? 1;
  const serial = new BufferBackend();
  const layout = planBoot({ kernel: o.elf ?? path.join(BIN, `${name}.elf`) }, ramBytes, cpus);
  const k = kernelImage(layout);
  const sig = signImage(k.bytes, k.ipa, KEYS.privateKeyPem);
  if (!sig.ok) throw new Error(sig.reason);
  const m = VmMachine.create({ isolation, ramBytes, cpus, engine: o.engine ?? 'interp', icount: true, serial, publicKeyPem: KEYS.publicKeyPem, scatterSeed: o.scatterSeed ?? 7, vgic: o.vgic },
    { layout, kernelSignature: sig.signature });
  if ('error' in m) throw new Error(m.error);
  o.beforeRun?.(m);
  const r = await new Scheduler(m).run({ maxInsns: o.maxInsns ?? 50_000_000 });
  return { ...r, out: serial.text(), machine: m };
}
