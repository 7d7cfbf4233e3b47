// System workloads per hypervisor mode (issue 7, Measure; issue 8 for --net): boots the bundled
// Linux guest once per mode and repeat with one `--cmd` script that runs every workload in turn,
// times each inside the guest, and reports each mode normalised to bare (1.00 = no overhead),
// like the KrustVM paper's figure: a table on stdout, --json, and an SVG bar chart.
//
//   npm run bench -- --modes bare,kvm,krustvm [--engine jit|interp] [--repeats 3] [--net]
//                    [--only sha256,fork,net] [--json FILE] [--svg FILE] [--scale 1]
//   npm run bench -- --net            # the system workloads and the netperf pair (bench/net.ts)
//   npm run bench -- --only net       # only the netperf pair
//
// Timing: the guest's clock follows host time (no --icount), so a workload is timed from the
// guest's monotonic clock (the "now at N nsecs" line of /proc/timer_list, read by shell
// builtins so no process is forked for it; /proc/uptime, 10 ms steps, if that file is missing).
// Boot time is not part of any workload; "boot" is the guest's clock when /init starts the
// script (kernel start to shell). The host wall time of each workload is also taken, from the
// arrival of the script's marker lines on the console. Modes take turns within each repeat, so
// a change of load on the machine spreads over all of them; each figure is the median.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { krustvmPair, NET_TESTS, type NetResult, type NetTest } from './net.js';
import { renderGroupedBarChart } from './chart.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const krustvmJs = path.join(root, 'dist/src/cli/main.js');
const resultsDir = path.join(root, 'bench/results');

export const MODES = ['bare', 'kvm', 'krustvm'] as const;

/** One timed step of the guest script. `setup` runs untimed before it. */
export interface Workload { name: string; what: string; setup?: string; run: string }

/** The system workloads; `scale` multiplies their sizes (2 MiB hashed, 4 MiB piped, 8 MiB copied at 1). */
export function workloads(scale = 1): Workload[] {
  const k = (n: number) => Math.max(1, Math.round(n * scale));
  return [
    { name: 'sha256', what: `sha256sum of ${k(32) * 64} KiB (tmpfs)`, setup: `dd if=/dev/urandom of=/tmp/r bs=64k count=${k(32)}`, run: 'sha256sum /tmp/r' },
    { name: 'md5', what: `md5sum of the same file`, run: 'md5sum /tmp/r' },
    { name: 'pipe', what: `dd ${k(64) * 64} KiB of /dev/zero through a pipe`, run: `dd if=/dev/zero bs=64k count=${k(64)}|cat` },
    { name: 'cp', what: `cp of a ${k(128) * 64} KiB file in tmpfs`, setup: `dd if=/dev/zero of=/tmp/z bs=64k count=${k(128)}`, run: 'cp /tmp/z /tmp/y' },
    { name: 'fork', what: `${k(50)} fork+exec of /bin/true`, run: `i=0;while [ $i -lt ${k(50)} ];do /bin/true;i=$((i+1));done` },
    { name: 'syscall', what: `dd bs=1 of ${k(40000)} bytes (2 syscalls a byte)`, run: `dd if=/dev/zero of=/dev/null bs=1 count=${k(40000)}` },
  ];
}
/** Every workload name the harness knows (boot and the network tests included). */
export const ALL_WORKLOADS = ['boot', ...workloads().map((w) => w.name), ...NET_TESTS.map((t) => t.toLowerCase())];
const NET_NAMES = new Set(NET_TESTS.map((t) => t.toLowerCase()));

/** arm64 Linux's COMMAND_LINE_SIZE; the script travels base64-encoded on the kernel command line. */
export const KERNEL_CMDLINE_MAX = 2048;

/** The guest script: prints `KB+ NAME` before and `KB NAME T0 T1 STATUS` after each workload,
 *  T in ns (or seconds with a dot, from /proc/uptime). Kept short: it must fit the command line. */
