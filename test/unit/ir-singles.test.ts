import { describe, it, expect } from 'vitest';
import { Builder } from '../../src/ir/ir.js';
import { singleValues } from '../../src/ir/codegen.js';

// singleValues() lets the JIT skip Math.fround when a value written to a single lane already is
// a float32; a wrong "yes" would leave a double in a single lane (a wrong guest result).
describe('IR: values proved to hold a float32', () => {
  it('single lanes, fround, and negation, |x|, min/max of singles are singles', () => {
    const b = new Builder();
    const r = b.opnd('n');
    const s = b.vLaneF(r, 0, 2), d = b.vLaneF(r, 0, 3);
    const neg = b.fun('fneg', s), abs = b.fun('fabs', neg), rnd = b.fun('fround', d);
    const mx = b.fbin('fmax', abs, rnd), mixed = b.fbin('fmin', s, d);
    const sum = b.fbin('fadd', s, s), prod = b.fbin('fmul', s, s);
    const half = b.fconst(0.5), tenth = b.fconst(0.1);
    const got = singleValues(b.stmts);
    for (const v of [s, neg, abs, rnd, mx, half]) expect(got.has(v.id)).toBe(true);
    // A double lane, a min with a double, a sum or product of singles (wider than a single),
    // and a constant a single cannot hold are not.
    for (const v of [d, mixed, sum, prod, tenth]) expect(got.has(v.id)).toBe(false);
    expect(Math.fround(0.1)).not.toBe(0.1);
  });
});
