// The network benchmark (issue 8, Measure): netperf TCP_STREAM, TCP_MAERTS and TCP_RR between two
// bundled-guest VMs on krustvm's in-process switch, per hypervisor mode, normalised to bare; and
// the same pair of guests under qemu-system-aarch64 (two `-M virt` processes joined by
// `-netdev stream`) for reference.
//
//   npm run build && node dist/bench/net.js [--modes bare,kvm,krustvm] [--seconds 3] [--engine jit]
//                                           [--repeats 3] [--no-qemu] [--json FILE]
//
// Each configuration runs in a fresh process: `krustvm boot --vm server --vm client`. The server
// VM (10.0.0.1) runs netserver and waits; the client VM (10.0.0.2) runs the three tests one after
// the other (`netperf -l SECONDS -P 0 -- -o THROUGHPUT,THROUGHPUT_UNITS`) and tells the server
// it is done. Both VMs share this process's one thread, so they also share its CPU: a figure
// is what two VMs achieve on one core, not one VM's ceiling. The configurations take turns
// (round-robin over the repeats) and each figure is the median of its repeats, so a change of
// load on the machine spreads over all of them.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..');
const krustvmJs = path.join(root, 'dist/src/cli/main.js');
const guestDir = path.join(root, 'guests/linux');

export const NET_TESTS = ['TCP_STREAM', 'TCP_MAERTS', 'TCP_RR'] as const;
export type NetTest = (typeof NET_TESTS)[number];
/** Mbit/s for the stream tests, transactions/s for TCP_RR; undefined if the test gave nothing. */
export type NetResult = Record<NetTest, number | undefined> & { config: string; seconds: number; error?: string };

const SERVER = '10.0.0.1', CLIENT = '10.0.0.2';

function serverScript(): string {
  return ['netserver -4 >/dev/null', 'nc -l -p 9 >/dev/null'].join('\n');
}
function clientScript(seconds: number): string {
  const until = (c: string) => `i=0; until ${c}; do i=$((i+1)); [ $i -ge 120 ] && break; sleep 1; done`;
  return [
    `i=0; until ping -c 1 -W 1 ${SERVER} >/dev/null 2>&1; do i=$((i+1)); [ $i -ge 120 ] && break; done`,
    // netserver may still be starting: a first short test until it answers.
    until(`netperf -4 -H ${SERVER} -l 1 -t TCP_RR -P 0 >/dev/null 2>&1`),
    `for t in ${NET_TESTS.join(' ')}; do echo "NETPERF $t $(netperf -4 -H ${SERVER} -l ${seconds} -t $t -P 0 -- -o THROUGHPUT,THROUGHPUT_UNITS | tail -n 1)"; done`,
    until(`echo done | nc ${SERVER} 9`),
  ].join('\n');
}

/** The NETPERF lines of a client's console. */
export function parseNetperf(out: string, config: string, seconds: number): NetResult {
  const r: NetResult = { config, seconds, TCP_STREAM: undefined, TCP_MAERTS: undefined, TCP_RR: undefined };
  for (const t of NET_TESTS) {
    const m = new RegExp(`NETPERF ${t} ([0-9.]+),`).exec(out);
    if (m) r[t] = Number(m[1]);
  }
  return r;
}

function run(argv: string[], limitS: number): Promise<{ code: number | null; out: string; seconds: number }> {
  return new Promise((res) => {
    const t0 = Date.now();
    const c = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    c.stderr.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    const timer = setTimeout(() => c.kill('SIGKILL'), limitS * 1000);
    c.on('close', (code) => { clearTimeout(timer); res({ code, out, seconds: (Date.now() - t0) / 1000 }); });
  });
}

/** Two krustvm VMs on the in-process switch in `mode`. */
export async function krustvmPair(mode: string, engine: string, seconds: number): Promise<NetResult> {
  const vm = (name: string, mac: string, cmd: string) => JSON.stringify({
    name, mode, cmd, net: `switch,mac=${mac}`, m: '256M', append: 'console=ttyAMA0 quiet',
  });
  const r = await run([process.execPath, krustvmJs, 'boot', '--engine', engine, '--vm', vm('server', '52:54:00:00:00:01', serverScript()),
    '--vm', vm('client', '52:54:00:00:00:02', clientScript(seconds))], 600);
  const res = parseNetperf(r.out, `krustvm ${mode} (${engine})`, r.seconds);
  if (r.code !== 0 || NET_TESTS.some((t) => res[t] === undefined)) res.error = `exit ${r.code}: ${r.out.trim().split('\n').slice(-3).join(' / ')}`;
  return res;
}

