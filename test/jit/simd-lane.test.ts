// LD1/ST1 of one lane and LD1R (one register, one element: IR in simd_ldst.ts) compiled by the
// JIT: every element size, Q = 0 and 1, post-index by immediate and by register, unaligned and
// page-crossing addresses, and faults on a later iteration (after the loop is compiled). Both
// engines must give what the Arm ARM says, computed here byte by byte (lane i of an esize-byte
// element occupies bytes [i*esize, (i+1)*esize) of the 128-bit register, little-endian).
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';
import type { JitEngine } from '../../jit/engine.js';

const CODE = 0x1000, SRC = 0x20ff1, DST = 0x30ff0, N = 300;   // the data run over page ends
const LOOP = [
  0x4d401420, // ld1  {v0.b}[13], [x1]
  0x4ddf4820, // ld1  {v0.h}[5], [x1], #2
  0x4dc39021, // ld1  {v1.s}[3], [x1], x3
  0x0d408421, // ld1  {v1.d}[0], [x1]
  0x0d40c022, // ld1r {v2.8b}, [x1]          Q = 0: the upper half is zeroed
  0x4ddfc823, // ld1r {v3.4s}, [x1], #4
  0x4d40cc24, // ld1r {v4.2d}, [x1]
  0x0dc3c425, // ld1r {v5.4h}, [x1], x3
  0x4d9f1440, // st1  {v0.b}[13], [x2], #1
  0x4d9f4840, // st1  {v0.h}[5], [x2], #2
  0x4d9f9041, // st1  {v1.s}[3], [x2], #4
  0x0d9f8441, // st1  {v1.d}[0], [x2], #8
  0x0d009043, // st1  {v3.s}[1], [x2]
  0x91002442, // add  x2, x2, #9           (bytes 19..23 of each 24 stay untouched)
  0x91000c21, // add  x1, x1, #3
  0xf1000400, // subs x0, x0, #1
  0x54fffe01, // b.ne 0x1000
  0xd4200000, // brk  #0
];
const srcByte = (i: number) => (i * 7 + 3) & 0xff;
const initV = (r: number, j: number) => ((r * 16 + j) ^ 0x5a) & 0xff;

/** The loop run by the Arm ARM's rules on plain byte arrays. */
function model() {
  const V = Array.from({ length: 6 }, (_, r) => Array.from({ length: 16 }, (_, j) => initV(r, j)));
  const src = (a: number) => srcByte(a - SRC);
  const dst = new Map<number, number>();
  let x1 = SRC, x2 = DST;
  const ld = (r: number, at: number, a: number, n: number) => { for (let k = 0; k < n; k++) V[r][at + k] = src(a + k); };
  const rep = (r: number, a: number, n: number, total: number) => { for (let j = 0; j < 16; j++) V[r][j] = j < total ? src(a + (j % n)) : 0; };
  const st = (r: number, at: number, a: number, n: number) => { for (let k = 0; k < n; k++) dst.set(a + k, V[r][at + k]); };
  for (let it = 0; it < N; it++) {
    ld(0, 13, x1, 1);
    ld(0, 10, x1, 2); x1 += 2;
    ld(1, 12, x1, 4); x1 += 4;
    ld(1, 0, x1, 8);
    rep(2, x1, 1, 8);
    rep(3, x1, 4, 16); x1 += 4;
    rep(4, x1, 8, 16);
    rep(5, x1, 2, 8); x1 += 4;
    st(0, 13, x2, 1); x2 += 1;
    st(0, 10, x2, 2); x2 += 2;
    st(1, 12, x2, 4); x2 += 4;
    st(1, 0, x2, 8); x2 += 8;
    st(3, 4, x2, 4);
    x2 += 9; x1 += 3;
  }
  return { V, dst, x1, x2 };
}

function run(engine: 'interp' | 'jit', checkJit = false): Machine {
  const m = machine({ engine, jitThreshold: 4, checkJit });
  load(m, CODE, LOOP);
  for (let i = 0; i < N * 17 + 64; i++) m.mem.u8[SRC + i] = srcByte(i);
  m.mem.u8.fill(0xaa, DST, DST + N * 24 + 64);
  for (let r = 0; r < 6; r++) for (let j = 0; j < 16; j++) m.cpu.V8[r * 16 + j] = initV(r, j);
  m.cpu.setX(0, BigInt(N)); m.cpu.setX(1, BigInt(SRC)); m.cpu.setX(2, BigInt(DST)); m.cpu.setX(3, 4n);
  m.cpu.pc = CODE;
  runToStop(m);
  return m;
}
const vregs = (m: Machine, n: number) => Array.from({ length: n }, (_, r) => [...m.cpu.V8.subarray(r * 16, r * 16 + 16)]);

