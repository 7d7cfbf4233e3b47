// The bundled Linux guest as a VM: `krustvm boot --mode kvm|krustvm --cmd 'uname -a'` through
// the real CLI path (bootMain, console to a file) gives the same answer as bare mode; in krustvm
// mode the kernel and initramfs verify against the bundled public key first, and a tampered
// kernel signature is refused with a message saying how to sign or which mode to choose.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bootMain } from '../../src/machine/cli-boot.js';
import { bundledGuest } from '../../src/machine/guest.js';
import { BIN } from '../sys/run_guest.js';

async function boot(mode: 'bare' | 'kvm' | 'krustvm', engine: 'jit' | 'interp', extra: Record<string, unknown> = {}): Promise<{ status: number; out: string }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-vm-'));
  const file = path.join(dir, 'console.txt');
  try {
    const status = await bootMain({ cmd: 'uname -a', mode, engine, m: '256M', serial: `file:${file}`, 'max-insns': 2e9, ...extra } as never);
    return { status, out: fs.readFileSync(file, 'latin1').replace(/\r\n/g, '\n') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const hasGuest = bundledGuest() !== undefined;

describe.runIf(hasGuest)('the bundled Linux guest in the VM modes', () => {
  for (const engine of ['jit', 'interp'] as const) {
    for (const mode of ['kvm', 'krustvm'] as const) {
      it(`boots and runs uname -a (${mode}, ${engine})`, async () => {
        const r = await boot(mode, engine);
        expect(r.out).toMatch(/Linux krustvm \S+ .* aarch64 GNU\/Linux/);
        expect(r.status).toBe(0);
      }, 900_000);
    }
  }

  it('krustvm mode refuses a kernel whose signature does not verify, and says what to do', async () => {
    const g = bundledGuest()!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-vm-'));
    try {
      // The bundled kernel with its signature, but a key that did not sign it.
      const kernel = path.join(dir, 'Image.gz');
      fs.copyFileSync(g.kernel, kernel);
      fs.copyFileSync(`${g.kernel}.sig`, `${kernel}.sig`);
      const { generateSigningKeys } = await import('../../hypervisor/core/image-verify.js');
      fs.writeFileSync(path.join(dir, 'other.pem'), generateSigningKeys().publicKeyPem);
      const errs: string[] = [];
      const orig = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((s: string) => { errs.push(String(s)); return true; }) as typeof process.stderr.write;
      let status: number;
      try {
        status = await bootMain({ cmd: 'true', mode: 'krustvm', kernel, initrd: g.initrd, 'public-key': path.join(dir, 'other.pem'), m: '256M', serial: 'none' } as never);
      } finally { process.stderr.write = orig; }
      expect(status).toBe(66);
      const msg = errs.join('');
      expect(msg).toMatch(/refused the VM/);
      expect(msg).toMatch(/krustvm sign/);
      expect(msg).toMatch(/--mode kvm/);
      expect(msg.trim().split('\n').length).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

/** Boots the hello guest with --stats; its exit status and what it printed on stderr. */
async function helloStats(mode: string, engine: string): Promise<{ status: number; text: string }> {
  const errs: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((t: string) => { errs.push(String(t)); return true; }) as typeof process.stderr.write;
  try {
    const status = await bootMain({ kernel: path.join(BIN, 'hello.elf'), mode, engine, icount: true, m: '64M', serial: 'none', stats: true } as never);
    return { status, text: errs.join('') };
  } finally { process.stderr.write = orig; }
}

describe('--stats in bare mode', () => {
  it('reports the engines\' counters summed over the CPUs', async () => {
    const { status, text } = await helloStats('bare', 'jit');
    expect(status).toBe(0);
    const total = /(\d+) guest instructions in/.exec(text);
    const line = /engine: instructions=(\d+) .*coldInsns=(\d+)/.exec(text);
    expect(total && line, text).toBeTruthy();
    expect(line![1]).toBe(total![1]);
    expect(Number(line![2])).toBeGreaterThan(0);
  }, 60_000);
});

describe('--stats in the VM modes', () => {
  it('reports exits by reason, hypercalls, stage-2 faults and grants', async () => {
    const { status, text } = await helloStats('kvm', 'interp');
    expect(status).toBe(0);
    // MMIO exits by device (hello touches only the UART), then the other exits.
    expect(text).toMatch(/mode kvm: exits: mmio ([1-9]\d*) \(pl011 \1\), system-off 1/);
    expect(text).toMatch(/vGIC: interrupts injected 0; exits: maintenance 0, interrupt \d+ \(no exit for GICC\)/);
    // hello makes 4 PSCI calls (VERSION, FEATURES, an unknown SMCCC id, SYSTEM_OFF).
    expect(text).toMatch(/hypercalls 4 \(psci\/other 4, grant 0, revoke 0\); stage-2 faults [1-9]\d*; pages granted 0, revoked 0; refusals 0/);
    // The vCPU's engine counters, as in bare mode.
    const total = /(\d+) guest instructions in/.exec(text);
    expect(text).toMatch(new RegExp(`engine: instructions=${total![1]}\\b`));
  }, 60_000);
});
