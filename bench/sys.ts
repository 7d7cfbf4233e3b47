// The system-mode benchmark (issue 5, Measure): the same computational kernels (bench/sys/
// kernels.c) run by the JIT in Linux user mode and as a bare-metal guest on the Pi 4-shaped
// machine with the MMU off, on with 4 KiB pages, and on with 2 MiB blocks. Reports steady-state
// MIPS of each (the instructions and time of a big run minus those of a small run of the same
// kind, which takes out start-up and the guest's own set-up), the cost of the system-mode soft
// MMU (user MIPS / MMU-on MIPS; the target is at most 1.5 on memory-heavy code) and the soft-TLB
// hit rate of data accesses (from an interpreter run that counts every access, see
// countAccesses in src/mem/memory.ts) with the JIT's miss count on the big run.
//
//   npm run bench -- --sys [--repeats 3] [--only copy,stride] [--json FILE]
//
// A table on stdout and JSON in bench/results/sys-DATE.json (or --json FILE).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import type { Measurement } from './sys-measure.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const childJs = path.join(root, 'dist/bench/sys-child.js');

/** Kernels: big and small repetition counts (about 200 M and 20 M guest instructions; the
 *  difference must take long enough that timer noise on a loaded machine stays small). */
export const SYS_KERNELS: { name: string; big: number; small: number; memoryHeavy: boolean }[] = [
  { name: 'copy', big: 1000, small: 100, memoryHeavy: true },
  { name: 'stride', big: 1500, small: 150, memoryHeavy: true },
  { name: 'crc32', big: 360, small: 36, memoryHeavy: false },
  { name: 'sha256', big: 40, small: 4, memoryHeavy: false },
];
/** Where each kernel runs: user mode, or bare metal with MMU setting 0/1/2. */
export const SYS_CONFIGS = [
  { key: 'user', where: 'user', mmu: 0 },
  { key: 'mmu_off', where: 'bare', mmu: 0 },
  { key: 'mmu_4k', where: 'bare', mmu: 1 },
  { key: 'mmu_2m', where: 'bare', mmu: 2 },
] as const;

type ChildResult = Measurement;