describe('JIT: LD1/ST1 of one lane and LD1R', () => {
  it('every size, Q = 0 and 1, post-index by immediate and register: both engines as the Arm ARM', () => {
    const want = model();
    const runs = [run('interp'), run('jit')];
    for (const m of runs) {
      expect(m.stop?.message).toContain('brk');
      expect(vregs(m, 6)).toEqual(want.V);
      expect(m.cpu.getX(1)).toBe(BigInt(want.x1));
      expect(m.cpu.getX(2)).toBe(BigInt(want.x2));
      for (let a = DST; a < DST + N * 24 + 64; a++) expect(m.mem.u8[a]).toBe(want.dst.get(a) ?? 0xaa);
    }
    expect((runs[1].engine as JitEngine).stats().unitsCompiled).toBeGreaterThan(0);
    expect(state(runs[1], [[DST, N * 24]])).toEqual(state(runs[0], [[DST, N * 24]]));
  });

  it('passes the lockstep check', () => {
    const m = run('jit', true);
    expect(m.stop?.message).toContain('brk');
  });

  // One instruction in a loop walks its base into an unmapped page: the faulting access writes no
  // register (the lane keeps the last element loaded) and no base, and reports its pc.
  const FAULT_CASES: [string, number, (m: Machine) => unknown][] = [
    ['ld1 {v0.s}[2], [x1], #4', 0x4ddf8020, (m) => [...m.cpu.V8.subarray(0, 16)]],
    ['ld1r {v6.8h}, [x1], #2', 0x4ddfc426, (m) => [...m.cpu.V8.subarray(96, 112)]],
    ['st1 {v7.h}[6], [x1], #2', 0x4d9f5027, (m) => [...m.mem.u8.subarray(0x42f00, 0x43000)]],
  ];
  for (const [name, word, observe] of FAULT_CASES) {
    it(`${name}: a fault on a later iteration leaves the register, the base and memory as the interpreter does`, () => {
      const results = (['interp', 'jit'] as const).map((engine) => {
        const m = machine({ engine, jitThreshold: 4 });
        load(m, CODE, [word, 0xf1000400, 0x54ffffc1, 0xd4200000]);   // insn; subs x0, x0, #1; b.ne; brk
        for (let i = 0; i < 0x100; i++) m.mem.u8[0x42f00 + i] = srcByte(i);
        for (let j = 0; j < 16; j++) { m.cpu.V8[j] = 0x10 + j; m.cpu.V8[96 + j] = 0x60 + j; m.cpu.V8[112 + j] = 0x70 + j; }
        m.unmapped.add(0x43);
        m.cpu.setX(0, 1000n); m.cpu.setX(1, 0x42f00n);
        m.cpu.pc = CODE;
        runToStop(m);
        // The access at 0x43000 faults: after 0x100 / size iterations, at the instruction's pc,
        // with the base still pointing there.
        expect(m.faults).toEqual([['translation', 0x43000n, CODE]]);
        expect(m.cpu.getX(1)).toBe(0x43000n);
        if (engine === 'jit') expect((m.engine as JitEngine).stats().unitsCompiled).toBeGreaterThan(0);
        return { observed: observe(m), x0: m.cpu.getX(0), state: state(m) };
      });
      expect(results[1]).toEqual(results[0]);
    });
  }
  it('the fault cases see what the architecture says', () => {
    // ld1 {v0.s}[2]: lane 2 holds the last word before the page end (0x42ffc..0x42fff).
    const m = machine({ engine: 'jit', jitThreshold: 4 });
    load(m, CODE, [0x4ddf8020, 0xf1000400, 0x54ffffc1, 0xd4200000]);
    for (let i = 0; i < 0x100; i++) m.mem.u8[0x42f00 + i] = srcByte(i);
    for (let j = 0; j < 16; j++) m.cpu.V8[j] = 0x10 + j;
    m.unmapped.add(0x43);
    m.cpu.setX(0, 1000n); m.cpu.setX(1, 0x42f00n);
    m.cpu.pc = CODE;
    runToStop(m);
    const lanes = [...m.cpu.V8.subarray(0, 16)];
    expect(lanes.slice(8, 12)).toEqual([0xfc, 0xfd, 0xfe, 0xff].map(srcByte));
    expect([...lanes.slice(0, 8), ...lanes.slice(12)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15].map((j) => 0x10 + j));
    expect(m.cpu.getX(0)).toBe(1000n - 0x40n);      // 64 iterations completed, the 65th faulted
  });
});
