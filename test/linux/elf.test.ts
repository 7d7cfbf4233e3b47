// The ELF loader refuses bad programs with one clear line (which file, what is wrong, what to
// do) through the API and through the CLI, and runs a minimal hand-made static program.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseElf, checkLoadable, ElfError } from '../../src/linux/elf.js';
import { runProgram } from '../../src/linux/run.js';
import { bin, cli, ENGINES, runCaptured } from './helpers.js';

interface Seg { type?: number; flags?: number; offset?: number; vaddr?: number; filesz?: number; memsz?: number }
/** A tiny static arm64 executable: movz x0, #7; movz x8, #94; svc #0 (exit_group(7)). */
function makeElf(o: { cls?: number; data?: number; machine?: number; type?: number; entry?: number; phentsize?: number; segs?: Seg[] } = {}): Uint8Array {
  const code = [0xd28000e0, 0xd2800bc8, 0xd4000001];
  const segs = o.segs ?? [{}];
  const phoff = 64, codeOff = phoff + 56 * segs.length;
  const size = codeOff + code.length * 4;
  const b = new Uint8Array(size);
  const dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, o.cls ?? 2, o.data ?? 1, 1]);
  dv.setUint16(16, o.type ?? 2, true);
  dv.setUint16(18, o.machine ?? 183, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(o.entry ?? 0x400000 + codeOff), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, o.phentsize ?? 56, true);
  dv.setUint16(56, segs.length, true);
  segs.forEach((s, i) => {
    const p = phoff + 56 * i;
    dv.setUint32(p, s.type ?? 1, true);
    dv.setUint32(p + 4, s.flags ?? 5, true);
    dv.setBigUint64(p + 8, BigInt(s.offset ?? 0), true);
    dv.setBigUint64(p + 16, BigInt(s.vaddr ?? 0x400000), true);
    dv.setBigUint64(p + 24, BigInt(s.vaddr ?? 0x400000), true);
    dv.setBigUint64(p + 32, BigInt(s.filesz ?? size), true);
    dv.setBigUint64(p + 40, BigInt(s.memsz ?? size), true);
    dv.setBigUint64(p + 48, 0x1000n, true);
  });
  code.forEach((w, i) => dv.setUint32(codeOff + 4 * i, w, true));
  return b;
}

