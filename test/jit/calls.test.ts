// Recursive calls inside one unit (jit/translator.ts selectRegion, jit/compile.ts returnSites):
// a BL back to the region's root and its return address are compiled into the region, and the
// callee's RET continues inside the unit when X30 holds that return address. Each program runs
// under the interpreter and the JIT; registers, pc, instruction count, memory and faults must match.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine, type MachineOpts } from './harness.js';

// Recursive Fibonacci (assembled with llvm-mc, words checked with llvm-objdump). The base case
// counts itself in x20; the x21-th one returns to `escape` instead of its caller (X30 changed
// before RET: the unit must leave, not take the in-unit return).
const FIB = [
  0x94000004, // 0: bl 0x10 <fib>
  0xd4200000, // 4: brk #0
  0xd503201f, // 8: nop
  0xd503201f, // c: nop
  0xa9be7bfd, // 10: fib: stp x29, x30, [sp, #-32]!
  0xf9000bf3, // 14: str x19, [sp, #16]
  0xf100081f, // 18: cmp x0, #2
  0x54000143, // 1c: b.lo 0x44 <base>
  0xaa0003f3, // 20: mov x19, x0
  0xd1000400, // 24: sub x0, x0, #1
  0x97fffffa, // 28: bl 0x10 <fib>
  0xf9000fe0, // 2c: str x0, [sp, #24]
  0xd1000a60, // 30: sub x0, x19, #2
  0x97fffff7, // 34: bl 0x10 <fib>
  0xf9400fe1, // 38: ldr x1, [sp, #24]
  0x8b010000, // 3c: add x0, x0, x1
  0x14000008, // 40: b 0x60 <out>
  0x91000694, // 44: base: add x20, x20, #1
  0xf9400bf3, // 48: ldr x19, [sp, #16]
  0xa8c27bfd, // 4c: ldp x29, x30, [sp], #32
  0xeb15029f, // 50: cmp x20, x21
  0x54000041, // 54: b.ne 0x5c
  0x100000be, // 58: adr x30, #20 (escape)
  0xd65f03c0, // 5c: ret (compiled in the region: tested against the return address)
  0xf9400bf3, // 60: out: ldr x19, [sp, #16]
  0xa8c27bfd, // 64: ldp x29, x30, [sp], #32
  0xd65f03c0, // 68: ret
  0xd2800ef6, // 6c: escape: mov x22, #119
  0xd4200020, // 70: brk #0x1
];
const CODE = 0x1000, STACK = 0x80000;
const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const calls = (n: number): number => (n < 2 ? 1 : 1 + calls(n - 1) + calls(n - 2));

function setup(m: Machine, n: number, escapeAt: bigint, sp = STACK): void {
  load(m, CODE, FIB);
  m.cpu.setX(0, BigInt(n));
  m.cpu.setX(21, escapeAt);
  m.cpu.sp = BigInt(sp);
  m.cpu.pc = CODE;
}
function both(n: number, escapeAt: bigint, opts: MachineOpts = {}, sp = STACK) {
  const a = machine({ ...opts, engine: 'interp' }), b = machine({ jitThreshold: 3, ...opts, engine: 'jit' });
  for (const m of [a, b]) { setup(m, n, escapeAt, sp); runToStop(m, 1e7); }
  return { a, b };
}
const stackArea: [number, number][] = [[STACK - 0x1000, 0x1000]];

describe('recursive calls inside a unit', () => {
  it('runs fib(15) with calls and returns inside the unit, as the interpreter does', () => {
    // (threshold 50: the root is compiled once returns have run, so the return block exists)
    const { a, b } = both(15, -1n, { jitThreshold: 50 });
    expect(state(b, stackArea)).toEqual(state(a, stackArea));
    expect(b.cpu.getX(0)).toBe(BigInt(fib(15)));
    expect(b.stop?.message).toContain('brk');
    const st = b.engine.stats();
    // 1973 calls and as many returns: almost none of them may go through the dispatcher.
    expect(calls(15)).toBe(1973);
    expect(st.lookups + st.chainHits).toBeLessThan(100);
    expect(st.regions).toBeGreaterThanOrEqual(1);
  });

  it('leaves the unit when RET goes elsewhere than the call it returns from', () => {
    for (const k of [1n, 7n, 100n, 500n]) {
      const { a, b } = both(15, k, { jitThreshold: 50 });
      expect(state(b, stackArea), `escape at base case ${k}`).toEqual(state(a, stackArea));
      expect(b.cpu.getX(22)).toBe(0x77n);
      expect(b.cpu.pc).toBe(CODE + 0x70);
    }
  });

  it('stops after exactly the budget, whatever the budget', () => {
    for (const chunk of [1, 2, 3, 5, 7, 13, 64, 1000]) {
      const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
      for (const m of [a, b]) setup(m, 11, 40n);
      const step = (m: Machine) => { try { return m.engine.run(chunk); } catch (x) { m.stop = x as never; return -1; } };
      for (let i = 0; i < 20000 && !a.stop; i++) {
        const na = step(a), nb = step(b);
        expect(nb, `chunk ${chunk}, step ${i}`).toBe(na);
        expect(b.cpu.pc, `chunk ${chunk}, step ${i}`).toBe(a.cpu.pc);
        // (R[64], R[65]: the write sink of XZR destinations, not architectural)
        const diff = [...b.cpu.R].map((x, k) => (x !== a.cpu.R[k] && k !== 64 && k !== 65 ? `${k}:${a.cpu.R[k]}/${x}` : '')).filter((x) => x).join(' ');
        expect(diff, `chunk ${chunk}, step ${i}, pc ${a.cpu.pc.toString(16)}`).toBe('');
      }
      expect(b.stop).toBeDefined();
      expect(state(b, stackArea)).toEqual(state(a, stackArea));
    }
  });

  it('takes a stack fault deep in the recursion at the exact instruction', () => {
    // Five frames fit above the unmapped page: the sixth nested STP faults.
    const sp = STACK + 32 * 5;
    const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 3 });
    for (const m of [a, b]) { m.unmapped.add((STACK >> 12) - 1); setup(m, 12, -1n, sp); runToStop(m, 1e6); }
    expect(state(b, [[STACK, 0x200]])).toEqual(state(a, [[STACK, 0x200]]));
    expect(b.faults.length).toBe(1);
    expect(b.faults[0][2]).toBe(CODE + 0x10);           // the STP that pushes the frame
    expect(b.cpu.sp).toBe(BigInt(STACK));
    expect(b.engine.stats().unitsCompiled).toBeGreaterThan(0);
  });
});