export function runSysChild(where: string, engine: string, kernel: string, n: number, mmu: number, count = false): ChildResult {
  // One retry: a child that dies without a result (seen once while dist/ was being rebuilt).
  try { return runSysChildOnce(where, engine, kernel, n, mmu, count); } catch { return runSysChildOnce(where, engine, kernel, n, mmu, count); }
}
function runSysChildOnce(where: string, engine: string, kernel: string, n: number, mmu: number, count: boolean): ChildResult {
  const r = spawnSync(process.execPath, [childJs, where, engine, kernel, String(n), String(mmu), ...(count ? ['--count'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let res: ChildResult;
  try { res = JSON.parse(last) as ChildResult; } catch {
    throw new Error(`${kernel} (${where}, MMU ${mmu}, ${engine}): no result (${(r.stderr || r.stdout).trim().split('\n').slice(-2).join(' / ')})`);
  }
  if (!res.ok) throw new Error(`${kernel} (${where}, MMU ${mmu}, ${engine}) failed: ${res.out}`);
  return res;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const dataMisses = (r: ChildResult) => (r.tlb ? r.tlb.readMisses + r.tlb.writeMisses : NaN);

export interface SysRow {
  kernel: string;
  memoryHeavy: boolean;
  insns: Record<string, number>;
  mips: Record<string, number>;
  /** user MIPS / MMU-on (4 KiB) MIPS: what the system-mode soft MMU costs the JIT. */
  cost4k: number;
  cost2m: number;
  /** Data-access soft-TLB hit rate (interpreter run with every access counted). */
  hitRate: Record<string, number>;
  accesses: Record<string, number>;
  /** Data-TLB misses of the JIT's big run. */
  jitMisses: Record<string, number>;
  checksum: string;
}

export function measureKernel(k: typeof SYS_KERNELS[number], repeats: number): SysRow {
  const row: SysRow = { kernel: k.name, memoryHeavy: k.memoryHeavy, insns: {}, mips: {}, cost4k: NaN, cost2m: NaN, hitRate: {}, accesses: {}, jitMisses: {}, checksum: '' };
  const sums = new Set<string>();
  // Configurations take turns within each repeat, so a change of load spreads over all of them.
  const samples: Record<string, number[]> = {};
  for (let i = 0; i < repeats; i++) {
    for (const c of SYS_CONFIGS) {
      const big = runSysChild(c.where, 'jit', k.name, k.big, c.mmu);
      const small = runSysChild(c.where, 'jit', k.name, k.small, c.mmu);
      (samples[c.key] ??= []).push((big.icount - small.icount) / 1e6 / Math.max(1e-6, big.seconds - small.seconds));
      row.insns[c.key] = big.icount - small.icount;
      row.jitMisses[c.key] = dataMisses(big);
      sums.add(big.out.trim().split(' ').pop() ?? '');
    }
  }
  for (const c of SYS_CONFIGS) {
    row.mips[c.key] = median(samples[c.key]);
    const counted = runSysChild(c.where, 'interp', k.name, k.small, c.mmu, true);
    const acc = counted.accesses ? counted.accesses.reads + counted.accesses.writes : NaN;
    row.accesses[c.key] = acc;
    row.hitRate[c.key] = 1 - dataMisses(counted) / acc;
  }
  row.cost4k = row.mips.user / row.mips.mmu_4k;
  row.cost2m = row.mips.user / row.mips.mmu_2m;
  // Every configuration computed the same result (the kernels are deterministic).
  row.checksum = sums.size === 1 ? [...sums][0] : `DIFFERENT: ${[...sums].join(' ')}`;
  return row;
}

export function wantsSys(argv: string[]): boolean { return argv.includes('--sys'); }

const f = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : '—');

export function printSysTable(rows: SysRow[]): void {
  const head = ['kernel', 'user MIPS', 'MMU off', 'MMU 4K', 'MMU 2M', 'user/4K', 'user/2M', 'TLB hit user', 'hit 4K', 'hit 2M', 'JIT misses user/4K/2M'];
  const lines = rows.map((r) => [
    r.kernel + (r.memoryHeavy ? ' (mem)' : ''), f(r.mips.user), f(r.mips.mmu_off), f(r.mips.mmu_4k), f(r.mips.mmu_2m), f(r.cost4k, 2), f(r.cost2m, 2),
    `${f(100 * r.hitRate.user, 2)}%`, `${f(100 * r.hitRate.mmu_4k, 2)}%`, `${f(100 * r.hitRate.mmu_2m, 2)}%`,
    `${r.jitMisses.user}/${r.jitMisses.mmu_4k}/${r.jitMisses.mmu_2m}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [head, ...lines]) console.log(l.map((s, i) => (i === 0 ? s.padEnd(widths[i]) : s.padStart(widths[i]))).join('  '));
}

export async function sysMain(args: string[]): Promise<void> {
  const a = await yargs(args.filter((x) => x !== '--sys'))
    .scriptName('npm run bench -- --sys')
    .option('repeats', { type: 'number', default: 3, describe: 'runs per kernel and configuration (the median is reported)' })
    .option('only', { type: 'string', describe: 'comma-separated kernels: copy, stride, crc32, sha256' })
    .option('json', { type: 'string', describe: 'write the results as JSON here (default bench/results/sys-DATE.json)' })
    .strict().help().parseAsync();
  const only = a.only?.split(',').map((s) => s.trim());
  const bad = only?.filter((n) => !SYS_KERNELS.some((k) => k.name === n));
  if (bad?.length) throw new Error(`--only: unknown kernel ${bad.join(', ')} (have ${SYS_KERNELS.map((k) => k.name).join(', ')})`);
  const rows: SysRow[] = [];
  for (const k of SYS_KERNELS.filter((x) => !only || only.includes(x.name))) {
    process.stderr.write(`sys bench: ${k.name}…\n`);
    rows.push(measureKernel(k, a.repeats));
  }
  console.log('JIT in system mode (bare-metal guest, MMU off / on with 4 KiB pages / on with 2 MiB blocks) against user mode, same kernels');
  printSysTable(rows);
  console.log(`\nsteady-state guest MIPS (big run minus small run), medians of ${a.repeats}; user/4K: what the soft MMU costs (target ≤ 1.5 on memory-heavy code, "(mem)");`);
  console.log('TLB hit rate: data accesses of an interpreter run that counts them; JIT misses: data-TLB fills of the big JIT run');
  const file = a.json ?? path.join(root, 'bench/results', `sys-${new Date().toISOString().slice(0, 10)}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats: a.repeats, rows }, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), file)}`);
}
