// The benchmark harness: runs each benchmark guest (integer loop, crc32, sha256, fib,
// memset/memcpy, double matmul and FFT, a vectorised -O3 loop) under the interpreter, the JIT and (when
// installed) qemu-aarch64 in one run, and prints medians over repeats: guest MIPS per engine,
// JIT/interpreter speed-up, krustvm-JIT/qemu speed ratio, compile time per unit, peak memory.
//
//   npm run bench [-- --repeats 5 --json results.json --only fib --engines interp,jit,qemu]
//   npm run bench -- --boot          # also the Linux boot (bundled guest): its own table
//   npm run bench -- --only boot     # only that
//   npm run bench -- --sys           # the JIT in system mode (MMU on) against user mode, TLB hit rate: bench/sys.ts
//
// Each measurement runs in a fresh child process (bench/child.ts) so JIT warm-up, caches and
// peak memory belong to that run alone. Every engine is measured the same two ways:
//  - end-to-end ("e2e"): guest instructions / wall time of the whole process on the standard
//    workload (`args`), start-up included (node and module load, handler compilation, ELF load,
//    JIT warm-up) — what a user waits for;
//  - steady state: (instructions − tiny-run instructions) / (wall time − tiny-run wall time),
//    the tiny run (`small`) taking out each engine's own fixed start-up. The JIT and qemu-aarch64
//    run the same workload about 10× bigger for this (`longArgs`; its guest instruction count is
//    the standard one scaled by `longScale`: the programs are deterministic), so warm-up that
//    grows with the code run (compiling units, V8 optimising the big ones: up to ~0.3 s of a
//    second core for sha256) weighs the same in both; the JIT's steady figure on the standard
//    workload stays in the table ("JIT steady 1×"). The interpreter, with no warm-up to speak
//    of, keeps the standard workload (10× would take minutes).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { modesMain, wantsModes } from './modes.js';
import { sysMain, wantsSys } from './sys.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const guestDir = path.join(root, 'test/guests/bin');
const childJs = path.join(root, 'dist/bench/child.js');

interface Bench {
  name: string; bin: string; args: string[]; small: string[];
  /** The steady-state workload of qemu and the JIT (qemu is ~5–20× faster than the JIT; start-up
   *  and warm-up would dominate otherwise)… */
  longArgs: string[];
  /** …this many times as many guest instructions as `args` (the programs are deterministic). */
  longScale: number;
}
const fibCalls = (n: number) => { let a = 0, b = 1; for (let i = 0; i < n + 1; i++) [a, b] = [b, a + b]; return 2 * a - 1; };
/** The benchmark set: workloads of about 50–60 million guest instructions each. */
export const BENCHES: Bench[] = [
  { name: 'intloop', bin: 'bench_intloop', args: ['8000000'], small: ['1'], longArgs: ['80000000'], longScale: 10 },   // 7 insns/iteration
  { name: 'crc32', bin: 'bench_crc32', args: ['100'], small: ['1'], longArgs: ['1000'], longScale: 10 },              // ~0.6M insns/64 KiB pass
  { name: 'sha256', bin: 'bench_sha256', args: ['16'], small: ['1'], longArgs: ['160'], longScale: 10 },              // ~3.6M insns/pass
  { name: 'fib', bin: 'bench_fib', args: ['31'], small: ['1'], longArgs: ['36'], longScale: fibCalls(36) / fibCalls(31) },
  { name: 'memcpy', bin: 'bench_memcpy', args: ['1000'], small: ['1'], longArgs: ['10000'], longScale: 10 },           // ~57K insns/round
  { name: 'matmul', bin: 'bench_matmul', args: ['60'], small: ['1'], longArgs: ['600'], longScale: 10 },               // double, ~0.95M insns/rep
  { name: 'fft', bin: 'bench_fft', args: ['120'], small: ['1'], longArgs: ['1200'], longScale: 10 },                   // double, ~0.45M insns/rep
  { name: 'vector', bin: 'bench_vector', args: ['3000'], small: ['1'], longArgs: ['30000'], longScale: 10 },           // -O3 NEON, ~17K insns/rep
];

