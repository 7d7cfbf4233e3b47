// Kernel/initrd/DTB loading and the boot/dtb commands' error handling.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { LoadError, layout, parseKernel } from '../../src/machine/loader.js';
import { bootMain, dtbMain, qemuArgs } from '../../src/machine/cli-boot.js';
import { parseDtb } from '../../src/board/fdt.js';
import { BIN } from './run_guest.js';

const MiB = 2 ** 20;

function image(textOffset: number, size: number): Uint8Array {
  const b = new Uint8Array(4096);
  const dv = new DataView(b.buffer);
  dv.setBigUint64(8, BigInt(textOffset), true);
  dv.setBigUint64(16, BigInt(size), true);
  dv.setUint32(0x38, 0x644d5241, true);
  return b;
}

describe('loader', () => {
  it('places an arm64 Image at base + text_offset and the DTB/initrd at the top of RAM', () => {
    const k = parseKernel('Image', image(0x80000, 3 * MiB), 64 * MiB);
    expect(k.format).toBe('image');
    expect(k.entry).toBe(0x80000);
    expect(k.end).toBe(0x80000 + 3 * MiB);
    const l = layout(k, { ramBytes: 64 * MiB, cpus: 2, bootargs: 'console=ttyAMA0', initrd: { file: 'i', data: new Uint8Array(10000) } });
    expect(l.dtbAddr).toBe(62 * MiB);
    expect(l.initrd!.end).toBeLessThanOrEqual(l.dtbAddr);
    parseDtb(l.dtb);
    expect(Buffer.from(l.dtb).includes('console=ttyAMA0')).toBe(true);
    expect(Buffer.from(l.dtb).includes('linux,initrd-start')).toBe(true);
  });
  it('loads ELF kernels by physical address', () => {
    const k = parseKernel('hello.elf', fs.readFileSync(path.join(BIN, 'hello.elf')), 64 * MiB);
    expect(k.format).toBe('elf');
    expect(k.entry).toBe(0x80000);
  });
  it('gives one-line errors for bad input', () => {
    expect(() => parseKernel('k', new Uint8Array(0), 64 * MiB)).toThrow(LoadError);
    expect(() => parseKernel('k', new Uint8Array([0x1f, 0x8b, 8, 0]), 64 * MiB)).toThrow(/gzip/);
    expect(() => parseKernel('k', image(0x80000, 100 * MiB), 64 * MiB)).toThrow(/give more memory with -m/);
    const elf = new Uint8Array(64); elf.set([0x7f, 0x45, 0x4c, 0x46, 1, 1]);
    expect(() => parseKernel('k', elf, 64 * MiB)).toThrow(/not a 64-bit ELF/);
  });
  it('maps QEMU spellings', () => {
    expect(qemuArgs(['-kernel', 'a', '-append', 'x', '-smp', '2', '-nographic'])).toEqual(['--kernel', 'a', '--append', 'x', '--smp', '2', '--nographic']);
  });
  it('boot/dtb commands: bad files and options give a status and one line, no stack', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await bootMain({ kernel: '/nonexistent/Image', serial: 'none' })).toBe(66);
      expect(await bootMain({ kernel: path.join(BIN, 'hello.elf'), m: 'lots', serial: 'none' })).toBe(2);
      expect(await bootMain({ kernel: path.join(BIN, 'hello.elf'), smp: 99, serial: 'none' })).toBe(2);
      const lines = err.mock.calls.map((c) => String(c[0]));
      expect(lines.every((l) => l.startsWith('krustvm: ') && l.trim().split('\n').length === 1)).toBe(true);
      expect(lines[0]).toContain('no such file');
    } finally { err.mockRestore(); }
    const out = path.join(os.tmpdir(), `krustvm-dtb-${process.pid}.dtb`);
    expect(await dtbMain({ smp: 4, m: '256M', o: out })).toBe(0);
    expect(fs.readFileSync(out).readUInt32BE(0)).toBe(0xd00dfeed);
    fs.unlinkSync(out);
  });
  it('boot runs a guest to power-off and returns its status', async () => {
    expect(await bootMain({ kernel: path.join(BIN, 'hello.elf'), serial: 'none', engine: 'interp', icount: true, m: '64M' })).toBe(0);
  });
});
