// Loads and stores of general registers, run in the interpreter on a small paged memory.
// Expected values follow the Arm ARM; CONSTRAINED UNPREDICTABLE cases follow what
// qemu-aarch64 7.2 did with the same instruction words (checked with small static programs).
import { describe, it, expect } from 'vitest';
import { Cpu, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, GuestFault, Access, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';
import { H } from '../../src/ir/helpers.js';

// ----- the machine: 1 MiB of RAM behind a translator with a few special pages
const CODE = 0x1000;           // each run() puts its code on a fresh page from here
const DATA = 0x20000;          // patterned data around here
const BAD = 0x40000;           // page that faults on every access
const RO = 0x42000;            // page that faults on writes
const HI1 = 0x1_0000_0000;     // hi = 1, vpn 0..3
const LOW_TOP = 0xffff_f000;   // last page below 4 GiB
const KERN = -0x8000_0000_0000; // 0xffff800000000000 as a signed Number

/** The initial data byte at DATA + off. */
const pat = (off: number) => ((off * 37) ^ 0xa5) & 0xff;
/** Little-endian value of n initial data bytes at DATA + off. */
function u(off: number, n: number): bigint {
  let v = 0n;
  for (let k = n - 1; k >= 0; k--) v = (v << 8n) | BigInt(pat(off + k));
  return v;
}
/** Sign-extends the low `bits` of v to 64 bits (as an unsigned 64-bit value). */
const sx = (v: bigint, bits: number) => BigInt.asUintN(64, BigInt.asIntN(bits, v));
/** Sign-extends to 32 bits, upper word zero (a W register result). */
const sxw = (v: bigint, bits: number) => BigInt.asUintN(32, BigInt.asIntN(bits, v));
const big = (a: number) => BigInt.asUintN(64, BigInt(a));

interface Access_ { vpn: number; hi: number; access: Access; unpriv: boolean }

class Machine {
  readonly log: Access_[] = [];
  readonly mem: Memory;
  readonly cpu: Cpu;
  readonly interp: Interpreter;
  faults: { f: GuestFault; pc: number }[] = [];
  undef: number[] = [];
  private nextCode = CODE;

  constructor() {
    const log = this.log;
    const tr: Translator = {
      translate(vpn, hi, access, unpriv) {
        log.push({ vpn, hi, access, unpriv });
        const fault = (kind: 'translation' | 'permission') => {
          throw new GuestFault(kind, (BigInt(hi >>> 0) << 32n) | BigInt((vpn << 12) >>> 0), access);
        };
        if (hi === 0 && vpn === BAD >> 12) fault('translation');
        if (hi === 0 && vpn === RO >> 12 && access === Access.Write) fault('permission');
        if (hi === 0 && vpn < 0x80) return vpn << 12;
        if (hi === 0 && vpn === 0xfffff) return 0x84 << 12;
        if (hi === 1 && vpn < 4) return (0x80 + vpn) << 12;
        if (hi === (0xffff8000 | 0) && vpn < 4) return (0x88 + vpn) << 12;
        return fault('translation');
      },
    };
    this.mem = new Memory(1 << 20, tr);
    this.cpu = new Cpu(this.mem);
    const stop = (): never => { throw new StopRun('error'); };
    const env: ExecEnv = {
      svc: stop, hvc: stop, smc: stop, brk: stop, hlt: stop, readSysreg: stop, writeSysreg: stop, sysOp: stop,
      undefinedInsn: (pc) => { this.undef.push(pc); throw new StopRun('halt'); },
      fault: (f, pc) => { this.faults.push({ f, pc }); throw new StopRun('error'); },
    };
    this.cpu.env = env;
    this.interp = new Interpreter(this.cpu, getDecoder());
    for (let off = -0x1000; off < 0x2000; off++) this.mem.u8[DATA + off] = pat(off);
    // Registers start as garbage, so a missing upper-half clear shows.
    for (let r = 0; r < 31; r++) this.cpu.setX(r, 0xdead_beef_0000_0000n | BigInt(r));
    this.cpu.sp = big(DATA + 0x300);
  }

  /** Runs `words` (then a UDF that ends the run) from a fresh code page; returns the start pc. */
  run(words: number[]): number {
    const pc = this.nextCode;
    this.nextCode += 0x1000;
    words.forEach((w, i) => this.mem.dv.setUint32(pc + 4 * i, w >>> 0, true));
    this.mem.dv.setUint32(pc + 4 * words.length, 0, true);
    this.cpu.pc = pc;
    try { this.interp.run(10_000); } catch (e) { if (!(e instanceof StopRun)) throw e; }
    return pc;
  }
  /** Runs and expects it to reach the end (no fault, no undefined instruction before it). */
  runAll(words: number[]): void {
    const pc = this.run(words);
    expect(this.faults).toEqual([]);
    expect(this.undef).toEqual([pc + 4 * words.length]);
    this.undef = [];
  }
  x(r: number): bigint { return this.cpu.getX(r); }
  set(r: number, v: bigint | number): void { this.cpu.setX(r, BigInt.asUintN(64, BigInt(v))); }
  /** RAM bytes at a RAM offset (the low window is identity-mapped). */
  bytes(off: number, n: number): number[] { return [...this.mem.u8.subarray(off, off + n)]; }
  ram64(off: number): bigint { return this.mem.dv.getBigUint64(off, true); }
  /** The register file without the write-sink slot (where loads into XZR go). */
  regs(): number[] { const r = [...this.cpu.R]; r[64] = r[65] = 0; return r; }
}

const dec = getDecoder();
let byText: Map<string, number> | undefined;
/** The instruction word for objdump text (first space = the tab objdump prints). */
function I(text: string): number {
  byText ??= new Map(DISASM.map(([w, t]) => [t, w]));
  const w = byText.get(text.replace(' ', '\t'));
  if (w === undefined) throw new Error(`no word for '${text}' in the objdump table`);
  return w;
}
const insns = (...texts: string[]) => texts.map(I);

describe('ldst: single register, immediate offsets', () => {
  it('unsigned offset loads of every size, zero- and sign-extended into W and X', () => {
    const m = new Machine();
    const d = [0x11, 0x92, 0x33, 0xf4, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x80];
    m.mem.u8.set(d, DATA);
    m.set(1, DATA);
    m.runAll(insns(
      'ldrb w2, [x1, #1]', 'ldrsb w3, [x1, #1]', 'ldrsb x4, [x1, #1]', 'ldrh w5, [x1, #2]', 'ldrsh w6, [x1, #2]',
      'ldrsh x7, [x1, #2]', 'ldr w8, [x1, #4]', 'ldrsw x9, [x1, #4]', 'ldr x10, [x1, #8]', 'ldrsb x12, [x1]', 'ldr x0, [x1]',
    ));
    expect(m.x(2)).toBe(0x92n);
    expect(m.x(3)).toBe(0xffffff92n);
    expect(m.x(4)).toBe(0xffffffffffffff92n);
    expect(m.x(5)).toBe(0xf433n);
    expect(m.x(6)).toBe(0xfffff433n);
    expect(m.x(7)).toBe(0xfffffffffffff433n);
    expect(m.x(8)).toBe(0x88776655n);
    expect(m.x(9)).toBe(0xffffffff88776655n);
    expect(m.x(10)).toBe(0x80ffeeddccbbaa99n);
    expect(m.x(12)).toBe(0x11n);
    expect(m.x(0)).toBe(0x88776655f4339211n);
    expect(m.x(1)).toBe(big(DATA));
  });

  it('largest scaled offsets', () => {
    const m = new Machine();
    m.set(1, DATA - 32760 + 8);
    m.set(29, DATA - 4095);
    m.cpu.sp = big(DATA - 16380);
    m.runAll(insns('ldr x0, [x1, #32760]', 'ldrb w30, [x29, #4095]', 'ldr w2, [sp, #16380]'));
    expect(m.x(0)).toBe(u(8, 8));
    expect(m.x(30)).toBe(u(0, 1));
    expect(m.x(2)).toBe(u(0, 4));
    m.set(1, DATA - 8190);
    m.runAll(insns('ldrh w0, [x1, #8190]'));
    expect(m.x(0)).toBe(u(0, 2));
  });

  it('a load into WZR/XZR is discarded (register 31 is not SP there)', () => {
    const m = new Machine();
    m.cpu.sp = big(DATA - 8190);
    m.set(1, DATA);
    const before = m.regs();
    m.runAll(insns('ldrsh wzr, [sp, #8190]', 'ldr xzr, [x1, wzr, sxtw #3]'));
    expect(m.regs()).toEqual(before);
  });

  it('stores of every size, with WZR/XZR as the source', () => {
    const m = new Machine();
    m.mem.u8.fill(0xff, DATA + 16, DATA + 48);
    m.set(1, DATA);
    m.set(2, 0x1122334455667788n);
    m.set(3, 0xaaaabbbbccccddddn);
    m.set(4, 0x0102030405060708n);
    m.set(5, 0xfedcba9876543210n);
    m.runAll(insns('strb w2, [x1, #16]', 'strh w3, [x1, #18]', 'str w4, [x1, #20]', 'str x5, [x1, #24]',
      'str xzr, [x1, #32]', 'strb wzr, [x1, #40]'));
    expect(m.bytes(DATA + 16, 32)).toEqual([
      0x88, 0xff, 0xdd, 0xdd, 0x08, 0x07, 0x06, 0x05, 0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ]);
  });

  it('SP as the base register', () => {
    const m = new Machine();
    const sp = big(DATA + 0x100);
    m.cpu.sp = sp;
    m.set(3, 0x0123456789abcdefn);
    m.set(0, 0xcafef00dn);
    m.runAll(insns('str x3, [sp]', 'str w0, [sp, #4]', 'ldr x2, [sp, #8]', 'strh wzr, [sp]'));
    expect(m.ram64(DATA + 0x100)).toBe(0xcafef00d89ab0000n);
    expect(m.x(2)).toBe(u(0x108, 8));
    expect(m.cpu.sp).toBe(sp);
  });

  it('address arithmetic carries and borrows across the 4 GiB line', () => {
    const m = new Machine();
    m.mem.dv.setBigUint64(0x80000, 0x1111222233334444n, true);
    m.mem.dv.setBigUint64(0x84ff8, 0x5555666677778888n, true);
    m.set(1, 0xfffffff8);
    m.runAll(insns('ldr x10, [x1, #8]', 'ldur x0, [x1]'));
    expect(m.x(10)).toBe(0x1111222233334444n);
    expect(m.x(0)).toBe(0x5555666677778888n);
    m.set(1, HI1 + 4);
    m.runAll(insns('ldur x2, [x1, #-8]', 'ldr w8, [x1, #-4]!'));
    expect(m.x(2)).toBe(0x3333444455556666n);  // bytes 0xfffffffc..0x1_00000003
    expect(m.x(8)).toBe(0x33334444n);
    expect(m.x(1)).toBe(big(HI1));
  });

  it('unscaled offsets (LDUR/STUR family), unaligned', () => {
    const m = new Machine();
    m.set(1, DATA + 16);
    m.runAll(insns('ldur x2, [x1, #-8]', 'ldursb w3, [x1, #-15]', 'ldursh x4, [x1, #1]', 'ldursw x5, [x1, #-3]',
      'ldurb w6, [x1, #-1]', 'ldurh w7, [x1, #3]', 'ldur w8, [x1, #5]', 'ldursb x9, [x1, #255]', 'ldursh w10, [x1, #-256]'));
    expect(m.x(2)).toBe(u(8, 8));
    expect(m.x(3)).toBe(sxw(u(1, 1), 8));
    expect(m.x(4)).toBe(sx(u(17, 2), 16));
    expect(m.x(5)).toBe(sx(u(13, 4), 32));
    expect(m.x(6)).toBe(u(15, 1));
    expect(m.x(7)).toBe(u(19, 2));
    expect(m.x(8)).toBe(u(21, 4));
    expect(m.x(9)).toBe(sx(u(16 + 255, 1), 8));
    expect(m.x(10)).toBe(sxw(u(16 - 256, 2), 16));

    m.set(4, 0xa1a2a3a4n); m.set(5, 0xb1n); m.set(6, 0xc1c2n);
    m.cpu.sp = big(DATA + 0x100);
    m.runAll(insns('stur w4, [x1, #3]', 'sturb w5, [x1, #-1]', 'sturh w6, [sp, #-2]', 'stur xzr, [sp, #7]'));
    expect(m.bytes(DATA + 15, 8)).toEqual([0xb1, pat(16), pat(17), pat(18), 0xa4, 0xa3, 0xa2, 0xa1]);
    expect(m.bytes(DATA + 0xfe, 2)).toEqual([0xc2, 0xc1]);
    expect(m.bytes(DATA + 0x106, 10)).toEqual([pat(0x106), 0, 0, 0, 0, 0, 0, 0, 0, pat(0x10f)]);
  });

  it('pre- and post-index: address from the base, then writeback', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.set(4, 0x77n); m.set(9, 0x12345678n); m.set(10, 0xabcdn); m.set(11, 0x1122334455667788n);
    const sp = DATA + 0x300;
    m.runAll(insns(
      'ldr x2, [x1, #8]!',      // x1 = DATA + 8
      'ldr x3, [x1], #-8',      // x1 = DATA
      'strb w4, [x1, #-1]!',    // x1 = DATA - 1
      'ldrsh x5, [x1], #2',     // x1 = DATA + 1
      'ldrsb w6, [x1, #255]!',  // x1 = DATA + 256
      'ldrsw x8, [x1, #4]!',    // x1 = DATA + 260
      'str w9, [x1], #4',       // x1 = DATA + 264
      'strh w10, [x1, #-2]!',   // x1 = DATA + 262
      'str x11, [sp, #-16]!',   // sp = DATA + 0x2f0
      'ldrh w7, [sp], #-256',   // sp = DATA + 0x1f0
      'ldr x0, [x1], #0', 'ldr x0, [x1, #0]!',
    ));
    expect(m.x(2)).toBe(u(8, 8));
    expect(m.x(3)).toBe(u(8, 8));
    expect(m.x(5)).toBe(sx((u(0, 1) << 8n) | 0x77n, 16));
    expect(m.x(6)).toBe(sxw(u(256, 1), 8));
    expect(m.x(8)).toBe(sx(u(260, 4), 32));
    expect(m.bytes(DATA + 260, 4)).toEqual([0x78, 0x56, 0xcd, 0xab]);
    expect(m.x(1)).toBe(big(DATA + 262));
    expect(m.x(0)).toBe((0xabcdn << 0n) | (u(264, 6) << 16n));
    expect(m.x(7)).toBe(0x7788n);
    expect(m.cpu.sp).toBe(big(sp - 16 - 256));
    expect(m.ram64(sp - 16)).toBe(0x1122334455667788n);
  });

  it('writeback with Rn == Rt: the writeback wins for loads, stores store the old base (as qemu)', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.runAll(insns('ldr x1, [x1, #8]!'));
    expect(m.x(1)).toBe(big(DATA + 8));
    m.set(1, DATA);
    m.runAll(insns('str x1, [x1, #8]!'));
    expect(m.x(1)).toBe(big(DATA + 8));
    expect(m.ram64(DATA + 8)).toBe(big(DATA));
    m.set(1, DATA);
    m.runAll(insns('ldr w1, [x1], #4'));
    expect(m.x(1)).toBe(big(DATA + 4));
  });
});

