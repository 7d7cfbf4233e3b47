// Two bundled-guest VMs in this process on the in-process switch (the real `krustvm boot --vm`
// path): ping round trip, a 0.94 MB TCP transfer with busybox nc whose sha256 must match on
// arrival, and netperf TCP_STREAM / TCP_RR; prints the figures.
//
// The default run is the normal configuration (offloads offered, the scheduler yielding to a
// woken machine), with the receiver on the interpreter. KRUSTVM_NET_BENCH=N instead runs N
// rounds of a matrix in this one process (timings on a loaded machine are only comparable
// within one run): virtio-net offloads withheld or not × the scheduler's yield-on-wake off or
// on, both VMs on the JIT, for before/after ratios.
//
// nc timing is taken inside the sending guest (/proc/uptime, 10 ms ticks; the guest clock
// follows the host's wall clock without --icount): from before `nc` connects until the
// receiver, having read the whole stream, connects back to say so.
import { afterAll, describe, expect, it } from 'vitest';
import { OFFLOAD_FEATURES, netDefaults } from '../../devices/virtio/net.js';
import { namedSwitch } from '../../devices/net/switch.js';
import { yieldToWoken } from '../../src/machine/scheduler.js';
import { bootVms, retry, seqFile, seqSha256, waitPing } from '../net-guest/run_vms.js';

const LINES = 150_000; // `seq 1 150000`: 938,895 bytes
const BYTES = 938_895;
const A = '10.0.0.1', B = '10.0.0.2';

const receiver = [
  'netserver -4 >/dev/null',
  waitPing(B),
  'timeout 600 nc -l -p 5001 > /tmp/r',
  retry(`echo ok | nc ${B} 5002`),
  'echo "RECEIVED $(sha256sum < /tmp/r) $(wc -c < /tmp/r)"',
  'cat /proc/net/dev',
  'timeout 600 nc -l -p 9 > /dev/null',
].join('\n');

const sender = [
  waitPing(A),
  `ping -c 20 -i 0.2 ${A} | tail -n 2`,
  seqFile(LINES),
  'nc -l -p 5002 > /tmp/ack & L=$!',
  'head -n 1 /proc/stat',
  't0=$(cut -d" " -f1 /proc/uptime)',
  retry(`nc ${A} 5001 < /tmp/f`),
  'wait $L',
  't1=$(cut -d" " -f1 /proc/uptime)',
  'head -n 1 /proc/stat; cat /proc/net/dev',
  'echo "ACK $(cat /tmp/ack)"',
  'echo "ELAPSED $t0 $t1"',
  `for t in TCP_STREAM TCP_RR; do echo "NETPERF $t $(netperf -4 -H ${A} -l 4 -t $t -P 0 -- -o THROUGHPUT,THROUGHPUT_UNITS | tail -n 1)"; done`,
  retry(`echo done | nc ${A} 9`),
].join('\n');

interface Config { name: string; offloads: boolean; yieldOnWake: boolean; receiverEngine: 'jit' | 'interp'; afterMs?: number }
const MATRIX: Config[] = [
  { name: 'before (no offloads, 20 ms windows)', offloads: false, yieldOnWake: false, receiverEngine: 'jit' },
  { name: 'offloads only', offloads: true, yieldOnWake: false, receiverEngine: 'jit' },
  { name: 'yield-on-wake only', offloads: false, yieldOnWake: true, receiverEngine: 'jit' },
  { name: 'after (both)', offloads: true, yieldOnWake: true, receiverEngine: 'jit' },
];
/** The default run: the normal configuration, the receiving VM on the interpreter (so both
 *  engines take GSO frames and partial checksums from the other). */
const DEFAULT: Config = { name: 'default (interp receiver, jit sender)', offloads: true, yieldOnWake: true, receiverEngine: 'interp' };
/** KRUSTVM_NET_BENCH=N: N rounds of the matrix, every other one in reverse order (ABCD DCBA…)
 *  so a drift in the machine's load does not favour one configuration. */
