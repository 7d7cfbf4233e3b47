// Several VMs in one krustvm process: `krustvm boot --vm a.json --vm b.json [--until all|first]`.
//
// Each VM (its options: vm-config.ts) is booted exactly as `krustvm boot` would boot it alone —
// its own Machine and Scheduler, by bootMain — and all of them run at once in this one event
// loop: a scheduler gives the loop back every ~20 ms, so the VMs take turns in slices of that
// order. What they share is the process: their NICs meet on the in-process switches
// (`--net switch…`, devices/net/switch.ts), and the console.
//
// Console: each VM's lines go to stdout prefixed with "[name] " (whole lines, so two VMs never
// mix inside a line), unless the VM says `"serial": "file:PATH"`, "none" or "stdio" (at most one
// VM may take the terminal).
//
// End of the run: with --until all (the default) when every VM has ended; with --until first as
// soon as one VM ends (the others are stopped as by Ctrl-A x). A VM that fails to start stops the
// others. Exit status: the first non-zero status a VM ended with (by the time it ended; VMs
// stopped by the run itself do not count), else 0.
import yargs, { type Argv } from 'yargs';
import type { SerialBackend } from '../../devices/serial/backend.js';
import { writeAllSync } from '../../devices/serial/stdio.js';
import { LoadError } from './loader.js';
import type { Scheduler } from './scheduler.js';
import { type VmSpec, VmSpecError, checkNames, readVmSpec } from './vm-config.js';

export const EXIT_USAGE = 2, EXIT_BAD_INPUT = 66;

/** Boot options a VM's own config must carry (they make no sense for all VMs at once). */
const PER_VM_ONLY = ['kernel', 'initrd', 'append', 'dtb', 'cmd', 'm', 'smp', 'kernel-addr', 'max-insns', 'net', 'net-pcap'] as const;
/** Boot options given beside --vm that become every VM's default. */
const SHARED_DEFAULTS = ['engine', 'icount', 'stats', 'mode'] as const;

export interface MultiVmArgs {
  vm?: string[];
  until?: 'all' | 'first';
  [option: string]: unknown;
}

/** What bootMain takes from the multi-VM runner (the hooks of BootArgs). */
export interface VmHooks {
  /** The VM's console when its options name none (prefixed lines on stdout). */
  serialBackend?: SerialBackend;
  /** Called once the VM's machine exists, before it runs. */
  onStart?: (scheduler: Scheduler) => void;
  /** The VM's name: it labels the VM's --stats and end-of-run lines. */
  vmName?: string;
}

/** The boot command's --vm and --until options (added to its builder). */
export function multiVmOptions<T>(y: Argv<T>) {
  return y
    .option('vm', { type: 'string', array: true, describe: 'run several VMs in this process, one --vm each: a JSON file (or inline JSON) of boot options by long name plus "name", e.g. {"name":"a","net":"switch","cmd":"ping -c 3 10.0.0.87"}; consoles are prefixed [name] unless a VM sets "serial"; exit status: the first non-zero (guests/linux/README.md)' })
    .option('until', { choices: ['all', 'first'] as const, describe: 'with --vm: end the run when all VMs have ended (default) or when the first one ends' })
    .example('krustvm boot --vm a.json --vm b.json', 'two VMs; with "net": "switch" in both they share one LAN');
}

/** Text to stdout; on a terminal with CR LF line ends (another VM's console may have put it in
 *  raw mode). */
function writeStdout(text: string): void {
  writeAllSync(1, Buffer.from(process.stdout.isTTY ? text.replace(/\n/g, '\r\n') : text, 'latin1'));
}

/** A VM's console on stdout: every line prefixed with "[name] ". Whole lines only (a partial
 *  line waits for its end, or for close()). Bytes pass as latin1 characters, so a UTF-8
 *  sequence split between two writes arrives intact. */
export class PrefixedConsole implements SerialBackend {
  private partial = '';
  constructor(readonly prefix: string, private readonly out: (text: string) => void = writeStdout) {}
  write(data: Uint8Array): void {
    const text = this.partial + Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1').replace(/\r/g, '');
    const end = text.lastIndexOf('\n');
    this.partial = text.slice(end + 1);
    if (end < 0) return;
    this.out(text.slice(0, end + 1).split('\n').slice(0, -1).map((l) => `${this.prefix}${l}\n`).join(''));
  }
  setReceiver(): void {}
  async close(): Promise<void> {
    if (this.partial) { this.out(`${this.prefix}${this.partial}\n`); this.partial = ''; }
  }
}