describe('ldst: register offset and literal', () => {
  it('LSL/UXTW/SXTW/SXTX index, scaled and not', () => {
    const m = new Machine();
    m.set(1, DATA + 64);
    m.set(3, 2n);
    m.set(5, 0xffffffff_00000003n);      // UXTW ignores the upper word
    m.set(7, 0x12345678_fffffff0n);      // SXTW: -16
    m.set(9, 0x10n);
    m.set(11, -3n);
    m.set(14, 0x7fffffff_fffffffcn);     // SXTW: -4
    m.runAll(insns('ldr x2, [x1, x3, lsl #3]', 'ldr w4, [x1, w5, uxtw #2]', 'ldr w6, [x1, w7, sxtw]',
      'ldrb w8, [x1, x9]', 'ldrsh x10, [x1, x11, sxtx #1]', 'ldr x12, [x1, xzr]', 'ldrsw x13, [x1, w14, sxtw]'));
    expect(m.x(2)).toBe(u(64 + 16, 8));
    expect(m.x(4)).toBe(u(64 + 12, 4));
    expect(m.x(6)).toBe(u(64 - 16, 4));
    expect(m.x(8)).toBe(u(64 + 16, 1));
    expect(m.x(10)).toBe(sx(u(64 - 6, 2), 16));
    expect(m.x(12)).toBe(u(64, 8));
    expect(m.x(13)).toBe(sx(u(60, 4), 32));
  });

  it('register-offset stores', () => {
    const m = new Machine();
    m.set(1, DATA + 64);
    m.set(2, 0x0807060504030201n); m.set(3, 1n);
    m.set(4, 0xa4a3a2a1n); m.set(5, 0xffffffff_00000001n);
    m.set(6, 0xb1n); m.set(7, -1n);
    m.set(8, 0xc2c1n); m.set(9, 0xfffffffen);                   // SXTW: -2, scaled: -4
    m.cpu.sp = big(DATA + 0x180); m.set(0, -8n);
    m.runAll(insns('str x2, [x1, x3, lsl #3]', 'str w4, [x1, w5, uxtw #2]', 'strb w6, [x1, x7]',
      'strh w8, [x1, w9, sxtw #1]', 'str xzr, [sp, x0, sxtx]'));
    expect(m.ram64(DATA + 72)).toBe(0x0807060504030201n);
    expect(m.bytes(DATA + 68, 4)).toEqual([0xa1, 0xa2, 0xa3, 0xa4]);
    expect(m.bytes(DATA + 60, 4)).toEqual([0xc1, 0xc2, pat(62), 0xb1]);
    expect(m.ram64(DATA + 0x178)).toBe(0n);
  });

  it('literal loads: LDR W/X and LDRSW, forward and backward; PRFM literal is a no-op', () => {
    const m = new Machine();
    // LDR (literal): opc 011000 imm19 Rt, target = pc + imm19 * 4.
    const lit = (opc: number, rt: number, off: number) => ((opc << 30) | (0x18 << 24) | (((off >> 2) & 0x7ffff) << 5) | rt) >>> 0;
    // The code lands on the page at CODE; its literals at CODE + 0x40 and CODE - 8.
    m.mem.dv.setBigUint64(CODE + 0x40, 0x8877665544332211n, true);
    m.mem.dv.setBigUint64(CODE - 8, 0x00000000_f0e0d0c0n, true);
    m.runAll([lit(1, 2, 0x40), lit(0, 3, 0x40 - 4), lit(2, 4, 0x44 - 8), lit(2, 5, -8 - 12), lit(1, 6, -8 - 16), lit(3, 7, 0x1000)]);
    expect(m.x(2)).toBe(0x8877665544332211n);
    expect(m.x(3)).toBe(0x44332211n);
    expect(m.x(4)).toBe(0xffffffff88776655n);
    expect(m.x(5)).toBe(0xfffffffff0e0d0c0n);
    expect(m.x(6)).toBe(0xf0e0d0c0n);
    expect(m.x(7)).toBe(0xdead_beef_0000_0007n);
  });

  it('PRFM/PRFUM (immediate, unscaled, register) do nothing, even for an unmapped address', () => {
    const m = new Machine();
    m.set(0, BAD); m.set(1, BAD); m.set(2, 8); m.set(9, BAD);
    m.cpu.sp = big(BAD);
    const before = m.regs();
    m.runAll(insns('prfm pldl1keep, [x0]', 'prfm pstl3strm, [x0]', 'prfm #0x18, [x0]', 'prfm #0x1f, [x9, #8]',
      'prfum pldl1keep, [x0, #-1]', 'prfum pstl2strm, [sp]', 'prfm pldl1keep, [x1, x2]', 'prfm plil3keep, [x1, w2, sxtw #3]'));
    expect(m.regs()).toEqual(before);
    expect(m.log.filter((a) => a.access !== Access.Exec)).toEqual([]);
  });
});

