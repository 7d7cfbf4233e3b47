import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  parseMarks, clockSeconds, parseStats, median, geomean, normalise, buildRows, netRows, statsSummary,
  guestScript, workloads, cmdlineLength, KERNEL_CMDLINE_MAX, parseModesArgs, wantsModes, selectedWorkloads,
  reportText, type SystemRun,
} from '../../bench/modes.js';

describe('guest timing output', () => {
  it('reads nanosecond and /proc/uptime clock readings', () => {
    expect(clockSeconds('5970198070')).toBeCloseTo(5.970198070, 9);
    expect(clockSeconds('6.13')).toBe(6.13);
    expect(clockSeconds('')).toBeUndefined();
    expect(clockSeconds('12abc')).toBeUndefined();
  });

  it('turns KB lines into guest seconds and status, CRLF or not, ignoring the rest', () => {
    const out = [
      '[    0.000000] Booting Linux', 'KB boot 0 3000000000 0', 'KB+ sha256', 'some output',
      'KB sha256 7023759033 7717395236 0\r', 'KB+ fork', 'KB fork 10.50 12.25 1', 'KB bad 5 4 0', 'KB junk x y 0',
      'krustvm-exit-status: 0',
    ].join('\n');
    const marks = parseMarks(out);
    expect(marks.map((m) => m.name)).toEqual(['boot', 'sha256', 'fork']);
    expect(marks[0].guestS).toBe(3);
    expect(marks[1].guestS).toBeCloseTo(0.693636203, 9);
    expect(marks[2]).toMatchObject({ guestS: 1.75, status: 1 });
  });

  it('takes the host wall time from the arrival of the begin and end lines', () => {
    const arrivals = new Map([['end:boot', 9.5], ['begin:sha256', 10], ['end:sha256', 10.75]]);
    const marks = parseMarks('KB boot 0 3000000000 0\nKB sha256 1 2 0\n', arrivals);
    expect(marks[0].hostS).toBe(9.5);   // boot: from the spawn to its line
    expect(marks[1].hostS).toBe(0.75);
  });
});

describe('--stats output', () => {
  // The lines as src/machine/cli-boot.ts and hypervisor/host/vm-machine.ts print them.
  const text = [
    'krustvm: 600609696 guest instructions in 24.54 s (24.5 MIPS)',
    'krustvm: mode kvm: exits: mmio 7918, wfi 12, system-off 1',
    'krustvm: hypercalls 6 (psci/other 4, grant 1, revoke 1); stage-2 faults 2421; pages granted 3, revoked 2; refusals 0',
  ].join('\n');
  it('reads instructions, exits by reason, hypercalls, stage-2 faults and grants', () => {
    expect(parseStats(text)).toEqual({
      insns: 600609696, seconds: 24.54, exits: { mmio: 7918, wfi: 12, 'system-off': 1 },
      hypercalls: 6, grants: 1, revokes: 1, stage2Faults: 2421, pagesGranted: 3, refusals: 0,
    });
  });
  it('has no hypervisor figures in bare mode', () => {
    expect(parseStats('krustvm: 133816028 guest instructions in 8.13 s (16.5 MIPS)')).toEqual({ insns: 133816028, seconds: 8.13 });
  });
});

describe('medians and normalisation', () => {
  it('median of odd, even and empty lists, ignoring non-finite values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeUndefined();
    expect(median([NaN, 5])).toBe(5);
  });
  it('geomean', () => {
    expect(geomean([1, 4])).toBeCloseTo(2, 12);
    expect(geomean([])).toBeUndefined();
  });
  it('relative cost: time over bare time; bare over throughput', () => {
    expect(normalise(1.1, 1.0, false)).toBeCloseTo(1.1, 12);
    expect(normalise(80, 100, true)).toBeCloseTo(1.25, 12);   // 80 Mbit/s vs 100 bare = 25% more cost
    expect(normalise(undefined, 1, false)).toBeUndefined();
    expect(normalise(1, 0, false)).toBeUndefined();
  });

  const run = (mode: string, sha: number, status = 0): SystemRun => ({
    mode, wallS: 10, code: 0, stats: { insns: 1e8, seconds: 10, exits: mode === 'bare' ? undefined : { mmio: 100, wfi: 2 } },
    marks: [{ name: 'boot', guestS: 3, status: 0 }, { name: 'sha256', guestS: sha, status }],
  });
  it('builds rows from the medians per mode, normalised to the base mode, leaving failed steps out', () => {
    const runs = [run('bare', 1.0), run('kvm', 1.3), run('bare', 1.2), run('kvm', 1.5), run('bare', 1.1), run('kvm', 1.4), run('kvm', 99, 1)];
    const [boot, sha] = buildRows(['boot', 'sha256'], runs, ['bare', 'kvm'], 'bare');
    expect(boot.relative).toEqual({ bare: 1, kvm: 1 });
    expect(sha.value.bare).toBeCloseTo(1.1, 12);
    expect(sha.value.kvm).toBeCloseTo(1.4, 12);
    expect(sha.relative.kvm).toBeCloseTo(1.4 / 1.1, 12);
    expect(sha.samples.kvm).toEqual([1.3, 1.5, 1.4]);
  });
  it('network rows: throughput normalised as bare/figure, missing runs give no figure', () => {
    const nr = (config: string, s?: number, rr?: number) => ({ config, seconds: 1, TCP_STREAM: s, TCP_MAERTS: s, TCP_RR: rr });
    const rows = netRows({ bare: [nr('b', 100, 1000)], kvm: [nr('k', 50, 800)], krustvm: [{ ...nr('x'), error: 'refused' }] }, ['bare', 'kvm', 'krustvm'], 'bare');
    expect(rows.map((r) => r.workload)).toEqual(['tcp_stream', 'tcp_maerts', 'tcp_rr']);
    expect(rows[0].relative).toEqual({ bare: 1, kvm: 2, krustvm: undefined });
    expect(rows[2].relative.kvm).toBeCloseTo(1.25, 12);
    expect(rows[2].unit).toBe('trans/s');
  });
  it('summarises --stats per mode and writes a table naming every mode', () => {
    const runs = [run('bare', 1), run('kvm', 1.2)];
    const s = statsSummary(runs, ['bare', 'kvm']);
    expect(s.kvm.exits).toBe(102);
    expect(s.kvm.exits_mmio).toBe(100);
    expect(s.kvm.exits_per_minsn).toBeCloseTo(1.02, 12);
    expect(s.bare.exits).toBeUndefined();
    const text = reportText(buildRows(['boot', 'sha256'], runs, ['bare', 'kvm'], 'bare'), ['bare', 'kvm'], s, { engine: 'jit', repeats: 1 });
    expect(text).toMatch(/^sha256 .* 1\.00 +1\.20/m);
    expect(text).toMatch(/^kvm .*mmio 100, wfi 2/m);
  });
});

