// System calls: raw ones (no libc) and through glibc, compared with the recorded output of
// qemu-aarch64 (expected/, see guests/record.sh); host-file writes only with
// --allow-host-writes; the --strace format.
import { itWith } from '../util/tools.js';
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bin, cli, ENGINES, GUESTS, hasQemu, qemu, runCaptured } from './helpers.js';

const expected = (name: string) => fs.readFileSync(path.join(GUESTS, 'expected', name), 'utf8');

describe('system calls without libc (sysraw)', () => {
  for (const engine of ENGINES) {
    it(`match qemu-aarch64's results (${engine})`, () => {
      const r = runCaptured({ program: 'bin/sysraw', args: ['data.txt'], cwd: GUESTS, engine });
      expect(r.out).toBe(expected('sysraw.txt'));
      expect(r.exitCode).toBe(3);
    });
  }
  itWith(hasQemu, 'qemu-aarch64', 'qemu-user')('recorded output is still what qemu-aarch64 prints', () => {
    expect(qemu(['bin/sysraw', 'data.txt'], { cwd: GUESTS }).stdout).toBe(expected('sysraw.txt'));
  });
});

describe('system calls through glibc (sysc)', () => {
  for (const engine of ENGINES) {
    it(`match qemu-aarch64's results (${engine})`, () => {
      const r = runCaptured({ program: 'bin/sysc', args: ['.'], cwd: GUESTS, engine, env: ['HOME=/root'], memory: 512 * 2 ** 20, allowHostWrites: true });
      expect(r.out).toBe(expected('sysc.txt'));
      expect(r.err).toBe('to stderr\n');
      expect(r.exitCode).toBe(5);
    });
  }
  it('refuses host writes without --allow-host-writes, with a hint', () => {
    const r = runCaptured({ program: 'bin/sysc', args: ['.'], cwd: GUESTS, env: ['HOME=/root', 'KRUSTVM_TEST=yes'], memory: 512 * 2 ** 20 });
    expect(r.out).toBe(expected('sysc.txt').replace('open for writing: allowed', 'open for writing: Read-only file system').replace('KRUSTVM_TEST=(unset)', 'KRUSTVM_TEST=yes'));
    expect(r.log).toEqual([expect.stringMatching(/refused guest write access to host file .*data\.txt; pass --allow-host-writes/)]);
  });
  it('gets ENOMEM, not a crash, when guest memory runs out', () => {
    const r = runCaptured({ program: 'bin/sysc', args: ['.'], cwd: GUESTS, env: ['HOME=/root'], memory: 64 * 2 ** 20 });
    // malloc(64 MiB) fails inside 64 MiB of RAM: memset on NULL faults, and the guest dies by SIGSEGV.
    expect(r.signal).toBe(11);
    expect(r.message).toMatch(/^guest killed by SIGSEGV \(fault address 0x0, pc 0x[0-9a-f]+\)$/);
  });
  itWith(hasQemu, 'qemu-aarch64', 'qemu-user')('recorded output is still what qemu-aarch64 prints', () => {
    expect(qemu(['bin/sysc', '.'], { cwd: GUESTS, env: { HOME: '/root' } }).stdout).toBe(expected('sysc.txt'));
  });
});

describe('host files', () => {
  for (const engine of ENGINES) {
    it(`are created, renamed and removed with --allow-host-writes (${engine})`, () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-w-'));
      const file = path.join(dir, 'out.txt');
      const r = runCaptured({ program: bin('writefile'), args: [file, 'written by the guest'], engine, allowHostWrites: true });
      expect(r.out).toBe('open for writing = 3\nwrite = 20\nclose = 0\nread back "written by the guest"\nrenameat = 0\nunlinkat old name = -2\nunlinkat = 0\n');
      expect(fs.readdirSync(dir)).toEqual([]);
      fs.rmdirSync(dir);
    });
  }
  it('stay untouched without it (EROFS)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-w-'));
    const r = cli(['run', bin('writefile'), path.join(dir, 'out.txt'), 'x']);
    expect(r.stdout).toBe('open for writing = -30\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^krustvm: refused guest write access to host file .*out\.txt; pass --allow-host-writes to permit it\n$/);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmdirSync(dir);
  });
});

describe('--strace', () => {
  it('prints each call like strace', () => {
    const r = cli(['run', '--strace', bin('hello')]);
    expect(r.stdout).toBe('hello, world\n');
    expect(r.stderr).toBe('write(1, "hello, world\\n", 13) = 13\nexit_group(0) = ?\n+++ exited with 0 +++\n');
  });
  it('shows paths, flags, errors and addresses', () => {
    const r = cli(['run', '--strace', 'bin/sysraw', 'data.txt'], { cwd: GUESTS });
    const lines = r.stderr.split('\n');
    for (const want of [
      'write(99, "x", 1) = -9 EBADF',
      'write(1, 0x10, 1) = -14 EFAULT',
      'syscall_999(0x0, 0x0, 0x0, 0x0, 0x0, 0x0) = -38 ENOSYS',
      'openat(AT_FDCWD, "/nonexistent/file", O_RDONLY) = -2 ENOENT',
      'openat(AT_FDCWD, "data.txt", O_RDONLY) = 3',
      'read(3, "hello", 5) = 5',
      'lseek(3, 2, SEEK_SET) = 2',
      'mprotect(0x1000, 4096, PROT_READ) = -22 EINVAL',
      'getcwd(0x1, 1) = -34 ERANGE',
    ]) {
      if (want.startsWith('mprotect') || want.startsWith('getcwd')) {
        const re = new RegExp('^' + want.split('(')[0] + '\\(0x[0-9a-f]+, ' + want.split(', ').slice(1).join(', ').replace(/[()]/g, '\\$&') + '$');
        expect(lines.some((l) => re.test(l)), want).toBe(true);
      } else expect(lines, want).toContain(want);
    }
    expect(lines.some((l) => /^mmap\(NULL, 12288, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0x0\) = 0x[0-9a-f]+$/.test(l))).toBe(true);
    expect(lines).toContain('exit_group(3) = ?');
    expect(lines).toContain('+++ exited with 3 +++');
    expect(r.status).toBe(3);
  });
});