describe('ldst: pairs', () => {
  it('LDP/LDPSW/LDNP: W and X, offset, pre- and post-index', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.runAll(insns('ldp x2, x3, [x1]', 'ldp w4, w5, [x1, #8]', 'ldpsw x6, x7, [x1]'));
    expect([m.x(2), m.x(3)]).toEqual([u(0, 8), u(8, 8)]);
    expect([m.x(4), m.x(5)]).toEqual([u(8, 4), u(12, 4)]);
    expect([m.x(6), m.x(7)]).toEqual([sx(u(0, 4), 32), sx(u(4, 4), 32)]);

    m.set(1, DATA);
    m.runAll(insns('ldpsw x6, x7, [x1, #252]!'));
    expect([m.x(6), m.x(7), m.x(1)]).toEqual([sx(u(252, 4), 32), sx(u(256, 4), 32), big(DATA + 252)]);
    m.runAll(insns('ldpsw x6, x7, [x1], #-4'));
    expect([m.x(6), m.x(7), m.x(1)]).toEqual([sx(u(252, 4), 32), sx(u(256, 4), 32), big(DATA + 248)]);
    m.set(2, DATA + 256);
    m.runAll(insns('ldnp x0, x1, [x2]', 'ldnp w0, w1, [x2, #-256]'));
    expect([m.x(0), m.x(1)]).toEqual([u(0, 4), u(4, 4)]);
    m.set(2, DATA + 8);
    m.runAll(insns('ldp w0, w1, [x2], #-256'));
    expect([m.x(0), m.x(1), m.x(2)]).toEqual([u(8, 4), u(12, 4), big(DATA + 8 - 256)]);
  });

  it('STP/STNP: W and X, XZR, offset, pre- and post-index', () => {
    const m = new Machine();
    m.set(1, DATA + 64);
    m.set(2, 0x1111111122222222n); m.set(3, 0x3333333344444444n);
    m.set(4, 0x5555555566666666n); m.set(5, 0x7777777788888888n);
    m.runAll(insns('stp w2, w3, [x1, #-4]'));
    expect(m.ram64(DATA + 60)).toBe(0x4444444422222222n);
    m.runAll(insns('stp x4, x5, [x1], #16', 'stp wzr, w3, [x1, #4]!', 'stnp x3, x4, [x1, #16]'));
    expect(m.x(1)).toBe(big(DATA + 84));
    expect(m.ram64(DATA + 64)).toBe(0x5555555566666666n);
    expect(m.ram64(DATA + 72)).toBe(0x7777777788888888n);
    expect(m.ram64(DATA + 84)).toBe(0x4444444400000000n);
    expect(m.ram64(DATA + 100)).toBe(0x3333333344444444n);
    expect(m.ram64(DATA + 108)).toBe(0x5555555566666666n);
    m.runAll(insns('stp xzr, xzr, [x1, #16]'));
    expect([m.ram64(DATA + 100), m.ram64(DATA + 108)]).toEqual([0n, 0n]);
  });

  it('function prologue and epilogue on SP', () => {
    const m = new Machine();
    const sp = DATA + 0x200;
    m.cpu.sp = big(sp);
    m.set(29, 0xf00d_0000_0000_0029n); m.set(30, 0xf00d_0000_0000_0030n);
    m.runAll(insns('stp x29, x30, [sp, #-32]!'));
    expect(m.cpu.sp).toBe(big(sp - 32));
    expect([m.ram64(sp - 32), m.ram64(sp - 24)]).toEqual([0xf00d_0000_0000_0029n, 0xf00d_0000_0000_0030n]);
    m.set(29, 0); m.set(30, 0);
    m.runAll(insns('ldp x29, x30, [sp], #16', 'stp x29, x30, [sp], #32'));
    expect([m.x(29), m.x(30)]).toEqual([0xf00d_0000_0000_0029n, 0xf00d_0000_0000_0030n]);
    expect(m.cpu.sp).toBe(big(sp + 16));
    expect(m.ram64(sp - 16)).toBe(0xf00d_0000_0000_0029n);
  });

  it('CONSTRAINED UNPREDICTABLE pairs execute as on qemu: Rt beats Rt2, writeback beats both', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.runAll(insns('ldp x2, x2, [x1]'));
    expect(m.x(2)).toBe(u(0, 8));
    m.runAll(insns('ldp x1, x2, [x1, #16]!'));
    expect([m.x(1), m.x(2)]).toEqual([big(DATA + 16), u(24, 8)]);
    m.runAll(insns('ldp w2, w1, [x1], #8'));
    expect([m.x(1), m.x(2)]).toEqual([big(DATA + 24), u(16, 4)]);
    m.set(1, DATA);
    m.runAll([0x69400020, 0x69c00c21]); // ldpsw x0, x0, [x1]; ldpsw x1, x3, [x1, #0]!
    expect([m.x(0), m.x(1), m.x(3)]).toEqual([sx(u(0, 4), 32), big(DATA), sx(u(4, 4), 32)]);
  });
});