describe('the guest script', () => {
  it('fits on the kernel command line, even scaled up', () => {
    expect(cmdlineLength(guestScript(workloads(1)))).toBeLessThan(KERNEL_CMDLINE_MAX - 16);
    expect(cmdlineLength(guestScript(workloads(100)))).toBeLessThan(KERNEL_CMDLINE_MAX - 16);
  });
  it('runs under a POSIX shell and marks every workload with status 0', () => {
    // The host's sh stands in for busybox ash (same POSIX syntax); files go to a private dir.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krust-modes-'));
    try {
      const ws = workloads(0.02);
      const script = guestScript(ws).replaceAll('/tmp/', `${dir}/`);
      const r = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 60_000 });
      const marks = parseMarks(r.stdout);
      expect(marks.map((m) => m.name)).toEqual(['boot', ...ws.map((w) => w.name)]);
      for (const m of marks) expect(m.status).toBe(0);
      expect(fs.readdirSync(dir)).toEqual([]);  // its files are removed at the end
    } finally { fs.rmSync(dir, { recursive: true, force: true }); }
  });
  it('quotes a workload with a single quote correctly', () => {
    const s = guestScript([{ name: 'q', what: '', run: "echo 'x'" }]);
    const r = spawnSync('sh', ['-c', s.replace('eval "$*" >/dev/null 2>&1', 'eval "$*"')], { encoding: 'utf8' });
    expect(r.stdout).toMatch(/^x$/m);
  });
});

describe('command line', () => {
  it('decides which harness npm run bench runs', () => {
    expect(wantsModes(['--modes', 'bare,kvm'])).toBe(true);
    expect(wantsModes(['--modes=bare'])).toBe(true);
    expect(wantsModes(['--net'])).toBe(true);
    expect(wantsModes(['--only', 'net'])).toBe(true);
    expect(wantsModes(['--only=fib,net'])).toBe(true);
    expect(wantsModes(['--only', 'fib', '--repeats', '3'])).toBe(false);
    expect(wantsModes(['--boot'])).toBe(false);
  });
  it('defaults', () => {
    const o = parseModesArgs(['--modes', 'bare,kvm,krustvm']);
    expect(o).toMatchObject({ modes: ['bare', 'kvm', 'krustvm'], engine: 'jit', repeats: 3, net: false, scale: 1, memory: '256M', netSeconds: 3 });
    expect(selectedWorkloads(o).boot).toBe(true);
    expect(selectedWorkloads(o).ws.map((w) => w.name)).toEqual(['sha256', 'md5', 'pipe', 'cp', 'fork', 'syscall']);
  });
  it('options', () => {
    const o = parseModesArgs(['--modes', 'kvm, bare', '--engine', 'interp', '--repeats', '5', '--json', 'x.json', '--svg', 'c.svg', '--scale', '0.5']);
    expect(o).toMatchObject({ modes: ['kvm', 'bare'], engine: 'interp', repeats: 5, json: 'x.json', svg: 'c.svg', scale: 0.5 });
  });
  it('--net and --only net select the network pair; --only net alone boots nothing else', () => {
    expect(parseModesArgs(['--net']).net).toBe(true);
    const o = parseModesArgs(['--only', 'net']);
    expect(o.net).toBe(true);
    expect(selectedWorkloads(o)).toEqual({ boot: false, ws: [] });
    const p = parseModesArgs(['--only', 'fork,tcp_rr']);
    expect(p.net).toBe(true);
    expect(selectedWorkloads(p).ws.map((w) => w.name)).toEqual(['fork']);
  });
  it('refuses bad values with a message', () => {
    expect(() => parseModesArgs(['--modes', 'bare,xen'])).toThrow(/--modes: unknown mode xen/);
    expect(() => parseModesArgs(['--only', 'nope'])).toThrow(/--only: unknown workload nope/);
    expect(() => parseModesArgs(['--repeats', '0'])).toThrow(/--repeats/);
    expect(() => parseModesArgs(['--engine', 'qemu'])).toThrow();
    expect(() => parseModesArgs(['--bogus'])).toThrow();
  });
});