/** KRUSTVM_NET_BENCH_HOLD=1: the matrix is instead yield-on-wake at once vs after 2 or 5 ms. */
const HOLD: Config[] = [0, 2, 5].map((ms) => ({ name: `offloads, yield to a woken VM after ${ms} ms`, offloads: true, yieldOnWake: true, receiverEngine: 'jit', afterMs: ms }));
const rounds = Number(process.env.KRUSTVM_NET_BENCH) || 0;
const set = process.env.KRUSTVM_NET_BENCH_HOLD ? HOLD : MATRIX;
const configs = rounds ? Array.from({ length: rounds }, (_, i) => (i % 2 ? [...set].reverse() : set).map((c) => ({ ...c, name: `${c.name} #${i + 1}` }))).flat() : [DEFAULT];
if (!process.env.KRUSTVM_NET_BENCH) console.log('two-vm bench: only the default configuration (KRUSTVM_NET_BENCH=1 for the before/after matrix)');

const lines: string[] = [];
afterAll(() => { if (lines.length) console.log(lines.join('\n')); });

describe('two VMs on the switch: figures', () => {
  it.each(configs)('$name: ping, 0.94 MB over nc (sha256 matches), netperf', async (c) => {
    netDefaults.withhold = c.offloads ? 0n : OFFLOAD_FEATURES;
    yieldToWoken.enabled = c.yieldOnWake;
    yieldToWoken.afterMs = c.afterMs ?? 0;
    const lan = namedSwitch('bench');
    const { unfinished: unfinished0, tso: tso0 } = lan.stats;
    let r;
    try {
      r = await bootVms([
        { name: 'a', cmd: receiver, net: ['switch,name=bench,mac=52:54:00:00:00:01'], append: `krustvm.ip=${A}/24`, engine: c.receiverEngine },
        { name: 'b', cmd: sender, net: ['switch,name=bench,mac=52:54:00:00:00:02'], append: `krustvm.ip=${B}/24` },
      ], { engine: 'jit' });
    } finally {
      netDefaults.withhold = 0n;
      yieldToWoken.enabled = true;
      yieldToWoken.afterMs = 0;
    }
    const a = r.consoles.a, b = r.consoles.b;
    if (process.env.KRUSTVM_BENCH_VERBOSE) console.log(a, b);
    const el = /^ELAPSED ([\d.]+) ([\d.]+)$/m.exec(b);
    const secs = el ? Number(el[2]) - Number(el[1]) : NaN;
    const rtt = /round-trip min\/avg\/max = ([\d./]+) ms/.exec(b)?.[1];
    const txPackets = /^\s*eth0:(?:\s+\d+){8}\s+\d+\s+(\d+)/m.exec(b)?.[1];
    const np = (t: string) => new RegExp(`^NETPERF ${t} ([\\d.]+),`, 'm').exec(b)?.[1];
    lines.push(`two-vm bench [${c.name}]: frames with offload metadata ${lan.stats.unfinished - unfinished0} (TSO ${lan.stats.tso - tso0}); nc ${BYTES} B in ${secs.toFixed(2)} s = ${(BYTES / secs / 1024).toFixed(1)} KiB/s (sender eth0 tx packets ${txPackets}); `
      + `ping min/avg/max ${rtt} ms; netperf TCP_STREAM ${np('TCP_STREAM')} Mbit/s, TCP_RR ${np('TCP_RR')} trans/s; wall ${r.seconds.toFixed(1)} s`);
    const got = /^RECEIVED ([0-9a-f]{64})\s+-?\s*(\d+)$/m.exec(a);
    expect(got?.[1], a.slice(-2000)).toBe(seqSha256(LINES));
    expect(Number(got?.[2])).toBe(BYTES);
    expect(b).toMatch(/^ACK ok$/m);
    expect(rtt).toBeDefined();
    expect(Number(np('TCP_STREAM'))).toBeGreaterThan(0);
    expect(Number(np('TCP_RR'))).toBeGreaterThan(0);
    // The guests hand over partial checksums (VIRTIO_NET_F_CSUM, offered in every
    // configuration): frames crossed the switch unfinished. With the offloads netperf's 16 KB
    // sends also went as TSO segments; without, none did.
    const tso = lan.stats.tso - tso0;
    expect(lan.stats.unfinished - unfinished0).toBeGreaterThan(100);
    if (c.offloads) expect(tso).toBeGreaterThan(10); else expect(tso).toBe(0);
  }, 1_200_000);
});