function say(line: string): void { process.stderr.write(`krustvm: ${line}\n`); }

/** The boot options of one VM, parsed by the boot command's own parser. */
function parseVm(spec: VmSpec, top: MultiVmArgs, builder: (y: Argv) => Argv): Record<string, unknown> {
  const words = [...spec.words];
  for (const k of SHARED_DEFAULTS) {
    const given = words.some((w) => w === `--${k}` || w === `--no-${k}`);
    if (!given && top[k] !== undefined && top[k] !== false) words.push(`--${k}`, String(top[k]));
  }
  const y = yargs(words).strict().help(false).version(false).exitProcess(false)
    .fail((msg, err) => { throw new VmSpecError(`${spec.source}: ${(err?.message ?? msg).replace(/\s*\n\s*/g, ' ')}`); });
  const a = builder(y as unknown as Argv).parseSync() as Record<string, unknown>;
  if (a._ && (a._ as unknown[]).length) throw new VmSpecError(`${spec.source}: unexpected words ${(a._ as unknown[]).join(' ')}`);
  for (const k of ['engine', 'serial'] as const) {
    if (Array.isArray(a[k])) throw new VmSpecError(`${spec.source}: "${k}" given more than once`);
  }
  return a;
}

/**
 * Runs the VMs of `top.vm`; `boot` boots one VM (bootMain with the hooks) and returns its exit
 * status; `builder` is the boot command's option builder. Returns the run's exit status.
 */
export async function runVms(top: MultiVmArgs, boot: (a: Record<string, unknown> & VmHooks) => Promise<number>, builder: (y: Argv) => Argv): Promise<number> {
  let vms: { spec: VmSpec; args: Record<string, unknown> }[];
  try {
    const given = PER_VM_ONLY.filter((k) => top[k] !== undefined);
    if (given.length) throw new VmSpecError(`--vm: give ${given.map((k) => `--${k}`).join(', ')} inside each VM's config, not beside --vm`);
    const specs = (top.vm ?? []).map((s, i) => readVmSpec(s, i));
    checkNames(specs);
    vms = specs.map((spec) => ({ spec, args: parseVm(spec, top, builder) }));
    const terminals = vms.filter((v) => v.spec.words.includes('--serial') && v.args.serial === 'stdio');
    if (terminals.length > 1) throw new VmSpecError(`--vm: only one VM can have "serial": "stdio" (${terminals.map((v) => v.spec.name).join(', ')} ask for it)`);
  } catch (x) {
    if (x instanceof VmSpecError) { say(`${x.message} (see krustvm boot --help)`); return EXIT_USAGE; }
    if (x instanceof LoadError) { say(x.message); return EXIT_BAD_INPUT; }
    throw x;
  }

  const until = top.until ?? 'all';
  const schedulers: (Scheduler | undefined)[] = vms.map(() => undefined);
  const stoppedByRun = new Set<number>();
  let ending = false, firstFailure: number | undefined;
  const stopOthers = (except: number) => {
    ending = true;
    vms.forEach((_, j) => { if (j !== except) { stoppedByRun.add(j); schedulers[j]?.quit(); } });
  };
  let crash: unknown;
  const runs = vms.map(async (vm, i) => {
    let started = false, code: number;
    const ownConsole = vm.spec.words.includes('--serial');
    try {
      code = await boot({
        ...vm.args,
        serialBackend: ownConsole ? undefined : new PrefixedConsole(`[${vm.spec.name}] `),
        onStart: (s) => { started = true; schedulers[i] = s; if (ending && stoppedByRun.has(i)) s.quit(); },
        vmName: vm.spec.name,
      });
    } catch (x) {
      // Not one of boot's own errors (those come back as a status): stop the others, then let
      // it through as a single VM would.
      crash ??= x;
      if (!ending) stopOthers(i);
      return;
    }
    if (code !== 0 && !stoppedByRun.has(i)) {
      say(`VM ${vm.spec.name} ended with status ${code}`);
      firstFailure ??= code;
    }
    if (!ending && (!started || until === 'first')) stopOthers(i);
  });
  await Promise.all(runs);
  if (crash !== undefined) throw crash;
  return firstFailure ?? 0;
}
