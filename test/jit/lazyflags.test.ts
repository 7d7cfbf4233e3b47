// Lazy NZCV in JIT units (jit/flags.ts): every condition code after every flag-setting kind, at
// 32 and 64 bits, with the flags observed by B.cond (compared directly), CSET, MRS NZCV in the
// same block and in a later one, after a unit exit and after a fault. Each program runs under the
// interpreter and under the JIT (compiled after two iterations); both must agree with each other
// and with a model of the Arm ARM's AddWithCarry / ConditionHolds / FPCompare written here.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';

// ----- encodings (A64; checked against llvm-mc's disassembly)
const addsub = (sf: number, op: number, rd: number, rn: number, rm: number) => ((sf << 31) | (op << 30) | (1 << 29) | (0b01011 << 24) | (rm << 16) | (rn << 5) | rd) >>> 0;
const adcsbc = (sf: number, op: number, rd: number, rn: number, rm: number) => ((sf << 31) | (op << 30) | (1 << 29) | (0b11010000 << 21) | (rm << 16) | (rn << 5) | rd) >>> 0;
const ands = (sf: number, rd: number, rn: number, rm: number) => ((sf << 31) | (0b11 << 29) | (0b01010 << 24) | (rm << 16) | (rn << 5) | rd) >>> 0;
const ccmp = (sf: number, rn: number, rm: number, cond: number, nzcv: number) => ((sf << 31) | (1 << 30) | (1 << 29) | (0b11010010 << 21) | (rm << 16) | (cond << 12) | (rn << 5) | nzcv) >>> 0;
const subsImm = (sf: number, op: number, rd: number, rn: number, imm: number) => ((sf << 31) | (op << 30) | (1 << 29) | (0b100010 << 23) | (imm << 10) | (rn << 5) | rd) >>> 0;
const bcond = (off: number, cc: number) => (0x54000000 | (((off >> 2) & 0x7ffff) << 5) | cc) >>> 0;
const b = (off: number) => (0x14000000 | ((off >> 2) & 0x3ffffff)) >>> 0;
const cset = (rd: number, cc: number) => ((1 << 31) | (0b11010100 << 21) | (31 << 16) | ((cc ^ 1) << 12) | (1 << 10) | (31 << 5) | rd) >>> 0;
const mrsNzcv = (rt: number) => (0xd53b4200 | rt) >>> 0;
const msrNzcv = (rt: number) => (0xd51b4200 | rt) >>> 0;
const movz = (rd: number, imm: number) => (0xd2800000 | (imm << 5) | rd) >>> 0;
const ldr = (rt: number, rn: number) => (0xf9400000 | (rn << 5) | rt) >>> 0;
const ldpPost = (rt: number, rt2: number, rn: number, imm: number) => (0xa8c00000 | (((imm >> 3) & 0x7f) << 15) | (rt2 << 10) | (rn << 5) | rt) >>> 0;
const stpPost = (rt: number, rt2: number, rn: number, imm: number) => (0xa8800000 | (((imm >> 3) & 0x7f) << 15) | (rt2 << 10) | (rn << 5) | rt) >>> 0;
const fmovDX = (d: number, x: number) => (0x9e670000 | (x << 5) | d) >>> 0;
const fmovSW = (s: number, w: number) => (0x1e270000 | (w << 5) | s) >>> 0;
const fcmp = (dbl: boolean, n: number, m: number) => ((dbl ? 0x1e602000 : 0x1e202000) | (m << 16) | (n << 5)) >>> 0;
const BRK = 0xd4200000;

// ----- the model
const M64 = (1n << 64n) - 1n;
interface Flags { n: number; z: number; c: number; v: number }
const word = (f: Flags) => BigInt((f.n << 3) | (f.z << 2) | (f.c << 1) | f.v) << 28n;
const fromWord = (w: bigint): Flags => ({ n: Number((w >> 31n) & 1n), z: Number((w >> 30n) & 1n), c: Number((w >> 29n) & 1n), v: Number((w >> 28n) & 1n) });

/** AddWithCarry(x, y, carry) of the Arm ARM at N bits: result and NZCV. */
function addWithCarry(bits: number, x: bigint, y: bigint, cin: number): { r: bigint; f: Flags } {
  const mask = (1n << BigInt(bits)) - 1n, sign = 1n << BigInt(bits - 1);
  const sx = (u: bigint) => (u & sign ? u - (1n << BigInt(bits)) : u);
  x &= mask; y &= mask;
  const usum = x + y + BigInt(cin), ssum = sx(x) + sx(y) + BigInt(cin);
  const r = usum & mask;
  return { r, f: { n: r & sign ? 1 : 0, z: r === 0n ? 1 : 0, c: r === usum ? 0 : 1, v: sx(r) === ssum ? 0 : 1 } };
}

/** ConditionHolds(cond) of the Arm ARM. */
function holds(cc: number, f: Flags): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = f.z === 1; break;
    case 1: r = f.c === 1; break;
    case 2: r = f.n === 1; break;
    case 3: r = f.v === 1; break;
    case 4: r = f.c === 1 && f.z === 0; break;
    case 5: r = f.n === f.v; break;
    case 6: r = f.n === f.v && f.z === 0; break;
    default: r = true;
  }
  return (cc & 1) === 1 && cc !== 15 ? !r : r;
}