describe('ldst: unprivileged', () => {
  it('LDTR/STTR family: values and EL0 (unprivileged) translations', () => {
    const m = new Machine();
    m.set(1, DATA + 16);
    m.cpu.sp = big(DATA + 0x100);
    m.set(11, 0x0102030405060708n); m.set(12, 0xa1a2a3a4n); m.set(13, 0xb1n);
    m.runAll(insns('ldtr x2, [x1, #8]', 'ldtr w3, [x1, #-4]', 'ldtrb w4, [x1, #255]', 'ldtrh w5, [sp, #-256]',
      'ldtrsb w6, [x1]', 'ldtrsb x7, [x1, #1]', 'ldtrsh w8, [x1]', 'ldtrsh x9, [x1, #2]', 'ldtrsw x10, [x1, #4]',
      'sttr x11, [x1, #16]', 'sttr w12, [x1, #-3]', 'sttrb w13, [x1, #-1]', 'sttrh wzr, [sp, #2]'));
    expect(m.x(2)).toBe(u(24, 8));
    expect(m.x(3)).toBe(u(12, 4));
    expect(m.x(4)).toBe(u(16 + 255, 1));
    expect(m.x(5)).toBe(u(0x100 - 256, 2));
    expect(m.x(6)).toBe(sxw(u(16, 1), 8));
    expect(m.x(7)).toBe(sx(u(17, 1), 8));
    expect(m.x(8)).toBe(sxw(u(16, 2), 16));
    expect(m.x(9)).toBe(sx(u(18, 2), 16));
    expect(m.x(10)).toBe(sx(u(20, 4), 32));
    expect(m.ram64(DATA + 32)).toBe(0x0102030405060708n);
    expect(m.bytes(DATA + 13, 4)).toEqual([0xa4, 0xa3, 0xb1, 0xa1]);
    expect(m.bytes(DATA + 0x102, 2)).toEqual([0, 0]);
    const data = m.log.filter((a) => a.access !== Access.Exec);
    expect(data.length).toBeGreaterThanOrEqual(13);
    expect(data.every((a) => a.unpriv)).toBe(true);
  });
});

