// The size bound of JIT units (jit/compile.ts compileBounded): a unit's generated code stays
// under unitLimits.sizeMax (V8 does not optimise a function past 61440 bytes of bytecode), by
// testing the TLB inline only in the hottest blocks and, when even that is too big, by compiling
// a smaller region (jit/translator.ts selectRegion's maxInsns). The guest must run exactly as in
// the interpreter either way. The loop here is longer than the default region cap
// (MAX_REGION_INSNS), which the tests raise to build one large unit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';
import { compileBounded, unitLimits, unitSize, UNIT_SIZE_MAX, KERNEL_INLINE_MEMORY_MAX_INSNS } from '../../jit/compile.js';
import { analyseBlock, discoverBlock, selectRegion, regionLimits, MAX_REGION_INSNS, type Block } from '../../jit/translator.js';
import type { JitEngine } from '../../jit/engine.js';
import type { Interpreter } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';

const BLOCKS = 40;
const DATA = 0x8000;

/** A loop of BLOCKS small blocks, each `ldr w3, [x5, #4k]; add w3, w3, w0; str w3, [x5, #4k];
 *  add w0, w0, #1; b .+4`, then `subs x1, x1, #1; b.ne loop; brk`. */
function guest(iterations: number): number[] {
  const words = [0xd2800000, 0xd2800001 | (iterations << 5), 0xd2900005];   // mov x0, #0; mov x1, #n; mov x5, #0x8000
  const loop = words.length;
  for (let k = 0; k < BLOCKS; k++) words.push(0xb94000a3 | (k << 10), 0x0b000063, 0xb90000a3 | (k << 10), 0x11000400, 0x14000001);
  words.push(0xf1000421);                                             // subs x1, x1, #1
  words.push(0x54000001 | (((loop - words.length) & 0x7ffff) << 5));  // b.ne loop
  words.push(0xd4200000);                                             // brk #0
  return words;
}

const units = (m: Machine) => [...(m.engine as JitEngine).cache.units()];
/** Inline TLB tests in a unit's source, and accesses that only call the Memory accessor (an
 *  inline test calls the accessor on a miss, so it holds one call too). */