export function guestScript(ws: Workload[]): string {
  const lines = [
    'now(){ T=;{ read -r x;read -r x;read -r x x T x;}</proc/timer_list 2>/dev/null;[ -n "$T" ]||read -r T x</proc/uptime;}',
    'm(){ n=$1;shift;echo KB+ $n;now;a=$T;eval "$*" >/dev/null 2>&1;s=$?;now;echo KB $n $a $T $s;}',
    'now;echo KB boot 0 $T 0',
  ];
  for (const w of ws) {
    if (w.setup) lines.push(`${w.setup} 2>/dev/null`);
    lines.push(`m ${w.name} '${w.run.replace(/'/g, `'\\''`)}'`);
  }
  lines.push('rm -f /tmp/r /tmp/z /tmp/y');
  return lines.join('\n');
}

/** The bootargs `krustvm boot --cmd` adds for `script` (what must fit KERNEL_CMDLINE_MAX). */
export function cmdlineLength(script: string): number {
  return 'console=ttyAMA0 quiet krustvm.cmd='.length + Buffer.from(script, 'utf8').toString('base64').length;
}

export interface Mark { name: string; guestS: number; status: number; hostS?: number }

/** A clock reading of the script: integer nanoseconds, or seconds with a dot (/proc/uptime). */
export function clockSeconds(t: string): number | undefined {
  if (/^\d+$/.test(t)) return Number(t) / 1e9;
  if (/^\d+\.\d+$/.test(t)) return Number(t);
  return undefined;
}

/** The `KB` lines of a console transcript; `arrivals` (host seconds at which each `KB+ NAME` and
 *  `KB NAME` line arrived, keyed 'begin:NAME' / 'end:NAME') gives the host wall time. */
export function parseMarks(out: string, arrivals?: Map<string, number>): Mark[] {
  const marks: Mark[] = [];
  for (const m of out.matchAll(/^KB (\S+) (\S+) (\S+) (\d+)\r?$/gm)) {
    const t0 = clockSeconds(m[2]), t1 = clockSeconds(m[3]);
    if (t0 === undefined || t1 === undefined || t1 < t0) continue;
    const mark: Mark = { name: m[1], guestS: t1 - t0, status: Number(m[4]) };
    const b = arrivals?.get(`begin:${m[1]}`), e = arrivals?.get(`end:${m[1]}`);
    if (m[1] === 'boot' && e !== undefined) mark.hostS = e;
    else if (b !== undefined && e !== undefined && e >= b) mark.hostS = e - b;
    marks.push(mark);
  }
  return marks;
}

/** What `krustvm boot --stats` printed: instructions and, under the hypervisor, exits by reason,
 *  hypercalls, stage-2 faults, grants. Absent fields were not printed (bare has no exits). */
export interface RunStats {
  insns?: number; seconds?: number;
  exits?: Record<string, number>;
  hypercalls?: number; grants?: number; revokes?: number; stage2Faults?: number; pagesGranted?: number; refusals?: number;
}

export function parseStats(text: string): RunStats {
  const s: RunStats = {};
  const ins = /(\d+) guest instructions in ([\d.]+) s/.exec(text);
  if (ins) { s.insns = Number(ins[1]); s.seconds = Number(ins[2]); }
  const ex = /mode \S+: exits: (.*)$/m.exec(text);
  if (ex) {
    s.exits = {};
    for (const part of ex[1].split(', ')) {
      const p = /^(.*\S) (\d+)\s*$/.exec(part);
      if (p) s.exits[p[1]] = Number(p[2]);
    }
  }
  const hc = /hypercalls (\d+) \(psci\/other \d+, grant (\d+), revoke (\d+)\); stage-2 faults (\d+); pages granted (\d+), revoked \d+; refusals (\d+)/.exec(text);
  if (hc) {
    s.hypercalls = Number(hc[1]); s.grants = Number(hc[2]); s.revokes = Number(hc[3]);
    s.stage2Faults = Number(hc[4]); s.pagesGranted = Number(hc[5]); s.refusals = Number(hc[6]);
  }
  return s;
}

export function median(xs: number[]): number | undefined {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function geomean(xs: number[]): number | undefined {
  const v = xs.filter((x) => Number.isFinite(x) && x > 0);
  return v.length ? Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length) : undefined;
}

/** Cost relative to `base` (1.00 = no overhead, 1.10 = 10% slower): time / base time, or for a
 *  figure where more is better (throughput, transactions/s) base / figure. */
export function normalise(value: number | undefined, base: number | undefined, higherIsBetter: boolean): number | undefined {
  if (value === undefined || base === undefined || !(value > 0) || !(base > 0)) return undefined;
  return higherIsBetter ? base / value : value / base;
}

// ---- the command line ----

export interface ModesOptions {
  modes: string[]; engine: 'jit' | 'interp'; repeats: number; only?: string[]; net: boolean;
  json?: string; svg?: string; scale: number; memory: string; netSeconds: number; timeoutS: number;
}

/** Whether `npm run bench` arguments ask for this harness rather than the user-mode one. */
export function wantsModes(argv: string[]): boolean {
  return argv.some((a, i) => a === '--modes' || a.startsWith('--modes=') || a === '--net'
    || ((a === '--only' && (argv[i + 1] ?? '').split(',').includes('net')) || (a.startsWith('--only=') && a.slice(7).split(',').includes('net'))));
}

export function parseModesArgs(argv: string[]): ModesOptions {
  const a = yargs(argv)
    .scriptName('npm run bench --')
    .usage('$0 --modes bare,kvm,krustvm [options]\n\nRuns system workloads in the bundled Linux guest under each hypervisor mode and reports each normalised to bare.')
    .option('modes', { type: 'string', default: MODES.join(','), describe: 'comma-separated hypervisor modes (bare first: the others are normalised to it)' })
    .option('engine', { choices: ['jit', 'interp'] as const, default: 'jit' as const, describe: 'execution engine of every run' })
    .option('repeats', { type: 'number', default: 3, describe: 'boots per mode (modes take turns; the median is reported)' })
    .option('only', { type: 'string', describe: `comma-separated workloads: ${[...ALL_WORKLOADS, 'net'].join(', ')}` })
    .option('net', { type: 'boolean', default: false, describe: 'also run netperf TCP_STREAM/MAERTS/RR between two VMs per mode (bench/net.ts)' })
    .option('net-seconds', { type: 'number', default: 3, describe: 'length of each netperf test' })
    .option('scale', { type: 'number', default: 1, describe: 'multiplies the workload sizes (e.g. 0.25 under --engine interp)' })
    .option('memory', { type: 'string', default: '256M', describe: 'guest RAM' })
    .option('timeout', { type: 'number', default: 900, describe: 'seconds before a boot is killed' })
    .option('json', { type: 'string', describe: 'also write the results as JSON to this file' })
    .option('svg', { type: 'string', describe: 'write the chart here (default bench/results/modes-DATE.svg)' })
    .check((x) => {
      if (!Number.isInteger(x.repeats) || x.repeats < 1) throw new Error('--repeats: give a whole number ≥ 1');
      if (!(x.scale > 0)) throw new Error('--scale: give a number > 0');
      if (!(x['net-seconds'] >= 1)) throw new Error('--net-seconds: give a number ≥ 1');
      const modes = String(x.modes).split(',').map((s) => s.trim()).filter(Boolean);
      const bad = modes.filter((m) => !(MODES as readonly string[]).includes(m));
      if (!modes.length || bad.length) throw new Error(`--modes: unknown mode ${bad.join(', ') || '(none)'}; choose from ${MODES.join(', ')}`);
      const unknown = (x.only?.split(',') ?? []).map((s) => s.trim()).filter((s) => s && s !== 'net' && !ALL_WORKLOADS.includes(s));
      if (unknown.length) throw new Error(`--only: unknown workload ${unknown.join(', ')}; choose from ${[...ALL_WORKLOADS, 'net'].join(', ')}`);
      return true;
    })
    .strict().help().exitProcess(false).fail((msg, err) => { throw err ?? new Error(msg); })
    .parseSync();
  const only = a.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const net = a.net || (only?.some((o) => o === 'net' || NET_NAMES.has(o)) ?? false);
  return {
    modes: a.modes.split(',').map((s) => s.trim()).filter(Boolean), engine: a.engine, repeats: a.repeats, only, net,
    json: a.json, svg: a.svg, scale: a.scale, memory: a.memory, netSeconds: a['net-seconds'], timeoutS: a.timeout,
  };
}

/** The system workloads `only` selects (all without it); boot is measured whenever anything runs. */
export function selectedWorkloads(o: ModesOptions): { boot: boolean; ws: Workload[] } {
  const all = workloads(o.scale);
  if (!o.only) return { boot: true, ws: all };
  const ws = all.filter((w) => o.only!.includes(w.name));
  return { boot: ws.length > 0 || o.only.includes('boot'), ws };
}

// ---- running ----

export interface SystemRun { mode: string; marks: Mark[]; stats: RunStats; wallS: number; code: number | null; error?: string }

/** One boot of the bundled guest in `mode` running the script; console lines timed on arrival. */
function bootWithScript(o: ModesOptions, mode: string, script: string): Promise<SystemRun> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const secs = () => Number(process.hrtime.bigint() - t0) / 1e9;
    const argv = [krustvmJs, 'boot', '-m', o.memory, '--engine', o.engine, '--mode', mode, '--stats', '--cmd', script];
    const p = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', pending = '';
    const arrivals = new Map<string, number>();
    const kill = setTimeout(() => p.kill('SIGKILL'), o.timeoutS * 1000);
    p.stdout.on('data', (b: Buffer) => {
      const s = b.toString('latin1');
      out += s;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        const m = /^KB(\+?) (\S+)/.exec(line);
        if (m) arrivals.set(`${m[1] ? 'begin' : 'end'}:${m[2]}`, secs());
      }
    });
    p.stderr.on('data', (b: Buffer) => { err += b.toString('latin1'); });
    p.on('close', (code) => {
      clearTimeout(kill);
      const run: SystemRun = { mode, marks: parseMarks(out, arrivals), stats: parseStats(err + out), wallS: secs(), code };
      if (code !== 0) run.error = `exit ${code}: ${(err || out).trim().split('\n').slice(-2).join(' / ')}`;
      const failed = run.marks.filter((m) => m.status !== 0).map((m) => `${m.name} (status ${m.status})`);
      if (failed.length) run.error = `${run.error ? run.error + '; ' : ''}workload failed in the guest: ${failed.join(', ')}`;
      resolve(run);
    });
  });
}

/** One row of the report: a workload's medians per mode and their cost relative to bare. */
export interface Row {
  workload: string; unit: string; higherIsBetter: boolean;
  /** per mode: median guest seconds (or Mbit/s, trans/s for the network tests) */
  value: Record<string, number | undefined>;
  /** per mode: median host wall seconds of the same step (system workloads) */
  hostS: Record<string, number | undefined>;
  /** per mode: cost relative to bare (1.00 = no overhead) */
  relative: Record<string, number | undefined>;
  samples: Record<string, number[]>;
}

/** Medians of the runs per workload and mode, normalised to `base`. */
export function buildRows(names: string[], runs: SystemRun[], modes: string[], base: string): Row[] {
  return names.map((name) => {
    const row: Row = { workload: name, unit: 's', higherIsBetter: false, value: {}, hostS: {}, relative: {}, samples: {} };
    for (const mode of modes) {
      const marks = runs.filter((r) => r.mode === mode).flatMap((r) => r.marks.filter((m) => m.name === name && m.status === 0));
      row.samples[mode] = marks.map((m) => m.guestS);
      row.value[mode] = median(row.samples[mode]);
      row.hostS[mode] = median(marks.flatMap((m) => (m.hostS === undefined ? [] : [m.hostS])));
    }
    for (const mode of modes) row.relative[mode] = normalise(row.value[mode], row.value[base], false);
    return row;
  });
}

export function netRows(runs: Record<string, NetResult[]>, modes: string[], base: string): Row[] {
  return NET_TESTS.map((t: NetTest) => {
    const row: Row = { workload: t.toLowerCase(), unit: t === 'TCP_RR' ? 'trans/s' : 'Mbit/s', higherIsBetter: true, value: {}, hostS: {}, relative: {}, samples: {} };
    for (const mode of modes) {
      row.samples[mode] = (runs[mode] ?? []).flatMap((r) => (r[t] === undefined ? [] : [r[t]!]));
      row.value[mode] = median(row.samples[mode]);
    }
    for (const mode of modes) row.relative[mode] = normalise(row.value[mode], row.value[base], true);
    return row;
  });
}

/** Per mode: medians of the --stats figures over its runs. */
export function statsSummary(runs: SystemRun[], modes: string[]): Record<string, Record<string, number | undefined>> {
  const out: Record<string, Record<string, number | undefined>> = {};
  for (const mode of modes) {
    const rs = runs.filter((r) => r.mode === mode);
    const med = (f: (s: RunStats) => number | undefined) => median(rs.flatMap((r) => { const v = f(r.stats); return v === undefined ? [] : [v]; }));
    const reasons = new Set(rs.flatMap((r) => Object.keys(r.stats.exits ?? {})));
    const o: Record<string, number | undefined> = {
      insns: med((s) => s.insns), mips: med((s) => (s.insns && s.seconds ? s.insns / s.seconds / 1e6 : undefined)),
      wall_s: median(rs.map((r) => r.wallS)),
      exits: med((s) => (s.exits ? Object.values(s.exits).reduce((a, b) => a + b, 0) : undefined)),
      hypercalls: med((s) => s.hypercalls), stage2_faults: med((s) => s.stage2Faults), pages_granted: med((s) => s.pagesGranted), refusals: med((s) => s.refusals),
    };
    for (const r of reasons) o[`exits_${r.replace(/[^a-z0-9]+/gi, '_')}`] = med((s) => s.exits?.[r]);
    if (o.exits !== undefined && o.insns) o.exits_per_minsn = o.exits / (o.insns / 1e6);
    out[mode] = o;
  }
  return out;
}

const f = (x: number | undefined, d: number) => (x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(d));

export function formatTable(head: string[], lines: string[][]): string {
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  return [head, ...lines].map((l) => l.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ').trimEnd()).join('\n');
}

export function reportText(rows: Row[], modes: string[], stats: Record<string, Record<string, number | undefined>>, o: Pick<ModesOptions, 'engine' | 'repeats'>): string {
  const head = ['workload', 'unit', ...modes.map((m) => `${m}`), ...modes.map((m) => `${m} ×bare`), ...modes.map((m) => `${m} host s`)];
  const lines = rows.map((r) => [r.workload, r.unit, ...modes.map((m) => f(r.value[m], r.unit === 's' ? 3 : 1)),
    ...modes.map((m) => f(r.relative[m], 2)), ...modes.map((m) => f(r.hostS[m], 2))]);
  const gm = modes.map((m) => geomean(rows.map((r) => r.relative[m]).filter((x): x is number => x !== undefined)));
  lines.push(['geomean', '', ...modes.map(() => ''), ...gm.map((g) => f(g, 2)), ...modes.map(() => '')]);
  const statHead = ['mode', 'guest insns (M)', 'MIPS', 'wall s', 'exits', 'exits/M insns', 'by reason', 'hypercalls', 'stage-2 faults', 'pages granted'];
  const statLines = modes.map((m) => {
    const s = stats[m] ?? {};
    const reasons = Object.entries(s).filter(([k, v]) => k.startsWith('exits_') && k !== 'exits_per_minsn' && v !== undefined).map(([k, v]) => `${k.slice(6)} ${Math.round(v!)}`).join(', ');
    return [m, f(s.insns === undefined ? undefined : s.insns / 1e6, 1), f(s.mips, 1), f(s.wall_s, 1), f(s.exits, 0), f(s.exits_per_minsn, 2), reasons || '—',
      f(s.hypercalls, 0), f(s.stage2_faults, 0), f(s.pages_granted, 0)];
  });
  return [
    `System workloads in the bundled Linux guest per hypervisor mode (engine ${o.engine}); guest-timed medians of ${o.repeats} runs;`,
    '×bare = cost relative to bare (time ratio; for network figures bare/figure), 1.00 = no overhead; host s = host wall time of the step',
    formatTable(head, lines),
    '',
    'Per boot (--stats, medians; the whole boot and script, so the exits explain the overheads above):',
    formatTable(statHead, statLines),
  ].join('\n');
}

export function chartFor(rows: Row[], modes: string[], o: Pick<ModesOptions, 'engine' | 'repeats'>, date: string): string {
  return renderGroupedBarChart({
    title: 'krustvm: cost of each hypervisor mode, normalised to bare',
    subtitle: `bundled Linux 6.1 guest, engine ${o.engine}, medians of ${o.repeats} runs, ${date}; lower is better`,
    yLabel: 'relative cost (1.0 = bare)',
    series: modes,
    reference: 1,
    groups: rows.map((r) => ({ label: r.workload, values: r.relative })),
  });
}

export async function modesMain(argv: string[]): Promise<void> {
  const o = parseModesArgs(argv);
  if (!fs.existsSync(krustvmJs)) throw new Error(`${krustvmJs} is missing: run npm run build (tsc -p .) first`);
  const base = o.modes[0];
  if (base !== 'bare') console.error(`note: the first mode (${base}) is the reference the others are normalised to`);
  const { boot, ws } = selectedWorkloads(o);
  const script = guestScript(ws);
  if (cmdlineLength(script) > KERNEL_CMDLINE_MAX - 16) throw new Error(`the guest script is too long for the kernel command line (${cmdlineLength(script)} of ${KERNEL_CMDLINE_MAX} bytes)`);
  const runs: SystemRun[] = [];
  const netRuns: Record<string, NetResult[]> = {};
  const doSystem = boot;
  for (let i = 0; i < o.repeats; i++) {
    for (const mode of o.modes) {
      if (doSystem) {
        console.error(`  modes: ${mode} (run ${i + 1} of ${o.repeats}) …`);
        const r = await bootWithScript(o, mode, script);
        if (r.error) console.error(`  ${mode}: ${r.error}`);
        runs.push(r);
      }
      if (o.net) {
        console.error(`  net: ${mode} (run ${i + 1} of ${o.repeats}) …`);
        const r = await krustvmPair(mode, o.engine, o.netSeconds);
        if (r.error) console.error(`  net ${mode}: ${r.error}`);
        (netRuns[mode] ??= []).push(r);
      }
    }
  }
  const names = doSystem ? ['boot', ...ws.map((w) => w.name)] : [];
  const rows = [...buildRows(names, runs, o.modes, base), ...(o.net ? netRows(netRuns, o.modes, base) : [])];
  const stats = statsSummary(runs, o.modes);
  const now = new Date();
  console.log(reportText(rows, o.modes, stats, o));
  for (const w of ws) console.log(`  ${w.name}: ${w.what}`);
  console.log(`node ${process.version}; ${now.toISOString()}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  const svgPath = o.svg ?? path.join(resultsDir, `modes-${now.toISOString().slice(0, 10)}.svg`);
  fs.mkdirSync(path.dirname(svgPath), { recursive: true });
  fs.writeFileSync(svgPath, chartFor(rows, o.modes, o, now.toISOString().slice(0, 16).replace('T', ' ') + ' UTC'));
  console.log(`chart: ${path.relative(process.cwd(), svgPath)}`);
  if (o.json) {
    const netErrors = Object.fromEntries(Object.entries(netRuns).map(([m, rs]) => [m, rs.filter((r) => r.error).map((r) => r.error)]));
    fs.writeFileSync(o.json, JSON.stringify({
      date: now.toISOString(), node: process.version, engine: o.engine, repeats: o.repeats, base, workloads: ws, rows, stats,
      runs: runs.map((r) => ({ mode: r.mode, wallS: r.wallS, code: r.code, error: r.error, marks: r.marks, stats: r.stats })),
      net: o.net ? { runs: netRuns, errors: netErrors } : undefined,
    }, null, 2) + '\n');
  }
}