/** FPCompare's NZCV (unordered 0011, less 1000, equal 0110, greater 0010). */
function fpFlags(a: number, b: number): Flags {
  if (Number.isNaN(a) || Number.isNaN(b)) return { n: 0, z: 0, c: 1, v: 1 };
  if (a === b) return { n: 0, z: 1, c: 1, v: 0 };
  return a < b ? { n: 1, z: 0, c: 0, v: 0 } : { n: 0, z: 0, c: 1, v: 0 };
}
const f64 = (x: bigint) => { const d = new DataView(new ArrayBuffer(8)); d.setBigUint64(0, x, true); return d.getFloat64(0, true); };
const f32 = (x: bigint) => { const d = new DataView(new ArrayBuffer(4)); d.setUint32(0, Number(x & 0xffffffffn), true); return d.getFloat32(0, true); };

interface Setter {
  name: string;
  sf: number;
  /** The instruction words (x1, x2 in; flags in from MSR; x0 or xzr out). */
  words: number[];
  /** NZCV and the x0 value afterwards, from the flags before. */
  model(a: bigint, bb: bigint, fin: Flags, x0: bigint): { f: Flags; x0: bigint };
}

const CCMP_COND = 10, CCMP_NZCV = 0b0110;   // ccmp x1, x2, #6, ge
function setters(): Setter[] {
  const out: Setter[] = [];
  for (const sf of [1, 0]) {
    const bits = sf ? 64 : 32, mask = (1n << BigInt(bits)) - 1n;
    const not = (y: bigint) => ~y & mask;
    for (const rd of [0, 31]) {
      const dst = (r: bigint, x0: bigint) => (rd === 0 ? r : x0);
      out.push({ name: `${rd ? 'cmn' : 'adds'}${bits}`, sf, words: [addsub(sf, 0, rd, 1, 2)], model: (a, y, _f, x0) => { const s = addWithCarry(bits, a, y, 0); return { f: s.f, x0: dst(s.r, x0) }; } });
      out.push({ name: `${rd ? 'cmp' : 'subs'}${bits}`, sf, words: [addsub(sf, 1, rd, 1, 2)], model: (a, y, _f, x0) => { const s = addWithCarry(bits, a, not(y), 1); return { f: s.f, x0: dst(s.r, x0) }; } });
      out.push({ name: `${rd ? 'tst' : 'ands'}${bits}`, sf, words: [ands(sf, rd, 1, 2)], model: (a, y, _f, x0) => {
        const r = a & y & mask;
        return { f: { n: Number((r >> BigInt(bits - 1)) & 1n), z: r === 0n ? 1 : 0, c: 0, v: 0 }, x0: dst(r, x0) };
      } });
    }
    out.push({ name: `subs#1_${bits}`, sf, words: [subsImm(sf, 1, 0, 1, 1)], model: (a) => { const s = addWithCarry(bits, a, not(1n), 1); return { f: s.f, x0: s.r }; } });
    out.push({ name: `adcs${bits}`, sf, words: [adcsbc(sf, 0, 0, 1, 2)], model: (a, y, f) => { const s = addWithCarry(bits, a, y, f.c); return { f: s.f, x0: s.r }; } });
    out.push({ name: `sbcs${bits}`, sf, words: [adcsbc(sf, 1, 0, 1, 2)], model: (a, y, f) => { const s = addWithCarry(bits, a, not(y), f.c); return { f: s.f, x0: s.r }; } });
    out.push({ name: `ccmp${bits}`, sf, words: [ccmp(sf, 1, 2, CCMP_COND, CCMP_NZCV)], model: (a, y, f, x0) => ({
      f: holds(CCMP_COND, f) ? addWithCarry(bits, a, not(y), 1).f : fromWord(BigInt(CCMP_NZCV) << 28n), x0,
    }) });
    out.push({ name: `fcmp${bits}`, sf, words: sf ? [fmovDX(0, 1), fmovDX(1, 2), fcmp(true, 0, 1)] : [fmovSW(0, 1), fmovSW(1, 2), fcmp(false, 0, 1)],
      model: (a, y, _f, x0) => ({ f: sf ? fpFlags(f64(a), f64(y)) : fpFlags(f32(a), f32(y)), x0 }) });
  }
  return out;
}

// Operand pairs: equal, off by one, signs, word boundaries, NaNs and infinities as floats.
const VALUES = [0n, 1n, 2n, M64, M64 - 1n, 0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 0xffffffffn, 0x100000000n,
  0x80000000n, 0x7fffffffn, 0xffffffff80000000n, 0x3ff0000000000000n, 0x7ff8000000000000n, 0xfff0000000000000n, 0x7fc00000n, 0x3f800000n];
const PAIRS: [bigint, bigint][] = [];
for (let i = 0; i < VALUES.length; i++) for (const j of [i, (i + 1) % VALUES.length, (i + 5) % VALUES.length, (i * 7 + 3) % VALUES.length]) PAIRS.push([VALUES[i], VALUES[j]]);
const FLAGS_IN = [0n, 0x20000000n, 0xf0000000n, 0x40000000n, 0x90000000n, 0x60000000n];

