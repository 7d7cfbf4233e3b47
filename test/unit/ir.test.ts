// The IR code generator against a BigInt model of two's-complement arithmetic: each IR
// operation, compiled into a handler exactly as the interpreter does, must agree with the
// mathematical definition (the Arm ARM's integer semantics) on random and edge values.
import { describe, it, expect } from 'vitest';
import { Cpu } from '../../src/cpu/state.js';
import { Memory } from '../../src/mem/memory.js';
import { compileHandler, PC } from '../../src/interp/handlers.js';
import type { Builder, Val, BinOp, UnOp, CmpOp } from '../../src/ir/ir.js';
import type { InsnDef } from '../../src/isa/table.js';

const M64 = (1n << 64n) - 1n;
const M32 = (1n << 32n) - 1n;
const s64 = (x: bigint) => BigInt.asIntN(64, x);
const s32 = (x: bigint) => BigInt.asIntN(32, x);

let seed = 12345;
function rnd32(): bigint { seed = (Math.imul(seed, 1103515245) + 12345) | 0; return BigInt((seed >>> 0) ^ (Math.imul(seed, 0x9e3779b9) >>> 7)) & M32; }
const EDGE = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n, M64, 0xfffffffffffffffen, 0x123456789abcdef0n];
function values(n: number): bigint[] {
  const out = [...EDGE];
  for (let i = 0; i < n; i++) out.push((rnd32() << 32n) | rnd32());
  for (let i = 0; i < n / 4; i++) out.push(rnd32());
  return out;
}

/** Compiles `sem` as a one-off instruction whose operands are X0 (dest), X1, X2 and `k`. */
function run(sem: (b: Builder, o: Record<string, Val>) => void, x1: bigint, x2: bigint, k = 0, nzcv = 0): { x0: bigint; nzcv: number } {
  const def: InsnDef = { name: 'T', pattern: 'x'.repeat(32), decode: () => null, sem: (b, o) => sem(b, o), disasm: () => '' };
  const o = { d: 0, n: 2, m: 4, k };
  const h = compileHandler(def, { o });
  const cpu = new Cpu(new Memory(4096, { translate: () => 0 }));
  cpu.setX(1, x1); cpu.setX(2, x2); cpu.nzcv = nzcv;
  PC[0] = 0x1000;
  h(cpu, Object.values(o));
  return { x0: cpu.getX(0), nzcv: cpu.nzcv };
}

const bin64: Record<string, (a: bigint, b: bigint) => bigint> = {
  add: (a, b) => a + b, sub: (a, b) => a - b, and: (a, b) => a & b, or: (a, b) => a | b, xor: (a, b) => a ^ b,
  mul: (a, b) => a * b,
  umulh: (a, b) => (a * b) >> 64n,
  smulh: (a, b) => (s64(a) * s64(b)) >> 64n,
  udiv: (a, b) => (b === 0n ? 0n : a / b),
  sdiv: (a, b) => (b === 0n ? 0n : s64(a) / s64(b)),
};

describe('IR codegen: 64-bit binary operations', () => {
  const vs = values(24);
  for (const [op, ref] of Object.entries(bin64)) {
    it(op, () => {
      for (const a of vs) for (const b of vs.slice(0, 20)) {
        const got = run((bb, o) => bb.setReg(o.d, bb.bin(op as BinOp, bb.x(o.n), bb.x(o.m))), a, b).x0;
        expect(got, `${op}(${a.toString(16)}, ${b.toString(16)})`).toBe(ref(a, b) & M64);
      }
    });
  }
});

describe('IR codegen: 32-bit binary operations zero the upper half', () => {
  const vs = values(16);
  const ref32: Record<string, (a: bigint, b: bigint) => bigint> = {
    add: (a, b) => a + b, sub: (a, b) => a - b, and: (a, b) => a & b, or: (a, b) => a | b, xor: (a, b) => a ^ b, mul: (a, b) => a * b,
    udiv: (a, b) => (b === 0n ? 0n : a / b), sdiv: (a, b) => (b === 0n ? 0n : s32(a) / s32(b)),
  };
  for (const [op, ref] of Object.entries(ref32)) {
    it(op, () => {
      for (const a of vs) for (const b of vs.slice(0, 16)) {
        const got = run((bb, o) => bb.setReg(o.d, bb.bin(op as BinOp, bb.w(o.n), bb.w(o.m))), a, b).x0;
        expect(got, `${op}(${a.toString(16)}, ${b.toString(16)})`).toBe(ref(a & M32, b & M32) & M32);
      }
    });
  }
});

