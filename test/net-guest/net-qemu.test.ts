// A krustvm VM and a qemu-system-aarch64 `-M virt` guest (the same bundled kernel and initramfs)
// on one wire: krustvm's stream backend listens on a Unix socket, QEMU's `-netdev stream`
// connects to it (QEMU's framing: a 4-byte big-endian length before each Ethernet frame).
// Ping both ways, and a file over TCP from the QEMU guest to the krustvm guest whose sha256
// matches on arrival.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect } from 'vitest';
import { bootMain } from '../../src/machine/cli-boot.js';
import type { Scheduler } from '../../src/machine/scheduler.js';
import { hasTool, itWith } from '../util/tools.js';
import { cmdAppend, markerStatus, pingCounts, receiveFile, retry, seqFile, seqSha256, startQemu, waitPing } from './run_vms.js';

const K = '10.0.0.1', Q = '10.0.0.2';
const FILE_LINES = 20_000; // 108,894 bytes

const krustvmScript = [
  waitPing(Q, 120),
  `ping -c 3 ${Q}`,
  ...receiveFile,
].join('\n');

const qemuScript = [
  waitPing(K, 120),
  `ping -c 3 ${K}`,
  seqFile(FILE_LINES),
  'echo "SENT $(sha256sum < /tmp/f)"',
  retry(`nc ${K} 5001 < /tmp/f`),
  retry(`echo done | nc ${K} 9`),
].join('\n');

const withQemu = itWith(hasTool('qemu-system-aarch64'), 'qemu-system-aarch64', 'qemu-system-arm');

describe('krustvm VM ↔ qemu-system-aarch64 guest through the stream backend', () => {
  for (const [engine, mode] of [['jit', 'bare'], ['interp', 'kvm'], ['jit', 'krustvm']] as const) withQemu(`ping both ways and a TCP transfer between a krustvm (${engine}, --mode ${mode}) and a QEMU guest`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-qemu-net-'));
    const sock = path.join(dir, 'wire.sock'), consoleFile = path.join(dir, 'k.txt');
    let qemu: ReturnType<typeof startQemu> | undefined;
    try {
      // krustvm listens first (openNetwork listens before the machine runs); QEMU connects once
      // the socket exists.
      let scheduler: Scheduler | undefined;
      const krustvm = bootMain({
        onStart: (s: Scheduler) => { scheduler = s; },
        cmd: krustvmScript, append: cmdAppend(`krustvm.ip=${K}/24`), m: '256M', engine, mode,
        net: [`stream,server=unix:${sock},mac=52:54:00:00:01:01`], serial: `file:${consoleFile}`, 'max-insns': 4e10,
      } as never);
      for (let i = 0; i < 200 && !fs.existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
      expect(fs.existsSync(sock), 'krustvm stream server socket').toBe(true);
      qemu = startQemu(qemuScript, `stream,server=off,addr.type=unix,addr.path=${sock}`, { mac: '52:54:00:00:01:02', append: `krustvm.ip=${Q}/24` });
      // If QEMU ends first (it could not start, or its guest gave up), krustvm's guest would wait
      // for it until its own timeouts: stop it a little later instead.
      void qemu.done.then(() => setTimeout(() => scheduler?.quit(), 15_000).unref());
      const [status, q] = await Promise.all([krustvm, qemu.done]);
      const k = fs.readFileSync(consoleFile, 'latin1').replace(/\r\n/g, '\n');
      try {
        expect(status).toBe(0);
        expect(markerStatus(q.out)).toBe(0);
        expect(pingCounts(k, Q)).toEqual({ sent: 3, received: 3 });
        expect(pingCounts(q.out, K)).toEqual({ sent: 3, received: 3 });
        const expected = seqSha256(FILE_LINES);
        expect(/^SENT ([0-9a-f]{64})\b/m.exec(q.out)?.[1]).toBe(expected);
        expect(/^RECEIVED ([0-9a-f]{64})\b/m.exec(k)?.[1]).toBe(expected);
        expect(k).toMatch(/^RECEIVED [0-9a-f]{64}\s+-\s+108894$/m);
      } catch (x) {
        console.error(`--- krustvm:\n${k}\n--- qemu:\n${q.out}`);
        throw x;
      }
    } finally {
      qemu?.child.kill();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
