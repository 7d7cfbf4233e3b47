// Runs a bare-metal test guest (test/baremetal/bin) on the machine with its UART captured.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BufferBackend } from '../../devices/serial/backend.js';
import { bootLayout, planBoot } from '../../src/machine/boot.js';
import type { RunResult } from '../../src/machine/scheduler.js';
import type { Machine } from '../../src/machine/machine.js';

export const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../baremetal/bin');

export interface GuestRun extends RunResult { out: string; machine: Machine }

export async function runGuest(name: string, o: { engine?: 'interp' | 'jit'; cpus?: number; icount?: boolean; maxInsns?: number; ramMiB?: number; checkJit?: boolean; jitThreshold?: number } = {}): Promise<GuestRun> {
  const ramBytes = (o.ramMiB ?? 64) * 2 ** 20, cpus = o.cpus ?? 1;
  const serial = new BufferBackend();
  const plan = planBoot({ kernel: path.join(BIN, `${name}.elf`) }, ramBytes, cpus);
  const { machine, scheduler } = bootLayout(plan, { ramBytes, cpus, engine: o.engine ?? 'interp', icount: o.icount ?? true, serial, checkJit: o.checkJit, jitThreshold: o.jitThreshold });
  const r = await scheduler.run({ maxInsns: o.maxInsns ?? 50_000_000 });
  return { ...r, out: serial.text(), machine };
}
