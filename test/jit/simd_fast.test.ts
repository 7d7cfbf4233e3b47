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
