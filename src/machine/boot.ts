// Boots the machine from files: reads kernel/initrd/DTB (one-line LoadErrors for bad input),
// lays them out, powers on CPU 0 in the boot state and returns the machine with its scheduler.
import * as fs from 'node:fs';
import { Machine, type MachineOptions } from './machine.js';
import { Scheduler } from './scheduler.js';
import { LoadError, layout, parseKernel, writeLayout, type Layout } from './loader.js';

export interface BootFiles {
  kernel: string;
  initrd?: string;
  dtb?: string;
  append?: string;
  /** Load address of a raw binary kernel. */
  kernelAddr?: number;
}

export function readInput(file: string, what: string): Uint8Array {
  try {
    const st = fs.statSync(file);
    if (st.isDirectory()) throw new LoadError(`${file}: is a directory; give the ${what} file`);
    return fs.readFileSync(file);
  } catch (x) {
    if (x instanceof LoadError) throw x;
    const code = (x as { code?: string }).code;
    throw new LoadError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read it (${code})`}; check the ${what} path`);
  }
}

/** The layout for `files` on a machine of `ramBytes`/`cpus` (no machine needed: `krustvm dtb`). */
export function planBoot(files: BootFiles, ramBytes: number, cpus: number): Layout {
  const k = parseKernel(files.kernel, readInput(files.kernel, 'kernel'), ramBytes, files.kernelAddr);
  return layout(k, {
    ramBytes, cpus, bootargs: files.append,
    initrd: files.initrd ? { file: files.initrd, data: readInput(files.initrd, 'initrd') } : undefined,
    dtb: files.dtb ? { file: files.dtb, data: readInput(files.dtb, 'device tree') } : undefined,
  });
}

/** Creates the machine, loads it per `l`, and starts CPU 0 at the kernel entry. */
export function bootLayout(l: Layout, opts: MachineOptions, inputPossible = false): { machine: Machine; scheduler: Scheduler } {
  const machine = new Machine(opts);
  writeLayout(machine.ram, l);
  machine.powerOn(0, l.kernel.entry, BigInt(l.dtbAddr));
  return { machine, scheduler: new Scheduler(machine, inputPossible) };
}
