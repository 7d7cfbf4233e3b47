// The krustvm command: exit status passthrough, argument handling, usage errors, --stats,
// --trace and disasm.
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { bin, cli, ENGINES, GUESTS, ROOT } from './helpers.js';

describe('krustvm run', () => {
  for (const engine of ENGINES) {
    it(`passes the guest's exit status through (${engine})`, () => {
      expect(cli(['run', '--engine', engine, bin('exitcode')]).status).toBe(41);
      expect(cli(['run', '--engine', engine, bin('exitcode'), 'a', 'b', 'c']).status).toBe(44);
    });
  }
  it('gives every word after PROGRAM to the guest', () => {
    expect(cli(['run', bin('exitcode'), '--strace', '--memory', '1']).status).toBe(44);
    expect(cli(['run', '--', bin('exitcode'), '--']).status).toBe(42);
  });
  it('passes standard input and output through, byte for byte', () => {
    const data = Buffer.from(Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) & 0xff));
    const r = cli(['run', bin('cat')], { input: data });
    expect(r.status).toBe(0);
    expect(Buffer.from(r.stdout, 'latin1').equals(data)).toBe(true);
  });
  it('writes a redirected standard output at the shared file position (nothing overwritten)', () => {
    const out = path.join(fs.mkdtempSync(path.join(ROOT, 'dist', 'tmp-')), 'out.txt');
    const once = cli(['run', bin('hello')]).stdout;
    const run = `node ${ROOT}/bin/krustvm.js run ${bin('hello')}`;
    // One open file shared by three writers in turn, as a shell's `( … ) > file` makes it.
    const r = spawnSync('bash', ['-c', `(echo before; ${run}; ${run}) > ${out}; ${run} >> ${out}`]);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe('before\n' + once + once + once);
  });
  it('ends quietly by SIGPIPE when its reader goes away', () => {
    const r = spawnSync('bash', ['-c', `yes | head -c 2000000 | node ${ROOT}/bin/krustvm.js run ${bin('cat')} | head -c 10; echo " \${PIPESTATUS[2]}"`], { encoding: 'utf8' });
    expect(r.stdout).toBe('y\ny\ny\ny\ny\n 141\n');
    expect(r.stderr).toBe('');
  });
  it('reports usage errors in one line with exit status 2', () => {
    for (const [args, msg] of [
      [[], /give a command: run, disasm, boot, dtb, keygen, sign or verify/],
      [['run'], /run: give the PROGRAM to run/],
      [['run', '--bogus', bin('hello')], /Unknown argument: bogus/],
      [['run', '--engine', 'fast', bin('hello')], /Invalid values:.*engine.*"fast"/],
      [['run', '--memory', 'lots', bin('hello')], /--memory lots: not a size/],
      [['run', '--memory', '8G', bin('hello')], /--memory 8G: must be between 16M and 2G/],
      [['run', '--jit-threshold', '-3', bin('hello')], /--jit-threshold/],
      [['frobnicate'], /Unknown argument: frobnicate|Did you mean/],
      [['disasm'], /Not enough non-option arguments/],
      [['disasm', bin('hello'), '--start', 'zz'], /--start zz: not an address/],
    ] as [string[], RegExp][]) {
      const r = cli(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
  it('has help for every command', () => {
    const top = cli(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toMatch(/krustvm run <program> \[args\.\.\]\s+Run a static arm64 Linux program/);
    expect(top.stdout).toMatch(/krustvm disasm <file>\s+Disassemble/);
    const run = cli(['run', '-h']);
    expect(run.status).toBe(0);
    for (const opt of ['--engine', '--trace', '--strace', '--memory', '--allow-host-writes', '--env', '--jit-threshold', '--check-jit', '--jit-dump', '--stats'])
      expect(run.stdout).toContain(opt);
    expect(run.stdout).toMatch(/PATH=\/usr\/local\/bin:\/usr\/bin:\/bin/);
    expect(cli(['disasm', '-h']).stdout).toMatch(/--start[\s\S]*--stop/);
  });
  it('--memory sets the guest RAM (a program that does not fit is refused)', () => {
    expect(cli(['run', '--memory', '512M', bin('hello')]).stdout).toBe('hello, world\n');
    const r = cli(['run', '--memory', '16M', bin('hello')]);
    expect(r.status).toBe(0);
  });
  it('--stats prints engine statistics at exit', () => {
    const r = cli(['run', '--stats', bin('hello')]);
    expect(r.stdout).toBe('hello, world\n');
    expect(r.stderr).toMatch(/^krustvm: stats: instructions=\d+ .*seconds=[\d.]+ MIPS=[\d.]+\n$/);
  });
  it('--trace prints each instruction with its disassembly', () => {
    const r = cli(['run', '--trace', bin('exitcode')]);
    expect(r.status).toBe(41);
    expect(r.stderr).toMatch(/^0000000000400\w+: f94003e0\tldr\tx0, \[sp\]\n0000000000400\w+: 9100a000\tadd\tx0, x0, #0x28\n0000000000400\w+: d2800bc8\tmov\tx8, #0x5e\s+\/\/ #94\n0000000000400\w+: d4000001\tsvc\t#0x0\n$/);
  });
});

describe('krustvm disasm', () => {
  it('prints objdump-style code with symbols', () => {
    const r = cli(['disasm', bin('hello')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\n\S*\/bin\/hello:     file format elf64-littleaarch64\n\n\nDisassembly of section \.text:\n\n0000000000400\w+ <_start>:\n  400\w+:\td2800020 \tmov\tx0, #0x1\s+\/\/ #1\n  400\w+:\t10\w+ \tadr\tx1, 400\w+ <msg>\n/);
  });
  it('prints what GNU objdump -d prints (spacing aside)', () => {
    const norm = (s: string) => s.replace(/ *\t/g, '\t').replace(/[ \t]+$/gm, '').split('\n').slice(2);
    const r = cli(['disasm', 'bin/stack'], { cwd: GUESTS });
    expect(norm(r.stdout)).toEqual(norm(fs.readFileSync(path.join(GUESTS, 'expected/stack.objdump'), 'utf8')));
  });
  it('limits the range with --start/--stop', () => {
    const all = cli(['disasm', bin('hello')]).stdout.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l));
    const addr = (l: string) => parseInt(l.trim().split(':')[0], 16);
    const start = addr(all[1]), stop = addr(all[3]);
    const part = cli(['disasm', bin('hello'), '--start', '0x' + start.toString(16), '--stop', String(stop)]).stdout.split('\n').filter((l) => /^\s+[0-9a-f]+:\t/.test(l));
    expect(part).toEqual(all.slice(1, 3));
  });
  it('refuses non-ELF files in one line', () => {
    const r = cli(['disasm', 'package.json']);
    expect(r.status).toBe(126);
    expect(r.stderr).toBe('krustvm: package.json: not an ELF file; give a static arm64 Linux executable (aarch64-linux-gnu-gcc -static)\n');
  });
});
