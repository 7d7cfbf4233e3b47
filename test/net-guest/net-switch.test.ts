// Two bundled-guest VMs in one krustvm process (`boot --vm … --vm …`) on the in-process switch:
// ping both ways, a TCP transfer (busybox nc) whose sha256 matches on arrival, netperf
// TCP_STREAM / TCP_MAERTS / TCP_RR, and the pcap of the ping read back by tshark (JIT, --mode
// bare); then ping and the transfer between an interpreter VM under the hypervisor core (--mode
// kvm) and a bare JIT VM. Modes are pinned (run_vms.ts defaults to bare): this file is about the
// switch and bare/kvm; --mode krustvm (the CLI default) networking, through the VM's shared I/O
// window, is test/hypervisor/krustvm-net.test.ts.
//
// Addresses: the guests' /init gives eth0 10.0.0.N/24 with N the last byte of its MAC, so
// mac=…:01 and mac=…:02 make 10.0.0.1 and 10.0.0.2 with no krustvm.ip= (the default rule is part
// of what is tested). The second VM waits until the first answers pings, and the first waits
// for the second's "done" on port 9 before it powers off, so neither ends under the other.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasTool, itWith } from '../util/tools.js';
import { bootVms, pingCounts, receiveFile, retry, seqFile, seqSha256, waitPing } from './run_vms.js';

const FILE_LINES = 50_000; // `seq 1 50000`: 288,894 bytes
const A = '10.0.0.1', B = '10.0.0.2';
const MAC_A = '52:54:00:00:00:01', MAC_B = '52:54:00:00:00:02';

/** A: netserver, pings B, receives the file, waits for B's "done". */
const serverScript = [
  'netserver -4 >/dev/null',
  `ip -4 -o addr show dev eth0 | awk '{print "ADDR " $4}'`,
  waitPing(B),
  `ping -c 3 ${B}`,
  ...receiveFile,
].join('\n');

/** B: pings A, sends the file, runs netperf against A's netserver, tells A it is done. */
const clientScript = (netperf: boolean) => [
  `ip -4 -o addr show dev eth0 | awk '{print "ADDR " $4}'`,
  waitPing(A),
  `ping -c 3 ${A}`,
  seqFile(FILE_LINES),
  'echo "SENT $(sha256sum < /tmp/f)"',
  retry(`nc ${A} 5001 < /tmp/f`),
  ...(netperf ? [`for t in TCP_STREAM TCP_MAERTS TCP_RR; do echo "NETPERF $t $(netperf -4 -H ${A} -l 2 -t $t -P 0 -- -o THROUGHPUT,THROUGHPUT_UNITS | tail -n 1)"; done`] : []),
  retry(`echo done | nc ${A} 9`),
].join('\n');

const sha = (out: string, tag: string) => new RegExp(`^${tag} ([0-9a-f]{64})\\b`, 'm').exec(out)?.[1];

function checkPingAndTransfer(a: string, b: string): void {
  expect(a).toMatch(new RegExp(`^ADDR ${A.replace(/\./g, '\\.')}/24$`, 'm'));
  expect(b).toMatch(new RegExp(`^ADDR ${B.replace(/\./g, '\\.')}/24$`, 'm'));
  expect(pingCounts(a, B)).toEqual({ sent: 3, received: 3 });
  expect(pingCounts(b, A)).toEqual({ sent: 3, received: 3 });
  const expected = seqSha256(FILE_LINES);
  expect(sha(b, 'SENT')).toBe(expected);
  expect(sha(a, 'RECEIVED')).toBe(expected);
  expect(a).toMatch(/^RECEIVED [0-9a-f]{64}\s+-\s+288894$/m);
}

const tshark = itWith(hasTool('tshark', ['-v']), 'tshark', 'tshark');

describe('two bundled-guest VMs on the in-process switch', () => {
  const pcap = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-pcap-')), 'a.pcap');
  let run: Promise<Awaited<ReturnType<typeof bootVms>>> | undefined;
  const jitRun = () => (run ??= bootVms([
    { name: 'a', net: [`switch,mac=${MAC_A}`], cmd: serverScript, pcap },
    { name: 'b', net: [`switch,mac=${MAC_B}`], cmd: clientScript(true) },
  ]));

  it('JIT: ping both ways, a file over TCP arrives intact, netperf TCP_STREAM/MAERTS/RR complete', async () => {
    const r = await jitRun();
    const { a, b } = r.consoles;
    try {
      expect(r.status).toBe(0);
      checkPingAndTransfer(a, b);
      console.info(b.split('\n').filter((l) => l.startsWith('NETPERF')).join('\n'));
      // netperf's omni output: "THROUGHPUT,UNITS"; positive Mbit/s and transactions/s.
      for (const [test, unit] of [['TCP_STREAM', '10^6bits/s'], ['TCP_MAERTS', '10^6bits/s'], ['TCP_RR', 'Trans/s']]) {
        const m = new RegExp(`^NETPERF ${test} ([0-9.]+),(\\S+)$`, 'm').exec(b);
        expect(m, `${test} result line`).not.toBeNull();
        expect(Number(m![1])).toBeGreaterThan(0);
        expect(m![2]).toBe(unit);
      }
    } catch (x) {
      console.error(`--- a:\n${a}\n--- b:\n${b}`);
      throw x;
    }
  }, 600_000);

  tshark('the pcap of the run shows the ICMP echo exchange (tshark)', async () => {
    await jitRun();
    const t = spawnSync('tshark', ['-r', pcap, '-Y', 'icmp', '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst', '-e', 'icmp.type', '-e', 'icmp.ident', '-e', 'icmp.seq'], { encoding: 'utf8' });
    expect(t.status, t.stderr).toBe(0);
    const rows = t.stdout.trim().split('\n').map((l) => l.split('\t'));
    // ICMP (RFC 792): type 8 echo request, type 0 echo reply with the request's identifier and
    // sequence number. Each way: the three counted pings (seq 0..2 of one identifier) were
    // answered.
    for (const [from, to] of [[A, B], [B, A]]) {
      const requests = rows.filter((r) => r[0] === from && r[1] === to && r[2] === '8');
      const replies = rows.filter((r) => r[0] === to && r[1] === from && r[2] === '0');
      const answered = requests.filter((q) => replies.some((p) => p[3] === q[3] && p[4] === q[4]));
      const byIdent = new Map<string, Set<string>>();
      for (const q of answered) byIdent.set(q[3], (byIdent.get(q[3]) ?? new Set()).add(q[4]));
      expect([...byIdent.values()].some((s) => ['0', '1', '2'].every((n) => s.has(n))), `${from} → ${to}: ${JSON.stringify(rows)}`).toBe(true);
    }
  }, 600_000);

  it('an interpreter VM under the hypervisor core (--mode kvm) and a bare JIT VM: ping both ways and a file over TCP', async () => {
    const r = await bootVms([
      { name: 'a', net: [`switch,name=lan-mixed,mac=${MAC_A}`], cmd: serverScript, engine: 'interp', mode: 'kvm' },
      { name: 'b', net: [`switch,name=lan-mixed,mac=${MAC_B}`], cmd: clientScript(false), engine: 'jit' },
    ]);
    const { a, b } = r.consoles;
    try {
      expect(r.status).toBe(0);
      checkPingAndTransfer(a, b);
    } catch (x) {
      console.error(`--- a:\n${a}\n--- b:\n${b}`);
      throw x;
    }
  }, 900_000);
});
