// The interpreter's profiled run (the JIT's cold tier for kernel-sized guests): taken jumps count
// arrivals per instruction; the run stops before a target whose count reaches the limit, or at
// once where a compiled unit starts (HOT_MARK), with exact instruction counts.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.js';
import { Memory, type Translator } from '../../src/mem/memory.js';
import { HOT_MARK, Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';

const flat: Translator = { translate: (vpn) => vpn * 4096 };
// 0x1000 movz x0, #0; 0x1004 add x0, x0, #1; cmp x0, #10; b.ne 0x1004; udf
const LOOP = [0xd2800000, 0x91000400, 0xf100281f, 0x54ffffc1, 0x00000000];

function setup() {
  const mem = new Memory(1 << 20, flat);
  const cpu = new Cpu(mem);
  cpu.env = { undefinedInsn: () => { throw new StopRun('halt'); } } as never;
  LOOP.forEach((w, i) => mem.dv.setUint32(0x1000 + 4 * i, w, true));
  return { cpu, it: new Interpreter(cpu, getDecoder()) };
}

describe('Interpreter.runProfiled', () => {
  it('stops before the jump target whose arrivals reach the limit, counting exactly', () => {
    const { cpu, it } = setup();
    expect(it.runProfiled(0x1000, 1000, 5)).toBe(1 + 5 * 3);
    expect([it.stoppedHot, it.lastPc, it.lastRan, cpu.getX(0)]).toEqual([true, 0x1004, 16, 5n]);
    expect(cpu.icount).toBe(0);            // the caller accounts
    // Resuming at the target runs it (no count at the start), then stops at the next arrival.
    expect(it.runProfiled(0x1004, 1000, 5)).toBe(3);
    expect(cpu.getX(0)).toBe(6n);
  });

  it('a unit entry (HOT_MARK) stops it at the first arrival; a budget stop is not hot', () => {
    const { it } = setup();
    it.setArrivals(1, 1, HOT_MARK);        // RAM page 1, instruction 1 (0x1004)
    expect(it.runProfiled(0x1000, 1000, 100000)).toBe(4);
    expect([it.stoppedHot, it.lastPc]).toEqual([true, 0x1004]);
    expect(it.runProfiled(0x1004, 2, 100000)).toBe(2);
    expect([it.stoppedHot, it.lastPc]).toEqual([false, 0x100c]);
  });

  it('a plain run never stops on arrivals and keeps cpu.pc / icount', () => {
    const { cpu, it } = setup();
    cpu.pc = 0x1000;
    it.setArrivals(1, 1, HOT_MARK);
    expect(() => it.run(1000)).toThrow(StopRun);
    expect(cpu.getX(0)).toBe(10n);
    expect(cpu.icount).toBe(1 + 10 * 3 + 1);
    expect(cpu.pc).toBe(0x1010);
  });
});
