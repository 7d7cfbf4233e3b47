// The bundled Linux guest (CONFIG_VIRTIO_MMIO, CONFIG_VIRTIO_NET) with two NICs, in both engines:
// the kernel finds both virtio-mmio slots from the DTB, names them eth0/eth1 with our MACs, takes
// their interrupts on SPIs 160/161 (GIC IDs 192/193), and talks to a peer that this test plugs
// into the same in-process switch: the test answers the guest's ARP request for 10.0.0.99 (so
// the guest's receive path works) and checks the TCP SYN that follows, whose checksum the guest
// left to the NIC (VIRTIO_NET_F_CSUM): it must verify by RFC 793's definition, computed here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { namedSwitch } from '../../devices/net/switch.js';
import { bootMain } from '../../src/machine/cli-boot.js';
import type { NetStats } from '../../devices/virtio/net.js';

const PEER_MAC = [0x02, 0x00, 0x00, 0x00, 0x00, 0x99], PEER_IP = [10, 0, 0, 99];

const SCRIPT = [
  'ip addr add 10.0.0.5/24 dev eth0 2>/dev/null; ip link set eth0 up',
  // The kernel marks the link running (operstate up) from its linkwatch work, up to a second
  // after the carrier comes: wait for it rather than race it.
  'for i in $(seq 50); do [ "$(cat /sys/class/net/eth0/operstate)" = up ] && break; sleep 0.1; done',
  'echo "=== link"; ip link show',
  'echo "=== irq"; grep virtio /proc/interrupts',
  'echo "=== nc"; echo hi | nc -w 2 10.0.0.99 80; echo "nc done"',
  'echo "=== end"',
].join('\n');

function sections(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  let cur = '';
  for (const l of out.split('\n')) {
    const m = /^=== (\S+)$/.exec(l);
    if (m) { cur = m[1]; r[cur] = ''; } else if (cur) r[cur] += `${l}\n`;
  }
  return r;
}

/** Ones' complement sum of 16-bit big-endian words. */
function sum16(b: ArrayLike<number>, start = 0, end = b.length, acc = 0): number {
  let s = acc;
  for (let i = start; i < end; i += 2) s += (b[i] << 8) | (i + 1 < end ? b[i + 1] : 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}

/** A peer on switch `lan`: answers ARP for PEER_IP, collects TCP segments sent to it. */
function peer(lan: string) {
  const port = namedSwitch(lan).connect('test-peer');
  const syns: Uint8Array[] = [];
  let arps = 0;
  port.setReceiver((f) => {
    const type = (f[12] << 8) | f[13];
    if (type === 0x0806 && f[21] === 1 && f.subarray(38, 42).every((v, i) => v === PEER_IP[i])) {
      arps++;
      const r = new Uint8Array(42);
      r.set(f.subarray(6, 12), 0); r.set(PEER_MAC, 6); r.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 2], 12);
      r.set(PEER_MAC, 22); r.set(PEER_IP, 28); r.set(f.subarray(22, 28), 32); r.set(f.subarray(28, 32), 38);
      port.send(r);
    } else if (type === 0x0800 && f[14 + 9] === 6 && f.subarray(30, 34).every((v, i) => v === PEER_IP[i])) {
      syns.push(f.slice());
    }
  });
  return { port, syns, arps: () => arps };
}

async function run(engine: 'jit' | 'interp') {
  const lan = `linux-nic-${engine}`;
  const p = peer(lan);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-nic-'));
  const file = path.join(dir, 'console.txt');
  let stats: NetStats | undefined;
  try {
    const status = await bootMain({
      onStart: (sch) => { stats = sch.m.dev.nics[0].net.stats; },
      cmd: SCRIPT, engine, m: '256M', serial: `file:${file}`, 'max-insns': 4e9,
      net: [`switch,name=${lan},mac=52:54:00:ab:cd:ef`, `switch,name=${lan}-2`],
    });
    return { status, out: fs.readFileSync(file, 'latin1').replace(/\r\n/g, '\n'), stats: stats!, ...p };
  } finally {
    await p.port.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe.each(['jit', 'interp'] as const)('bundled Linux guest with virtio-net (%s)', (engine) => {
  it('eth0/eth1 with our MACs, virtio interrupts, ARP answered, TCP checksum completed by the NIC', async () => {
    const r = await run(engine);
    const s = sections(r.out);
    expect(r.status, r.out.slice(-3000)).toBe(0);
    expect(s.link).toMatch(/^\d+: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 .*\n\s+link\/ether 52:54:00:ab:cd:ef brd ff:ff:ff:ff:ff:ff$/m);
    expect(s.link).toMatch(/^\d+: eth1: .*\n\s+link\/ether 52:54:00:12:34:57 brd ff:ff:ff:ff:ff:ff$/m);
    expect(s.irq).toMatch(/^\s*\d+:\s+[1-9]\d*\s+GIC-0 192 Level\s+virtio0$/m);
    expect(s.irq).toMatch(/^\s*\d+:\s+\d+\s+GIC-0 193 Level\s+virtio1$/m);
    expect(r.arps()).toBeGreaterThanOrEqual(1);
    expect(r.syns.length).toBeGreaterThanOrEqual(1);
    expect(r.stats.txCsum).toBeGreaterThanOrEqual(1); // the guest did offload
    expect(r.stats.rxFrames).toBeGreaterThanOrEqual(1);
    for (const f of r.syns) {
      expect(Array.from(f.subarray(0, 6))).toEqual(PEER_MAC); // sent to the MAC our ARP reply gave
      const ihl = (f[14] & 15) * 4, ipEnd = 14 + ((f[16] << 8) | f[17]);
      expect(sum16(f, 14, 14 + ihl)).toBe(0xffff); // IPv4 header checksum verifies
      const tcpLen = ipEnd - 14 - ihl;
      const pseudo = sum16([...f.subarray(26, 34), 0, 6, tcpLen >> 8, tcpLen & 0xff]);
      expect(sum16(f, 14 + ihl, ipEnd, pseudo)).toBe(0xffff); // TCP checksum verifies
      expect((f[14 + ihl + 2] << 8) | f[14 + ihl + 3]).toBe(80);
      expect(f[14 + ihl + 13] & 0x02).toBe(2); // SYN
    }
  }, 600_000);
});