export interface Sample { seconds: number; icount: number; rssMB: number; units?: number; compileMs?: number; out: string; exitCode: number }

function runChild(engine: string, b: Bench, args: string[]): Sample & { wall: number } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [childJs, engine, path.join(guestDir, b.bin), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try { return { ...(JSON.parse(last) as Sample), wall }; } catch {
    throw new Error(`${b.name} under ${engine}: no result (${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ')})`);
  }
}

function hasQemu(): boolean {
  try { execFileSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}
function runQemu(b: Bench, args: string[]): { seconds: number; out: string } {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('qemu-aarch64', [path.join(guestDir, b.bin), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, out: r.stdout };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const geomean = (xs: number[]) => (xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN);
const fmt = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));


// ---- The Linux boot: the bundled guest (guests/linux) to the shell prompt and to power-off ----
// Per engine, each in a fresh process: `krustvm boot` with the console on a pipe (time until the
// prompt appears, then `poweroff` is typed), and `krustvm boot --cmd true --stats` (time to
// power-off, guest instructions, MIPS). qemu-system-aarch64 -M virt -cpu cortex-a72 boots the same
// Image.gz + initramfs.cpio.gz with the same command lines (TCG; no instruction count).
const linuxDir = path.join(root, 'guests/linux');
const krustvmJs = path.join(root, 'bin/krustvm.js');
const PROMPT = 'krustvm:/root# ';
const BOOT_MEM = '256M';

interface BootSample { promptS?: number; offS?: number; insns?: number; mips?: number; note?: string }

/** Runs argv with the console on pipes: seconds until `prompt` shows on stdout (then types
 *  poweroff) or until the process exits; its stdout/stderr. */
function timedRun(argv: string[], prompt: string | undefined, limitS = 600): Promise<{ promptS?: number; exitS: number; code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const secs = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const p = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '', err = '', promptS: number | undefined;
    const kill = setTimeout(() => p.kill('SIGKILL'), limitS * 1000);
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString('latin1');
      if (prompt && promptS === undefined && out.includes(prompt)) { promptS = secs(); p.stdin.write('poweroff\n'); }
    });
    p.stderr.on('data', (b: Buffer) => { err += b.toString('latin1'); });
    p.stdin.on('error', () => {});
    p.on('close', (code) => { clearTimeout(kill); resolve({ promptS, exitS: secs(), code, out, err }); });
  });
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

async function bootKrustvm(engine: string): Promise<BootSample> {
  const base = [process.execPath, krustvmJs, 'boot', '-m', BOOT_MEM, '--engine', engine];
  const shell = await timedRun([...base], PROMPT);
  const off = await timedRun([...base, '--cmd', 'true', '--stats'], undefined);
  const st = /(\d+) guest instructions in ([\d.]+) s/.exec(off.err);
  const r: BootSample = { promptS: shell.promptS, offS: off.exitS };
  if (st) { r.insns = Number(st[1]); r.mips = Number(st[1]) / Number(st[2]) / 1e6; }
  if (shell.promptS === undefined || shell.code !== 0) r.note = `shell run: exit ${shell.code}${shell.promptS === undefined ? ', no prompt' : ''}`;
  if (off.code !== 0) r.note = `--cmd true: exit ${off.code} ${off.err.trim().split('\n').pop() ?? ''}`;
  return r;
}

