// FP/SIMD loads and stores in the interpreter: addressing modes, write-back, structure
// interleaving, lane and replicate forms, and precise faults (no register written by a load
// that faults; stores write in address order). Instruction words from GNU as; the fault
// behaviour (partial stores) was checked with qemu-aarch64 by test/oracle/simd.oracle.ts.
import { describe, it, expect, beforeEach } from 'vitest';
import { Cpu } from '../../src/cpu/state.js';
import { Memory, GuestFault, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';

const CODE = 0x1000, DATA = 0x4000, HOLE = 0x6000; // the page at HOLE is unmapped
const tr: Translator = {
  translate(vpn, hi, access) {
    if (hi !== 0 || vpn === HOLE >> 12 || vpn >= 16) throw new GuestFault('translation', BigInt(vpn * 4096), access);
    return vpn * 4096;
  },
};
let mem: Memory, cpu: Cpu, interp: Interpreter, faults: GuestFault[];
beforeEach(() => {
  mem = new Memory(16 * 4096, tr);
  cpu = new Cpu(mem);
  faults = [];
  cpu.env = {
    undefinedInsn: () => { throw new StopRun('error', 4); },
    fault: (f: GuestFault) => { faults.push(f); throw new StopRun('signal', 11); },
  } as never;
  interp = new Interpreter(cpu, getDecoder());
  for (let i = 0; i < 0x2000; i++) mem.u8[DATA + i] = i & 0xff;
});
function run(word: number): void {
  mem.dv.setUint32(CODE, word, true);
  interp.invalidatePage(CODE >> 12);
  cpu.pc = CODE;
  try { interp.run(1); } catch (e) { if (!(e instanceof StopRun)) throw e; }
}
/** V register r as a hex string, most significant byte first. */
const vhex = (r: number) => Array.from(cpu.V8.subarray(r * 16, r * 16 + 16)).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');
/** 16 bytes of counting data starting at `start`, as vhex prints them. */
const seq = (start: number, n = 16) => Array.from({ length: 16 }, (_, i) => (i < n ? (start + i) & 0xff : 0)).reverse().map((b) => b.toString(16).padStart(2, '0')).join('');

describe('LDR/STR (SIMD&FP)', () => {
  it('ldr q0, [x1, #16]', () => { cpu.setX(1, BigInt(DATA)); run(0x3dc00420); expect(vhex(0)).toBe(seq(16)); });
  it('ldr q0, [x1, x2, lsl #4]', () => { cpu.setX(1, BigInt(DATA)); cpu.setX(2, 3n); run(0x3ce27820); expect(vhex(0)).toBe(seq(48)); });
  it('ldr b0, [x1, x2] zeroes the rest of the register', () => {
    cpu.V.fill(-1); cpu.setX(1, BigInt(DATA)); cpu.setX(2, 0x85n); run(0x3c626820);
    expect(vhex(0)).toBe(seq(0x85, 1));
  });
  it('ldr h0, [x1, w2, uxtw #1] and ldr d0, [x1, w2, sxtw]', () => {
    cpu.setX(1, BigInt(DATA + 0x100)); cpu.setX(2, 0xffffffff_00000002n); run(0x7c625820);
    expect(vhex(0)).toBe(seq(0x04, 2));
    cpu.setX(2, 0xfffffffen); run(0xfc62c820); // w2 = -2
    expect(vhex(0)).toBe(seq(0xfe, 8));
  });
  it('post-index and pre-index write back the base', () => {
    cpu.setX(1, BigInt(DATA + 0x20)); run(0xbc5fc420);
    expect(vhex(0)).toBe(seq(0x20, 4)); expect(cpu.getX(1)).toBe(BigInt(DATA + 0x1c));
    run(0x3cdf0c20);
    expect(vhex(0)).toBe(seq(0x0c)); expect(cpu.getX(1)).toBe(BigInt(DATA + 0x0c));
  });
  it('stur q1, [x1, #-1] and str q31, [x1]', () => {
    for (let i = 0; i < 16; i++) cpu.V8[16 + i] = 0xa0 + i;
    cpu.setX(1, BigInt(DATA + 0x101)); run(0x3c9ff021);
    expect(Array.from(mem.u8.subarray(DATA + 0x100, DATA + 0x110))).toEqual(Array.from({ length: 16 }, (_, i) => 0xa0 + i));
    cpu.V8.fill(0x5a, 31 * 16); run(0x3d80003f);
    expect(mem.u8[DATA + 0x101]).toBe(0x5a); expect(mem.u8[DATA + 0x111]).toBe(0x11);
  });
  it('stp q1, q2, [sp, #-32]! and ldp/ldnp', () => {
    cpu.sp = BigInt(DATA + 0x200);
    cpu.V8.fill(0x11, 16, 32); cpu.V8.fill(0x22, 32, 48);
    run(0xadbf0be1);
    expect(cpu.sp).toBe(BigInt(DATA + 0x1e0));
    expect(mem.u8[DATA + 0x1e0]).toBe(0x11); expect(mem.u8[DATA + 0x1ff]).toBe(0x22);
    cpu.setX(0, BigInt(DATA)); run(0x6cc10801); // ldp d1, d2, [x0], #16
    expect(vhex(1)).toBe(seq(0, 8)); expect(vhex(2)).toBe(seq(8, 8)); expect(cpu.getX(0)).toBe(BigInt(DATA + 16));
    run(0xac410801); // ldnp q1, q2, [x0, #32]
    expect(vhex(1)).toBe(seq(48)); expect(vhex(2)).toBe(seq(64)); expect(cpu.getX(0)).toBe(BigInt(DATA + 16));
  });
  it('ldr q1, literal', () => {
    for (let i = 0; i < 16; i++) mem.u8[CODE + 0x100 + i] = 0xc0 + i;
    run(0x9c000801);
    expect(vhex(1)).toBe(Array.from({ length: 16 }, (_, i) => (0xcf - i).toString(16)).join(''));
  });
  it('a load that faults on its second half writes nothing', () => {
    cpu.V.fill(0x77); cpu.setX(1, BigInt(HOLE - 8));
    run(0x3dc00020 /* ldr q0, [x1] */);
    expect(faults.length).toBe(1);
    expect(vhex(0)).toBe('00000077000000770000007700000077');
  });
});

describe('LD1–LD4 / ST1–ST4', () => {
  it('ld1 {v0.16b}, [x1]', () => { cpu.setX(1, BigInt(DATA + 5)); run(0x4c407020); expect(vhex(0)).toBe(seq(5)); });
  it('ld1 {v0.16b-v3.16b}, [x1], #64', () => {
    cpu.setX(1, BigInt(DATA)); run(0x4cdf2020);
    for (let r = 0; r < 4; r++) expect(vhex(r)).toBe(seq(16 * r));
    expect(cpu.getX(1)).toBe(BigInt(DATA + 64));
  });
  it('ld1 with a register list wrapping past v31', () => {
    cpu.setX(1, BigInt(DATA)); run(0x4c406c3e);
    expect(vhex(30)).toBe(seq(0)); expect(vhex(31)).toBe(seq(16)); expect(vhex(0)).toBe(seq(32));
  });
  it('ld2 {v0.8h, v1.8h}, [x1], x2 de-interleaves halfwords', () => {
    cpu.setX(1, BigInt(DATA)); cpu.setX(2, 100n); run(0x4cc28420);
    // v0 gets halfwords 0, 2, 4…: bytes 00 01 04 05 08 09 …
    expect(cpu.V16[0]).toBe(0x0100); expect(cpu.V16[1]).toBe(0x0504); expect(cpu.V16[8]).toBe(0x0302);
    expect(cpu.getX(1)).toBe(BigInt(DATA + 100));
  });
  it('st3 {v0.2s-v2.2s}, [x1] interleaves words', () => {
    for (let r = 0; r < 3; r++) { cpu.V32[r * 4] = 0xa0 + r; cpu.V32[r * 4 + 1] = 0xb0 + r; }
    cpu.setX(1, BigInt(DATA)); run(0x0c004820);
    expect(Array.from({ length: 6 }, (_, i) => mem.dv.getUint32(DATA + 4 * i, true))).toEqual([0xa0, 0xa1, 0xa2, 0xb0, 0xb1, 0xb2]);
  });
  it('ld4 {v0.s-v3.s}[1], [x1] loads one lane of each register, keeping the others', () => {
    cpu.V.fill(-1); cpu.setX(1, BigInt(DATA)); run(0x0d60b020);
    for (let r = 0; r < 4; r++) expect(vhex(r)).toBe(`ffffffffffffffff${seq(4 * r, 4).slice(24)}ffffffff`);
  });
  it('ld1r {v0.4s}, [x1], #4 replicates', () => {
    cpu.setX(1, BigInt(DATA + 8)); run(0x4ddfc820);
    expect(vhex(0)).toBe('0b0a09080b0a09080b0a09080b0a0908'); expect(cpu.getX(1)).toBe(BigInt(DATA + 12));
  });
  // One register, one element: IR (LD1R and LD1/ST1 of a lane), every element size.
  const F8 = 'ffffffffffffffff', Z8 = '0000000000000000';
  it('ld1r of bytes, halfwords and doublewords; Q = 0 zeroes the upper half', () => {
    cpu.V.fill(-1); cpu.setX(1, BigInt(DATA + 5)); run(0x0d40c020);   // ld1r {v0.8b}, [x1]
    expect(vhex(0)).toBe(Z8 + '05'.repeat(8));
    cpu.setX(1, BigInt(DATA + 8)); run(0x4d40cc20);                   // ld1r {v0.2d}, [x1]
    expect(vhex(0)).toBe('0f0e0d0c0b0a0908'.repeat(2));
    cpu.V.fill(-1); cpu.setX(1, BigInt(DATA)); cpu.setX(2, 24n); run(0x0dc2cc20); // ld1r {v0.1d}, [x1], x2
    expect(vhex(0)).toBe(Z8 + '0706050403020100'); expect(cpu.getX(1)).toBe(BigInt(DATA + 24));
    cpu.setX(1, BigInt(DATA + 2)); run(0x4d40c420);                   // ld1r {v0.8h}, [x1]
    expect(vhex(0)).toBe('0302'.repeat(8));
  });
  it('ld1 of one lane keeps the others; st1 of one lane stores just it', () => {
    cpu.V8.fill(0x11, 0, 16); cpu.setX(1, BigInt(DATA + 0x40)); run(0x4d401420);   // ld1 {v0.b}[13], [x1]
    expect(vhex(0)).toBe('1111' + '40' + '11'.repeat(13));
    cpu.setX(1, BigInt(DATA + 6)); run(0x4ddf4820);                                // ld1 {v0.h}[5], [x1], #2
    expect(vhex(0)).toBe('1111' + '40' + '11' + '0706' + '11'.repeat(10)); expect(cpu.getX(1)).toBe(BigInt(DATA + 8));
    cpu.setX(1, BigInt(DATA + 0x10)); run(0x4d408420);                             // ld1 {v0.d}[1], [x1]
    expect(vhex(0)).toBe('1716151413121110' + '11'.repeat(8));
    cpu.setX(1, BigInt(DATA + 0x100)); run(0x4d009020);                            // st1 {v0.s}[3], [x1]
    expect(Array.from(mem.u8.subarray(DATA + 0x100, DATA + 0x106))).toEqual([0x14, 0x15, 0x16, 0x17, 0x04, 0x05]);
    cpu.setX(1, BigInt(DATA + 0x200)); run(0x4d9f8420);                            // st1 {v0.d}[1], [x1], #8
    expect(Array.from(mem.u8.subarray(DATA + 0x200, DATA + 0x209))).toEqual([0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x08]);
    expect(cpu.getX(1)).toBe(BigInt(DATA + 0x208));
  });
  it('a faulting ld1 of a lane or ld1r writes no register and no base', () => {
    cpu.V.fill(0x33); cpu.setX(1, BigInt(HOLE)); cpu.setX(2, 24n);
    run(0x4d408020);                                                   // ld1 {v0.s}[2], [x1]
    run(0x0dc2cc20);                                                   // ld1r {v0.1d}, [x1], x2
    expect(faults.length).toBe(2);
    expect(vhex(0)).toBe('00000033000000330000003300000033');
    expect(cpu.getX(1)).toBe(BigInt(HOLE));
  });
  it('st2 {v0.b, v1.b}[15], [sp], x3', () => {
    cpu.V8[15] = 0x12; cpu.V8[31] = 0x34; cpu.sp = BigInt(DATA + 0x300); cpu.setX(3, -2n);
    run(0x4da31fe0);
    expect([mem.u8[DATA + 0x300], mem.u8[DATA + 0x301]]).toEqual([0x12, 0x34]);
    expect(cpu.sp).toBe(BigInt(DATA + 0x2fe));
  });
  it('ld4 {v0.16b-v3.16b} and ld3 {v0.4h-v2.4h} de-interleave within a page (read from RAM at once)', () => {
    cpu.V.fill(-1); cpu.setX(1, BigInt(DATA + 0x10)); run(0x4c400020);
    for (let r = 0; r < 4; r++) expect(vhex(r)).toBe(Array.from({ length: 16 }, (_, e) => (0x10 + e * 4 + r).toString(16).padStart(2, '0')).reverse().join(''));
    cpu.V.fill(-1); cpu.setX(1, BigInt(DATA + 0x100)); run(0x0cdf4420);
    const h = (k: number) => (((0x100 + 2 * k + 1) & 0xff).toString(16).padStart(2, '0')) + ((0x100 + 2 * k) & 0xff).toString(16).padStart(2, '0');
    for (let r = 0; r < 3; r++) expect(vhex(r)).toBe('0'.repeat(16) + [3, 2, 1, 0].map((e) => h(e * 3 + r)).join(''));
    expect(cpu.getX(1)).toBe(BigInt(DATA + 0x118));
  });
  it('an ld2 that runs into an unmapped page faults there and writes no register', () => {
    cpu.V.fill(0x33); cpu.setX(1, BigInt(HOLE - 20));
    run(0x4c408820);                                                   // ld2 {v0.4s, v1.4s}, [x1]: 32 bytes
    expect(faults.length).toBe(1);
    expect(faults[0].addr).toBe(BigInt(HOLE));
    for (let r = 0; r < 2; r++) expect(vhex(r)).toBe('00000033000000330000003300000033');
  });
  it('a structure load that faults changes no register', () => {
    cpu.V.fill(0x33); cpu.setX(1, BigInt(HOLE - 40));
    run(0x4cdf2020);
    expect(faults.length).toBe(1);
    for (let r = 0; r < 4; r++) expect(vhex(r)).toBe('00000033000000330000003300000033');
    expect(cpu.getX(1)).toBe(BigInt(HOLE - 40));
  });
  it('a structure store that faults has written the bytes before the hole (as qemu-aarch64)', () => {
    cpu.V8.fill(0xee, 0, 64); cpu.setX(1, BigInt(HOLE - 40));
    run(0x4c002020); // st1 {v0.16b-v3.16b}, [x1]: 8-byte pieces, the sixth hits the hole
    expect(faults.length).toBe(1);
    expect(Array.from(mem.u8.subarray(HOLE - 40, HOLE))).toEqual(Array(40).fill(0xee));
  });
});