describe('IR codegen: shifts and rotates', () => {
  const vs = values(8);
  const refs: Record<string, (a: bigint, n: bigint, w: bigint) => bigint> = {
    shl: (a, n) => a << n,
    lsr: (a, n) => a >> n,
    asr: (a, n, w) => (w === 64n ? s64(a) : s32(a)) >> n,
    ror: (a, n, w) => (n === 0n ? a : (a >> n) | (a << (w - n))),
  };
  for (const [op, ref] of Object.entries(refs)) {
    it(`${op} by a run-time amount, 64 and 32 bits`, () => {
      for (const a of vs) for (let n = 0; n < 64; n++) {
        const got = run((bb, o) => bb.setReg(o.d, bb.bin(op as BinOp, bb.x(o.n), o.k)), a, 0n, n).x0;
        expect(got, `${op} ${a.toString(16)} by ${n}`).toBe(ref(a, BigInt(n), 64n) & M64);
        if (n < 32) {
          const g32 = run((bb, o) => bb.setReg(o.d, bb.bin(op as BinOp, bb.w(o.n), o.k)), a, 0n, n).x0;
          expect(g32, `${op}32 ${a.toString(16)} by ${n}`).toBe(ref(a & M32, BigInt(n), 32n) & M32);
        }
      }
    });
    it(`${op} by a constant amount`, () => {
      for (const a of vs) for (let n = 0; n < 64; n++) {
        const got = run((bb, o) => bb.setReg(o.d, bb.bin(op as BinOp, bb.x(o.n), bb.c32(n))), a, 0n).x0;
        expect(got, `${op} ${a.toString(16)} by #${n}`).toBe(ref(a, BigInt(n), 64n) & M64);
      }
    });
  }
});

const bits = (x: bigint, w: number) => x.toString(2).padStart(w, '0');
describe('IR codegen: unary operations', () => {
  const vs = values(24);
  const refs: Record<string, (a: bigint, w: number) => bigint> = {
    not: (a) => ~a, neg: (a) => -a,
    clz: (a, w) => BigInt(bits(a, w).indexOf('1') === -1 ? w : bits(a, w).indexOf('1')),
    cls: (a, w) => { const s = bits(a, w); let i = 1; while (i < w && s[i] === s[0]) i++; return BigInt(i - 1); },
    rbit: (a, w) => BigInt('0b' + bits(a, w).split('').reverse().join('')),
    rev: (a, w) => { let r = 0n; for (let i = 0; i < w / 8; i++) r = (r << 8n) | ((a >> BigInt(8 * i)) & 0xffn); return r; },
    rev16: (a, w) => { let r = 0n; for (let i = 0; i < w / 16; i++) { const h = (a >> BigInt(16 * i)) & 0xffffn; r |= (((h & 0xffn) << 8n) | (h >> 8n)) << BigInt(16 * i); } return r; },
  };
  for (const [op, ref] of Object.entries(refs)) {
    it(op, () => {
      for (const a of vs) {
        expect(run((bb, o) => bb.setReg(o.d, bb.un(op as UnOp, bb.x(o.n))), a, 0n).x0, `${op} ${a.toString(16)}`).toBe(ref(a, 64) & M64);
        expect(run((bb, o) => bb.setReg(o.d, bb.un(op as UnOp, bb.w(o.n))), a, 0n).x0, `${op}32 ${a.toString(16)}`).toBe(ref(a & M32, 32) & M32);
      }
    });
  }
  it('rev32 (bytes reversed within each word)', () => {
    for (const a of vs) {
      const lo = refs.rev(a & M32, 32), hi = refs.rev(a >> 32n, 32);
      expect(run((bb, o) => bb.setReg(o.d, bb.un('rev32', bb.x(o.n))), a, 0n).x0).toBe((hi << 32n) | lo);
    }
  });
});

