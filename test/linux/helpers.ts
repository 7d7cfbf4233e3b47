// Shared helpers of the Linux user-mode tests: running guests through the API (output captured)
// or through the CLI (a child process), and locating the guest binaries.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProgram, type RunOptions, type RunResult } from '../../src/linux/run.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const GUESTS = path.join(ROOT, 'test/linux/guests');
export const bin = (name: string) => path.join(GUESTS, 'bin', name);
export const ENGINES = ['interp', 'jit'] as const;

/** Absolute path of qemu-aarch64 (so that tests may give it a bare environment), or ''. */
const QEMU = spawnSync('sh', ['-c', 'command -v qemu-aarch64'], { encoding: 'utf8' }).stdout?.trim() ?? '';
export const hasQemu = QEMU !== '' && spawnSync(QEMU, ['--version']).status === 0;

export interface Captured extends RunResult { out: string; err: string; log: string[] }

/** Runs a guest through runProgram with stdout, stderr and --strace/--trace lines captured. */
export function runCaptured(opts: RunOptions): Captured {
  const out: Uint8Array[] = [], err: Uint8Array[] = [], log: string[] = [];
  const r = runProgram({
    memory: 64 * 2 ** 20, maxInstructions: 2e8,
    stdout: (d) => out.push(d), stderr: (d) => err.push(d), log: (l) => log.push(l), ...opts,
  });
  return { ...r, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString(), log };
}

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** Runs `node bin/krustvm.js …` (the compiled CLI). */
export function cli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string | Uint8Array } = {}): CliResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/krustvm.js'), ...args], {
    cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, input: opts.input ?? '', encoding: 'latin1', timeout: 120_000, maxBuffer: 64 * 2 ** 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a program under qemu-aarch64 -cpu cortex-a72 (the oracle). */
export function qemu(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(QEMU, ['-cpu', 'cortex-a72', ...args], { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