const BAD: [string, () => Uint8Array, RegExp][] = [
  ['not an ELF file', () => Buffer.from('#!/bin/sh\necho hi\n'), /not an ELF file; give a static arm64 Linux executable/],
  ['empty file', () => new Uint8Array(0), /not an ELF file/],
  ['32-bit ELF', () => makeElf({ cls: 1 }), /32-bit ELF \(ELFCLASS32\); krustvm runs 64-bit arm64/],
  ['big-endian ELF', () => makeElf({ data: 2 }), /big-endian ELF/],
  ['x86-64 program', () => makeElf({ machine: 62 }), /built for x86-64, not arm64 \(AArch64\); build it with an aarch64 compiler/],
  ['32-bit ARM program', () => makeElf({ machine: 40 }), /built for ARM \(32-bit\)/],
  ['object file', () => makeElf({ type: 1 }), /relocatable object file \(ET_REL\)/],
  ['truncated header', () => makeElf().subarray(0, 40), /truncated ELF header \(40 of 64 bytes\)/],
  ['truncated program headers', () => makeElf().subarray(0, 64 + 30), /program headers end past the end of the file.*truncated/],
  ['bad program header size', () => makeElf({ phentsize: 32 }), /program header size 32, expected 56/],
  ['dynamically linked', () => makeElf({ segs: [{ type: 3, offset: 0, filesz: 10, memsz: 10 }, {}] }), /dynamically linked .*only static programs are supported; link with -static/],
  ['segment past end of file', () => makeElf({ segs: [{ filesz: 100000, memsz: 100000 }] }), /segment 0 .* past the end of the file/],
  ['file size above memory size', () => makeElf({ segs: [{ memsz: 16 }] }), /larger than its memory size/],
  ['absurd segment size', () => makeElf({ segs: [{ memsz: 2 ** 52 }] }), /beyond the 48-bit user address space/],
  ['huge bss', () => makeElf({ segs: [{ memsz: 2 ** 40 }] }), /needs at least \d+ MiB of guest memory, more than the \d+ MiB available; give it more with --memory/],
  ['overlapping segments', () => makeElf({ segs: [{}, { vaddr: 0x400010, offset: 0x10, filesz: 8, memsz: 8, flags: 6 }] }), /overlap/],
  ['entry outside the segments', () => makeElf({ entry: 0x500000 }), /entry point 0x500000 is outside the program's executable segments/],
  ['entry in a data segment', () => makeElf({ segs: [{ flags: 6 }] }), /outside the program's executable segments/],
  ['no loadable segment', () => makeElf({ segs: [{ type: 4 }] }), /no loadable segments/],
  ['segment in the first 64 KiB', () => makeElf({ segs: [{ vaddr: 0x1000 }], entry: 0x1000 + 64 + 56 }), /first 64 KiB/],
];

let dir: string;
beforeAll(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-elf-')); });
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('ELF loader: bad programs via the API', () => {
  for (const [name, make, msg] of BAD) {
    it(`refuses: ${name}`, () => {
      const file = path.join(dir, name.replace(/\W+/g, '_'));
      fs.writeFileSync(file, make());
      let err: unknown;
      try { runProgram({ program: file, memory: 64 * 2 ** 20 }); } catch (x) { err = x; }
      expect(err).toBeInstanceOf(ElfError);
      const m = (err as Error).message;
      expect(m).toMatch(msg);
      expect(m.startsWith(file + ': ')).toBe(true);
      expect(m).not.toContain('\n');
    });
  }
  it('parses the valid hand-made program', () => {
    const elf = parseElf(makeElf(), 'tiny');
    expect(checkLoadable(elf)).toHaveLength(1);
  });
});

describe('ELF loader: bad programs via the CLI', () => {
  // A representative few (each is a process start); the API tests above cover them all.
  const CLI_CASES = new Set(['not an ELF file', '32-bit ELF', 'big-endian ELF', 'x86-64 program', 'dynamically linked',
    'truncated header', 'segment past end of file', 'absurd segment size', 'huge bss']);
  it('prints one line and exits 126 for each', () => {
    for (const [name, make, msg] of BAD.filter(([n]) => CLI_CASES.has(n))) {
      const file = path.join(dir, 'cli_' + name.replace(/\W+/g, '_'));
      fs.writeFileSync(file, make());
      const r = cli(['run', '--memory', '64M', file]);
      expect(r.status, name).toBe(126);
      expect(r.stderr, name).toMatch(msg);
      expect(r.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(r.stderr, name).toMatch(/^krustvm: /);
      expect(r.stderr, name).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });
  it('refuses a real dynamically linked program', () => {
    const r = cli(['run', bin('dynamic')]);
    expect(r.status).toBe(126);
    expect(r.stderr).toMatch(/dynamic: dynamically linked .*; only static programs are supported; link with -static\n$/);
  });
  it('says when the program does not exist (127) or is a directory', () => {
    const r = cli(['run', path.join(dir, 'nope')]);
    expect(r.status).toBe(127);
    expect(r.stderr).toBe(`krustvm: ${path.join(dir, 'nope')}: no such file; check the path\n`);
    const d = cli(['run', dir]);
    expect(d.status).toBe(126);
    expect(d.stderr).toMatch(/is a directory/);
  });
});

describe('ELF loader: running', () => {
  for (const engine of ENGINES) {
    it(`runs a minimal hand-made static program (${engine})`, () => {
      const file = path.join(dir, 'tiny');
      fs.writeFileSync(file, makeElf());
      expect(runCaptured({ program: file, engine }).exitCode).toBe(7);
    });
    it(`runs a static-PIE program at its chosen base (${engine})`, () => {
      const r = runCaptured({ program: bin('hello_pie'), engine });
      expect(r.out).toBe('hello, world\n');
      expect(r.exitCode).toBe(0);
    });
    it(`runs glibc's static-PIE, which relocates itself (${engine})`, () => {
      const r = runCaptured({ program: bin('pie_glibc'), engine, strace: true });
      expect(r.out).toBe('hello\n');
      expect(r.log[0]).toMatch(/^brk\(NULL\) = 0xaaaaaa/);
    });
  }
});