describe('ldst: exclusives and acquire/release', () => {
  it('LDXR then STXR stores and reports 0; a second STXR fails with 1', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.set(4, 0x0badc0de_12345678n);
    m.runAll(insns('ldxr x0, [x1]', 'stxr w3, x4, [x1]'));
    expect(m.x(0)).toBe(u(0, 8));
    expect(m.x(3)).toBe(0n);
    expect(m.ram64(DATA)).toBe(0x0badc0de_12345678n);
    m.set(4, 0x99n);
    m.runAll(insns('stxr w3, x4, [x1]'));
    expect(m.x(3)).toBe(1n);
    expect(m.ram64(DATA)).toBe(0x0badc0de_12345678n);
  });

  it('STXR without LDXR fails with 1 and leaves memory alone', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.runAll(insns('stxr w3, x4, [x1]', 'stlxrb w2, w0, [x1]'));
    expect([m.x(3), m.x(2)]).toEqual([1n, 1n]);
    expect(m.ram64(DATA)).toBe(u(0, 8));
  });

  it('CLREX (the helper the CLREX instruction calls) disarms the monitor', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.runAll(insns('ldxr x0, [x1]'));
    H.clrex(m.cpu);
    m.runAll(insns('stxr w3, x4, [x1]'));
    expect(m.x(3)).toBe(1n);
    expect(m.ram64(DATA)).toBe(u(0, 8));
  });

  it('STXR to another address than the LDXR fails, also at kernel addresses', () => {
    for (const base of [DATA, KERN + 0x40]) {
      const m = new Machine();
      m.set(1, base);
      m.runAll(insns('ldxr x0, [x1]'));
      m.set(1, base + 8);
      m.runAll(insns('stxr w3, x4, [x1]'));
      expect(m.x(3)).toBe(1n);
      m.set(1, base);
      m.runAll(insns('ldxr x0, [x1]', 'stxr w3, x4, [x1]'));
      expect(m.x(3)).toBe(0n);
    }
  });

  it('every size of LDXR/LDAXR with STXR/STLXR', () => {
    const m = new Machine();
    m.set(1, DATA + 16);
    m.cpu.sp = big(DATA + 32);
    m.set(6, 0xb1n); m.set(9, 0xc1c2c3c4c5c6c7c8n); m.set(0, 0xd1d2n);
    m.runAll(insns('ldxrb w3, [x1]', 'stxrb w5, w6, [x1]'));
    expect([m.x(3), m.x(5), BigInt(m.bytes(DATA + 16, 1)[0])]).toEqual([u(16, 1), 0n, 0xb1n]);
    m.runAll(insns('ldxrh w4, [sp]', 'stxrh w7, wzr, [sp]'));
    expect([m.x(4), m.x(7), m.bytes(DATA + 32, 3)]).toEqual([u(32, 2), 0n, [0, 0, pat(34)]]);
    m.runAll(insns('ldaxr w5, [x1]', 'stlxr w8, w9, [x1]'));
    expect([m.x(5), m.x(8), m.ram64(DATA + 16)]).toEqual([(u(17, 3) << 8n) | 0xb1n, 0n, (u(20, 4) << 32n) | 0xc5c6c7c8n]);
    m.runAll(insns('ldaxr x5, [x1]', 'stlxr w8, x9, [x1]'));
    expect([m.x(5), m.x(8), m.ram64(DATA + 16)]).toEqual([(u(20, 4) << 32n) | 0xc5c6c7c8n, 0n, 0xc1c2c3c4c5c6c7c8n]);
    m.runAll(insns('ldaxrb w6, [x1]', 'stlxrb w2, w0, [x1]', 'ldaxrh w7, [x1]', 'stlxrh w2, w0, [x1]'));
    expect([m.x(6), m.x(7), m.x(2), m.bytes(DATA + 16, 3)]).toEqual([0xc8n, 0xc7d2n, 0n, [0xd2, 0xd1, 0xc6]]);
    m.set(4, 0xa1a2a3a4n);
    m.runAll(insns('ldxr w2, [x1]', 'stxr w3, w4, [x1]'));
    expect([m.x(2), m.x(3), m.ram64(DATA + 16)]).toEqual([0xc5c6d1d2n, 0n, 0xc1c2c3c4a1a2a3a4n]);
  });

  it('LDXP/STXP and LDAXP/STLXP, X and W pairs', () => {
    const m = new Machine();
    m.set(2, DATA + 16);
    m.runAll(insns('ldxp x0, x1, [x2]'));
    expect([m.x(0), m.x(1)]).toEqual([u(16, 8), u(24, 8)]);
    m.set(0, 0x1010101010101010n); m.set(1, 0x2020202020202020n);
    m.runAll(insns('stxp w3, x0, x1, [x2]'));
    expect([m.x(3), m.ram64(DATA + 16), m.ram64(DATA + 24)]).toEqual([0n, 0x1010101010101010n, 0x2020202020202020n]);
    m.runAll(insns('stxp w3, x0, x1, [x2]'));
    expect(m.x(3)).toBe(1n);

    m.runAll(insns('ldaxp x0, x1, [x2]', 'stlxp w3, x0, x1, [x2]'));
    expect(m.x(3)).toBe(0n);
    m.runAll(insns('ldxp w0, w1, [x2]'));
    expect([m.x(0), m.x(1)]).toEqual([0x10101010n, 0x10101010n]);
    m.set(0, 0xaaaaaaaa_11111111n); m.set(1, 0xbbbbbbbb_22222222n);
    m.runAll(insns('stxp w3, w0, w1, [x2]'));
    expect([m.x(3), m.ram64(DATA + 16)]).toEqual([0n, 0x2222222211111111n]);
    m.cpu.sp = big(DATA + 24);
    m.runAll(insns('ldaxp w0, w1, [sp]'));
    expect([m.x(0), m.x(1)]).toEqual([0x20202020n, 0x20202020n]);
    m.set(2, DATA + 24);
    m.runAll(insns('stlxp w3, wzr, w1, [x2]'));
    expect([m.x(3), m.ram64(DATA + 24)]).toEqual([0n, 0x2020202000000000n]);
  });

  it('LDAR/STLR of every size', () => {
    const m = new Machine();
    m.set(1, DATA + 16);
    m.cpu.sp = big(DATA + 32);
    m.runAll(insns('ldar x0, [x1]'));
    expect(m.x(0)).toBe(u(16, 8));
    m.runAll(insns('ldar w0, [x1]'));
    expect(m.x(0)).toBe(u(16, 4));
    m.runAll(insns('ldarb w0, [x1]'));
    expect(m.x(0)).toBe(u(16, 1));
    m.runAll(insns('ldarh w0, [sp]'));
    expect(m.x(0)).toBe(u(32, 2));
    m.set(0, 0x0102030405060708n);
    m.runAll(insns('stlr x0, [x1]', 'stlr w0, [x1]', 'stlrb w0, [x1]', 'stlrh wzr, [sp]'));
    expect(m.ram64(DATA + 16)).toBe(0x0102030405060708n);
    expect(m.bytes(DATA + 32, 3)).toEqual([0, 0, pat(34)]);
    m.set(0, 0xffn);
    m.runAll(insns('stlr w0, [x1]'));
    expect(m.ram64(DATA + 16)).toBe(0x01020304000000ffn);
  });

  it('misaligned exclusive and acquire/release accesses raise an alignment fault and change nothing', () => {
    const cases: [string, number, Access][] = [
      ['ldxr x0, [x1]', 4, Access.Read], ['ldxr w2, [x1]', 2, Access.Read], ['ldxrh w4, [sp]', 1, Access.Read],
      ['ldaxr x5, [x1]', 4, Access.Read], ['stxr w3, x4, [x1]', 4, Access.Write], ['stlxrh w2, w0, [x1]', 1, Access.Write],
      ['ldxp x0, x1, [x2]', 8, Access.Read], ['ldaxp w0, w1, [sp]', 4, Access.Read], ['stxp w3, x0, x1, [x2]', 8, Access.Write],
      ['stlxp w3, w0, w1, [x2]', 4, Access.Write],
      ['ldar x0, [x1]', 4, Access.Read], ['ldarh w0, [sp]', 1, Access.Read], ['stlr w0, [x1]', 2, Access.Write],
      ['stlrh wzr, [sp]', 1, Access.Write],
    ];
    for (const [text, mis, access] of cases) {
      const m = new Machine();
      const addr = DATA + 16 + mis;
      m.set(1, addr); m.set(2, addr); m.cpu.sp = big(addr);
      const before = m.regs();
      const pc = m.run([I(text)]);
      expect(m.faults.length, text).toBe(1);
      const { f } = m.faults[0];
      expect([f.kind, f.addr, f.access, m.cpu.pc], text).toEqual(['alignment', big(addr), access, pc]);
      expect(m.regs(), text).toEqual(before);
      expect(m.bytes(DATA, 48), text).toEqual(Array.from({ length: 48 }, (_, i) => pat(i)));
    }
    // Bytes are always aligned; ordinary loads and stores need no alignment.
    const m = new Machine();
    m.set(1, DATA + 3);
    m.runAll(insns('ldxrb w3, [x1]', 'ldarb w0, [x1]', 'ldr x0, [x1]', 'ldp x2, x3, [x1]'));
  });
});

describe('ldst: faults are precise', () => {
  it('a faulting load leaves every register (and the base) unchanged', () => {
    const cases: [string, (m: Machine) => void, number][] = [
      ['ldr x1, [x1, #8]!', (m) => m.set(1, BAD - 8), BAD],
      ['ldr x3, [x1], #-8', (m) => m.set(1, BAD), BAD],
      ['ldp x2, x3, [x1]', (m) => m.set(1, BAD - 8), BAD],               // second doubleword faults
      ['ldp x1, x2, [x1, #16]!', (m) => m.set(1, BAD - 24), BAD],
      ['ldp w0, w1, [x2, #252]!', (m) => m.set(2, BAD - 252 - 4), BAD],  // crosses into BAD
      ['ldr x2, [x1]', (m) => m.set(1, BAD - 4), BAD],                   // page-crossing
      // (the test translator reports the page address)
      ['ldtr x2, [x1, #8]', (m) => m.set(1, BAD), BAD],
      ['ldr w4, [x1, w5, uxtw #2]', (m) => { m.set(1, BAD); m.set(5, 1); }, BAD],
      ['ldxp x0, x1, [x2]', (m) => m.set(2, BAD), BAD],
    ];
    for (const [text, setup, addr] of cases) {
      const m = new Machine();
      setup(m);
      const before = m.regs();
      const pc = m.run([I(text)]);
      expect(m.faults.map((x) => [x.f.kind, x.f.addr, x.f.access, x.pc]), text).toEqual([['translation', big(addr), Access.Read, pc]]);
      expect(m.regs(), text).toEqual(before);
      expect(m.cpu.pc, text).toBe(pc);
    }
  });

  it('a faulting store leaves registers and memory unchanged', () => {
    const cases: [string, (m: Machine) => void, number, string][] = [
      ['str x11, [sp, #-16]!', (m) => { m.cpu.sp = big(BAD + 16); }, BAD, 'translation'],
      ['str x5, [x1, #24]', (m) => m.set(1, RO - 4 - 24), RO, 'permission'],   // page-crossing into read-only
      ['stp x4, x5, [x1], #16', (m) => m.set(1, RO), RO, 'permission'],
      ['stp w2, w3, [x1, #-4]', (m) => m.set(1, RO), RO, 'permission'],       // crosses into read-only
      ['sttrb w13, [x1, #-1]', (m) => m.set(1, RO + 1), RO, 'permission'],
    ];
    for (const [text, setup, addr, kind] of cases) {
      const m = new Machine();
      setup(m);
      for (let i = 0; i < 32; i++) m.mem.u8[RO - 16 + i] = 0x5a;
      const before = m.regs();
      const pc = m.run([I(text)]);
      expect(m.faults.map((x) => [x.f.kind, x.f.addr, x.f.access, x.pc]), text).toEqual([[kind, big(addr), Access.Write, pc]]);
      expect(m.regs(), text).toEqual(before);
      expect(m.bytes(RO - 16, 32), text).toEqual(new Array(32).fill(0x5a));
    }
  });

  it('instructions before the fault have run, the ones after have not', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.set(9, BAD - DATA - 8);
    const pc = m.run(insns('ldr x2, [x1, #8]!', 'ldrb w8, [x1, x9]', 'ldr x3, [x1], #-8'));
    expect(m.faults.map((x) => x.pc)).toEqual([pc + 4]);
    expect([m.x(1), m.x(2), m.x(3), m.x(8)]).toEqual([big(DATA + 8), u(8, 8), 0xdead_beef_0000_0003n, 0xdead_beef_0000_0008n]);
  });

  it('page-crossing unaligned accesses read and write both pages', () => {
    const m = new Machine();
    const edge = DATA + 0x1000;                            // a page boundary inside the data
    m.set(1, edge - 3);
    m.runAll(insns('ldr x2, [x1]'));
    expect(m.x(2)).toBe(u(edge - DATA - 3, 8));
    m.runAll(insns('ldp x2, x3, [x1]'));
    expect([m.x(2), m.x(3)]).toEqual([u(edge - DATA - 3, 8), u(edge - DATA + 5, 8)]);
    m.set(1, edge - 1);
    m.runAll(insns('ldrsh x5, [x1], #2'));
    expect(m.x(5)).toBe(sx(u(edge - DATA - 1, 2), 16));
    m.set(1, edge - 5 - 24);
    m.set(5, 0x0102030405060708n);
    m.runAll(insns('str x5, [x1, #24]'));
    expect(m.bytes(edge - 5, 8)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
  });
});

