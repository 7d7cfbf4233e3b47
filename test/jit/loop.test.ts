import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state } from './harness.js';

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
