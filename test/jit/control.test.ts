// Loops compiled as regions, exact instruction counts under any budget, precise faults, and
// self-modifying code: each against the interpreter on the same program.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine, type MachineOpts } from './harness.js';
import type { JitEngine } from '../../jit/engine.js';

const jitOf = (m: Machine) => m.engine as JitEngine;

// x0 counts odd i, x2 sums i, for i = 300..1: a loop of two blocks (tbz skips one add).
const TWO_BLOCK_LOOP = [
  0xd2800000, // 0: mov x0, #0x0
  0xd2800002, // 4: mov x2, #0x0
  0xd2802581, // 8: mov x1, #0x12c
  0x36000041, // c: tbz w1, #0, 14
  0x91000400, // 10: add x0, x0, #0x1
  0x8b010042, // 14: add x2, x2, x1
  0xf1000421, // 18: subs x1, x1, #0x1
  0x54ffff81, // 1c: b.ne c
  0xd4200000, // 20: brk #0x0
];

// Stores x3 = 1, 2, … at x10, x10 + 8, … while x3 != 4000 (runs off the mapped area first).
const STORE_LOOP = [
  0xd2800003, // 0: mov x3, #0x0
  0x91000463, // 4: add x3, x3, #0x1
  0xf8008543, // 8: str x3, [x10], #8
  0xf13e807f, // c: cmp x3, #0xfa0
  0x54ffffa1, // 10: b.ne 4
  0xd4200000, // 14: brk #0x0
];

function both(code: number[], setup: (m: Machine) => void = () => {}, opts: MachineOpts = {}, budget = 1e6, chunk = budget) {
  const a = machine({ ...opts, engine: 'interp' }), b = machine({ jitThreshold: 3, ...opts, engine: 'jit' });
  for (const m of [a, b]) { load(m, 0x1000, code); setup(m); m.cpu.pc = 0x1000; runToStop(m, budget, chunk); }
  return { a, b };
}

describe('loops', () => {
  it('compiles a two-block loop as one region with the exact count', () => {
    const { a, b } = both(TWO_BLOCK_LOOP);
    expect(state(b)).toEqual(state(a));
    expect(b.cpu.getX(0)).toBe(150n);
    expect(b.cpu.getX(2)).toBe(45150n);
    expect(b.cpu.icount).toBe(3 + 300 * 4 + 150 + 1);
    const st = b.engine.stats();
    expect(st.regions).toBeGreaterThanOrEqual(1);
    expect(st.coldInsns).toBeLessThan(100);
  });

  it('stops after exactly the budget, whatever the budget', () => {
    for (const chunk of [1, 2, 3, 4, 5, 7, 13, 64, 1000]) {
      const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
      for (const m of [a, b]) { load(m, 0x1000, TWO_BLOCK_LOOP); m.cpu.pc = 0x1000; }
      const step1 = (m: Machine) => { try { return m.engine.run(chunk); } catch (x) { m.stop = x as never; return -1; } };
      for (let step = 0; step < 2000 && !a.stop; step++) {
        const na = step1(a), nb = step1(b);
        expect(nb, `chunk ${chunk}, step ${step}`).toBe(na);
        expect(b.cpu.pc).toBe(a.cpu.pc);
        expect(b.cpu.icount).toBe(a.cpu.icount);
        expect([...b.cpu.R]).toEqual([...a.cpu.R]);
      }
      expect(a.stop).toBeDefined();
      expect(b.stop).toBeDefined();
      expect(b.cpu.icount).toBe(3 + 300 * 4 + 150 + 1);
    }
  });
});

