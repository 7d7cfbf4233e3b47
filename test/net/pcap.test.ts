// --net-pcap: the file is checked against the libpcap savefile format (pcap-savefile(5)) field
// by field, and read back by tshark when it is installed.
import { describe, it, expect, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BufferNet } from '../../devices/net/backend.js';
import { PcapWriter, tapped } from '../../devices/net/pcap.js';
import { hasTool, itWith } from '../util/tools.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
function tmpFile(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-pcap-'));
  dirs.push(d);
  return path.join(d, 'cap.pcap');
}

/** An Ethernet + IPv4 + ICMP echo request from 10.0.0.1 to 10.0.0.2 (checksums filled). */
function icmpEcho(seq: number): Uint8Array {
  const sum = (b: number[]) => { let s = 0; for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0); while (s > 0xffff) s = (s & 0xffff) + (s >>> 16); return ~s & 0xffff; };
  const icmp = [8, 0, 0, 0, 0, 1, 0, seq, ...Array.from({ length: 16 }, (_, i) => i)];
  const c = sum(icmp); icmp[2] = c >> 8; icmp[3] = c & 0xff;
  const ip = [0x45, 0, 0, 20 + icmp.length, 0, seq, 0x40, 0, 64, 1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2];
  const h = sum(ip); ip[10] = h >> 8; ip[11] = h & 0xff;
  return new Uint8Array([0x52, 0x54, 0, 0x12, 0x34, 0x57, 0x52, 0x54, 0, 0x12, 0x34, 0x56, 0x08, 0x00, ...ip, ...icmp]);
}

describe('pcap writer', () => {
  it('global header and records per pcap-savefile(5)', () => {
    const file = tmpFile();
    let t = 1_700_000_000_123_456;
    const w = new PcapWriter(file, { nowUs: () => t });
    const f1 = icmpEcho(1), f2 = new Uint8Array(60).fill(0xaa);
    w.record(f1);
    t += 2_000_001;
    w.record(f2);
    w.close();
    const b = fs.readFileSync(file);
    expect(b.length).toBe(24 + 16 + f1.length + 16 + f2.length);
    // magic 0xa1b2c3d4 in our (little-endian) byte order: microsecond timestamps.
    expect([...b.subarray(0, 4)]).toEqual([0xd4, 0xc3, 0xb2, 0xa1]);
    expect(b.readUInt16LE(4)).toBe(2);            // version_major
    expect(b.readUInt16LE(6)).toBe(4);            // version_minor
    expect(b.readInt32LE(8)).toBe(0);             // thiszone
    expect(b.readUInt32LE(12)).toBe(0);           // sigfigs
    expect(b.readUInt32LE(16)).toBeGreaterThanOrEqual(65535); // snaplen
    expect(b.readUInt32LE(20)).toBe(1);           // LINKTYPE_ETHERNET
    expect(b.readUInt32LE(24)).toBe(1_700_000_000); // ts_sec
    expect(b.readUInt32LE(28)).toBe(123_456);       // ts_usec
    expect(b.readUInt32LE(32)).toBe(f1.length);     // incl_len
    expect(b.readUInt32LE(36)).toBe(f1.length);     // orig_len
    expect(b.subarray(40, 40 + f1.length).equals(Buffer.from(f1))).toBe(true);
    const r2 = 40 + f1.length;
    expect(b.readUInt32LE(r2)).toBe(1_700_000_002);
    expect(b.readUInt32LE(r2 + 4)).toBe(123_457);
    expect(b.readUInt32LE(r2 + 8)).toBe(60);
  });

  it('frames are on disk within the flush interval, before close', async () => {
    const file = tmpFile();
    const w = new PcapWriter(file, { flushMs: 10 });
    w.record(icmpEcho(1));
    expect(fs.statSync(file).size).toBe(24);
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.statSync(file).size).toBe(24 + 16 + icmpEcho(1).length);
    w.close();
  });

  it('a tapped backend records frames in both directions', () => {
    const file = tmpFile();
    const w = new PcapWriter(file, { nowUs: () => 0 });
    const be = new BufferNet();
    const t = tapped(be, w);
    const got: Uint8Array[] = [];
    t.setReceiver((f) => got.push(f));
    t.send(icmpEcho(1));
    be.inject(icmpEcho(2));
    w.close();
    expect(be.frames.length).toBe(1);
    expect(got.length).toBe(1);
    expect(w.frames).toBe(2);
  });

  it('an unwritable path is a one-line error', () => {
    expect(() => new PcapWriter('/nonexistent-dir/x.pcap')).toThrow(/^--net-pcap \/nonexistent-dir\/x\.pcap: cannot create it \(ENOENT\); check the path$/);
  });

  itWith(hasTool('tshark', ['-v']), 'tshark', 'tshark')('tshark reads the file back and decodes the ICMP exchange', () => {
    const file = tmpFile();
    const w = new PcapWriter(file);
    for (let i = 1; i <= 3; i++) w.record(icmpEcho(i));
    w.close();
    const r = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'eth.src', '-e', 'ip.dst', '-e', 'icmp.type', '-e', 'icmp.seq', '-e', 'icmp.checksum.status'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim().split('\n')).toEqual([1, 2, 3].map((s) => `52:54:00:12:34:56\t10.0.0.2\t8\t${s}\t1`));
  });
});
