import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state } from './harness.js';
import { RUN_BUDGET_MAX } from '../../jit/engine.js';

// x0 = 0; x1 = 1000; x2 = 0x1234; loop: x3 = x2 ^ x0; x0 += x3 >> 3; x2 = x2*x0 + x1; x1--; bne
const LOOP = [
  0xd2800000, // 0: mov x0, #0x0
  0xd2807d01, // 4: mov x1, #0x3e8
  0xd2824682, // 8: mov x2, #0x1234
  0xca000043, // c: eor x3, x2, x0
  0x8b430c00, // 10: add x0, x0, x3, lsr #3
  0x9b000442, // 14: madd x2, x2, x0, x1
  0xf1000421, // 18: subs x1, x1, #0x1
  0x54ffff81, // 1c: b.ne c
  0xd4200000, // 20: brk #0x0
];

describe('jit loop', () => {
  it('runs a counted loop like the interpreter', () => {
    const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
    for (const m of [a, b]) { load(m, 0x1000, LOOP); m.cpu.pc = 0x1000; runToStop(m); }
    expect(state(b)).toEqual(state(a));
    expect(a.cpu.icount).toBe(3 + 5 * 1000 + 1);   // the brk that stops counts, as in the interpreter
    console.log(b.engine.stats());
  });
});

describe('jit budget', () => {
  it('takes a budget beyond the int32 range (units count in int32: run() hands them at most RUN_BUDGET_MAX)', () => {
    const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
    for (const m of [a, b]) { load(m, 0x1000, LOOP); m.cpu.pc = 0x1000; runToStop(m, 3e9); }
    expect(b.stop?.message).toContain('brk');
    expect(state(b)).toEqual(state(a));
    const c = machine({ engine: 'jit', jitThreshold: 2 });
    load(c, 0x1000, LOOP.slice(0, 8).concat([0x17fffffd]));   // the loop, then b .-12 back into it (no brk)
    c.cpu.pc = 0x1000;
    expect(c.engine.run(2 ** 31 + 5)).toBe(RUN_BUDGET_MAX);
    expect(c.cpu.icount).toBe(RUN_BUDGET_MAX);
  }, 60_000);
});

describe('jit code cache bound', () => {
  it('flushes every unit when the bound is reached and still runs like the interpreter', () => {
    // Nested loops on four pages: compiling all of them passes a bound of ~one unit.
    const a = machine({ engine: 'interp' });
    const b = machine({ engine: 'jit', jitThreshold: 2, maxCodeBytes: 3000 } as never);
    for (const m of [a, b]) {
      for (let p = 0; p < 4; p++) {
        const base = 0x1000 * (p + 1);
        const last = p === 3;
        load(m, base, LOOP.slice(0, 8));
        // after the loop: jump to the next page's copy (the last one stops)
        m.mem.dv.setUint32(base + 0x20, last ? 0xd4200000 : 0x14000000 | ((0x1000 - 0x20) >> 2), true);
      }
      m.cpu.pc = 0x1000;
      runToStop(m, 1e7, 997);
    }
    expect(state(b)).toEqual(state(a));
    const st = b.engine.stats();
    expect(st.cacheFlushes).toBeGreaterThan(0);
    expect(st.cacheSrcBytes).toBeLessThanOrEqual(3000);
  });
});

describe('jit regions across a page boundary', () => {
  // The counted loop placed so its body straddles 0x2000 (mov x0..x2 at 0x1ff0).
  const at = 0x1ff0;
  it('compile into one unit and run like the interpreter', () => {
    const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
    for (const m of [a, b]) { load(m, at, LOOP); m.cpu.pc = at; runToStop(m); }
    expect(state(b)).toEqual(state(a));
    const st = b.engine.stats();
    expect(st.twoPageUnits).toBeGreaterThan(0);
    expect(st.lookups).toBeLessThan(50);
  });
  it('drop the unit when the second page changes, and run the new code', () => {
    const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
    for (const m of [a, b]) {
      load(m, at, LOOP); m.cpu.pc = at; runToStop(m);
      // subs x1, x1, #1 (at 0x2008) becomes subs x1, x1, #2; x1 = 1000 again.
      m.mem.dv.setUint32(0x2008, 0xf1000821, true);
      m.engine.invalidatePage(2);
      m.stop = undefined;
      m.cpu.pc = at; runToStop(m);
    }
    expect(state(b)).toEqual(state(a));
    expect(b.engine.stats().unitsDropped).toBeGreaterThan(0);
  });
  it('take the fetch fault when the second page is unmapped', () => {
    const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
    for (const m of [a, b]) {
      load(m, at, LOOP); m.cpu.pc = at; runToStop(m);
      m.unmapped.add(2);
      m.mem.flushTlb();
      m.stop = undefined;
      m.cpu.pc = at; runToStop(m);
    }
    expect(state(b)).toEqual(state(a));
    expect(b.faults).toEqual(a.faults);
    expect(b.faults.length).toBe(1);
  });
});
