// LDP/STP of X registers test the TLB once for both 8-byte accesses (jit/jitcodegen.ts
// pairedAddr): checked here where the pair walks across a page boundary (the second half in the
// next page, then both), with the next page mapped and unmapped (the fault must come after the
// first half was stored, as in the interpreter), against the interpreter.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';

const LOOP = [
  0xa9000801, // 0: stp x1, x2, [x0]
  0xa9401003, // 4: ldp x3, x4, [x0]
  0x8b0300a5, // 8: add x5, x5, x3
  0x8b0400c6, // c: add x6, x6, x4
  0x8b000021, // 10: add x1, x1, x0
  0x91001000, // 14: add x0, x0, #4
  0xf10004e7, // 18: subs x7, x7, #1
  0x54ffff21, // 1c: b.ne 0x0
  0xd4200000, // 20: brk #0
];
const CODE = 0x1000, PAGE = 0x3000;

function run(engine: 'interp' | 'jit', start: number, iters: number, unmapNext: boolean, noInlineStores = false): Machine {
  const m = machine(engine === 'jit' ? { engine, jitThreshold: 2, checkJit: noInlineStores } : { engine });
  if (unmapNext) m.unmapped.add(PAGE >> 12);
  load(m, CODE, LOOP);
  m.cpu.setX(0, BigInt(start));
  m.cpu.setX(1, 0x1122334455667788n);
  m.cpu.setX(2, 0x99aabbccddeeff00n);
  m.cpu.setX(7, BigInt(iters));
  m.cpu.pc = CODE;
  runToStop(m, 1e6);
  return m;
}

describe('LDP/STP pairs with one TLB test', () => {
  it('walk across a page boundary, next page mapped', () => {
    const a = run('interp', PAGE - 64, 40, false), b = run('jit', PAGE - 64, 40, false);
    expect(state(b, [[PAGE - 128, 256]])).toEqual(state(a, [[PAGE - 128, 256]]));
    expect(b.stop?.message).toContain('brk');
    expect(b.engine.stats().unitsCompiled).toBeGreaterThan(0);
  });

  it('fault in the second half when the next page is unmapped, after the first half is stored', () => {
    for (const start of [PAGE - 64, PAGE - 62, PAGE - 61]) {
      const a = run('interp', start, 40, true), b = run('jit', start, 40, true);
      expect(state(b, [[PAGE - 128, 128]]), `start ${start.toString(16)}`).toEqual(state(a, [[PAGE - 128, 128]]));
      expect(b.faults.length).toBe(1);
      expect(b.faults[0][2]).toBe(CODE);                       // the STP
      // The first half of the faulting STP is in memory (the interpreter's order: Mem[a], then Mem[a + 8]).
      const at = Number(b.cpu.getX(0));
      expect(at + 16).toBeGreaterThan(PAGE);
      if (at + 8 <= PAGE) expect(b.mem.dv.getBigUint64(at, true)).toBe(b.cpu.getX(1));
    }
  });
});