/** The same two guests under qemu-system-aarch64 (TCG), joined by a stream netdev. */
export async function qemuPair(seconds: number, port: number): Promise<NetResult> {
  const qemu = (mac: string, netdev: string, cmd: string) => ['qemu-system-aarch64', '-M', 'virt', '-cpu', 'cortex-a72', '-m', '256M',
    '-nographic', '-no-reboot', '-kernel', path.join(guestDir, 'Image.gz'), '-initrd', path.join(guestDir, 'initramfs.cpio.gz'),
    '-append', `console=ttyAMA0 quiet krustvm.cmd=${Buffer.from(cmd).toString('base64')}`,
    '-netdev', `${netdev},id=n0`, '-device', `virtio-net-device,netdev=n0,mac=${mac}`];
  const server = run(qemu('52:54:00:00:00:01', `stream,server=on,addr.type=inet,addr.host=127.0.0.1,addr.port=${port}`, serverScript()), 600);
  await new Promise((r) => setTimeout(r, 1000)); // the server listens before the client connects
  const client = await run(qemu('52:54:00:00:00:02', `stream,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=${port}`, clientScript(seconds)), 600);
  await server;
  const res = parseNetperf(client.out, 'qemu-system-aarch64 (TCG)', client.seconds);
  if (NET_TESTS.some((t) => res[t] === undefined)) res.error = client.out.trim().split('\n').slice(-3).join(' / ');
  return res;
}

/** Per test, the median of the runs that produced a figure. */
export function medianResult(runs: NetResult[]): NetResult {
  const med = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : undefined; };
  const r: NetResult = { config: `${runs[0].config} ×${runs.length}`, seconds: med(runs.map((x) => x.seconds)) ?? 0, TCP_STREAM: undefined, TCP_MAERTS: undefined, TCP_RR: undefined };
  for (const t of NET_TESTS) r[t] = med(runs.flatMap((x) => (x[t] === undefined ? [] : [x[t]!])));
  const errors = runs.filter((x) => x.error).map((x) => x.error);
  if (errors.length) r.error = `${errors.length} of ${runs.length} runs failed: ${errors[0]}`;
  return r;
}

const fmt = (v: number | undefined, digits = 1) => (v === undefined ? '—' : v.toFixed(digits));
const ratio = (v: number | undefined, base: number | undefined) => (v === undefined || !base ? '—' : `${(v / base).toFixed(2)}×`);

export function printNetTable(rows: NetResult[], bare: NetResult | undefined): string {
  const head = ['configuration', 'STREAM Mbit/s', 'MAERTS Mbit/s', 'RR trans/s', 'vs bare (S/M/RR)'];
  const lines = rows.map((r) => [r.config, fmt(r.TCP_STREAM, 2), fmt(r.TCP_MAERTS, 2), fmt(r.TCP_RR, 1),
    bare ? NET_TESTS.map((t) => ratio(r[t], bare[t])).join(' ') : '—']);
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  return [head, ...lines].map((l) => l.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const a = await yargs(hideBin(process.argv))
    .option('modes', { type: 'string', default: 'bare,kvm,krustvm', describe: 'comma-separated hypervisor modes' })
    .option('engine', { choices: ['jit', 'interp'], default: 'jit' })
    .option('seconds', { type: 'number', default: 3, describe: 'length of each netperf test (-l)' })
    .option('qemu', { type: 'boolean', default: true, describe: 'also run the pair under qemu-system-aarch64' })
    .option('repeats', { type: 'number', default: 3, describe: 'runs per configuration (the median is reported)' })
    .option('port', { type: 'number', default: 17555, describe: 'TCP port of the QEMU pair\'s stream netdev' })
    .option('json', { type: 'string', describe: 'also write the results as JSON to this file' })
    .strict().help().parseAsync();
  if (!fs.existsSync(krustvmJs)) throw new Error(`${krustvmJs} is missing: run npm run build (tsc -p .) first`);
  const configs: { name: string; run: () => Promise<NetResult> }[] = a.modes.split(',').map((s) => s.trim()).filter(Boolean)
    .map((mode) => ({ name: `krustvm ${mode}`, run: () => krustvmPair(mode, a.engine, a.seconds) }));
  if (a.qemu) configs.push({ name: 'qemu-system-aarch64', run: () => qemuPair(a.seconds, a.port) });
  const runs: NetResult[][] = configs.map(() => []);
  for (let i = 0; i < Math.max(1, a.repeats); i++) {
    for (const [k, c] of configs.entries()) {
      console.error(`  net: ${c.name} (run ${i + 1}) …`);
      runs[k].push(await c.run());
    }
  }
  const rows = runs.map(medianResult);
  for (const r of rows) if (r.error) console.error(`${r.config}: ${r.error}`);
  console.log(printNetTable(rows, rows.find((r) => r.config.startsWith('krustvm bare'))));
  if (a.json) fs.writeFileSync(a.json, `${JSON.stringify({ medians: rows, runs }, null, 2)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((x) => { console.error(`bench net: ${(x as Error).message}`); process.exit(1); });
}