const CODE = 0x1000, TABLE = 0x20000, OUT = 0x40000, SCRATCH = 0x60000, UNMAPPED = 0x80000;
const X = { n: 70 } as const;

/** The loop: per table entry (x1, x2, flags in, load address) run the setter, then observe the
 *  flags. `sameBlock`: CSET and MRS right after the setter (else only B.cond reads them there). */
function program(s: Setter, cc: number, sameBlock: boolean): number[] {
  const w: number[] = [ldpPost(1, 2, 9, 16), ldpPost(8, 7, 9, 16), msrNzcv(8), ...s.words];
  if (sameBlock) w.push(cset(12, cc), mrsNzcv(13));
  w.push(ldr(6, 7));            // faults on the last entry: the flags as of the setter must be seen
  w.push(bcond(12, cc), movz(3, 1), b(8), movz(3, 2));
  w.push(cset(4, cc), mrsNzcv(5), stpPost(3, 4, 10, 16), stpPost(5, 0, 10, 16), stpPost(12, 13, 10, 16));
  w.push(subsImm(1, 1, 11, 11, 1));
  w.push(bcond(-4 * w.length, 1), BRK);
  return w;
}

interface Entry { a: bigint; y: bigint; fin: bigint }
function entries(): Entry[] {
  return PAIRS.map(([a, y], i) => ({ a, y, fin: FLAGS_IN[i % FLAGS_IN.length] }));
}

function run(engine: 'interp' | 'jit', code: number[], es: Entry[]): Machine {
  const m = machine(engine === 'jit' ? { engine, jitThreshold: 2 } : { engine });
  m.unmapped.add(UNMAPPED >> 12);
  load(m, CODE, code);
  es.forEach((e, i) => {
    const at = TABLE + 32 * i;
    m.mem.dv.setBigUint64(at, e.a, true);
    m.mem.dv.setBigUint64(at + 8, e.y, true);
    m.mem.dv.setBigUint64(at + 16, e.fin, true);
    m.mem.dv.setBigUint64(at + 24, BigInt(i === es.length - 1 ? UNMAPPED : SCRATCH), true);
  });
  m.cpu.setX(9, BigInt(TABLE));
  m.cpu.setX(10, BigInt(OUT));
  m.cpu.setX(11, BigInt(es.length));
  m.cpu.pc = CODE;
  runToStop(m, 1e6);
  return m;
}

describe('lazy NZCV', () => {
  const es = entries();
  for (const s of setters()) {
    it(`${s.name}: every condition code, flags read by B.cond/CSET/MRS, after an exit and a fault`, () => {
      for (const sameBlock of [false, true]) {
        for (let cc = 0; cc < 15; cc++) {
          const code = program(s, cc, sameBlock);
          const a = run('interp', code, es), j = run('jit', code, es);
          const what = `${s.name} cc=${cc} sameBlock=${sameBlock}`;
          expect(j.engine.stats().unitsCompiled, what).toBeGreaterThan(0);
          expect(state(j, [[OUT, 48 * es.length]]), what).toEqual(state(a, [[OUT, 48 * es.length]]));
          // The model, entry by entry (the last one faults at the load, after the setter).
          let x0 = 0n;
          es.forEach((e, i) => {
            const r = s.model(e.a, e.y, fromWord(e.fin), x0);
            x0 = r.x0 & M64;
            const why = `${what} entry ${i} (${e.a.toString(16)}, ${e.y.toString(16)}, in ${e.fin.toString(16)})`;
            if (i === es.length - 1) {
              const R = j.cpu.R;
              expect([R[X.n], R[X.n + 1], R[X.n + 2], R[X.n + 3]], why).toEqual([r.f.n, r.f.z, r.f.c, r.f.v]);
              expect(j.faults.length, why).toBe(1);
              return;
            }
            const o = OUT + 48 * i, dv = j.mem.dv;
            expect(dv.getBigUint64(o, true), `${why}: B.cond`).toBe(holds(cc, r.f) ? 2n : 1n);
            // CSET is CSINC xd, xzr, xzr, invert(cc): for AL that is NV, which holds (0).
            const csetv = holds(cc ^ 1, r.f) ? 0n : 1n;
            expect(dv.getBigUint64(o + 8, true), `${why}: CSET`).toBe(csetv);
            expect(dv.getBigUint64(o + 16, true), `${why}: MRS`).toBe(word(r.f));
            if (s.name.startsWith('adds') || s.name.startsWith('subs') || s.name.startsWith('ands') || s.name.startsWith('adcs') || s.name.startsWith('sbcs')) {
              expect(dv.getBigUint64(o + 24, true), `${why}: result`).toBe(x0);
            }
            if (sameBlock) {
              expect(dv.getBigUint64(o + 32, true), `${why}: CSET in the block`).toBe(csetv);
              expect(dv.getBigUint64(o + 40, true), `${why}: MRS in the block`).toBe(word(r.f));
            }
          });
        }
      }
    });
  }
});
