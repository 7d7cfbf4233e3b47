// `krustvm boot` and `krustvm dtb` as yargs command modules (registered by src/cli/cli.ts).
//   krustvm boot [--kernel FILE] [--initrd FILE] [--append "…"] [--dtb FILE] [-m SIZE] [--smp N]
//                [--serial stdio|file:PATH|none] [--engine jit|interp] [--icount] [--cmd 'CMD'] [--stats]
// Without --kernel the bundled guest boots (guests/linux: Linux 6.1 + busybox initramfs, see
// guest.ts); --cmd runs one shell command in it and exits with the command's status.
//   krustvm dtb [same machine options] [-o FILE]
// QEMU spellings are accepted: -kernel, -initrd, -append, -dtb, -m, -smp, -nographic (a no-op:
// there is no graphics). Exit status: the guest's (PSCI SYSTEM_OFF with x1 = status and
// x2 = 0x6b766d78 "kvmx", else 0), 0 after Ctrl-A x, 1 when the guest is stuck, 2 for usage
// errors, 66 for bad input files. Errors are one line on stderr.
import * as fs from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { NullBackend, type SerialBackend } from '../../devices/serial/backend.js';
import { StdioBackend } from '../../devices/serial/stdio.js';
import { FileBackend } from '../../devices/serial/file.js';
import { CoalescedSerial } from '../../devices/serial/coalesce.js';
import { buildBoardDtb } from '../board/pi4.js';
import { MAX_RAM } from './machine.js';
import { LoadError } from './loader.js';
import { bootLayout, bootRngSeed, planBoot } from './boot.js';
import { prefetchesSettled } from './prefetch.js';
import { BUNDLED_APPEND, BUNDLED_APPEND_CMD, ExitStatusMarker, bundledGuest, cmdBootargs } from './guest.js';
import { multiVmOptions, runVms, type MultiVmArgs, type VmHooks } from './multi-vm.js';
import { type NetArgs, netOptions, openNetArgs, parseNetArgs } from './net-args.js';
import { bootForMode, modeOptions, type ModeArgs } from './vm-boot.js';

export const EXIT_USAGE = 2, EXIT_BAD_INPUT = 66;

/** The usual QEMU single-dash spellings, rewritten before yargs sees them. */
const QEMU_ALIASES: Record<string, string> = {
  '-kernel': '--kernel', '-initrd': '--initrd', '-append': '--append', '-dtb': '--dtb', '-m': '-m',
  '-smp': '--smp', '-nographic': '--nographic', '-serial': '--serial', '-icount': '--icount',
};
/** Rewrites QEMU-style options (call on argv before yargs parses it). */
export function qemuArgs(argv: string[]): string[] { return argv.map((w) => QEMU_ALIASES[w] ?? w); }

class UsageError extends Error {}

interface MachineArgs { m?: string; smp?: number; kernel?: string; initrd?: string; append?: string; dtb?: string }

