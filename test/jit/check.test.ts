// --check-jit (lockstep against the interpreter) and --jit-dump.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, load, runToStop, type Machine } from './harness.js';
import { JitCheckError } from '../../jit/check.js';
import type { JitEngine } from '../../jit/engine.js';

// x3 = 0; x4 = 0x8000; 50 times: x3 += 3; str x3, [x4], #8 — then brk.
const STORE_LOOP = [
  0xd2800003, // 0: mov x3, #0x0
  0xd2800c81, // 4: mov x1, #0x64     (the loop counts it down by 2: 50 iterations)
  0xd2900004, // 8: mov x4, #0x8000
  0x91000c63, // c: add x3, x3, #0x3
  0xf8008483, // 10: str x3, [x4], #8
  0xf1000821, // 14: subs x1, x1, #0x2
  0x54ffffa1, // 18: b.ne c
  0xd4200000, // 1c: brk #0x0
];

const units = (m: Machine) => [...(m.engine as JitEngine).cache.units()];

describe('--check-jit', () => {
  it('runs a compiled loop in lockstep with the interpreter', () => {
    const m = machine({ engine: 'jit', checkJit: true, jitThreshold: 2 });
    load(m, 0x1000, STORE_LOOP);
    m.cpu.pc = 0x1000;
    runToStop(m);
    expect(m.stop?.message).toBe('brk');
    expect(m.cpu.getX(3)).toBe(150n);
    expect(m.mem.dv.getUint32(0x8000 + 8 * 49, true)).toBe(150);
    expect(m.engine.stats().unitsChecked).toBeGreaterThan(0);
  });

  function corrupted(patch: (f: (cpu: any, ctx: any, label: number) => number) => (cpu: any, ctx: any, label: number) => number): JitCheckError {
    const m = machine({ engine: 'jit', checkJit: true, jitThreshold: 2 });
    load(m, 0x1000, STORE_LOOP);
    m.cpu.pc = 0x1000;
    m.engine.run(40);                       // the loop is compiled by now
    const u = units(m).find((x) => x.pc === 0x100c)!;
    expect(u).toBeDefined();
    u.fn = patch(u.fn);
    try { m.engine.run(1000); } catch (x) { if (x instanceof JitCheckError) return x; throw x; }
    throw new Error('no difference reported');
  }

  it('stops at the first difference in a register, with pc, guest code and generated JS', () => {
    const err = corrupted((f) => (cpu, ctx, label) => { const r = f(cpu, ctx, label); cpu.R[6] ^= 1; return r; });
    expect(err.report).toMatch(/unit u_100c \(entry 0x100c\) differs from the interpreter/);
    expect(err.report).toMatch(/x3: jit 0x[0-9a-f]{16}, interpreter 0x[0-9a-f]{16}/);
    expect(err.report).toMatch(/0x100c: 91000c63 {2}add\tx3, x3, #0x3/);
    expect(err.report).toMatch(/function u_100c\(cpu, ctx\)/);
    expect(err.reason).toBe('error');
  });

  it('reports a difference in memory the unit wrote', () => {
    const err = corrupted((f) => (cpu, ctx, label) => { const r = f(cpu, ctx, label); cpu.mem.w8(0x9000, 0, 0x5a); return r; });
    expect(err.report).toMatch(/memory \[RAM 0x9000\]: jit 0x5a, interpreter 0x0/);
  });

  it('reports a difference in flags and in the instruction count', () => {
    const flag = corrupted((f) => (cpu, ctx, label) => { const r = f(cpu, ctx, label); cpu.R[72] ^= 1; return r; });
    expect(flag.report).toMatch(/flag C: jit/);
    const count = corrupted((f) => (cpu, ctx, label) => { const r = f(cpu, ctx, label); ctx.n += 1; return r; });
    expect(count.report).toMatch(/differs from the interpreter/);
  });

  it('checks faulting units too (same exception, same state)', () => {
    const m = machine({ engine: 'jit', checkJit: true, jitThreshold: 2, faultHandler: 0x101c });
    load(m, 0x1000, STORE_LOOP);
    m.unmapped.add(8);                      // the first store faults
    m.cpu.pc = 0x1000;
    runToStop(m);
    expect(m.faults).toEqual([['translation', 0x8000n, 0x1010]]);
  });
});

describe('--jit-dump', () => {
  it('writes each unit as readable JS with the guest disassembly as comments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'jitdump-'));
    const m = machine({ engine: 'jit', jitDump: dir, jitThreshold: 2 });
    load(m, 0x1000, STORE_LOOP);
    m.cpu.pc = 0x1000;
    runToStop(m);
    const files = readdirSync(dir);
    expect(files.length).toBe(m.engine.stats().unitsCompiled);
    const text = readFileSync(join(dir, files.find((f) => f.includes('u_100c'))!), 'utf8');
    expect(text).toMatch(/\/\/ unit \d+: entry 0x100c/);
    expect(text).toMatch(/\/\/ 0x1010: str\tx3, \[x4\], #8/);
    expect(text).toMatch(/function u_100c\(cpu, ctx\) \{/);
    expect(() => new Function(text)).not.toThrow();
  });
});
