import { describe, it, expect } from 'vitest';
import { Builder } from '../../src/ir/ir.js';
import { loadWords } from '../../src/ir/codegen.js';

// loadWords() tells the JIT that the two words a FP/SIMD load writes into a double lane are
// the halves of one 8-byte load, so the lane can be read back from guest RAM as a double. A
// wrong "yes" would read a lane from memory it was never loaded from (a wrong guest result).
describe('IR: words of an 8-byte load', () => {
  it('the low and high words of an 8-byte load are recognised, each with its load', () => {
    const b = new Builder();
    const addr = b.x(b.opnd('n'));
    const l1 = b.load(addr, 8), l2 = b.load(b.add(addr, b.c64(8, 0)), 8);
    const lo1 = b.trunc(l1), hi1 = b.trunc(b.lsr(l1, b.c32(32)));
    const lo2 = b.trunc(l2), hi2 = b.trunc(b.lsr(l2, b.c32(32)));
    const got = loadWords(b.stmts);
    expect(got.get(lo1.id)).toEqual({ load: l1.id, half: 0 });
    expect(got.get(hi1.id)).toEqual({ load: l1.id, half: 1 });
    expect(got.get(lo2.id)).toEqual({ load: l2.id, half: 0 });
    expect(got.get(hi2.id)).toEqual({ load: l2.id, half: 1 });
  });
  it('other shifts, narrower loads and values that are not loads are not load words', () => {
    const b = new Builder();
    const addr = b.x(b.opnd('n'));
    const l8 = b.load(addr, 8), l4 = b.load(addr, 4);
    const by16 = b.trunc(b.lsr(l8, b.c32(16)));           // bits 47..16: neither half
    const asr = b.trunc(b.asr(l8, b.c32(32)));            // the high word, but not via lsr
    const reg = b.trunc(b.x(b.opnd('m')));                // a register's low word
    const viaAdd = b.trunc(b.add(l8, b.c64(0, 0)));       // computed from the load
    const got = loadWords(b.stmts);
    for (const v of [by16, asr, reg, viaAdd, l4]) expect(got.has(v.id)).toBe(false);
  });
});