describe('IR codegen: compares, select, extensions', () => {
  const vs = values(16);
  const refs: Record<string, (a: bigint, b: bigint) => boolean> = {
    eq: (a, b) => a === b, ne: (a, b) => a !== b, ult: (a, b) => a < b, ule: (a, b) => a <= b,
    slt: (a, b) => s64(a) < s64(b), sle: (a, b) => s64(a) <= s64(b),
  };
  for (const [op, ref] of Object.entries(refs)) {
    it(op, () => {
      for (const a of vs) for (const b of [...vs.slice(0, 12), a]) {
        const got = run((bb, o) => bb.setReg(o.d, bb.zext(bb.cmp(op as CmpOp, bb.x(o.n), bb.x(o.m)))), a, b).x0;
        expect(got, `${op} ${a.toString(16)} ${b.toString(16)}`).toBe(ref(a, b) ? 1n : 0n);
        const zero = run((bb, o) => bb.setReg(o.d, bb.zext(bb.cmp(op as CmpOp, bb.x(o.n), bb.c64(0, 0)))), a, 0n).x0;
        expect(zero).toBe(ref(a, 0n) ? 1n : 0n);
      }
    });
  }
  it('sextBits / zextBits', () => {
    for (const a of vs) for (const n of [1, 7, 8, 15, 16, 31, 32, 33, 48, 63]) {
      const m = (1n << BigInt(n)) - 1n;
      expect(run((bb, o) => bb.setReg(o.d, bb.zextBits(bb.x(o.n), n)), a, 0n).x0).toBe(a & m);
      expect(run((bb, o) => bb.setReg(o.d, bb.sextBits(bb.x(o.n), n)), a, 0n).x0).toBe(BigInt.asIntN(n, a) & M64);
    }
  });
  it('select, sext, pc round trip', () => {
    for (const a of vs) {
      expect(run((bb, o) => bb.setReg(o.d, bb.select(bb.cmp('eq', o.k, bb.c32(1)), bb.x(o.n), bb.x(o.m))), a, 5n, 1).x0).toBe(a);
      expect(run((bb, o) => bb.setReg(o.d, bb.select(bb.cmp('eq', o.k, bb.c32(1)), bb.x(o.n), bb.x(o.m))), a, 5n, 0).x0).toBe(5n);
      expect(run((bb, o) => bb.setReg(o.d, bb.sext(bb.w(o.n))), a, 0n).x0).toBe(BigInt.asIntN(32, a) & M64);
    }
    for (const a of [0n, 0x400000n, 0xfffffffff000n, 0xffff800008001234n, 0xffffffffffffffffn]) {
      expect(run((bb, o) => bb.setReg(o.d, bb.fromPc(bb.toPc(bb.x(o.n)))), a, 0n).x0).toBe(a);
    }
  });
});

describe('IR codegen: AddWithCarry flags (Arm ARM pseudocode)', () => {
  const vs = values(12);
  // NZCV from the definition: unsigned_sum = UInt(x)+UInt(y)+c; signed_sum likewise.
  function ref(x: bigint, y: bigint, c: bigint, w: number) {
    const m = (1n << BigInt(w)) - 1n;
    const us = x + y + c;
    const ss = BigInt.asIntN(w, x) + BigInt.asIntN(w, y) + c;
    const r = us & m;
    const n = (r >> BigInt(w - 1)) & 1n, z = r === 0n ? 1n : 0n;
    const C = r === us ? 0n : 1n, V = BigInt.asIntN(w, r) === ss ? 0n : 1n;
    return { r, nzcv: Number((n << 31n) | (z << 30n) | (C << 29n) | (V << 28n)) >>> 0 };
  }
  for (const w of [32, 64]) {
    it(`${w}-bit`, () => {
      for (const a of vs) for (const b of vs) for (const c of [0, 1]) {
        const m = (1n << BigInt(w)) - 1n;
        const got = run((bb, o) => {
          const x = w === 64 ? bb.x(o.n) : bb.w(o.n), y = w === 64 ? bb.x(o.m) : bb.w(o.m);
          bb.setReg(o.d, bb.addWithCarry(x, y, o.k, true));
        }, a, b, c);
        const want = ref(a & m, b & m, BigInt(c), w);
        expect(got.x0).toBe(want.r);
        expect(got.nzcv >>> 0, `adc${w} ${a.toString(16)} ${b.toString(16)} ${c}`).toBe(want.nzcv);
      }
    });
  }
});
