// A loop that a compiled region already holds becomes another entry into that unit (the same
// function started at the loop's label) instead of a region of its own. Budget exits in the
// middle of the region bring the dispatcher to the second loop's head, which then gets hot.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';
import type { JitEngine } from '../../jit/engine.js';

const CODE = 0x1000, N = 40;
const PROG = [
  0xd2800062, // top:   mov  x2, #3
  0x91000421, // loop1: add  x1, x1, #1
  0xf1000442, //        subs x2, x2, #1
  0x54ffffc1, //        b.ne loop1
  0xd2800064, //        mov  x4, #3
  0x8b010063, // loop2: add  x3, x3, x1
  0xf1000484, //        subs x4, x4, #1
  0x54ffffc1, //        b.ne loop2
  0xf1000400, //        subs x0, x0, #1
  0x54fffee1, //        b.ne top
  0xd4200000, //        brk  #0
];
const LOOP2 = CODE + 0x14;

function run(engine: 'interp' | 'jit', checkJit = false): Machine {
  const m = machine({ engine, jitThreshold: 4, checkJit });
  load(m, CODE, PROG);
  m.cpu.setX(0, BigInt(N));
  m.cpu.pc = CODE;
  runToStop(m, 1e6, 5);      // budget exits land everywhere, the second loop's head among them
  return m;
}
const jit = (m: Machine) => m.engine as JitEngine;

describe('JIT: further entries into a compiled region', () => {
  it('a loop head inside a live region runs that unit from its label, with the interpreter\'s results', () => {
    // x1 counts loop1's iterations (3 per round); x3 adds x1 three times a round.
    let x1 = 0n, x3 = 0n;
    for (let r = 0; r < N; r++) { x1 += 3n; x3 += 3n * x1; }
    const i = run('interp'), j = run('jit');
    for (const m of [i, j]) {
      expect(m.stop?.message).toContain('brk');
      expect(m.cpu.getX(1)).toBe(x1);
      expect(m.cpu.getX(3)).toBe(x3);
    }
    expect(state(j)).toEqual(state(i));
    const st = jit(j).stats();
    expect(st.entriesAdded).toBeGreaterThan(0);
    const units = [...jit(j).cache.units()];
    const entry = units.find((u) => u.pc === LOOP2);
    expect(entry?.host).toBeDefined();
    expect(entry!.fn).toBe(entry!.host!.fn);
    expect(entry!.host!.labels!.get(LOOP2)).toBe(entry!.label);
  });

  it('passes the lockstep check', () => {
    const m = run('jit', true);
    expect(m.stop?.message).toContain('brk');
    expect(jit(m).stats().entriesAdded).toBeGreaterThan(0);
  });

  it('is dropped with its host', () => {
    const m = run('jit');
    const entry = [...jit(m).cache.units()].find((u) => u.host)!;
    expect(entry).toBeDefined();
    const host = entry.host!;
    // Dropping the host by itself (a unit replaced at its pc) must drop the entry too.
    (jit(m).cache as unknown as { drop(u: unknown): void }).drop(host);
    expect(host.dead).toBe(true);
    expect(entry.dead).toBe(true);
    // And a write to the page drops both (the whole page's code).
    const m2 = run('jit');
    const e2 = [...jit(m2).cache.units()].find((u) => u.host)!;
    jit(m2).invalidatePage(CODE >> 12);
    expect(e2.dead).toBe(true);
    expect(e2.host!.dead).toBe(true);
  });
});
