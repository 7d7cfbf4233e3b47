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

describe('SIMD ADD/SUB and bitwise operations as IR', () => {
  // The IR runs here through the interpreter's handlers; the JIT compiles the same IR (the bench
  // guests under --check-jit and test/jit/random.test.ts compare the two engines).
  it('ADD/SUB match the generic element driver for every element size, Q and the scalar form', async () => {
    const { sameHelpers } = await import('../../src/isa/groups/simd_same_helpers.js');
    const { Interpreter } = await import('../../src/interp/interpreter.js');
    const { getDecoder } = await import('../../src/isa/index.js');
    const mem = new Memory(1 << 16, { translate: (v) => v * 4096 });
    const a = new Cpu(mem), b = new Cpu(mem);
    const engines = [new Interpreter(a, getDecoder())];
    const r = rng(5);
    let cases = 0;
    const CODE = 0x1000;
    for (const engine of engines) for (const key of [0x10, 0x30]) for (let esz = 0; esz < 4; esz++) for (const q of [0, 1, -1]) {
      if (q === -1 && esz !== 3) continue;
      if (q === 0 && esz === 3) continue;
      const count = q < 0 ? 1 : (q ? 16 : 8) >> esz;
      for (let k = 0; k < 12; k++) {
        for (let i = 0; i < a.V.length; i++) a.V[i] = b.V[i] = k < 3 ? [0, -1, 0x7fffffff][k] ^ (i & 1 ? -1 : 0) : r() | 0;
        const d = k & 1 ? 3 : 5, n = k & 2 ? 3 : 7, m = k & 4 ? 3 : 9;
        const U = key === 0x30 ? 1 : 0;
        // ADD/SUB (vector): 0 Q U 01110 size 1 Rm 10000 1 Rn Rd; (scalar): 01 U 11110 11 1 Rm 10000 1 Rn Rd
        const word = q < 0
          ? (0x5e208400 | (U << 29) | (3 << 22) | (m << 16) | (n << 5) | d) >>> 0
          : (0x0e208400 | (q << 30) | (U << 29) | (esz << 22) | (m << 16) | (n << 5) | d) >>> 0;
        mem.dv.setUint32(CODE, word, true);
        engine.invalidatePage(CODE >> 12);
        a.pc = CODE;
        engine.run(1);
        sameHelpers.v3_int(b, key, esz, count, d, n, m, q);
        expect([key, esz, q, Array.from(a.V)]).toEqual([key, esz, q, Array.from(b.V)]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(100);
  });
});

describe('SIMD bitwise three-same as IR', () => {
  it('AND BIC ORR ORN EOR BSL BIT BIF follow the Arm ARM definitions, upper half zeroed for Q=0', async () => {
    const { Interpreter } = await import('../../src/interp/interpreter.js');
    const { getDecoder } = await import('../../src/isa/index.js');
    const mem = new Memory(1 << 16, { translate: (v) => v * 4096 });
    const cpu = new Cpu(mem);
    const it0 = new Interpreter(cpu, getDecoder());
    const r = rng(9);
    // Arm ARM: BSL: d = (d & n) | (~d & m); BIT: d = (d & ~m) | (n & m); BIF: d = (d & m) | (n & ~m).
    const ref = [(_d: number, n: number, m: number) => n & m, (_d: number, n: number, m: number) => n & ~m,
      (_d: number, n: number, m: number) => n | m, (_d: number, n: number, m: number) => n | ~m, (_d: number, n: number, m: number) => n ^ m,
      (d: number, n: number, m: number) => (d & n) | (~d & m), (d: number, n: number, m: number) => (d & ~m) | (n & m),
      (d: number, n: number, m: number) => (d & m) | (n & ~m)];
    let cases = 0;
    for (let k = 0; k < 8; k++) for (let q = 0; q < 2; q++) for (let t = 0; t < 6; t++) {
      for (let i = 0; i < cpu.V.length; i++) cpu.V[i] = r() | 0;
      const d = t & 1 ? 3 : 5, n = t & 2 ? 3 : 7, m = t & 4 ? 5 : 9;
      const before = Array.from(cpu.V);
      const want = [0, 1, 2, 3].map((i) => (i < (q ? 4 : 2) ? ref[k](before[d * 4 + i], before[n * 4 + i], before[m * 4 + i]) | 0 : 0));
      // 0 Q U 01110 opc2 1 Rm 00011 1 Rn Rd, with U:opc2 = k
      const word = (0x0e201c00 | (q << 30) | ((k >> 2) << 29) | ((k & 3) << 22) | (m << 16) | (n << 5) | d) >>> 0;
      mem.dv.setUint32(0x1000, word, true);
      it0.invalidatePage(1);
      cpu.pc = 0x1000;
      it0.run(1);
      const expected = before.slice(); for (let i = 0; i < 4; i++) expected[d * 4 + i] = want[i];
      expect([k, q, Array.from(cpu.V)]).toEqual([k, q, expected]);
      cases++;
    }
    expect(cases).toBe(96);
  });
});

describe('SIMD SSHR/USHR/SHL/SSHLL/USHLL as IR', () => {
  it('match the BigInt reference helper for every element size, shift, Q and the scalar form', async () => {
    const { Interpreter } = await import('../../src/interp/interpreter.js');
    const { getDecoder } = await import('../../src/isa/index.js');
    const mem = new Memory(1 << 16, { translate: (v) => v * 4096 });
    const a = new Cpu(mem), b = new Cpu(mem);
    const it0 = new Interpreter(a, getDecoder());
    const r = rng(13);
    let cases = 0;
    for (const [U, opcode] of [[0, 0x00], [1, 0x00], [0, 0x0a], [0, 0x14], [1, 0x14]]) for (let immh = 1; immh < 16; immh++) for (let immb = 0; immb < 8; immb++) for (const q of [0, 1, -1]) {
      const dec = decodeShift(U, immh, immb, opcode, q < 0 ? 1 : q, q < 0);
      if (!dec) continue;
      for (let k = 0; k < 3; k++) {
        for (let i = 0; i < a.V.length; i++) a.V[i] = b.V[i] = k === 0 ? 0x80ff7f01 ^ (i & 1 ? -1 : 0) : r() | 0;
        const d = k & 1 ? 3 : 5, n = k === 2 ? 5 : 7;
        // 0 Q U 011110 immh immb opcode 1 Rn Rd; scalar: 01 U 111110 immh immb opcode 1 Rn Rd
        const base = q < 0 ? 0x5f000400 : 0x0f000400 | (q << 30);
        const word = (base | (U << 29) | (immh << 19) | (immb << 16) | (opcode << 11) | (n << 5) | d) >>> 0;
        mem.dv.setUint32(0x1000, word, true);
        it0.invalidatePage(1);
        a.pc = 0x1000;
        it0.run(1);
        shiftFastPath.on = false;
        shiftHelpers.v_shift(b, dec.key, dec.esz, dec.sh, q, d, n);
        shiftFastPath.on = true;
        expect([dec.name, dec.esz, dec.sh, q, Array.from(a.V)]).toEqual([dec.name, dec.esz, dec.sh, q, Array.from(b.V)]);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(700);
  });
});