function parseMem(s: string | undefined): number {
  if (s === undefined) return 1024 * 2 ** 20;
  const m = /^(\d+)\s*([kmg]?)i?b?$/i.exec(String(s).trim());
  if (!m) throw new UsageError(`-m ${s}: not a size (examples: 512M, 1G)`);
  const mult = { '': 2 ** 20, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Number(m[1]) * mult; // QEMU: a bare number is MiB
  if (n < 16 * 2 ** 20 || n > MAX_RAM) throw new UsageError(`-m ${s}: must be between 16M and 2G`);
  return Math.ceil(n / 4096) * 4096;
}
function parseSmp(n: number | undefined): number {
  const v = n ?? 1;
  if (!Number.isInteger(v) || v < 1 || v > 8) throw new UsageError(`--smp ${n}: give 1..8 CPUs`);
  return v;
}

function machineOptions<T>(y: Argv<T>) {
  return y
    .option('m', { alias: 'memory', type: 'string', describe: 'guest RAM, e.g. 512M or 1G (default 1G, at most 2G; a bare number is MiB)' })
    .option('smp', { type: 'number', describe: 'number of CPUs, 1..8 (default 1)' })
    .option('append', { type: 'string', describe: 'kernel command line (chosen/bootargs)' })
    .option('initrd', { type: 'string', describe: 'initramfs to load (described in chosen/linux,initrd-*)' })
    .option('dtb', { type: 'string', describe: 'use this device tree blob instead of the generated one' });
}

function say(line: string): void { process.stderr.write(`krustvm: ${line}\n`); }

/** Runs `fn`, turning our errors into one-line messages and an exit status. */
async function guarded(fn: () => Promise<number>): Promise<number> {
  try { return await fn(); } catch (x) {
    if (x instanceof UsageError) { say(`${x.message} (see krustvm boot --help)`); return EXIT_USAGE; }
    if (x instanceof LoadError) { say(x.message); return EXIT_BAD_INPUT; }
    if (x instanceof Error && /^pi4 board: /.test(x.message)) { say(x.message); return EXIT_USAGE; }
    throw x;
  }
}

function serialBackend(spec: string, onQuit: () => void): { backend: SerialBackend; input: boolean } {
  if (spec === 'stdio') return { backend: new StdioBackend({ onQuit }), input: true };
  if (spec === 'none' || spec === 'null') return { backend: new NullBackend(), input: false };
  if (spec.startsWith('file:')) return { backend: new FileBackend(spec.slice(5)), input: false };
  throw new UsageError(`--serial ${spec}: give stdio, file:PATH or none`);
}

export interface BootArgs extends MachineArgs, VmHooks, NetArgs {
  serial?: string; engine?: 'jit' | 'interp'; icount?: boolean; nographic?: boolean; 'kernel-addr'?: string; 'max-insns'?: number;
  /** Run this shell command in the bundled guest (or a guest whose /init follows guest.ts) and
   *  exit with its status. */
  cmd?: string;
  /** Print instructions, time and MIPS on stderr at the end. */
  stats?: boolean;
  /** Check every JIT-compiled unit against the interpreter (jit/check.ts). */
  'check-jit'?: boolean;
  /** Several VMs in this process (multi-vm.ts). */
  vm?: string[];
}

/** `krustvm boot`: returns the exit status. */
export async function bootMain(a: BootArgs): Promise<number> {
  if (a.vm?.length) return runVms(a as unknown as MultiVmArgs, (v) => bootMain(v as BootArgs), (y) => (bootCommands(() => {})[0].builder as (y: Argv) => Argv)(y));
  return guarded(async () => {
    a = { ...a };
    let bundled = false;
    if (!a.kernel) {
      // The bundled guest: its kernel, initramfs and command line unless given.
      bundled = true;
      const g = bundledGuest();
      if (!g) throw new LoadError('boot: no --kernel given and the bundled guest (guests/linux/Image.gz, initramfs.cpio.gz) is missing; give --kernel FILE');
      a.kernel = g.kernel;
      a.initrd ??= g.initrd;
      a.append ??= a.cmd !== undefined ? BUNDLED_APPEND_CMD : BUNDLED_APPEND;
    }
    if (a.cmd !== undefined) {
      if (a.cmd === '') throw new UsageError('--cmd: give a command');
      if (a.dtb) throw new UsageError('--cmd passes the command on the kernel command line; it cannot be used with --dtb');
      a.append = `${a.append ?? ''} ${cmdBootargs(a.cmd)}`.trim();
    }
    const ramBytes = parseMem(a.m), cpus = parseSmp(a.smp);
    const kernelAddr = a['kernel-addr'] !== undefined ? Number(a['kernel-addr']) : undefined;
    if (kernelAddr !== undefined && !(Number.isSafeInteger(kernelAddr) && kernelAddr >= 0 && kernelAddr % 4 === 0)) throw new UsageError(`--kernel-addr ${a['kernel-addr']}: give a 4-byte aligned address`);
    const netSpecs = parseNetArgs(a, (m) => new UsageError(m));
    await prefetchesSettled(); // the bundled images, decompressed while krustvm loaded (prefetch.ts)
    const plan = planBoot({ kernel: a.kernel, initrd: a.initrd, dtb: a.dtb, append: a.append, kernelAddr, gunzipInitrd: bundled, virtioSlots: netSpecs.length, rngSeed: bootRngSeed(a.icount === true) }, ramBytes, cpus);
    if (a.dtb && (a.append !== undefined || a.initrd)) say('warning: with --dtb the given device tree is used unchanged (--append and --initrd are not written into it)');
    let quit = () => {};
    const s = a.serialBackend ? { backend: a.serialBackend, input: false } : serialBackend(a.serial ?? 'stdio', () => quit());
    const marker = a.cmd !== undefined ? new ExitStatusMarker(s.backend) : undefined;
    // One host write per event-loop turn, not per character (devices/serial/coalesce.ts).
    const backend = new CoalescedSerial(marker ?? s.backend);
    const t0 = process.hrtime.bigint();
    const net = await openNetArgs(netSpecs, a, (m) => new UsageError(m)).catch(async (x) => { await backend.close(); throw x; });
    const { scheduler, statsLines } = bootForMode(a as ModeArgs, plan, { ramBytes, cpus, engine: a.engine ?? 'jit', icount: a.icount === true, serial: backend, nics: net?.nics, checkJit: a['check-jit'] === true }, s.input || net !== null);
    quit = () => scheduler.quit();
    a.onStart?.(scheduler);
    const r = await scheduler.run({ maxInsns: a['max-insns'] });
    await backend.close();
    await net?.close();
    const tag = a.vmName !== undefined ? `[${a.vmName}] ` : '';
    if (r.reason === 'stuck' || r.reason === 'limit' || a.serial === 'none' || r.message.startsWith('--check-jit')) say(tag + r.message);
    if (a.stats) {
      const sec = Number(process.hrtime.bigint() - t0) / 1e9;
      say(`${tag}${r.insns} guest instructions in ${sec.toFixed(2)} s (${(r.insns / sec / 1e6).toFixed(1)} MIPS)`);
      for (const l of statsLines()) say(tag + l);
    }
    if (marker && r.reason === 'exit') {
      if (marker.status === undefined) { say('the guest powered off without reporting the command\'s exit status'); return 1; }
      return r.exitCode !== 0 ? r.exitCode : marker.status;
    }
    if (marker && r.reason !== 'exit') return r.exitCode || 1;
    return r.exitCode;
  });
}

/** `krustvm dtb`: writes the generated DTB; returns the exit status. */
export async function dtbMain(a: MachineArgs & NetArgs & { o?: string }): Promise<number> {
  return guarded(async () => {
    const ramBytes = parseMem(a.m), cpus = parseSmp(a.smp);
    const virtioSlots = parseNetArgs(a, (m) => new UsageError(m)).length;
    let dtb: Uint8Array;
    if (a.kernel) dtb = planBoot({ kernel: a.kernel, initrd: a.initrd, append: a.append, virtioSlots }, ramBytes, cpus).dtb;
    else dtb = buildBoardDtb({ ramBytes, cpus, bootargs: a.append, virtioSlots });
    if (a.o && a.o !== '-') {
      const tmp = `${a.o}.tmp-${process.pid}`; // nothing half-written: write, then rename
      fs.writeFileSync(tmp, dtb);
      fs.renameSync(tmp, a.o);
    } else {
      if (process.stdout.isTTY) throw new UsageError('dtb: the DTB is binary; give -o FILE or redirect stdout');
      fs.writeSync(1, dtb);
    }
    return 0;
  });
}

/** The command modules; `setExit` receives the status (main.ts returns it from main()). */
export function bootCommands(setExit: (code: number) => void): CommandModule[] {
  const boot: CommandModule = {
    command: 'boot',
    describe: 'Boot a kernel (arm64 Linux Image, ELF or raw binary) on the Pi 4-shaped machine',
    builder: (y) => modeOptions(netOptions(multiVmOptions(machineOptions(y))))
      .usage('Usage: krustvm boot [--kernel FILE] [options]\n\nWithout --kernel, boots the bundled guest (guests/linux: Linux 6.1 and a busybox shell). --cmd CMD runs one command in it and exits with its status.\n\nBoots FILE at EL1 with the MMU off, x0 = the device tree address (the arm64 Linux boot protocol). QEMU spellings (-kernel, -append, -m, -smp, -nographic) work too.')
      .option('kernel', { type: 'string', describe: 'the kernel: arm64 Linux Image, ELF (loaded at its physical addresses) or raw binary' })
      .option('kernel-addr', { type: 'string', describe: 'load address of a raw binary kernel (default 0x80000)' })
      .option('serial', { type: 'string', default: 'stdio', describe: 'UART0: stdio (Ctrl-A x quits), file:PATH, or none' })
      .option('engine', { choices: ['jit', 'interp'] as const, default: 'jit' as const, describe: 'execution engine' })
      .option('icount', { type: 'boolean', default: false, describe: 'deterministic time: 1 ns of guest time per instruction' })
      .option('nographic', { type: 'boolean', describe: 'accepted for QEMU compatibility (there is no display)' })
      .option('max-insns', { type: 'number', describe: 'stop after this many guest instructions' })
      .option('cmd', { type: 'string', describe: "run this shell command in the guest, then power off and exit with its status (the bundled guest's /init)" })
      .option('stats', { type: 'boolean', default: false, describe: 'print guest instructions, run time and MIPS on stderr at the end' })
      .option('check-jit', { type: 'boolean', default: false, describe: 'check every JIT-compiled unit against the interpreter and stop at the first difference (slow)' })
      .example('krustvm boot', 'boot the bundled Linux guest to a busybox shell')
      .example("krustvm boot --cmd 'uname -a'", 'run one command in it and exit with its status')
      .example('krustvm boot --kernel Image --initrd initramfs.cpio.gz --append "console=ttyAMA0" -m 512M', 'boot Linux')
      .example('krustvm boot -kernel test.elf -nographic --icount', 'a bare-metal program, deterministic timing'),
    handler: async (a) => { setExit(await bootMain(a as unknown as BootArgs)); },
  };
  const dtb: CommandModule = {
    command: 'dtb',
    describe: 'Write the device tree the machine would give the kernel',
    builder: (y) => netOptions(machineOptions(y))
      .option('kernel', { type: 'string', describe: 'lay out this kernel (and --initrd) first, so the DTB names the initrd' })
      .option('o', { alias: 'output', type: 'string', describe: 'output file (default: stdout)' })
      .example('krustvm dtb --smp 4 -m 1G -o pi4.dtb && dtc -I dtb pi4.dtb', 'inspect it'),
    handler: async (a) => { setExit(await dtbMain(a as unknown as MachineArgs & { o?: string })); },
  };
  return [boot, dtb];
}
