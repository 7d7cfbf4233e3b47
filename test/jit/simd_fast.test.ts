// The Number fast paths of the SIMD helpers against their BigInt reference: every shift-by-
// immediate key, element size, shift and Q on random register contents must give the same bits
// (V registers and FPSR).
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.js';
import { Memory } from '../../src/mem/memory.js';
import { shiftHelpers, shiftFastPath } from '../../src/isa/groups/simd_shift_helpers.js';
import { decodeShift } from '../../src/isa/groups/simd_shift.js';

function rng(seed: number) { return () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed ^ (seed >>> 13); }; }

describe('SIMD shift fast paths', () => {
  it('match the BigInt reference', () => {
    const mem = new Memory(4096, { translate: (v) => v * 4096 });
    const a = new Cpu(mem), b = new Cpu(mem);
    const r = rng(7);
    let cases = 0;
    for (let U = 0; U < 2; U++) for (let opcode = 0; opcode < 32; opcode++) for (let immh = 1; immh < 16; immh++) for (let immb = 0; immb < 8; immb++) for (let q = 0; q < 2; q++) {
      const dec = decodeShift(U, immh, immb, opcode, q, false);
      if (!dec || dec.kind === 'F' || dec.kind === 'N') continue;
      for (let k = 0; k < 4; k++) {
        for (let i = 0; i < a.V.length; i++) a.V[i] = b.V[i] = r() | 0;
        a.fpsr = b.fpsr = 0;
        const d = k & 1 ? 3 : 5, n = k & 2 ? 3 : 7;
        shiftFastPath.on = true;
        shiftHelpers.v_shift(a, dec.key, dec.esz, dec.sh, q, d, n);
        shiftFastPath.on = false;
        shiftHelpers.v_shift(b, dec.key, dec.esz, dec.sh, q, d, n);
        shiftFastPath.on = true;
        expect([dec.name, dec.esz, dec.sh, q, Array.from(a.V), a.fpsr]).toEqual([dec.name, dec.esz, dec.sh, q, Array.from(b.V), b.fpsr]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(1000);
  });
});

describe('SIMD long/wide (three-different) fast path', () => {
  it('matches the BigInt reference for every key, element size and Q', async () => {
    const { wideHelpers, diffFastPath } = await import('../../src/isa/groups/simd_wide_helpers.js');
    const { DIFF } = await import('../../src/isa/groups/simd_wide.js');
    const mem = new Memory(4096, { translate: (v) => v * 4096 });
    const a = new Cpu(mem), b = new Cpu(mem);
    const r = rng(11);
    let cases = 0;
    for (const key of Object.keys(DIFF).map(Number)) for (let esz = 0; esz < 3; esz++) for (let q = 0; q < 2; q++) {
      if (key === 0x0e) continue;   // PMULL: no fast path
      for (let k = 0; k < 8; k++) {
        for (let i = 0; i < a.V.length; i++) a.V[i] = b.V[i] = k < 2 ? (k ? -1 : 0x7fff7fff) : r() | 0;
        a.fpsr = b.fpsr = 0;
        const d = k & 1 ? 3 : 5, n = k & 2 ? 3 : 7, m = k & 4 ? 5 : 9;
        diffFastPath.on = true;
        wideHelpers.v3_diff(a, key, esz, q, d, n, m);
        diffFastPath.on = false;
        wideHelpers.v3_diff(b, key, esz, q, d, n, m);
        diffFastPath.on = true;
        expect([DIFF[key][0], esz, q, Array.from(a.V), a.fpsr]).toEqual([DIFF[key][0], esz, q, Array.from(b.V), b.fpsr]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(300);
  });
});

describe('SIMD ADD/SUB fast path', () => {
  it('matches the generic element driver for every element size, Q and the scalar form', async () => {
    const { sameHelpers, addSubFast } = await import('../../src/isa/groups/simd_same_helpers.js');
    const mem = new Memory(4096, { translate: (v) => v * 4096 });
    const a = new Cpu(mem), b = new Cpu(mem);
    const r = rng(5);
    let cases = 0;
    for (const key of [0x10, 0x30]) for (let esz = 0; esz < 4; esz++) for (const q of [0, 1, -1]) {
      if (q === -1 && esz !== 3) continue;
      if (q === 0 && esz === 3) continue;
      const count = q < 0 ? 1 : (q ? 16 : 8) >> esz;
      for (let k = 0; k < 12; k++) {
        for (let i = 0; i < a.V.length; i++) a.V[i] = b.V[i] = k < 3 ? [0, -1, 0x7fffffff][k] ^ (i & 1 ? -1 : 0) : r() | 0;
        const d = k & 1 ? 3 : 5, n = k & 2 ? 3 : 7, m = k & 4 ? 3 : 9;
        addSubFast.on = true;
        sameHelpers.v3_int(a, key, esz, count, d, n, m, q);
        addSubFast.on = false;
        sameHelpers.v3_int(b, key, esz, count, d, n, m, q);
        addSubFast.on = true;
        expect([key, esz, q, Array.from(a.V)]).toEqual([key, esz, q, Array.from(b.V)]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(100);
  });
});
