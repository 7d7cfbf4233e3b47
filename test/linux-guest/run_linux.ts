// Runs the bundled Linux guest (guests/linux) for the tests: scripted runs through the real
// `krustvm boot --cmd` path (bootMain, console to a file), and interactive runs through the
// machine API with the console in a buffer.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BufferBackend } from '../../devices/serial/backend.js';
import { bootMain } from '../../src/machine/cli-boot.js';
import { bootLayout, planBoot } from '../../src/machine/boot.js';
import { BUNDLED_APPEND, BUNDLED_APPEND_CMD, ExitStatusMarker, bundledGuest, cmdBootargs } from '../../src/machine/guest.js';
import type { Machine } from '../../src/machine/machine.js';
import type { RunResult, Scheduler } from '../../src/machine/scheduler.js';

export interface CmdRun { status: number; out: string; seconds: number }

/** `krustvm boot --cmd CMD` with the console in a file: the exit status and the console text. */
export async function bootCmd(cmd: string, o: { engine?: 'jit' | 'interp'; smp?: number; maxInsns?: number; icount?: boolean; append?: string } = {}): Promise<CmdRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-linux-'));
  const file = path.join(dir, 'console.txt');
  const t0 = Date.now();
  try {
    const status = await bootMain({ cmd, engine: o.engine ?? 'jit', smp: o.smp, icount: o.icount, append: o.append, m: '256M', serial: `file:${file}`, 'max-insns': o.maxInsns ?? 2e9 });
    return { status, out: fs.readFileSync(file, 'latin1').replace(/\r\n/g, '\n'), seconds: (Date.now() - t0) / 1000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface Interactive { machine: Machine; scheduler: Scheduler; serial: BufferBackend; done: Promise<unknown>; text(): string }

/** Boots the bundled guest with no command (the shell), console in a buffer, input possible. */
export function bootInteractive(o: { engine?: 'jit' | 'interp'; cpus?: number } = {}): Interactive {
  const g = bundledGuest();
  if (!g) throw new Error('bundled guest missing');
  const ramBytes = 256 * 2 ** 20, cpus = o.cpus ?? 1;
  const serial = new BufferBackend();
  const plan = planBoot({ kernel: g.kernel, initrd: g.initrd, append: BUNDLED_APPEND, gunzipInitrd: true }, ramBytes, cpus);
  const { machine, scheduler } = bootLayout(plan, { ramBytes, cpus, engine: o.engine ?? 'jit', serial }, true);
  const done = scheduler.run({ maxInsns: 2e9 });
  return { machine, scheduler, serial, done, text: () => serial.text().replace(/\r\n/g, '\n') };
}

/** Waits until `pred(text)` holds (polling), or throws after `ms`. */
export async function waitFor(i: Interactive, pred: (t: string) => boolean, ms: number): Promise<void> {
  const t0 = Date.now();
  while (!pred(i.text())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out; console so far:\n${i.text().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** dmesg lines that mean the machine model displeased the kernel: unknown registers or
 *  instructions, device-tree trouble, timer/GIC/PSCI complaints, oopses and warnings. */
export const MODEL_COMPLAINTS = [
  /WARNING:|Oops|BUG:|Internal error|Call trace|Unable to handle|Kernel panic/i,
  /undefined instruction|unknown (register|sysreg|instruction)|unhandled/i,
  /\bOF:|device tree|\bDT\b.*(bad|invalid|missing)|no .*(node|property)/i,
  /arch_timer.*(fail|error|not |invalid|broken)|clocksource.*unstable|timekeeping watchdog/i,
  /GIC.*(fail|error|warn|not found|mask)|spurious|irq.*(nobody cared|bad|failed)/i,
  /psci.*(fail|error|not supported|invalid)/i,
  /FIRMWARE BUG|FW BUG|\[Firmware Bug\]|CPU features: .*mismatch|SANITY CHECK/i,
  /failed|error|invalid|cannot|can't|unable/i,
];

/** The complaining lines of a dmesg text. */
export function complaints(dmesg: string): string[] {
  return dmesg.split('\n').filter((l) => MODEL_COMPLAINTS.some((re) => re.test(l)));
}

/** A console that remembers when (host monotonic ms) each piece of output arrived. */
export class TimedBackend extends BufferBackend {
  readonly stamps: { ms: number; end: number }[] = [];
  private n = 0;
  override write(data: Uint8Array): void {
    super.write(data);
    this.n += data.length;
    this.stamps.push({ ms: performance.now(), end: this.n });
  }
  /** Host time at which the console output first contained `s` (latin1), or undefined. */
  when(s: string): number | undefined {
    const all = Buffer.from(this.bytes()).toString('latin1');
    const i = all.indexOf(s);
    if (i < 0) return undefined;
    return this.stamps.find((x) => x.end >= i + s.length)?.ms;
  }
}

/** Like bootCmd, in this process with the console in a TimedBackend: when each line appeared. */
export async function bootCmdTimed(cmd: string, o: { engine?: 'jit' | 'interp' } = {}): Promise<{ status: number | undefined; serial: TimedBackend; result: RunResult }> {
  const g = bundledGuest();
  if (!g) throw new Error('bundled guest missing');
  const ramBytes = 256 * 2 ** 20, cpus = 1;
  const serial = new TimedBackend();
  const marker = new ExitStatusMarker(serial);
  const plan = planBoot({ kernel: g.kernel, initrd: g.initrd, append: `${BUNDLED_APPEND_CMD} ${cmdBootargs(cmd)}`, gunzipInitrd: true }, ramBytes, cpus);
  const { scheduler } = bootLayout(plan, { ramBytes, cpus, engine: o.engine ?? 'jit', serial: marker });
  const r = await scheduler.run({ maxInsns: 2e9 });
  await marker.close();
  return { status: r.reason === 'exit' ? marker.status : undefined, serial, result: r };
}
