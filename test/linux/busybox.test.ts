// Debian's busybox-static (arm64) in Linux user mode: applets that do not fork, under both
// engines, against qemu-aarch64 on the same binary. The binary is the one inside the bundled
// guest's initramfs (guests/linux/initramfs.cpio.gz), taken out here so it is not committed twice.
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { ROOT, cli, ENGINES } from './helpers.js';

/** A file from a newc cpio archive. */
function cpioFile(archive: Buffer, want: string): Buffer | undefined {
  let off = 0;
  while (off + 110 <= archive.length) {
    const hdr = archive.subarray(off, off + 110).toString('latin1');
    if (!hdr.startsWith('070701')) return undefined;
    const field = (i: number) => parseInt(hdr.slice(6 + 8 * i, 14 + 8 * i), 16);
    const size = field(6), nameSize = field(11);
    const name = archive.subarray(off + 110, off + 110 + nameSize - 1).toString('utf8');
    const dataOff = (off + 110 + nameSize + 3) & ~3;
    if (name === 'TRAILER!!!') return undefined;
    if (name.replace(/^\.?\//, '') === want) return archive.subarray(dataOff, dataOff + size);
    off = (dataOff + size + 3) & ~3;
  }
  return undefined;
}

const dir = fs.mkdtempSync(path.join(ROOT, 'dist', 'busybox-'));
const busybox = path.join(dir, 'busybox');
const image = cpioFile(zlib.gunzipSync(fs.readFileSync(path.join(ROOT, 'guests/linux/initramfs.cpio.gz'))), 'bin/busybox');
if (image) fs.writeFileSync(busybox, image, { mode: 0o755 });
const data = path.join(dir, 'data.txt');
fs.writeFileSync(data, Array.from({ length: 500 }, (_, i) => `line ${(i * 7919) % 1000} of the file\n`).join(''));
const hasQemu = spawnSync('qemu-aarch64', ['--version']).status === 0;

const RUNS: string[][] = [
  ['echo', 'hello', 'from', 'busybox'],
  ['sha256sum', data],
  ['md5sum', data],
  ['wc', data],
  ['sort', '-n', '-k2', data],
  ['sed', '-n', 's/line \\([0-9]*5\\) of.*/five: \\1/p', data],
  ['sh', '-c', 'i=0; s=0; while [ $i -lt 200 ]; do s=$((s + i * i)); i=$((i + 1)); done; echo $s'],
  ['printf', '%08x|%-6s|%5.2f\\n', '48879', 'ab', '3.14159'],
  ['uname', '-m'],
  ['expr', '6', '*', '7'],
];

describe('busybox-static (Debian arm64) applets', () => {
  it('is in the bundled initramfs', () => { expect(image, 'bin/busybox in guests/linux/initramfs.cpio.gz').toBeDefined(); });
  it('sha256sum agrees with node:crypto', () => {
    const r = cli(['run', busybox, 'sha256sum', data]);
    expect(r.status).toBe(0);
    expect(r.stdout.split(' ')[0]).toBe(crypto.createHash('sha256').update(fs.readFileSync(data)).digest('hex'));
  });
  for (const args of RUNS) {
    it(`${args.slice(0, 2).map((a) => (a === data ? 'FILE' : a)).join(' ')}: same output and status as qemu-aarch64, both engines`, () => {
      const want = hasQemu ? spawnSync('qemu-aarch64', [busybox, ...args], { encoding: 'utf8' }) : undefined;
      if (!want) {
        if (process.env.CI === 'true') throw new Error('qemu-aarch64 not installed: the oracle of this test is missing');
        console.warn('NOT RUN against qemu-aarch64 (not installed): only checked that both engines agree');
      }
      const outs = ENGINES.map((engine) => cli(['run', '--engine', engine, busybox, ...args]));
      for (const r of outs) {
        expect(r.status).toBe(want ? want.status : outs[0].status);
        expect(r.stdout).toBe(want ? want.stdout : outs[0].stdout);
      }
    });
  }
});