describe('ldst: decoding', () => {
  it('unallocated encodings are UNDEFINED', () => {
    const words = [
      0xb9c00020, // LDR (imm) size 10 opc 11
      0xf9c00020, // LDR (imm) size 11 opc 11
      0xf8c00c20, // pre-index with size 11 opc 11
      0xf8800c00, // pre-index "PRFM"
      0xf8800400, // post-index "PRFM"
      0xf8800800, // unprivileged "PRFM"
      0xb8c00820, // LDTR size 10 opc 11
      0xf8620820, // register offset, option 000
      0xf8629820, // register offset, option 100
      0x38e20820, // register offset with bits 11:10 = 10 but size 00 opc 11 option 000
      0x38200020, // LDADDB (ARMv8.1)
      0xf83f0420, // LDRAA (ARMv8.3)
      0xe9400000, // LDP opc 11
      0x68400440, // LDPSW no-allocate
      0x69000000, // STGP (ARMv8.5): L 0 opc 01
      0x88df7c20, // LDLAR (ARMv8.1)
      0x889f7c20, // STLLR (ARMv8.1)
      0x88a07c41, // CAS (ARMv8.1)
      0x08207c41, // CASP space (ARMv8.1)
      0x99000020, // STLUR (ARMv8.4)
    ];
    for (const w of words) expect(dec.disasm(w, 0), w.toString(16)).toMatch(/undefined/);
    const m = new Machine();
    const pc = m.run([0xb9c00020]);
    expect(m.undef).toEqual([pc]);
  });

  it('CONSTRAINED UNPREDICTABLE encodings that qemu executes still decode', () => {
    const m = new Machine();
    m.set(1, DATA);
    m.set(2, 0x4dn);
    m.runAll([0xc8c2fc20, 0xc85f0000 | 0x7c20, 0xc8027c22]); // ldar x0,[x1] (Rs=2); ldxr x0,[x1]; stxr w2, x2, [x1]
    expect(m.x(0)).toBe(u(0, 8));
    expect(m.x(2)).toBe(0n);             // status written after the store of the old x2
    expect(m.ram64(DATA)).toBe(0x4dn);
    m.set(1, DATA + 16);
    m.runAll([0xc87f0020]);               // ldxp x0, x0, [x1]: unlike LDP, Rt2 wins
    expect(m.x(0)).toBe(u(24, 8));
    m.runAll([0x887f0020]);               // ldxp w0, w0, [x1]
    expect(m.x(0)).toBe(u(20, 4));
  });

  it('disassembles like objdump', () => {
    for (const [w, text] of DISASM) expect(dec.disasm(w, 0), w.toString(16)).toBe(text);
  });

  it('disassembles literal loads like objdump (target address without the <symbol>)', () => {
    for (const [w, pc, text] of LITERALS) expect(dec.disasm(w, pc), `${w.toString(16)} @ ${pc}`).toBe(text);
  });

  it('prints the CONSTRAINED UNPREDICTABLE encodings it executes, where objdump prints .inst', () => {
    for (const [w, text] of UNPREDICTABLE) expect(dec.disasm(w, 0), w.toString(16)).toBe(text);
  });
});

