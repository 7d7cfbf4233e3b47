// DC ZVA (Memory.zero64 translates the 64-byte block's page once): zeroing compiled code drops
// it, and a block in an unmapped page faults, in both engines alike.
import { describe, expect, it } from 'vitest';
import { machine, load, runToStop, state } from './harness.js';

const FN = 0x3000;
const bl = (from: number, to: number) => 0x94000000 | (((to - from) >> 2) & 0x3ffffff);

/** Calls the function at FN (`add x0, x0, #1; ret`) 3000 times, then `dc zva, x9` with
 *  x9 = `target`, then calls FN once more and stops (brk). */
function guest(target: number): number[] {
  const w = [0xd2800000, 0xd2817701, 0xd2800009 | (target << 5)];   // mov x0, #0; mov x1, #3000; mov x9, #target
  const loop = w.length;
  w.push(bl(0x1000 + 4 * w.length, FN));
  w.push(0xf1000421);                                                  // subs x1, x1, #1
  w.push(0x54000001 | (((loop - w.length) & 0x7ffff) << 5));          // b.ne loop
  w.push(0xd50b7429);                                                  // dc zva, x9
  w.push(bl(0x1000 + 4 * w.length, FN));
  w.push(0xd4200000);                                                  // brk #0
  return w;
}

function runBoth(target: number, unmapped?: number) {
  return (['interp', 'jit'] as const).map((engine) => {
    const m = machine({ engine, jitThreshold: 20 });
    if (unmapped !== undefined) m.unmapped.add(unmapped);
    load(m, 0x1000, guest(target));
    load(m, FN, [0x91000400, 0xd65f03c0]);                             // add x0, x0, #1; ret
    m.mem.u8.fill(0xaa, 0x5000, 0x5100);
    m.cpu.pc = 0x1000;
    runToStop(m);
    return m;
  });
}

describe('dc zva', () => {
  it('zeroing a compiled function makes the next call run the zeros (udf), as in the interpreter', () => {
    const [interp, jit] = runBoth(FN + 0x10);
    expect(jit.engine.stats().unitsCompiled).toBeGreaterThan(0);
    expect(interp.stop?.message).toContain('undefined');
    expect(interp.cpu.pc).toBe(FN);
    expect(interp.cpu.R[0]).toBe(3000);
    expect(state(jit, [[FN, 64]])).toEqual(state(interp, [[FN, 64]]));
  });

  it('zeroes exactly the aligned 64 bytes around the address', () => {
    const [interp, jit] = runBoth(0x5047);
    expect(interp.stop?.message).toContain('brk');
    const bytes = [...interp.mem.u8.subarray(0x5000, 0x5100)];
    expect(bytes.map((b, i) => (b === 0) === (i >= 0x40 && i < 0x80)).every(Boolean)).toBe(true);
    expect(state(jit, [[0x5000, 0x100]])).toEqual(state(interp, [[0x5000, 0x100]]));
  });

  it('faults (translation, in the page of the block) when that page is unmapped', () => {
    const [interp, jit] = runBoth(0x6048, 6);
    expect(interp.faults.map(([k, a]) => [k, a])).toEqual([['translation', 0x6000n]]);
    expect(state(jit)).toEqual(state(interp));
  });
});
