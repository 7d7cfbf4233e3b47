// Running guest programs under the oracle (qemu-aarch64) and under krustvm, with results in one
// comparable form. Shared by the differential suites and the random-instruction harness.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants } from 'node:os';

/** Repository root (this file sits at test/diff/ in the sources and dist/test/diff/ when built). */
export const ROOT = (() => {
  let d = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(d, 'package.json'))) {
    const up = dirname(d);
    if (up === d) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    d = up;
  }
  return d;
})();
export const GUEST_BIN = join(ROOT, 'test/guests/bin');
export const GUEST_DATA = join(ROOT, 'test/guests/data');
export const KRUSTVM_CLI = join(ROOT, 'bin/krustvm.js');
export const KRUSTVM_MAIN = join(ROOT, 'dist/src/cli/main.js');

/** The CPU model qemu emulates: krustvm models a Cortex-A72 (ARMv8.0-A), so qemu must refuse
 *  what an A72 refuses. Override with KRUSTVM_QEMU_CPU (e.g. "max"). */
export const QEMU_CPU = process.env.KRUSTVM_QEMU_CPU ?? 'cortex-a72';

/** Path of qemu-aarch64 (KRUSTVM_QEMU overrides), or undefined when it is not installed. */
export function findQemu(): string | undefined {
  const cand = process.env.KRUSTVM_QEMU ?? 'qemu-aarch64';
  const r = spawnSync(cand, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  return cand;
}

export interface RunResult {
  stdout: Buffer;
  stderr: string;
  /** Shell-style status: the exit code, or 128 + signal number when the process died by a signal.
   *  qemu dies by the guest's signal; krustvm may report it as 128+n instead — both compare equal. */
  status: number;
  /** Description for messages: "exit 0" or "signal SIGSEGV". */
  how: string;
  ms: number;
  timedOut: boolean;
}

export interface RunOpts {
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  /** Bytes written to the program's stdin (default: none, stdin closed). */
  stdin?: Buffer;
}

function statusOf(code: number | null, signal: NodeJS.Signals | null): { status: number; how: string } {
  if (signal) return { status: 128 + (constants.signals[signal] ?? 0), how: `signal ${signal}` };
  return { status: code ?? -1, how: `exit ${code}` };
}

/** Runs a command and collects everything; never rejects (spawn errors become status -1). */
export function runCommand(cmd: string, args: string[], opts: RunOpts = {}): Promise<RunResult> {
  const t0 = Date.now();
  return new Promise((res) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, opts.timeoutMs ?? 120_000);
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? Buffer.alloc(0));
    child.on('error', (e) => {
      clearTimeout(timer);
      res({ stdout: Buffer.concat(out), stderr: String(e), status: -1, how: `spawn error ${e.message}`, ms: Date.now() - t0, timedOut });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const s = statusOf(code, signal);
      res({ stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8'), ...s, ms: Date.now() - t0, timedOut });
    });
  });
}

/** Runs a guest under qemu-aarch64. Through `sh -c 'ulimit -c 0'` so a guest that dies by a
 *  signal leaves no qemu core file behind. */
export function runQemu(qemu: string, program: string, args: string[], opts: RunOpts = {}): Promise<RunResult> {
  const script = 'ulimit -c 0; exec "$@"';
  return runCommand('/bin/sh', ['-c', script, 'sh', qemu, '-cpu', QEMU_CPU, program, ...args], opts);
}

export type EngineName = 'interp' | 'jit';

/** Runs a guest under the krustvm CLI (bin/krustvm.js, which loads dist/). The krustvm CLI gives the
 *  guest a small fixed environment rather than its own, so `opts.env` is handed over explicitly
 *  (--clear-env, then --env K=V in order): the guest sees exactly what qemu's guest sees. */
export function runKrustvm(engine: EngineName, program: string, args: string[], opts: RunOpts = {}): Promise<RunResult> {
  const envFlags = opts.env ? ['--clear-env', ...Object.entries(opts.env).flatMap(([k, v]) => ['--env', `${k}=${v}`])] : [];
  return runCommand(process.execPath, [KRUSTVM_CLI, 'run', '--engine', engine, ...envFlags, program, ...args], opts);
}

/** Why krustvm cannot run yet (the CLI is not built), or undefined when it can. */
export function krustvmMissing(): string | undefined {
  if (!existsSync(KRUSTVM_MAIN)) return `krustvm CLI not built: ${KRUSTVM_MAIN} is missing (run \`npx tsc -p .\`; src/cli/main.ts must exist)`;
  return undefined;
}

/** First differing line of two outputs, for short failure messages. */
export function firstDiff(a: Buffer, b: Buffer): string {
  const la = a.toString('utf8').split('\n'), lb = b.toString('utf8').split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) {
      return `line ${i + 1}:\n  qemu:    ${JSON.stringify(la[i] ?? '<end of output>')}\n  krustvm: ${JSON.stringify(lb[i] ?? '<end of output>')}`;
    }
  }
  return 'outputs are equal';
}

export const guest = (name: string) => resolve(GUEST_BIN, name);