function hasQemuSystem(): boolean {
  try { execFileSync('qemu-system-aarch64', ['--version'], { stdio: 'ignore' }); return true; } catch { return false; }
}
async function bootQemu(): Promise<BootSample> {
  const base = ['qemu-system-aarch64', '-M', 'virt', '-cpu', 'cortex-a72', '-m', BOOT_MEM, '-nographic', '-no-reboot',
    '-kernel', path.join(linuxDir, 'Image.gz'), '-initrd', path.join(linuxDir, 'initramfs.cpio.gz')];
  const shell = await timedRun([...base, '-append', 'console=ttyAMA0 earlycon'], PROMPT);
  const off = await timedRun([...base, '-append', `console=ttyAMA0 quiet krustvm.cmd=${b64('true')}`], undefined);
  const r: BootSample = { promptS: shell.promptS, offS: off.exitS };
  if (shell.promptS === undefined) r.note = 'shell run: no prompt';
  if (off.code !== 0 || !off.out.includes('krustvm-exit-status: 0')) r.note = `--cmd true: exit ${off.code}`;
  return r;
}

async function bootBench(engines: string[], repeats: number): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = [];
  const med = (xs: (number | undefined)[]) => { const v = xs.filter((x): x is number => x !== undefined); return v.length ? median(v) : undefined; };
  const add = (name: string, ss: BootSample[]) => rows.push({
    name, prompt_s: med(ss.map((s) => s.promptS)), poweroff_s: med(ss.map((s) => s.offS)),
    insns: med(ss.map((s) => s.insns)), mips: med(ss.map((s) => s.mips)), note: ss.find((s) => s.note)?.note,
  });
  for (const e of engines.filter((x) => x !== 'qemu')) {
    const ss: BootSample[] = [];
    for (let i = 0; i < repeats; i++) ss.push(await bootKrustvm(e));
    add(e, ss);
    console.error(`  boot ${e} done`);
  }
  if (engines.includes('qemu')) {
    if (!hasQemuSystem()) console.error('qemu-system-aarch64 is not installed: no qemu row in the boot table (Debian: apt-get install qemu-system-arm)');
    else {
      const ss: BootSample[] = [];
      for (let i = 0; i < repeats; i++) ss.push(await bootQemu());
      add('qemu-system (virt)', ss);
      console.error('  boot qemu done');
    }
  }
  return rows;
}