describe('faults', () => {
  const FAULTY = [
    0xd28000a3, // 0: mov x3, #0x5
    0xf9000143, // 4: str x3, [x10]
    0x91000463, // 8: add x3, x3, #0x1
    0xf9400164, // c: ldr x4, [x11]     ← x11 points into an unmapped page
    0x910004a5, // 10: add x5, x5, #0x1
    0xd4200000, // 14: brk #0x0
    0xd4200020, // 18: brk #0x1         ← fault handler
  ];
  const setup = (m: Machine) => { m.cpu.setX(10, 0x8000n); m.cpu.setX(11, 0x9008n); m.cpu.setX(4, 77n); m.unmapped.add(9); };

  it('a load that faults mid-block keeps earlier effects and the precise pc', () => {
    const { a, b } = both(FAULTY, setup, { faultHandler: 0x1018, jitThreshold: 1 });
    expect(state(b, [[0x8000, 8]])).toEqual(state(a, [[0x8000, 8]]));
    expect(b.faults).toEqual([['translation', 0x9000n, 0x100c]]);
    expect(b.cpu.getX(3)).toBe(6n);          // the add before the fault ran
    expect(b.cpu.getX(4)).toBe(77n);         // the faulting load wrote nothing
    expect(b.cpu.getX(5)).toBe(0n);          // the add after it did not run
    expect(b.mem.dv.getUint32(0x8000, true)).toBe(5);
    expect(b.engine.stats().unitsCompiled).toBeGreaterThanOrEqual(1);
    expect(b.cpu.pc).toBe(0x1018);           // stopped at the handler's brk
  });

  it('a store that faults in iteration k of a compiled loop stops at exactly that store', () => {
    const setup2 = (m: Machine) => { m.cpu.setX(10, 0x7000n); m.unmapped.add(9); };
    const { a, b } = both(STORE_LOOP, setup2, { faultHandler: 0x1014 });
    expect(state(b, [[0x7000, 0x2000]])).toEqual(state(a, [[0x7000, 0x2000]]));
    expect(b.cpu.getX(3)).toBe(1025n);       // 0x7000..0x8ff8 holds 1024 stores; the 1025th faults
    expect(b.faults).toEqual([['translation', 0x9000n, 0x1008]]);
    expect(b.engine.stats().regions + b.engine.stats().unitsCompiled).toBeGreaterThan(0);
  });

  it('an instruction fetch from an unmapped page faults like the interpreter', () => {
    const code = [0xd61f0160]; // br x11
    const { a, b } = both(code, setup, { faultHandler: 0x1018, jitThreshold: 1 });
    expect(state(b)).toEqual(state(a));
    expect(b.faults.length).toBe(1);
  });
});

// f at 0x2000: mov x0, #1; ret. The caller at 0x1000 calls it 100 times summing x0 into x2.
const CALLER = [
  0xd2800002, // 1000: mov x2, #0x0
  0xd2800c81, // 1004: mov x1, #0x64
  0x940003fe, // 1008: bl 2000
  0x8b000042, // 100c: add x2, x2, x0
  0xf1000421, // 1010: subs x1, x1, #0x1
  0x54ffffa1, // 1014: b.ne 1008
  0xd4200000, // 1018: brk #0x0
];
const F = [
  0xd2800020, // 2000: mov x0, #0x1
  0xd65f03c0, // 2004: ret
];
const MOV_X0_2 = 0xd2800040; // mov x0, #0x2

