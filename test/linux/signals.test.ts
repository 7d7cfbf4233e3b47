// Signal delivery: synchronous faults and self-sent signals reach handlers through the arm64
// rt_sigframe, sigreturn restores what the handler left in the ucontext, and default actions
// end the guest with 128+N and a one-line message. Compared with qemu-aarch64's recorded output.
import { itWith } from '../util/tools.js';
import { describe, it, expect } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bin, cli, ENGINES, GUESTS, hasQemu, qemu, runCaptured } from './helpers.js';

const expected = (name: string) => fs.readFileSync(path.join(GUESTS, 'expected', name), 'utf8');

describe('signals without libc (sigraw)', () => {
  for (const engine of ENGINES) {
    it(`deliver faults and signals like Linux (${engine})`, () => {
      const r = runCaptured({ program: bin('sigraw'), engine });
      expect(r.out).toBe(expected('sigraw.txt'));
      expect(r.exitCode).toBe(0);
    });
    it(`kill the guest on an unhandled SIGSEGV: exit 139 and a message (${engine})`, () => {
      const r = cli(['run', '--engine', engine, bin('sigraw'), 'die']);
      expect(r.stdout).toBe('dereferencing NULL without a handler\n');
      expect(r.status).toBe(139);
      expect(r.stderr).toMatch(/^krustvm: guest killed by SIGSEGV \(fault address 0x0, pc 0x4[0-9a-f]+\)\n$/);
    });
  }
  it('kill the guest on a synchronous SIGSEGV it blocks, handler or not (as Linux forces it)', () => {
    const r = cli(['run', bin('sigraw'), 'blocked']);
    expect(r.stdout).toBe('a blocked SIGSEGV kills even with a handler\n');
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(/^krustvm: guest killed by SIGSEGV \(fault address 0x0, pc 0x4[0-9a-f]+\)\n$/);
  });
  itWith(hasQemu, 'qemu-aarch64', 'qemu-user')('recorded output is qemu-aarch64\'s (but for the si_code of SIGILL, which is Linux\'s)', () => {
    const q = qemu([bin('sigraw')]).stdout.replace('signo=4 code=2', 'signo=4 code=1');
    expect(q).toBe(expected('sigraw.txt'));
  });
  it('--strace shows the signals', () => {
    const r = cli(['run', '--strace', bin('sigraw'), 'die']);
    expect(r.stderr).toMatch(/\n--- SIGSEGV \{si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL\} ---\n\+\+\+ killed by SIGSEGV \+\+\+\nkrustvm: guest killed by SIGSEGV/);
  });
});

describe('signals through glibc (sigjmp)', () => {
  for (const engine of ENGINES) {
    it(`siglongjmp out of SIGSEGV handlers (${engine})`, () => {
      const r = runCaptured({ program: bin('sigjmp'), engine });
      expect(r.out).toBe(expected('sigjmp.txt'));
      expect(r.exitCode).toBe(7);
    });
  }
  it('abort() ends with SIGABRT: exit 134', () => {
    const r = cli(['run', bin('sigjmp'), 'abort']);
    expect(r.stdout).toBe('calling abort()\n');
    expect(r.stderr).toBe('krustvm: guest killed by SIGABRT\n');
    expect(r.status).toBe(134);
  });
  itWith(hasQemu, 'qemu-aarch64', 'qemu-user')('recorded output is still what qemu-aarch64 prints', () => {
    expect(qemu([bin('sigjmp')]).stdout).toBe(expected('sigjmp.txt'));
  });
});

describe('interval timers (timer)', () => {
  for (const engine of ENGINES) {
    it(`deliver SIGALRM asynchronously, interrupt sleeps and wake sigsuspend (${engine})`, () => {
      const r = runCaptured({ program: bin('timer'), engine });
      expect(r.out).toBe(expected('timer.txt'));
      expect(r.exitCode).toBe(0);
    });
  }
  it('kill the guest with SIGALRM by default: exit 142', () => {
    const r = cli(['run', bin('timer'), 'die']);
    expect(r.status).toBe(142);
    expect(r.stderr).toBe('krustvm: guest killed by SIGALRM\n');
  });
  itWith(hasQemu, 'qemu-aarch64', 'qemu-user')('recorded output is still what qemu-aarch64 prints', () => {
    expect(qemu([bin('timer')]).stdout).toBe(expected('timer.txt'));
  });
});