// ----- objdump text, captured from GNU objdump 2.40 (aarch64-linux-gnu-objdump -d) on these words
const DISASM: [number, string][] = [
  [0x39400022, 'ldrb\tw2, [x1]'], [0x39400422, 'ldrb\tw2, [x1, #1]'], [0x39c00423, 'ldrsb\tw3, [x1, #1]'],
  [0x39800424, 'ldrsb\tx4, [x1, #1]'], [0x3980002c, 'ldrsb\tx12, [x1]'], [0x79400425, 'ldrh\tw5, [x1, #2]'],
  [0x79c00426, 'ldrsh\tw6, [x1, #2]'], [0x79800427, 'ldrsh\tx7, [x1, #2]'], [0xb9400428, 'ldr\tw8, [x1, #4]'],
  [0xb9800429, 'ldrsw\tx9, [x1, #4]'], [0xf940042a, 'ldr\tx10, [x1, #8]'], [0xf9400020, 'ldr\tx0, [x1]'],
  [0xb97fffe0, 'ldr\tw0, [sp, #16380]'], [0x397fffbe, 'ldrb\tw30, [x29, #4095]'], [0x797ffc20, 'ldrh\tw0, [x1, #8190]'],
  [0x79ffffff, 'ldrsh\twzr, [sp, #8190]'], [0xf97ffc20, 'ldr\tx0, [x1, #32760]'], [0xb9bffc1f, 'ldrsw\txzr, [x0, #16380]'],
  [0x39004022, 'strb\tw2, [x1, #16]'], [0x79002423, 'strh\tw3, [x1, #18]'], [0xb9001424, 'str\tw4, [x1, #20]'],
  [0xf9000c25, 'str\tx5, [x1, #24]'], [0xf900103f, 'str\txzr, [x1, #32]'], [0x3900a03f, 'strb\twzr, [x1, #40]'],
  [0x790003ff, 'strh\twzr, [sp]'], [0xb90007e0, 'str\tw0, [sp, #4]'], [0xf90003e3, 'str\tx3, [sp]'],
  [0xf94007e2, 'ldr\tx2, [sp, #8]'], [0xf9800000, 'prfm\tpldl1keep, [x0]'], [0xf9800421, 'prfm\tpldl1strm, [x1, #8]'],
  [0xf9800842, 'prfm\tpldl2keep, [x2, #16]'], [0xf9bffc63, 'prfm\tpldl2strm, [x3, #32760]'],
  [0xf98003e4, 'prfm\tpldl3keep, [sp]'], [0xf9800005, 'prfm\tpldl3strm, [x0]'], [0xf9800008, 'prfm\tplil1keep, [x0]'],
  [0xf9800009, 'prfm\tplil1strm, [x0]'], [0xf980000a, 'prfm\tplil2keep, [x0]'], [0xf980000b, 'prfm\tplil2strm, [x0]'],
  [0xf980000c, 'prfm\tplil3keep, [x0]'], [0xf980000d, 'prfm\tplil3strm, [x0]'], [0xf9800010, 'prfm\tpstl1keep, [x0]'],
  [0xf9800011, 'prfm\tpstl1strm, [x0]'], [0xf9800012, 'prfm\tpstl2keep, [x0]'], [0xf9800013, 'prfm\tpstl2strm, [x0]'],
  [0xf9800014, 'prfm\tpstl3keep, [x0]'], [0xf9800015, 'prfm\tpstl3strm, [x0]'], [0xf9800006, 'prfm\t#0x06, [x0]'],
  [0xf9800007, 'prfm\t#0x07, [x0]'], [0xf9800018, 'prfm\t#0x18, [x0]'], [0xf980053f, 'prfm\t#0x1f, [x9, #8]'],
  [0xf85f8022, 'ldur\tx2, [x1, #-8]'], [0xf8400020, 'ldur\tx0, [x1]'], [0x38df1023, 'ldursb\tw3, [x1, #-15]'],
  [0x388ff023, 'ldursb\tx3, [x1, #255]'], [0x78d00024, 'ldursh\tw4, [x1, #-256]'], [0x78801024, 'ldursh\tx4, [x1, #1]'],
  [0xb89fd025, 'ldursw\tx5, [x1, #-3]'], [0x385ff026, 'ldurb\tw6, [x1, #-1]'], [0x78403027, 'ldurh\tw7, [x1, #3]'],
  [0xb8405028, 'ldur\tw8, [x1, #5]'], [0xb8003024, 'stur\tw4, [x1, #3]'], [0x381ff025, 'sturb\tw5, [x1, #-1]'],
  [0x781fe3e6, 'sturh\tw6, [sp, #-2]'], [0xf80073ff, 'stur\txzr, [sp, #7]'], [0xf89ff000, 'prfum\tpldl1keep, [x0, #-1]'],
  [0xf88003f3, 'prfum\tpstl2strm, [sp]'], [0xf88ff07b, 'prfum\t#0x1b, [x3, #255]'], [0xf8408c22, 'ldr\tx2, [x1, #8]!'],
  [0xf85f8423, 'ldr\tx3, [x1], #-8'], [0xf8400420, 'ldr\tx0, [x1], #0'], [0xf8400c20, 'ldr\tx0, [x1, #0]!'],
  [0x381ffc24, 'strb\tw4, [x1, #-1]!'], [0x78802425, 'ldrsh\tx5, [x1], #2'], [0x38cffc26, 'ldrsb\tw6, [x1, #255]!'],
  [0x785007e7, 'ldrh\tw7, [sp], #-256'], [0xb8804c28, 'ldrsw\tx8, [x1, #4]!'], [0xb8004429, 'str\tw9, [x1], #4'],
  [0x781fec2a, 'strh\tw10, [x1, #-2]!'], [0xf81f0feb, 'str\tx11, [sp, #-16]!'], [0xf8408c21, 'ldr\tx1, [x1, #8]!'],
  [0xf8008c21, 'str\tx1, [x1, #8]!'], [0xb8404421, 'ldr\tw1, [x1], #4'], [0xf8408822, 'ldtr\tx2, [x1, #8]'],
  [0xf8400820, 'ldtr\tx0, [x1]'], [0xb85fc823, 'ldtr\tw3, [x1, #-4]'], [0x384ff824, 'ldtrb\tw4, [x1, #255]'],
  [0x78500be5, 'ldtrh\tw5, [sp, #-256]'], [0x38c00826, 'ldtrsb\tw6, [x1]'], [0x38801827, 'ldtrsb\tx7, [x1, #1]'],
  [0x78c00828, 'ldtrsh\tw8, [x1]'], [0x78802829, 'ldtrsh\tx9, [x1, #2]'], [0xb880482a, 'ldtrsw\tx10, [x1, #4]'],
  [0xf801082b, 'sttr\tx11, [x1, #16]'], [0xb81fd82c, 'sttr\tw12, [x1, #-3]'], [0x381ff82d, 'sttrb\tw13, [x1, #-1]'],
  [0x78002bff, 'sttrh\twzr, [sp, #2]'], [0xf8637822, 'ldr\tx2, [x1, x3, lsl #3]'], [0xf8636822, 'ldr\tx2, [x1, x3]'],
  [0xb8655824, 'ldr\tw4, [x1, w5, uxtw #2]'], [0xb8654824, 'ldr\tw4, [x1, w5, uxtw]'],
  [0xb867c826, 'ldr\tw6, [x1, w7, sxtw]'], [0xb867d826, 'ldr\tw6, [x1, w7, sxtw #2]'], [0x38696828, 'ldrb\tw8, [x1, x9]'],
  [0x38697828, 'ldrb\tw8, [x1, x9, lsl #0]'], [0x38694828, 'ldrb\tw8, [x1, w9, uxtw]'],
  [0x38695828, 'ldrb\tw8, [x1, w9, uxtw #0]'], [0x3869d828, 'ldrb\tw8, [x1, w9, sxtw #0]'],
  [0x3869e828, 'ldrb\tw8, [x1, x9, sxtx]'], [0x38a9f828, 'ldrsb\tx8, [x1, x9, sxtx #0]'],
  [0x78abf82a, 'ldrsh\tx10, [x1, x11, sxtx #1]'], [0x78ebe82a, 'ldrsh\tw10, [x1, x11, sxtx]'],
  [0x786b582a, 'ldrh\tw10, [x1, w11, uxtw #1]'], [0xb8ae782d, 'ldrsw\tx13, [x1, x14, lsl #2]'],
  [0xb8aec82d, 'ldrsw\tx13, [x1, w14, sxtw]'], [0xf87f682c, 'ldr\tx12, [x1, xzr]'],
  [0xf87f7bec, 'ldr\tx12, [sp, xzr, lsl #3]'], [0xf87fd83f, 'ldr\txzr, [x1, wzr, sxtw #3]'],
  [0xf8237822, 'str\tx2, [x1, x3, lsl #3]'], [0xb8255824, 'str\tw4, [x1, w5, uxtw #2]'], [0x38276826, 'strb\tw6, [x1, x7]'],
  [0x7829d828, 'strh\tw8, [x1, w9, sxtw #1]'], [0xf820ebff, 'str\txzr, [sp, x0, sxtx]'],
  [0xf8a26820, 'prfm\tpldl1keep, [x1, x2]'], [0xf8a27831, 'prfm\tpstl1strm, [x1, x2, lsl #3]'],
  [0xf8a2d82c, 'prfm\tplil3keep, [x1, w2, sxtw #3]'], [0xf8a24839, 'prfm\t#0x19, [x1, w2, uxtw]'],
  [0xa9400c22, 'ldp\tx2, x3, [x1]'], [0x29411424, 'ldp\tw4, w5, [x1, #8]'], [0x69401c26, 'ldpsw\tx6, x7, [x1]'],
  [0x69601c26, 'ldpsw\tx6, x7, [x1, #-256]'], [0x69df9c26, 'ldpsw\tx6, x7, [x1, #252]!'],
  [0x68ff9c26, 'ldpsw\tx6, x7, [x1], #-4'], [0xa96007e0, 'ldp\tx0, x1, [sp, #-512]'],
  [0xa95f87e0, 'ldp\tx0, x1, [sp, #504]'], [0x29df8440, 'ldp\tw0, w1, [x2, #252]!'],
  [0x28e00440, 'ldp\tw0, w1, [x2], #-256'], [0xa9be7bfd, 'stp\tx29, x30, [sp, #-32]!'],
  [0xa8827bfd, 'stp\tx29, x30, [sp], #32'], [0xa8c17bfd, 'ldp\tx29, x30, [sp], #16'],
  [0xa9017c3f, 'stp\txzr, xzr, [x1, #16]'], [0x293f8c22, 'stp\tw2, w3, [x1, #-4]'], [0x29808c3f, 'stp\twzr, w3, [x1, #4]!'],
  [0xa8811424, 'stp\tx4, x5, [x1], #16'], [0xa8400440, 'ldnp\tx0, x1, [x2]'], [0x28600440, 'ldnp\tw0, w1, [x2, #-256]'],
  [0xa8011023, 'stnp\tx3, x4, [x1, #16]'], [0x283f8440, 'stnp\tw0, w1, [x2, #-4]'], [0xa9400822, 'ldp\tx2, x2, [x1]'],
  [0xa9c10821, 'ldp\tx1, x2, [x1, #16]!'], [0x28c10422, 'ldp\tw2, w1, [x1], #8'], [0xc85f7c20, 'ldxr\tx0, [x1]'],
  [0x885f7c22, 'ldxr\tw2, [x1]'], [0x085f7c23, 'ldxrb\tw3, [x1]'], [0x485f7fe4, 'ldxrh\tw4, [sp]'],
  [0xc85ffc25, 'ldaxr\tx5, [x1]'], [0x885ffc25, 'ldaxr\tw5, [x1]'], [0x085ffc26, 'ldaxrb\tw6, [x1]'],
  [0x485ffc27, 'ldaxrh\tw7, [x1]'], [0xc8037c24, 'stxr\tw3, x4, [x1]'], [0x88037c24, 'stxr\tw3, w4, [x1]'],
  [0x08057c26, 'stxrb\tw5, w6, [x1]'], [0x48077fff, 'stxrh\tw7, wzr, [sp]'], [0xc808fc29, 'stlxr\tw8, x9, [x1]'],
  [0x8808fc29, 'stlxr\tw8, w9, [x1]'], [0x0802fc20, 'stlxrb\tw2, w0, [x1]'], [0x4802fc20, 'stlxrh\tw2, w0, [x1]'],
  [0xc87f0440, 'ldxp\tx0, x1, [x2]'], [0x887f0440, 'ldxp\tw0, w1, [x2]'], [0xc87f8440, 'ldaxp\tx0, x1, [x2]'],
  [0x887f87e0, 'ldaxp\tw0, w1, [sp]'], [0xc8230440, 'stxp\tw3, x0, x1, [x2]'], [0x88230440, 'stxp\tw3, w0, w1, [x2]'],
  [0xc8238440, 'stlxp\tw3, x0, x1, [x2]'], [0x8823845f, 'stlxp\tw3, wzr, w1, [x2]'], [0xc8dffc20, 'ldar\tx0, [x1]'],
  [0x88dffc20, 'ldar\tw0, [x1]'], [0x08dffc20, 'ldarb\tw0, [x1]'], [0x48dfffe0, 'ldarh\tw0, [sp]'],
  [0xc89ffc20, 'stlr\tx0, [x1]'], [0x889ffc20, 'stlr\tw0, [x1]'], [0x089ffc20, 'stlrb\tw0, [x1]'],
  [0x489fffff, 'stlrh\twzr, [sp]'], [0xb97fffe2, 'ldr\tw2, [sp, #16380]'], [0xb85fcc28, 'ldr\tw8, [x1, #-4]!'],
  [0xf9400022, 'ldr\tx2, [x1]'], [0x388ff029, 'ldursb\tx9, [x1, #255]'], [0x78d0002a, 'ldursh\tw10, [x1, #-256]'],
  [0x88238440, 'stlxp\tw3, w0, w1, [x2]'],
];
// objdump prints a literal's target as `address <symbol>`; the symbol is left out. pc is a signed Number.
const LITERALS: [number, number, string][] = [
  [0x18000000, 0x400000, 'ldr\tw0, 400000'], [0x18000022, 0x400004, 'ldr\tw2, 400008'],
  [0x18ffffff, 0x400008, 'ldr\twzr, 400004'], [0x187fffe5, 0x40000c, 'ldr\tw5, 500008'],
  [0x1880001e, 0x400010, 'ldr\tw30, 300010'], [0x18002471, 0x400014, 'ldr\tw17, 4004a0'],
  [0x58000000, 0x400018, 'ldr\tx0, 400018'], [0x58000022, 0x40001c, 'ldr\tx2, 400020'],
  [0x58ffffff, 0x400020, 'ldr\txzr, 40001c'], [0x587fffe5, 0x400024, 'ldr\tx5, 500020'],
  [0x5880001e, 0x400028, 'ldr\tx30, 300028'], [0x58002471, 0x40002c, 'ldr\tx17, 4004b8'],
  [0x98000000, 0x400030, 'ldrsw\tx0, 400030'], [0x98000022, 0x400034, 'ldrsw\tx2, 400038'],
  [0x98ffffff, 0x400038, 'ldrsw\txzr, 400034'], [0x987fffe5, 0x40003c, 'ldrsw\tx5, 500038'],
  [0x9880001e, 0x400040, 'ldrsw\tx30, 300040'], [0x98002471, 0x400044, 'ldrsw\tx17, 4004d0'],
  [0xd8000000, 0x400048, 'prfm\tpldl1keep, 400048'], [0xd8000022, 0x40004c, 'prfm\tpldl2keep, 400050'],
  [0xd8ffffff, 0x400050, 'prfm\t#0x1f, 40004c'], [0xd87fffe5, 0x400054, 'prfm\tpldl3strm, 500050'],
  [0xd880001e, 0x400058, 'prfm\t#0x1e, 300058'], [0xd8002471, 0x40005c, 'prfm\tpstl1strm, 4004e8'],
  [0x18000000, -0x7ffffffff000, 'ldr\tw0, ffff800000001000'], [0x18ffffff, -0x7fffffffeff8, 'ldr\twzr, ffff800000001004'],
  [0x1880001e, -0x7fffffffeff0, 'ldr\tw30, ffff7ffffff01010'], [0x58000000, -0x7fffffffefe8, 'ldr\tx0, ffff800000001018'],
  [0x58ffffff, -0x7fffffffefe0, 'ldr\txzr, ffff80000000101c'], [0x5880001e, -0x7fffffffefd8, 'ldr\tx30, ffff7ffffff01028'],
  [0x98000000, -0x7fffffffefd0, 'ldrsw\tx0, ffff800000001030'],
  [0x98ffffff, -0x7fffffffefc8, 'ldrsw\txzr, ffff800000001034'],
  [0x9880001e, -0x7fffffffefc0, 'ldrsw\tx30, ffff7ffffff01040'],
  [0xd8000000, -0x7fffffffefb8, 'prfm\tpldl1keep, ffff800000001048'],
  [0xd8ffffff, -0x7fffffffefb0, 'prfm\t#0x1f, ffff80000000104c'],
  [0xd880001e, -0x7fffffffefa8, 'prfm\t#0x1e, ffff7ffffff01058'], [0x18ffffff, 0x3008, 'ldr\twzr, 3004'],
  [0x1880001e, 0x3010, 'ldr\tw30, fffffffffff03010'], [0x58ffffff, 0x3020, 'ldr\txzr, 301c'],
  [0x5880001e, 0x3028, 'ldr\tx30, fffffffffff03028'], [0x98ffffff, 0x3038, 'ldrsw\txzr, 3034'],
  [0x9880001e, 0x3040, 'ldrsw\tx30, fffffffffff03040'], [0xd8ffffff, 0x3050, 'prfm\t#0x1f, 304c'],
  [0xd880001e, 0x3058, 'prfm\t#0x1e, fffffffffff03058'],
];
// CONSTRAINED UNPREDICTABLE words that qemu-aarch64 executes (so we decode them) but objdump
// prints as ".inst … ; undefined": LDPSW with Rt == Rt2 or writeback into Rt, LDAR with Rs/Rt2 ≠ 31.
const UNPREDICTABLE: [number, string][] = [
  [0x69400020, 'ldpsw\tx0, x0, [x1]'], [0x69c00c21, 'ldpsw\tx1, x3, [x1, #0]!'], [0x68c10821, 'ldpsw\tx1, x2, [x1], #8'],
  [0xc8c2fc20, 'ldar\tx0, [x1]'], [0xc8df8020, 'ldar\tx0, [x1]'], [0x08df84e4, 'ldarb\tw4, [x7]'],
];