describe('self-modifying code', () => {
  function smcMachine(engine: 'interp' | 'jit'): Machine {
    const m = machine({ engine, jitThreshold: 3 });
    load(m, 0x1000, CALLER);
    load(m, 0x2000, F);
    // At 0x1800 (same page as the caller): str w5, [x6]; bl 2000; brk #0
    load(m, 0x1800, [
      0xb90000c5, // 1800: str w5, [x6]
      0x94000000 | ((0x2000 - 0x1804) >> 2), // 1804: bl 2000
      0xd4200000, // 1808: brk #0x0
    ]);
    m.cpu.pc = 0x1000;
    runToStop(m);
    return m;
  }

  it('a guest store over compiled code drops exactly that page, and the new code runs', () => {
    const a = smcMachine('interp'), b = smcMachine('jit');
    expect(b.cpu.getX(2)).toBe(100n);
    const jit = jitOf(b);
    const before = [...jit.cache.units()];
    const onF = before.filter((u) => u.ramPage === 2).length;
    const onCaller = before.filter((u) => u.ramPage === 1).length;
    expect(onF).toBeGreaterThan(0);
    expect(onCaller).toBeGreaterThan(0);
    // Some caller unit is chained into f's unit.
    expect(before.some((u) => u.ramPage === 1 && u.links.some((l) => l?.ramPage === 2))).toBe(true);
    const dropped0 = b.engine.stats().unitsDropped;

    for (const m of [a, b]) {
      m.stop = undefined;
      m.cpu.setX(5, BigInt(MOV_X0_2)); m.cpu.setX(6, 0x2000n);
      m.cpu.pc = 0x1800;
      runToStop(m);
    }
    expect(b.cpu.getX(0)).toBe(2n);
    expect(state(b)).toEqual(state(a));
    const st = b.engine.stats();
    expect(st.unitsDropped - dropped0).toBe(onF);
    const after = [...jit.cache.units()];
    expect(after.filter((u) => u.ramPage === 1).length).toBeGreaterThanOrEqual(onCaller);
    // Links into a dropped unit may remain (the dispatcher never follows a link to a dead unit:
    // the new code ran, checked above), but a dropped unit holds no links of its own.
    for (const u of before.filter((x) => x.ramPage === 2)) { expect(u.dead).toBe(true); expect(u.links.every((l) => l === undefined)).toBe(true); }
  });

  it('running the patched function again in a loop uses the new code (recompiled)', () => {
    const m = smcMachine('jit');
    m.mem.write(0x2000, new Uint8Array(new Uint32Array([MOV_X0_2]).buffer));   // a host write (e.g. DMA)
    m.stop = undefined;
    m.cpu.pc = 0x1000;
    runToStop(m);
    expect(m.cpu.getX(2)).toBe(200n);
    expect(m.engine.stats().invalidations).toBeGreaterThan(0);
  });

  it('flushCode drops every unit (IC IALLU)', () => {
    const m = smcMachine('jit');
    const jit = jitOf(m);
    expect([...jit.cache.units()].length).toBeGreaterThan(0);
    jit.flushCode();
    expect([...jit.cache.units()].length).toBe(0);
    m.stop = undefined;
    m.cpu.pc = 0x1000;
    runToStop(m);
    expect(m.cpu.getX(2)).toBe(100n);
  });
});

// Unaligned 8/4/2-byte loads and stores walking up by 7 bytes across the page boundary at 0x3000
// (accesses split over two pages) into the unmapped page at 0x4000 (a fault mid-loop). Compiled
// units test the TLB inline and call the Memory accessors only on a miss or a split access.
const SPLIT_WALK = [
  0xd285f80a, // 0: mov x10, #0x2fc0
  0xd2800002, // 4: mov x2, #0x0
  0xd2800003, // 8: mov x3, #0x0
  0xd288200b, // c: mov x11, #0x4100
  0xf9400141, // 10: ldr x1, [x10]
  0x8b010042, // 14: add x2, x2, x1
  0xf8003142, // 18: stur x2, [x10, #3]
  0x78401144, // 1c: ldurh w4, [x10, #1]
  0x8b040063, // 20: add x3, x3, x4
  0x78005143, // 24: sturh w3, [x10, #5]
  0xb8402145, // 28: ldur w5, [x10, #2]
  0xca050063, // 2c: eor x3, x3, x5
  0x91001d4a, // 30: add x10, x10, #0x7
  0xeb0b015f, // 34: cmp x10, x11
  0x54fffec3, // 38: b.lo 10
  0xd4200000, // 3c: brk #0x0
];

describe('inline TLB accesses', () => {
  it('split and faulting accesses match the interpreter, for every threshold', () => {
    const setup = (m: Machine) => {
      for (let a = 0x2f00; a < 0x4000; a++) m.mem.u8[a] = (a * 37 + (a >> 8)) & 0xff;
      m.unmapped.add(4);
    };
    for (const jitThreshold of [1, 2, 5, 40]) {
      const { a, b } = both(SPLIT_WALK, setup, { jitThreshold });
      expect(state(b, [[0x2f00, 0x1100]])).toEqual(state(a, [[0x2f00, 0x1100]]));
      expect(b.faults.length).toBe(1);
      expect(b.faults[0][1]).toBe(0x4000n);
      expect(b.engine.stats().unitsCompiled).toBeGreaterThan(0);
    }
  });
});