function printTable(cols: [string, string, number][], rows: Record<string, unknown>[]): void {
  const cell = (r: Record<string, unknown>, [k, , d]: [string, string, number]) => {
    const v = r[k];
    if (typeof v === 'number') return d === -1 ? (v / 1e6).toFixed(1) : fmt(v, d);
    return v === undefined ? '—' : String(v);
  };
  const table = [cols.map((c) => c[1]), ...rows.map((r) => cols.map((c) => cell(r, c)))];
  const widths = cols.map((_, i) => Math.max(...table.map((line) => line[i].length)));
  for (const line of table) console.log(line.map((s, i) => (i === 0 || i === cols.length - 1 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  ').trimEnd());
}

async function main(): Promise<void> {
  if (wantsModes(hideBin(process.argv))) return modesMain(hideBin(process.argv)); // --modes / --net / --only net: bench/modes.ts
  if (wantsSys(hideBin(process.argv))) return sysMain(hideBin(process.argv)); // --sys: bench/sys.ts
  const argv = await yargs(hideBin(process.argv))
    .scriptName('npm run bench --')
    .usage('$0 [options]\n\nRuns the benchmark guests under the interpreter, the JIT and qemu-aarch64 and prints medians.')
    .option('repeats', { type: 'number', default: 3, describe: 'runs per guest and engine (the median is reported)' })
    .option('engines', { type: 'string', default: 'interp,jit,qemu', describe: 'comma-separated: interp, jit, qemu' })
    .option('only', { type: 'string', describe: 'comma-separated benchmark names' })
    .option('json', { type: 'string', describe: 'also write the results as JSON to this file' })
    .option('boot', { type: 'boolean', default: false, describe: 'also boot the bundled Linux guest (to the prompt, to power-off) per engine and qemu-system-aarch64 (about 30 s a repeat); --only boot for just that' })
    .option('boot-repeats', { type: 'number', default: 1, describe: 'runs per engine of the boot benchmark (the median is reported)' })
    .strict().help().parseAsync();

  const engines = argv.engines.split(',').map((s) => s.trim());
  const qemu = engines.includes('qemu') && hasQemu();
  if (engines.includes('qemu') && !qemu) console.error('qemu-aarch64 is not installed: its column is left empty (Debian: apt-get install qemu-user)');
  const only = argv.only?.split(',');
  const rows: Record<string, unknown>[] = [];
  const doBoot = argv.boot || (only?.includes('boot') ?? false);

  for (const b of BENCHES.filter((x) => !only || only.includes(x.name))) {
    const row: Record<string, number | string | undefined> = { name: b.name };
    let reference: string | undefined;
    let icount = 0;
    let smallIcount = 0;
    let longOut: string | undefined;
    for (const engine of engines.filter((e) => e !== 'qemu')) {
      const samples: (Sample & { wall: number })[] = [];
      const tiny: (Sample & { wall: number })[] = [];
      // Alternate full and tiny runs so that changes in the machine's load hit both alike.
      for (let i = 0; i < argv.repeats; i++) { samples.push(runChild(engine, b, b.args)); tiny.push(runChild(engine, b, b.small)); }
      for (const s of samples) {
        if (reference === undefined) reference = s.out;
        else if (s.out !== reference) row.mismatch = `${engine} output differs`;
      }
      icount = samples[0].icount;
      smallIcount = tiny[0].icount;
      const wall = median(samples.map((s) => s.wall)), tinyWall = median(tiny.map((s) => s.wall));
      row[`${engine}_mips_e2e`] = icount / wall / 1e6;
      row[`${engine}_mips_steady`] = (icount - smallIcount) / Math.max(1e-6, wall - tinyWall) / 1e6;
      row[`${engine}_startup_s`] = tinyWall;
      row[`${engine}_mips_run`] = median(samples.map((s) => s.icount / s.seconds / 1e6)); // in-process, ELF load excluded (JSON only)
      row[`${engine}_rss_mb`] = Math.max(...samples.map((s) => s.rssMB));
      if (engine === 'jit') {
        const long = Array.from({ length: argv.repeats }, () => runChild(engine, b, b.longArgs));
        longOut = long[0].out;
        if (long.some((s) => s.out !== longOut)) row.mismatch = `${engine} output differs (long run)`;
        row.jit_mips_steady_1x = row.jit_mips_steady;
        row.jit_mips_steady = (long[0].icount - smallIcount) / Math.max(1e-6, median(long.map((s) => s.wall)) - tinyWall) / 1e6;
      }
      if (engine === 'jit' && samples[0].units) {
        row.jit_units = samples[0].units;
        row.jit_compile_ms_per_unit = median(samples.map((s) => (s.compileMs ?? 0) / (s.units || 1)));
      }
    }
    row.insns = icount;
    row.small_insns = smallIcount;   // the tiny run's guest instructions (JSON only)
    if (qemu && icount) {
      const startup = median(Array.from({ length: argv.repeats }, () => runQemu(b, b.small).seconds));
      const same = Array.from({ length: argv.repeats }, () => runQemu(b, b.args));
      if (reference !== undefined && same.some((r) => r.out !== reference)) row.mismatch = 'qemu output differs';
      row.qemu_mips_e2e = icount / median(same.map((r) => r.seconds)) / 1e6;
      const runs = Array.from({ length: argv.repeats }, () => runQemu(b, b.longArgs));
      if (longOut !== undefined && runs.some((r) => r.out !== longOut)) row.mismatch = 'qemu output differs (long run)';
      row.qemu_mips_steady = (icount * b.longScale - smallIcount) / Math.max(1e-6, median(runs.map((r) => r.seconds)) - startup) / 1e6;
      row.qemu_startup_s = startup;
    }
    const ratio = (a: string, b2: string) => (typeof row[a] === 'number' && typeof row[b2] === 'number' ? (row[a] as number) / (row[b2] as number) : undefined);
    row.jit_over_interp_e2e = ratio('jit_mips_e2e', 'interp_mips_e2e');
    row.jit_over_interp_steady = ratio('jit_mips_steady', 'interp_mips_steady');
    row.jit_over_qemu_e2e = ratio('jit_mips_e2e', 'qemu_mips_e2e');
    row.jit_over_qemu_steady = ratio('jit_mips_steady', 'qemu_mips_steady');
    rows.push(row);
    console.error(`  ${b.name} done`);
  }

  const cols: [string, string, number][] = [
    ['name', 'guest', 0], ['insns', 'guest insns (M)', -1],
    ['interp_mips_e2e', 'interp e2e', 1], ['interp_mips_steady', 'interp steady', 1],
    ['jit_mips_e2e', 'JIT e2e', 1], ['jit_mips_steady_1x', 'JIT steady 1×', 1], ['jit_mips_steady', 'JIT steady', 1],
    ['qemu_mips_e2e', 'qemu e2e', 0], ['qemu_mips_steady', 'qemu steady', 0],
    ['jit_over_interp_e2e', 'JIT/interp e2e', 1], ['jit_over_interp_steady', 'JIT/interp steady', 1],
    ['jit_over_qemu_e2e', 'JIT/qemu e2e', 3], ['jit_over_qemu_steady', 'JIT/qemu steady', 3],
    ['jit_startup_s', 'JIT start-up s', 2], ['jit_compile_ms_per_unit', 'compile ms/unit', 3], ['jit_rss_mb', 'JIT peak MB', 0], ['mismatch', 'note', 0],
  ];
  const cell = (r: Record<string, unknown>, [k, , d]: [string, string, number]) => {
    const v = r[k];
    if (typeof v === 'number') return d === -1 ? (v / 1e6).toFixed(1) : fmt(v, d);
    return v === undefined ? '—' : String(v);
  };
  const mean: Record<string, unknown> = { name: 'geomean' };
  for (const k of cols.map((c) => c[0]).filter((k) => k.includes('mips') || k.includes('_over_') || k.endsWith('startup_s'))) {
    const xs = rows.map((r) => r[k]).filter((x): x is number => typeof x === 'number');
    if (xs.length) mean[k] = geomean(xs);
  }
  if (rows.length) {
    const table = [cols.map((c) => c[1]), ...[...rows, mean].map((r) => cols.map((c) => cell(r, c)))];
    const widths = cols.map((_, i) => Math.max(...table.map((line) => line[i].length)));
    for (const line of table) console.log(line.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  '));
    console.log(`\nguest MIPS, medians of ${argv.repeats} runs; e2e: whole process, start-up included; steady: start-up taken out (minus a tiny-workload run of the same engine); node ${process.version}; ${new Date().toISOString()}`);
  }
  let bootRows: Record<string, unknown>[] | undefined;
  if (doBoot) {
    bootRows = await bootBench(engines, argv['boot-repeats']);
    if (rows.length) console.log('');
    console.log(`Linux boot (guests/linux, -m ${BOOT_MEM}, 1 CPU): seconds to the shell prompt and to power-off (boot --cmd true)`);
    printTable([['name', 'engine', 0], ['prompt_s', 'to prompt s', 2], ['poweroff_s', 'to power-off s', 2], ['insns', 'guest insns (M)', -1], ['mips', 'MIPS', 1], ['note', 'note', 0]], bootRows);
    console.log(`\nmedians of ${argv['boot-repeats']} runs; wall time of the whole process (start-up included)`);
  }
  if (argv.json) fs.writeFileSync(argv.json, JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats: argv.repeats, rows, geomean: mean, boot: bootRows }, null, 2) + '\n');
}

main().catch((e) => { console.error(`bench: ${e instanceof Error ? e.message : String(e)}`); process.exit(1); });