const inlineTests = (src: string) => (src.match(/T[RW]L\[/g) ?? []).length;
const accessorCalls = (src: string) => (src.match(/M\.[rw]32\(/g) ?? []).length - inlineTests(src);

function runBoth(iterations: number): { interp: Machine; jit: Machine } {
  const interp = machine({ engine: 'interp' }), jit = machine({ engine: 'jit', jitThreshold: 20 });
  for (const m of [interp, jit]) { load(m, 0x1000, guest(iterations)); m.cpu.pc = 0x1000; runToStop(m); }
  expect(state(jit, [[DATA, 4 * BLOCKS]])).toEqual(state(interp, [[DATA, 4 * BLOCKS]]));
  expect(interp.stop?.message).toContain('brk');
  return { interp, jit };
}

const LOOP_INSNS = 5 * BLOCKS + 2;

describe('jit unit size bound', () => {
  beforeEach(() => { regionLimits.maxInsns = LOOP_INSNS; });
  afterEach(() => { unitLimits.sizeMax = UNIT_SIZE_MAX; regionLimits.maxInsns = MAX_REGION_INSNS; });

  it('counts the non-blank characters of the source', () => {
    expect(unitSize('a = 1;\n  b\t= 2;\r\n')).toBe(8);
  });

  it('under the default bound compiles the loop as one unit with every access inline', () => {
    const { jit } = runBoth(300);
    const loopUnit = units(jit).find((u) => u.blocks.length === BLOCKS + 1);
    expect(loopUnit).toBeDefined();
    expect(unitSize(loopUnit!.src)).toBeLessThanOrEqual(UNIT_SIZE_MAX);
    expect(accessorCalls(loopUnit!.src)).toBe(0);
    expect(inlineTests(loopUnit!.src)).toBe(2 * BLOCKS);
  });

  it('inlines the accesses of only some blocks when all of them would pass the bound', () => {
    const { jit: probe } = runBoth(300);
    const full = units(probe).find((u) => u.blocks.length === BLOCKS + 1)!;
    // Between the all-inline size and (well above) the all-accessor size.
    unitLimits.sizeMax = Math.floor(unitSize(full.src) * 0.75);
    const { jit } = runBoth(300);
    const loopUnit = units(jit).find((u) => u.blocks.length === BLOCKS + 1);
    expect(loopUnit).toBeDefined();
    expect(unitSize(loopUnit!.src)).toBeLessThanOrEqual(unitLimits.sizeMax);
    expect(inlineTests(loopUnit!.src)).toBeGreaterThan(0);
    expect(accessorCalls(loopUnit!.src)).toBeGreaterThan(0);
    // Each block has a load and a store: a block is inline or not as a whole.
    expect(inlineTests(loopUnit!.src) + accessorCalls(loopUnit!.src)).toBe(2 * BLOCKS);
  });

  it('cuts a region that is too big even without inline accesses, and the pieces chain', () => {
    unitLimits.sizeMax = 6000;
    const { jit } = runBoth(300);
    const us = units(jit);
    expect(us.length).toBeGreaterThan(1);
    for (const u of us) if (u.blocks.length > 1) expect(unitSize(u.src)).toBeLessThanOrEqual(6000);
    // Every block of the loop body is compiled in some unit (the region was cut, not dropped).
    const compiled = new Set(us.flatMap((u) => u.blocks.map((b) => b.pc)));
    for (let k = 0; k < BLOCKS; k++) expect(compiled.has(0x1000 + 12 + 20 * k)).toBe(true);
    expect(jit.engine.stats().chainHits).toBeGreaterThan(0);
  });

  it('by default cuts the loop into regions of at most MAX_REGION_INSNS instructions that chain', () => {
    regionLimits.maxInsns = MAX_REGION_INSNS;
    const { jit } = runBoth(300);
    const us = units(jit);
    expect(us.length).toBeGreaterThan(Math.floor(LOOP_INSNS / MAX_REGION_INSNS));
    for (const u of us) expect(u.blocks.reduce((k, b) => k + b.jitLen, 0)).toBeLessThanOrEqual(MAX_REGION_INSNS);
    expect(jit.engine.stats().chainHits).toBeGreaterThan(0);
  });

  it('in the kernel tier tests the TLB inline only in units of at most 64 instructions', () => {
    const m = machine({ engine: 'jit' });
    load(m, 0x1000, guest(3));
    const engine = m.engine as JitEngine;
    const interp = (engine as unknown as { interp: Interpreter }).interp;
    const blocks = new Map<number, Block>();
    const blockAt = (pc: number) => {
      if (pc < 0x1000 || pc >= 0x2000) return undefined;
      let b = blocks.get(pc);
      if (!b) { b = discoverBlock(getDecoder(), interp, m.mem.dv, pc, pc - (pc & 0xfff)); b.hits = 1; blocks.set(pc, b); }   // RAM = virtual
      return b;
    };
    const loopHead = 0x1000 + 12;
    const region = selectRegion(blockAt(loopHead)!, blockAt, (b) => analyseBlock(b, getDecoder(), () => true));
    expect(region.reduce((k, b) => k + b.jitLen, 0)).toBeGreaterThan(KERNEL_INLINE_MEMORY_MAX_INSNS);
    const user = compileBounded(region, loopHead, { regsInLocals: true });
    const kernel = compileBounded(region, loopHead, { regsInLocals: true, inlineMemoryMaxInsns: KERNEL_INLINE_MEMORY_MAX_INSNS });
    expect(inlineTests(user.src)).toBe(2 * BLOCKS);
    expect(inlineTests(kernel.src)).toBe(0);
    expect(accessorCalls(kernel.src)).toBe(2 * BLOCKS);
    // A small region still tests inline in the kernel tier.
    const small = compileBounded([blockAt(loopHead)!], loopHead, { regsInLocals: true, inlineMemoryMaxInsns: KERNEL_INLINE_MEMORY_MAX_INSNS });
    expect(inlineTests(small.src)).toBe(2);
  });
});
