// Differential test: random straight-line sequences drawn from every non-branching entry of the
// instruction table, run from the same random state by the interpreter and by compiled units.
// Registers hold a mix of addresses inside a data area and random values, so loads and stores
// both succeed and fault — a fault must leave exactly the interpreter's state.
import { describe, it, expect } from 'vitest';
import { INSTRUCTIONS, getDecoder } from '../../src/isa/index.js';
import { parsePattern } from '../../src/isa/pattern.js';
import { analyse } from '../../jit/insn.js';
import { machine, load, runToStop, state, type Machine } from './harness.js';
import type { JitEngine } from '../../jit/engine.js';

const CODE = 0x1000, DATA = 0x80000, DATA_LEN = 0x10000;

export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}

const decoder = getDecoder();
const pats = INSTRUCTIONS.map((d) => ({ def: d, pat: parsePattern(d.pattern) }));

/** A random word of a random entry that decodes to that entry and does not end a block. */
export function randomInsn(r: () => number, filter: (name: string) => boolean = () => true): number {
  for (;;) {
    const { def, pat } = pats[r() % pats.length];
    if (!filter(def.name)) continue;
    const w = ((r() & ~pat.mask) | pat.value) >>> 0;
    const te = decoder.lookup(w);
    if (!te || te.def !== def) continue;
    const i = analyse(decoder, w, CODE);
    if (!i || i.ends) continue;
    return w;
  }
}

function randomState(m: Machine, r: () => number): void {
  const R = m.cpu.R;
  for (let s = 0; s < 34; s++) {
    const k = r() % 4;
    const lo = k === 0 ? DATA + (r() % DATA_LEN) : k === 1 ? r() % 256 : r() | 0;
    const hi = k <= 1 ? 0 : k === 2 ? r() | 0 : -(r() & 1);
    R[2 * s] = lo; R[2 * s + 1] = hi;
  }
  R[62] = R[63] = 0;                       // XZR
  R[66] = DATA + 0x8000; R[67] = 0;        // SP, 16-byte aligned, inside the data area
  for (let f = 70; f < 74; f++) R[f] = r() & 1;
  for (let i = 0; i < m.cpu.V.length; i++) m.cpu.V[i] = r() | 0;
  for (let i = 0; i < DATA_LEN; i++) m.mem.u8[DATA + i] = r() & 0xff;
}

function runBoth(words: number[], seed: number): { a: Machine; b: Machine } {
  const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 1 });
  for (const m of [a, b]) {
    load(m, CODE, [...words, 0xd4200000]);   // brk #0
    randomState(m, rng(seed));
    m.cpu.pc = CODE;
    runToStop(m, 10_000);
  }
  return { a, b };
}

const full = (m: Machine) => ({ ...state(m, [[DATA, DATA_LEN]]), V: [...m.cpu.V], fpsr: m.cpu.fpsr, fpcr: m.cpu.fpcr });

describe('random straight-line sequences: JIT equals interpreter', () => {
  it('matches on 400 random sequences of all non-branch instructions', () => {
    const r = rng(12345);
    let compiledInsns = 0, faults = 0;
    for (let t = 0; t < 400; t++) {
      const len = 1 + (r() % 40);
      const words = Array.from({ length: len }, () => randomInsn(r));
      const seed = r();
      const { a, b } = runBoth(words, seed);
      const sa = full(a), sb = full(b);
      if (JSON.stringify(sa) !== JSON.stringify(sb)) {
        const dis = words.map((w, i) => `${(CODE + 4 * i).toString(16)}: ${w.toString(16).padStart(8, '0')} ${decoder.disasm(w, CODE + 4 * i)}`).join('\n');
        expect(sb, `sequence ${t} (seed ${seed}):\n${dis}\n${[...(b.engine as JitEngine).cache.units()].map((u) => u.src).join('\n')}`).toEqual(sa);
      }
      compiledInsns += b.engine.stats().insnsCompiled;
      faults += a.faults.length;
    }
    expect(compiledInsns).toBeGreaterThan(1000);   // most of it really ran compiled
    expect(faults).toBeGreaterThan(10);            // and precise faults were exercised
  });

  it('matches on sequences dense in flag setters and readers', () => {
    const r = rng(777);
    const flaggy = (n: string) => /ADDSUB|ADC|CCMP|CSEL|LOGICAL|FP_cmp|FP_ccmp|FP_csel|MRS|MSR_reg/.test(n);
    for (let t = 0; t < 300; t++) {
      const words = Array.from({ length: 2 + (r() % 30) }, () => randomInsn(r, flaggy));
      const { a, b } = runBoth(words, r());
      expect(full(b)).toEqual(full(a));
    }
  });
});

describe('random loops with internal branches: regions equal the interpreter', () => {
  it('matches on 150 random loop bodies, run in odd-sized budget chunks', () => {
    const r = rng(4242);
    for (let t = 0; t < 150; t++) {
      const body: number[] = [];
      const len = 2 + (r() % 24);
      for (let i = 0; i < len; i++) {
        const k = r() % 8;
        if (k === 0) body.push(0x54000040 | (r() % 14));              // b.<cond> .+8 (skips one instruction)
        else if (k === 1) body.push(0xb4000040 | (r() % 28) | ((r() & 1) << 24)); // cbz/cbnz xN, .+8
        else body.push(randomInsn(r));
      }
      const words = [
        0xd2800c9c,                  // mov x28, #0x64
        ...body, 0xd503201f,         // nop (a landing place for the last skip)
        0xf100079c,                  // subs x28, x28, #0x1
        0x54000001 | (((-(body.length + 2)) & 0x7ffff) << 5), // b.ne <first body instruction>
        0xd4200000,                  // brk #0x0
      ];
      const seed = r();
      const a = machine({ engine: 'interp' }), b = machine({ engine: 'jit', jitThreshold: 2 });
      for (const m of [a, b]) {
        load(m, CODE, words);
        randomState(m, rng(seed));
        m.cpu.pc = CODE;
        runToStop(m, 20_000, 997);
      }
      const sa = full(a), sb = full(b);
      if (JSON.stringify(sa) !== JSON.stringify(sb)) {
        const dis = words.map((w, i) => `${(CODE + 4 * i).toString(16)}: ${decoder.disasm(w, CODE + 4 * i)}`).join('\n');
        expect(sb, `loop ${t} (seed ${seed}):\n${dis}`).toEqual(sa);
      }
    }
  });
});
