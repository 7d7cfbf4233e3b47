// Boots the machine from files: reads kernel/initrd/DTB (one-line LoadErrors for bad input),
// lays them out, powers on CPU 0 in the boot state and returns the machine with its scheduler.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { Machine, type MachineOptions } from './machine.js';
import { Scheduler } from './scheduler.js';
import { LoadError, layout, parseKernel, writeLayout, type Layout } from './loader.js';
import { INITRD_MAX_UNPACKED, KERNEL_MAX_UNPACKED, prefetched } from './prefetch.js';

export interface BootFiles {
  kernel: string;
  initrd?: string;
  /** Decompress a gzip initrd on the host before loading it (the bundled guest: the kernel then
   *  only copies the cpio archive instead of inflating it, about a quarter of its boot). */
  gunzipInitrd?: boolean;
  dtb?: string;
  append?: string;
  /** Load address of a raw binary kernel. */
  kernelAddr?: number;
  /** virtio-mmio slots the generated DTB describes (one per NIC). */
  virtioSlots?: number;
  /** /chosen/rng-seed for the kernel's RNG (see bootRngSeed). */
  rngSeed?: Uint8Array;
}

/** The boot loader's entropy for the kernel (/chosen/rng-seed, 32 bytes as QEMU passes): random,
 *  or under --icount a fixed value, since a deterministic run must not depend on the host. */
export function bootRngSeed(deterministic: boolean): Uint8Array {
  if (!deterministic) return new Uint8Array(crypto.randomBytes(32));
  return new Uint8Array(crypto.createHash('sha256').update('krustvm --icount rng-seed').digest());
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

/** The kernel file's bytes; a gzip-compressed kernel (Image.gz, as QEMU also accepts) is
 *  decompressed (or was already, by a prefetch: prefetch.ts). */
export function readKernel(file: string): Uint8Array {
  const ready = prefetched(file, KERNEL_MAX_UNPACKED);
  if (ready) return ready;
  const b = readInput(file, 'kernel');
  if (b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return b;
  try {
    return zlib.gunzipSync(b, { maxOutputLength: KERNEL_MAX_UNPACKED });
  } catch (x) {
    throw new LoadError(`${file}: is gzip-compressed but does not decompress (${(x as Error).message}); the file is damaged`);
  }
}

function readInitrd(file: string, gunzip: boolean): Uint8Array {
  const ready = gunzip ? prefetched(file, INITRD_MAX_UNPACKED) : undefined;
  if (ready) return ready;
  const b = readInput(file, 'initrd');
  if (!gunzip || b.length < 2 || b[0] !== 0x1f || b[1] !== 0x8b) return b;
  try {
    return zlib.gunzipSync(b, { maxOutputLength: INITRD_MAX_UNPACKED });
  } catch (x) {
    throw new LoadError(`${file}: is gzip-compressed but does not decompress (${(x as Error).message}); the file is damaged`);
  }
}

/** The layout for `files` on a machine of `ramBytes`/`cpus` (no machine needed: `krustvm dtb`). */
export function planBoot(files: BootFiles, ramBytes: number, cpus: number): Layout {
  const k = parseKernel(files.kernel, readKernel(files.kernel), ramBytes, files.kernelAddr);
  return layout(k, {
    ramBytes, cpus, bootargs: files.append, virtioSlots: files.virtioSlots, rngSeed: files.rngSeed,
    initrd: files.initrd ? { file: files.initrd, data: readInitrd(files.initrd, files.gunzipInitrd === true) } : undefined,
    dtb: files.dtb ? { file: files.dtb, data: readInput(files.dtb, 'device tree') } : undefined,
  });
}

/** What the Pi firmware leaves set up before it jumps to the kernel (config.txt enable_uart=1):
 *  UART0 enabled for 115200 8N1 with FIFOs on the 48 MHz clock (IBRD 26, FBRD 3). Linux's
 *  earlycon (like any bare-metal console) writes to the UART without initialising it. */
export function firmwareInit(machine: Machine): void {
  const u = machine.dev.uart;
  u.write(0x24, 4, 26);    // UARTIBRD
  u.write(0x28, 4, 3);     // UARTFBRD
  u.write(0x2c, 4, 0x70);  // UARTLCR_H: 8 bits, FIFOs enabled
  u.write(0x30, 4, 0x301); // UARTCR: UARTEN, TXE, RXE
}

/** Creates the machine, loads it per `l`, sets up what the firmware would (firmwareInit), and
 *  starts CPU 0 at the kernel entry. */
export function bootLayout(l: Layout, opts: MachineOptions, inputPossible = false): { machine: Machine; scheduler: Scheduler } {
  const machine = new Machine(opts);
  firmwareInit(machine);
  writeLayout(machine.ram, l);
  machine.powerOn(0, l.kernel.entry, BigInt(l.dtbAddr));
  return { machine, scheduler: new Scheduler(machine, inputPossible) };
}
