// A guest cannot crash the emulator through system calls: thousands of calls with random
// numbers and arguments (pointers into a scratch buffer, small integers, random words) end in a
// result, or in the guest's death, never in a JavaScript exception.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.js';
import { Memory } from '../../src/mem/memory.js';
import { StopRun } from '../../src/interp/interpreter.js';
import { AddressSpace, PROT_READ, PROT_WRITE } from '../../src/linux/addrspace.js';
import { LinuxProcess } from '../../src/linux/process.js';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostFile, memFile, newPipe } from '../../src/linux/fds.js';
import { SYSCALLS } from '../../src/linux/syscalls/index.js';
import { GUESTS, ROOT, runCaptured } from './helpers.js';

// Calls that may sleep for as long as their arguments say, or end the process by design.
const SKIP = new Set([72, 73, 93, 94, 98, 101, 115, 133, 137, 139]);

function rng(seed: number) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s; };
}

describe('system calls with random arguments', () => {
  it('never throw anything but a clean guest exit', () => {
    const ram = 64 * 2 ** 20;
    const as = new AddressSpace(ram);
    const mem = new Memory(ram, as);
    as.attach(mem);
    const cpu = new Cpu(mem);
    const sink = () => {};
    const p = new LinuxProcess(cpu, mem, as, { exePath: '/bin/true', argv: ['fuzz'], stdout: sink, stderr: sink, log: sink, cwd: ROOT });
    cpu.env = p;
    p.fds.put(0, memFile('stdin', new Uint8Array(0)));
    // Some real descriptors for the random calls to find: a file, a directory, a pipe.
    p.fds.add(hostFile(fs.openSync(path.join(GUESTS, 'data.txt'), 'r'), path.join(GUESTS, 'data.txt'), 0, true));
    p.fds.add(hostFile(fs.openSync(GUESTS, 'r'), GUESTS, 0, true));
    for (const f of newPipe(0)) p.fds.add(f);
    p.mapSigpage();
    const SCRATCH = 0x1000_0000;
    as.map(SCRATCH, 1 << 20, PROT_READ | PROT_WRITE);
    as.map(0x7000_0000, 1 << 20, PROT_READ | PROT_WRITE, { name: '[stack]' });
    const r = rng(12345);
    const nrs = Object.keys(SYSCALLS).map(Number).filter((n) => !SKIP.has(n));
    const arg = (): bigint => {
      switch (r() % 6) {
        case 0: return BigInt(SCRATCH + (r() % (1 << 20)));
        case 1: return BigInt(r() % 8);
        case 2: return BigInt.asUintN(64, BigInt(r() | 0));
        case 3: return (BigInt(r()) << 32n) | BigInt(r());
        case 4: return 0n;
        default: return BigInt.asUintN(64, -BigInt(r() % 200));
      }
    };
    let calls = 0, deaths = 0;
    for (let i = 0; i < 20000; i++) {
      // Random bytes in the scratch buffer, so that structs read from it are random too.
      if (i % 500 === 0) mem.write(SCRATCH, Uint8Array.from({ length: 4096 }, () => r() & 0xff));
      const nr = r() % 8 === 0 ? r() % 500 : nrs[r() % nrs.length];
      if (SKIP.has(nr)) continue;
      cpu.setX(8, BigInt(nr));
      for (let k = 0; k < 6; k++) cpu.setX(k, arg());
      cpu.sp = BigInt(0x7000_0000 + (1 << 20) - 4096);
      p.sig.blocked = 0n;
      try {
        p.svc(0x400000, 0);
        calls++;
      } catch (x) {
        if (!(x instanceof StopRun)) throw new Error(`syscall ${nr}(${[0, 1, 2, 3, 4, 5].map((k) => cpu.getX(k).toString(16))}): ${(x as Error)?.stack ?? x}`);
        deaths++;
      }
      p.sig.pending = [];
    }
    expect(calls).toBeGreaterThan(10000);
    expect(deaths).toBeLessThan(2000);
    p.fds.closeAll();
  });
});

/** A static program that installs a "skip the faulting instruction" handler for the synchronous
 *  signals (SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV) and then runs 1024 random words. */
function randomProgram(seed: number): Uint8Array {
  const r = rng(seed);
  const pro: number[] = [
    0xd10103ff,             // sub sp, sp, #64
    0,                      // adr x10, handler (patched)
    0xf90003ea,             // str x10, [sp]            sa_handler
    0xd2a80009, 0xf2800089, // x9 = SA_NODEFER | SA_SIGINFO
    0xf90007e9,             // str x9, [sp, #8]         sa_flags
    0xf9000bff, 0xf9000fff, // sa_restorer = 0, sa_mask = 0
  ];
  for (const sig of [4, 5, 7, 8, 11]) {
    // rt_sigaction(sig, sp, NULL, 8)
    pro.push(0xd2800000 | (sig << 5), 0x910003e1, 0xd2800002, 0xd2800103, 0xd28010c8, 0xd4000001);
  }
  const jump = pro.push(0) - 1;                              // b <random words>
  const handler = pro.length;
  pro.push(0xf940dc49, 0x91001129, 0xf900dc49, 0xd65f03c0);  // uc->pc += 4; ret
  const off = (handler - 1) * 4;
  pro[1] = 0x10000000 | ((off & 3) << 29) | ((off >> 2) << 5) | 10;
  pro[jump] = 0x14000000 | (pro.length - jump);
  const words = [...pro, ...Array.from({ length: 1024 }, () => r())];
  const codeOff = 0x1000, size = codeOff + words.length * 4, base = 0x400000;
  const b = new Uint8Array(size), dv = new DataView(b.buffer);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  dv.setUint16(16, 2, true); dv.setUint16(18, 183, true); dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(base + codeOff), true); dv.setBigUint64(32, 64n, true);
  dv.setUint16(52, 64, true); dv.setUint16(54, 56, true); dv.setUint16(56, 1, true);
  dv.setUint32(64, 1, true); dv.setUint32(68, 7, true); // PT_LOAD, RWX
  dv.setBigUint64(80, BigInt(base), true); dv.setBigUint64(88, BigInt(base), true);
  dv.setBigUint64(96, BigInt(size), true); dv.setBigUint64(104, BigInt(size + 0x100000), true); dv.setBigUint64(112, 0x1000n, true);
  words.forEach((w, i) => dv.setUint32(codeOff + 4 * i, w >>> 0, true));
  return b;
}

describe('random instructions', () => {
  it('end in results, signals or the instruction limit, never in a JavaScript exception', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-fuzz-'));
    for (let seed = 1; seed <= 6; seed++) {
      const file = path.join(dir, `p${seed}`);
      fs.writeFileSync(file, randomProgram(seed));
      for (const engine of ['interp', 'jit'] as const) {
        const r = runCaptured({ program: file, engine, maxInstructions: 50_000 });
        expect(r.icount, `seed ${seed} ${engine}`).toBeGreaterThan(40);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
