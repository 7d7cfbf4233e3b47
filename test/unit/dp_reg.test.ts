// Data processing — register: execution through the interpreter and objdump-exact disassembly.
//
// Where the expected values come from:
// - CASES: each case was run under qemu-aarch64 (a generated static program loads x0..x7, NZCV
//   and SP, executes the words, stores them back); its results are pasted here. Registers not
//   named in the input hold BG(i); the output lists what changed (f = NZCV as 4 bits).
// - Condition codes, variable shifts: loops against reference functions written from the Arm
//   ARM pseudocode (ConditionHolds, ShiftReg) below.
// - OBJDUMP: words and the text GNU objdump 2.40 (aarch64-linux-gnu-objdump -d) prints for them,
//   pasted (npm test does not need binutils); whitespace is normalised before comparing.
import { describe, it, expect } from 'vitest';
import { Cpu, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';
import { BG, SP0, REGS, machine, checkCases, checkObjdump, checkUnallocated, type Case, type Regs } from './harness.js';


/** ConditionHolds from the Arm ARM pseudocode. */
function conditionHolds(cond: number, nzcv: number): boolean {
  const n = (nzcv >> 3) & 1, z = (nzcv >> 2) & 1, c = (nzcv >> 1) & 1, v = nzcv & 1;
  const r = [z === 1, c === 1, n === 1, v === 1, c === 1 && z === 0, n === v, n === v && z === 0, true][cond >> 1];
  return (cond & 1) === 1 && cond !== 15 ? !r : r;
}

/** ShiftReg from the Arm ARM with the LSLV/LSRV/ASRV/RORV amount rule (Rm MOD datasize). */
function shiftRef(type: number, v: bigint, m: bigint, width: number): bigint {
  const w = BigInt(width), mask = (1n << w) - 1n, a = m % w;
  v &= mask;
  if (type === 0) return (v << a) & mask;
  if (type === 1) return v >> a;
  if (type === 2) return BigInt.asUintN(width, BigInt.asIntN(width, v) >> a);
  return ((v >> a) | (v << (w - a))) & mask;
}

describe('dp_reg execution', () => {
  it('matches qemu-aarch64 on every case of the table', () => checkCases(CASES));

  it('conditional select follows ConditionHolds for every condition and NZCV', () => {
    const m = machine();
    const M64 = (1n << 64n) - 1n;
    for (let cond = 0; cond < 16; cond++) for (let f = 0; f < 16; f++) {
      const h = conditionHolds(cond, f), c = cond << 12, inp = { x1: 10n, x2: 20n, f };
      const cases: [number, bigint][] = [
        [0x9a820020 | c, h ? 10n : 20n],                  // csel x0, x1, x2
        [0x1a820420 | c, h ? 10n : 21n],                  // csinc w0, w1, w2
        [0x5a820020 | c, h ? 10n : 0xffffffebn],          // csinv w0, w1, w2
        [0xda820420 | c, h ? 10n : M64 - 19n],            // csneg x0, x1, x2
        [0x9a9f07e0 | c, h ? 0n : 1n],                    // csinc x0, xzr, xzr (cset)
        [0xda9f03e0 | c, h ? 0n : M64],                   // csinv x0, xzr, xzr (csetm)
        [0x5a9f03e0 | c, h ? 0n : 0xffffffffn],           // csinv w0, wzr, wzr
      ];
      for (const [w, x0] of cases) {
        m.run([w >>> 0], inp);
        expect(m.state(), `cond ${cond} nzcv ${f} ${getDecoder().disasm(w, 0)}`).toMatchObject({ x0, f });
      }
    }
  });

  it('ccmp/ccmn compare when ConditionHolds, else take #nzcv', () => {
    const m = machine();
    for (let cond = 0; cond < 16; cond++) for (let f = 0; f < 16; f++) {
      const h = conditionHolds(cond, f);
      m.run([(0xfa420025 | (cond << 12)) >>> 0], { x1: 2n, x2: 1n, f });   // ccmp x1, x2, #0x5: 2-1 sets C
      expect(m.state().f, `ccmp cond ${cond} nzcv ${f}`).toBe(h ? 0b0010 : 0b0101);
      m.run([(0x3a43082a | (cond << 12)) >>> 0], { x1: 0xfffffffdn, f });  // ccmn w1, #0x3, #0xa: sum 0, carry
      expect(m.state().f, `ccmn cond ${cond} nzcv ${f}`).toBe(h ? 0b0110 : 0b1010);
    }
  });

  it('lslv/lsrv/asrv/rorv shift by Rm modulo the width', () => {
    const m = machine();
    const v = 0x8123456789abcdefn;
    const amounts = [...Array(140).keys()].map(BigInt).concat([0xffffffffffffffffn, 0x8000000000000020n, 0x100000001n]);
    for (const sf of [0, 1]) for (let type = 0; type < 4; type++) for (const a of amounts) {
      const w = ((sf << 31) | 0x1ac22020 | (type << 10)) >>> 0;    // lslv.. rorv x0|w0, x1|w1, x2|w2
      m.run([w], { x1: v, x2: a });
      expect(m.cpu.getX(0), `${getDecoder().disasm(w, 0)} by ${a}`).toBe(shiftRef(type, v, a, sf ? 64 : 32));
    }
  });

  it('raises UNDEFINED for unallocated encodings', () => checkUnallocated(UNALLOCATED));
});

describe('dp_reg disassembly', () => {
  it('prints what objdump prints', () => expect(checkObjdump(OBJDUMP)).toBe(352));
});

// Unallocated in ARMv8.0 (objdump knows some as later extensions: ctz, pacia, subp, irg, pacga, smax).
const UNALLOCATED = [
  0x8bc20020, // add/sub shifted with shift = ROR
  0x0b028020, // 32-bit add/sub shifted with imm6 >= 32
  0x0a028020, // 32-bit logical shifted with imm6 >= 32
  0x8b217420, // add/sub extended with imm3 > 4
  0x8b616020, // add/sub extended with opt != 00
  0x5ac00c20, 0xdac01820, 0xdac10020, 0xfac00020, // 1-source: rev 32-bit opc 3, opcode 6, opcode2 != 0, S = 1
  0x9ac20020, 0x9ac20420, 0x9ac21020, 0x9ac23020, 0x9ac26020, 0xbac20820, // 2-source: opcodes 0, 1, 4, 12, 24; S = 1
  0x1ac24c20, 0x9ac24020, // crc32x with sf = 0, crc32b with sf = 1
  0x9b604c20, 0x9b804c20, 0x9be04c20, 0x9b42fc20, 0x1b220c20, 0xbb020c20, // 3-source: op31 3/4/7, smulh o0 = 1, 32-bit smaddl, op54 != 0
  0xda410000, 0xfa410400, 0xfa410010, // ccmp with S = 0, o2 = 1, o3 = 1
  0xba820020, 0x9a820820, // csel with S = 1, op2<1> = 1
  0x9a020420, // adc with bits 15..10 != 0
];

// Expected results from qemu-aarch64 (see the top of the file).
const CASES: Case[] = [
  ['add x0, x1, x2', [0x8b020020], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0xffffffffffffffffn }],
  ['add x0, x1, x2, lsl #31', [0x8b027c20], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x3c4d5e6f89abcdefn }],
  ['add x0, x1, x2, lsl #63', [0x8b02fc20], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x123456789abcdefn }],
  ['add x0, x1, x2, lsr #0', [0x8b420020], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0xffffffffffffffffn }],
  ['add x0, x1, x2, lsr #31', [0x8b427c20], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x12345698765431fn }],
  ['add x0, x1, x2, lsr #63', [0x8b42fc20], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x123456789abcdf0n }],
  ['add x0, x1, x2, asr #0', [0x8b820020], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0xffffffffffffffffn }],
  ['add x0, x1, x2, asr #31', [0x8b827c20], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x12345678765431fn }],
  ['add x0, x1, x2, asr #63', [0x8b82fc20], { x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x123456789abcdeen }],
  ['sub w0, w1, w2, lsl #4', [0x4b021020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x2468acefn }],
  ['sub w0, w1, w2, lsr #4', [0x4b421020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x82468acen }],
  ['sub w0, w1, w2, asr #4', [0x4b821020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xfedcba9876543210n }, { x0: 0x82468acen }],
  ['add w3, w1, w2', [0x0b020023], { x1: 0xffffffff00000001n, x2: 0xffffffffffffffffn, x3: 0xffffffffffffffffn }, { x3: 0x0n }],
  ['adds x0, x1, x2', [0xab020020], { x1: 0x7fffffffffffffffn, x2: 0x1n }, { x0: 0x8000000000000000n, f: 0b1001 }],
  ['adds x0, x1, x2', [0xab020020], { x1: 0xffffffffffffffffn, x2: 0x1n }, { x0: 0x0n, f: 0b0110 }],
  ['adds x0, x1, x2', [0xab020020], { x1: 0x8000000000000000n, x2: 0x8000000000000000n }, { x0: 0x0n, f: 0b0111 }],
  ['adds x0, x1, x2', [0xab020020], { x1: 0x5n, x2: 0x7n, f: 0b1111 }, { x0: 0xcn, f: 0b0000 }],
  ['adds w0, w1, w2', [0x2b020020], { x1: 0x7fffffffn, x2: 0x1n }, { x0: 0x80000000n, f: 0b1001 }],
  ['adds w0, w1, w2', [0x2b020020], { x0: 0xffffffffffffffffn, x1: 0xffffffffn, x2: 0x1n }, { x0: 0x0n, f: 0b0110 }],
  ['adds w0, w1, w2, lsl #31', [0x2b027c20], { x1: 0x80000000n, x2: 0x1n }, { x0: 0x0n, f: 0b0111 }],
  ['subs x0, x1, x2', [0xeb020020], { x1: 0x5n, x2: 0x5n }, { x0: 0x0n, f: 0b0110 }],
  ['subs x0, x1, x2', [0xeb020020], { x1: 0x5n, x2: 0x6n }, { x0: 0xffffffffffffffffn, f: 0b1000 }],
  ['subs x0, x1, x2', [0xeb020020], { x1: 0x8000000000000000n, x2: 0x1n }, { x0: 0x7fffffffffffffffn, f: 0b0011 }],
  ['subs x0, x1, x2, asr #63', [0xeb82fc20], { x1: 0x0n, x2: 0x8000000000000000n }, { x0: 0x1n }],
  ['subs w0, w1, w2', [0x6b020020], { x1: 0x80000000n, x2: 0x1n }, { x0: 0x7fffffffn, f: 0b0011 }],
  ['subs w0, w1, w2', [0x6b020020], { x1: 0x100000000n, x2: 0x1n }, { x0: 0xffffffffn, f: 0b1000 }],
  ['cmp x1, x2', [0xeb02003f], { x1: 0x3n, x2: 0x3n, f: 0b1001 }, { f: 0b0110 }],
  ['cmp w1, w2, lsr #1', [0x6b42043f], { x1: 0x1n, x2: 0x4n }, { f: 0b1000 }],
  ['cmn x1, x2', [0xab02003f], { x1: 0xffffffffffffffffn, x2: 0x1n }, { f: 0b0110 }],
  ['cmn w1, w2, lsl #16', [0x2b02403f], { x1: 0xffff0000n, x2: 0x1n }, { f: 0b0110 }],
  ['neg x0, x1', [0xcb0103e0], { x1: 0x1n }, { x0: 0xffffffffffffffffn }],
  ['neg x0, x1, lsl #63', [0xcb01ffe0], { x1: 0x1n }, { x0: 0x8000000000000000n }],
  ['neg w0, w1, asr #3', [0x4b810fe0], { x0: 0xffffffffffffffffn, x1: 0x80000000n }, { x0: 0x10000000n }],
  ['negs x0, x1', [0xeb0103e0], { x1: 0x0n }, { x0: 0x0n, f: 0b0110 }],
  ['negs x0, x1', [0xeb0103e0], { x1: 0x8000000000000000n }, { x0: 0x8000000000000000n, f: 0b1001 }],
  ['negs w0, w1', [0x6b0103e0], { x1: 0x1n }, { x0: 0xffffffffn, f: 0b1000 }],
  ['add xzr, x1, x2', [0x8b02003f], { x1: 0x1n, x2: 0x2n, sp: 0x1230n }, {  }],
  ['add x0, xzr, xzr', [0x8b1f03e0], { x0: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['add x0, x1, w2, uxtb', [0x8b220020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x1080n }],
  ['add x0, x1, w2, uxtb #4', [0x8b221020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x1800n }],
  ['sub w0, w1, w2, uxtb #2', [0x4b220820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xe00n }],
  ['add x0, x1, w2, uxth', [0x8b222020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x9080n }],
  ['add x0, x1, w2, uxth #4', [0x8b223020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x81800n }],
  ['sub w0, w1, w2, uxth #2', [0x4b222820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfffe0e00n }],
  ['add x0, x1, w2, uxtw', [0x8b224020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x80ff9080n }],
  ['add x0, x1, w2, uxtw #4', [0x8b225020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x80ff81800n }],
  ['sub w0, w1, w2, uxtw #2', [0x4b224820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfc020e00n }],
  ['add x0, x1, x2, uxtx', [0x8b226020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xffffffff80ff9080n }],
  ['add x0, x1, x2, uxtx #4', [0x8b227020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfffffff80ff81800n }],
  ['sub w0, w1, w2, uxtx #2', [0x4b226820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfc020e00n }],
  ['add x0, x1, w2, sxtb', [0x8b228020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xf80n }],
  ['add x0, x1, w2, sxtb #4', [0x8b229020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x800n }],
  ['sub w0, w1, w2, sxtb #2', [0x4b228820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x1200n }],
  ['add x0, x1, w2, sxth', [0x8b22a020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xffffffffffff9080n }],
  ['add x0, x1, w2, sxth #4', [0x8b22b020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfffffffffff81800n }],
  ['sub w0, w1, w2, sxth #2', [0x4b22a820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0x20e00n }],
  ['add x0, x1, w2, sxtw', [0x8b22c020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xffffffff80ff9080n }],
  ['add x0, x1, w2, sxtw #4', [0x8b22d020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfffffff80ff81800n }],
  ['sub w0, w1, w2, sxtw #2', [0x4b22c820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfc020e00n }],
  ['add x0, x1, x2, sxtx', [0x8b22e020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xffffffff80ff9080n }],
  ['add x0, x1, x2, sxtx #4', [0x8b22f020], { x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfffffff80ff81800n }],
  ['sub w0, w1, w2, sxtx #2', [0x4b22e820], { x0: 0xffffffffffffffffn, x1: 0x1000n, x2: 0xffffffff80ff8080n }, { x0: 0xfc020e00n }],
  ['add x0, x1, w2, uxtb #1', [0x8b220420], { x1: 0x1n, x2: 0x1ffn }, { x0: 0x1ffn }],
  ['add x0, sp, x1', [0x8b2163e0], { x1: 0x10n, sp: 0x10000n }, { x0: 0x10010n }],
  ['add x0, sp, w1, uxtw #2', [0x8b214be0], { x1: 0xffffffffn, sp: 0x10000n }, { x0: 0x40000fffcn }],
  ['add sp, x0, x1, lsl #3', [0x8b216c1f], { x0: 0x4000n, x1: 0x2n }, { sp: 0x4010n }],
  ['sub sp, sp, w1, sxtw', [0xcb21c3ff], { x1: 0xfffffff0n, sp: 0x4000n }, { sp: 0x4010n }],
  ['add w0, wsp, w1', [0x0b2143e0], { x1: 0x10n, sp: 0xabcd00001000n }, { x0: 0x1010n }],
  ['add wsp, w0, w1, uxth #2', [0x0b21281f], { x0: 0x8n, x1: 0x1ffffn, sp: 0xffffffffffffffffn }, { sp: 0x40004n }],
  ['adds x0, sp, x1', [0xab2163e0], { x1: 0x1n, sp: 0x7fffffffffffffffn }, { x0: 0x8000000000000000n, f: 0b1001 }],
  ['adds w0, w1, w2, sxtb', [0x2b228020], { x1: 0x80n, x2: 0x80n }, { x0: 0x0n, f: 0b0110 }],
  ['subs x0, sp, w1, uxtw #4', [0xeb2153e0], { x1: 0x10n, sp: 0x100n }, { x0: 0x0n, f: 0b0110 }],
  ['cmp sp, x1', [0xeb2163ff], { x1: 0x1000n, sp: 0x1000n }, { f: 0b0110 }],
  ['cmn w1, w2, uxtb', [0x2b22003f], { x1: 0xffffff01n, x2: 0xffn }, { f: 0b0110 }],
  ['cmn x0, x1, uxtx', [0xab21601f], { x0: 0x1n, x1: 0x2n, sp: 0x7770n }, {  }],
  ['and x0, x1, x2', [0x8a020020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x100450080a0c0e0n }],
  ['and w0, w1, w2, ror #4', [0x0ac21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x90b0d0fn }],
  ['bic x0, x1, x2', [0x8a220020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x230067090b0d0fn }],
  ['bic w0, w1, w2, ror #4', [0x0ae21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x80a0c0e0n }],
  ['orr x0, x1, x2', [0xaa020020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0xff23ff67f9fbfdffn }],
  ['orr w0, w1, w2, ror #4', [0x2ac21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x8fafcfefn }],
  ['orn x0, x1, x2', [0xaa220020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x1ff45ff8fafcfefn }],
  ['orn w0, w1, w2, ror #4', [0x2ae21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0xf9fbfdffn }],
  ['eor x0, x1, x2', [0xca020020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0xfe23ba67795b3d1fn }],
  ['eor w0, w1, w2, ror #4', [0x4ac21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x86a4c2e0n }],
  ['eon x0, x1, x2', [0xca220020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x1dc459886a4c2e0n }],
  ['eon w0, w1, w2, ror #4', [0x4ae21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x795b3d1fn }],
  ['ands x0, x1, x2', [0xea020020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x100450080a0c0e0n, f: 0b0000 }],
  ['ands w0, w1, w2, ror #4', [0x6ac21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x90b0d0fn, f: 0b0000 }],
  ['bics x0, x1, x2', [0xea220020], { x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x230067090b0d0fn, f: 0b0000 }],
  ['bics w0, w1, w2, ror #4', [0x6ae21020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xff00ff00f0f0f0f0n, f: 0b0011 }, { x0: 0x80a0c0e0n, f: 0b1000 }],
  ['eor x0, x1, x2, lsl #32', [0xca028020], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0x100005555n }],
  ['eor x0, x1, x2, lsl #63', [0xca02fc20], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0x8000000000005555n }],
  ['eor x0, x1, x2, lsr #32', [0xca428020], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0x80005555n }],
  ['eor x0, x1, x2, lsr #63', [0xca42fc20], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0x5554n }],
  ['eor x0, x1, x2, asr #32', [0xca828020], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0xffffffff80005555n }],
  ['eor x0, x1, x2, asr #63', [0xca82fc20], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0xffffffffffffaaaan }],
  ['eor x0, x1, x2, ror #32', [0xcac28020], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0x180005555n }],
  ['eor x0, x1, x2, ror #63', [0xcac2fc20], { x1: 0x5555n, x2: 0x8000000000000001n }, { x0: 0x5556n }],
  ['orr w0, w1, w2, lsl #31', [0x2a027c20], { x1: 0x10n, x2: 0x80000003n }, { x0: 0x80000010n }],
  ['orr w0, w1, w2, lsr #31', [0x2a427c20], { x1: 0x10n, x2: 0x80000003n }, { x0: 0x11n }],
  ['orr w0, w1, w2, asr #31', [0x2a827c20], { x1: 0x10n, x2: 0x80000003n }, { x0: 0xffffffffn }],
  ['orr w0, w1, w2, ror #31', [0x2ac27c20], { x1: 0x10n, x2: 0x80000003n }, { x0: 0x17n }],
  ['ands x0, x1, x2', [0xea020020], { x1: 0xf0n, x2: 0xfn, f: 0b0011 }, { x0: 0x0n, f: 0b0100 }],
  ['ands x0, x1, x2', [0xea020020], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn }, { x0: 0x8000000000000000n, f: 0b1000 }],
  ['ands w0, w1, w2', [0x6a020020], { x1: 0x180000000n, x2: 0xffffffffn, f: 0b0111 }, { x0: 0x80000000n, f: 0b1000 }],
  ['bics w0, w1, w2', [0x6a220020], { x1: 0xffffffffn, x2: 0xffffffffn }, { x0: 0x0n, f: 0b0100 }],
  ['tst x1, x2, lsl #4', [0xea02103f], { x1: 0x10n, x2: 0x1n, f: 0b1011 }, { f: 0b0000 }],
  ['tst w1, w2', [0x6a02003f], { x1: 0x80000000n, x2: 0x80000000n }, { f: 0b1000 }],
  ['mov x0, x1', [0xaa0103e0], { x1: 0xfedcba9876543210n }, { x0: 0xfedcba9876543210n }],
  ['mov w0, w1', [0x2a0103e0], { x0: 0xffffffffffffffffn, x1: 0xfedcba9876543210n }, { x0: 0x76543210n }],
  ['mvn x0, x1', [0xaa2103e0], { x1: 0x123456789abcdefn }, { x0: 0xfedcba9876543210n }],
  ['mvn w0, w1, lsr #4', [0x2a6113e0], { x1: 0x123456789abcdefn }, { x0: 0xf7654321n }],
  ['orr x0, xzr, x1, lsl #3', [0xaa010fe0], { x1: 0x11n }, { x0: 0x88n }],
  ['mvn w0, w1, asr #31', [0x2aa17fe0], { x0: 0x5n, x1: 0x80000000n }, { x0: 0x0n }],
  ['adc x0, x1, x2', [0x9a020020], { x1: 0xffffffffffffffffn, x2: 0x0n }, { x0: 0xffffffffffffffffn }],
  ['adc w0, w1, w2', [0x1a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn }, { x0: 0x7ffffffen }],
  ['adc x0, x1, x2', [0x9a020020], { x1: 0xffffffffffffffffn, x2: 0x0n, f: 0b0010 }, { x0: 0x0n }],
  ['adc w0, w1, w2', [0x1a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn, f: 0b0010 }, { x0: 0x7fffffffn }],
  ['adcs x0, x1, x2', [0xba020020], { x1: 0xffffffffffffffffn, x2: 0x0n }, { x0: 0xffffffffffffffffn, f: 0b1000 }],
  ['adcs w0, w1, w2', [0x3a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn }, { x0: 0x7ffffffen, f: 0b0010 }],
  ['adcs x0, x1, x2', [0xba020020], { x1: 0xffffffffffffffffn, x2: 0x0n, f: 0b0010 }, { x0: 0x0n, f: 0b0110 }],
  ['adcs w0, w1, w2', [0x3a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn, f: 0b0010 }, { x0: 0x7fffffffn }],
  ['sbc x0, x1, x2', [0xda020020], { x1: 0xffffffffffffffffn, x2: 0x0n }, { x0: 0xfffffffffffffffen }],
  ['sbc w0, w1, w2', [0x5a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn }, { x0: 0x7fffffffn }],
  ['sbc x0, x1, x2', [0xda020020], { x1: 0xffffffffffffffffn, x2: 0x0n, f: 0b0010 }, { x0: 0xffffffffffffffffn }],
  ['sbc w0, w1, w2', [0x5a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn, f: 0b0010 }, { x0: 0x80000000n }],
  ['sbcs x0, x1, x2', [0xfa020020], { x1: 0xffffffffffffffffn, x2: 0x0n }, { x0: 0xfffffffffffffffen, f: 0b1010 }],
  ['sbcs w0, w1, w2', [0x7a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn }, { x0: 0x7fffffffn }],
  ['sbcs x0, x1, x2', [0xfa020020], { x1: 0xffffffffffffffffn, x2: 0x0n, f: 0b0010 }, { x0: 0xffffffffffffffffn, f: 0b1010 }],
  ['sbcs w0, w1, w2', [0x7a020020], { x0: 0xffffffffffffffffn, x1: 0x7fffffffn, x2: 0xffffffffn, f: 0b0010 }, { x0: 0x80000000n, f: 0b1001 }],
  ['adcs x0, x1, x2', [0xba020020], { x1: 0x7fffffffffffffffn, x2: 0x0n, f: 0b0010 }, { x0: 0x8000000000000000n, f: 0b1001 }],
  ['sbcs x0, x1, x2', [0xfa020020], { x1: 0x0n, x2: 0x0n }, { x0: 0xffffffffffffffffn, f: 0b1000 }],
  ['sbcs x0, x1, x2', [0xfa020020], { x1: 0x0n, x2: 0x0n, f: 0b0010 }, { x0: 0x0n, f: 0b0110 }],
  ['sbcs w0, w1, w2', [0x7a020020], { x1: 0x80000000n, x2: 0x0n }, { x0: 0x7fffffffn, f: 0b0011 }],
  ['ngc x0, x1', [0xda0103e0], { x1: 0x5n, f: 0b0010 }, { x0: 0xfffffffffffffffbn }],
  ['ngcs w0, w1', [0x7a0103e0], { x1: 0x0n }, { x0: 0xffffffffn, f: 0b1000 }],
  ['ccmp x1, x2, #0x5, eq', [0xfa420025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, eq', [0x3a5f082a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1000 }],
  ['ccmp x1, x2, #0x5, eq', [0xfa420025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0101 }],
  ['ccmn w1, #0x1f, #0xa, eq', [0x3a5f082a], { x1: 0xffffffe0n, f: 0b1000 }, { f: 0b1010 }],
  ['ccmp x1, x2, #0x5, ne', [0xfa421025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0101 }],
  ['ccmn w1, #0x1f, #0xa, ne', [0x3a5f182a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1010 }],
  ['ccmp x1, x2, #0x5, ne', [0xfa421025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, ne', [0x3a5f182a], { x1: 0xffffffe0n, f: 0b1000 }, {  }],
  ['ccmp x1, x2, #0x5, hi', [0xfa428025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0101 }],
  ['ccmn w1, #0x1f, #0xa, hi', [0x3a5f882a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1010 }],
  ['ccmp x1, x2, #0x5, hi', [0xfa428025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0101 }],
  ['ccmn w1, #0x1f, #0xa, hi', [0x3a5f882a], { x1: 0xffffffe0n, f: 0b1000 }, { f: 0b1010 }],
  ['ccmp x1, x2, #0x5, ls', [0xfa429025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, ls', [0x3a5f982a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1000 }],
  ['ccmp x1, x2, #0x5, ls', [0xfa429025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, ls', [0x3a5f982a], { x1: 0xffffffe0n, f: 0b1000 }, {  }],
  ['ccmp x1, x2, #0x5, ge', [0xfa42a025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, ge', [0x3a5fa82a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1000 }],
  ['ccmp x1, x2, #0x5, ge', [0xfa42a025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0101 }],
  ['ccmn w1, #0x1f, #0xa, ge', [0x3a5fa82a], { x1: 0xffffffe0n, f: 0b1000 }, { f: 0b1010 }],
  ['ccmp x1, x2, #0x5, lt', [0xfa42b025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0101 }],
  ['ccmn w1, #0x1f, #0xa, lt', [0x3a5fb82a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1010 }],
  ['ccmp x1, x2, #0x5, lt', [0xfa42b025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, lt', [0x3a5fb82a], { x1: 0xffffffe0n, f: 0b1000 }, {  }],
  ['ccmp x1, x2, #0x5, al', [0xfa42e025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, al', [0x3a5fe82a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1000 }],
  ['ccmp x1, x2, #0x5, al', [0xfa42e025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, al', [0x3a5fe82a], { x1: 0xffffffe0n, f: 0b1000 }, {  }],
  ['ccmp x1, x2, #0x5, nv', [0xfa42f025], { x1: 0x2n, x2: 0x1n, f: 0b0110 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, nv', [0x3a5ff82a], { x1: 0xffffffe0n, f: 0b0110 }, { f: 0b1000 }],
  ['ccmp x1, x2, #0x5, nv', [0xfa42f025], { x1: 0x2n, x2: 0x1n, f: 0b1000 }, { f: 0b0010 }],
  ['ccmn w1, #0x1f, #0xa, nv', [0x3a5ff82a], { x1: 0xffffffe0n, f: 0b1000 }, {  }],
  ['ccmp x1, #0x1, #0x0, cs', [0xfa412820], { x1: 0x0n, f: 0b0010 }, { f: 0b1000 }],
  ['ccmp w1, w2, #0xf, cc', [0x7a42302f], { x1: 0x80000000n, x2: 0x1n }, { f: 0b0011 }],
  ['ccmn x1, x2, #0x0, mi', [0xba424020], { x1: 0x7fffffffffffffffn, x2: 0x7fffffffffffffffn, f: 0b1000 }, { f: 0b1001 }],
  ['ccmp xzr, x2, #0x2, vs', [0xfa4263e2], { x2: 0x1n, f: 0b0001 }, { f: 0b1000 }],
  ['csinc x0, x1, x2, eq', [0x9a820420], { x1: 0xan, x2: 0x14n }, { x0: 0x15n }],
  ['csinc w0, w1, w2, ne', [0x1a821420], { x0: 0xffffffffffffffffn, x1: 0xan, x2: 0x80000000n }, { x0: 0xan }],
  ['csinc x0, x1, x2, eq', [0x9a820420], { x1: 0xan, x2: 0x14n, f: 0b0100 }, { x0: 0xan }],
  ['csinc w0, w1, w2, ne', [0x1a821420], { x0: 0xffffffffffffffffn, x1: 0xan, x2: 0x80000000n, f: 0b0100 }, { x0: 0x80000001n }],
  ['csinv x0, x1, x2, eq', [0xda820020], { x1: 0xan, x2: 0x14n }, { x0: 0xffffffffffffffebn }],
  ['csinv w0, w1, w2, ne', [0x5a821020], { x0: 0xffffffffffffffffn, x1: 0xan, x2: 0x80000000n }, { x0: 0xan }],
  ['csinv x0, x1, x2, eq', [0xda820020], { x1: 0xan, x2: 0x14n, f: 0b0100 }, { x0: 0xan }],
  ['csinv w0, w1, w2, ne', [0x5a821020], { x0: 0xffffffffffffffffn, x1: 0xan, x2: 0x80000000n, f: 0b0100 }, { x0: 0x7fffffffn }],
  ['csneg x0, x1, x2, eq', [0xda820420], { x1: 0xan, x2: 0x14n }, { x0: 0xffffffffffffffecn }],
  ['csneg w0, w1, w2, ne', [0x5a821420], { x0: 0xffffffffffffffffn, x1: 0xan, x2: 0x80000000n }, { x0: 0xan }],
  ['csneg x0, x1, x2, eq', [0xda820420], { x1: 0xan, x2: 0x14n, f: 0b0100 }, { x0: 0xan }],
  ['csneg w0, w1, w2, ne', [0x5a821420], { x0: 0xffffffffffffffffn, x1: 0xan, x2: 0x80000000n, f: 0b0100 }, { x0: 0x80000000n }],
  ['csinc x0, x1, x2, ne', [0x9a821420], { x1: 0x1n, x2: 0xffffffffffffffffn }, { x0: 0x1n }],
  ['cset x0, eq', [0x9a9f17e0], { x0: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['cset w0, ne', [0x1a9f07e0], { x0: 0xffffffffffffffffn }, { x0: 0x1n }],
  ['csetm x0, eq', [0xda9f13e0], {  }, { x0: 0x0n }],
  ['csetm w0, hi', [0x5a9f93e0], { x0: 0x7n, f: 0b0010 }, { x0: 0xffffffffn }],
  ['cinc x0, x1, eq', [0x9a811420], { x1: 0xffffffffffffffffn }, { x0: 0xffffffffffffffffn }],
  ['cinv w0, w1, eq', [0x5a811020], { x1: 0x5n }, { x0: 0x5n }],
  ['cneg x0, x1, eq', [0xda811420], { x1: 0x5n }, { x0: 0x5n }],
  ['cneg w0, w1, lt', [0x5a81a420], { x1: 0x80000000n, f: 0b1000 }, { x0: 0x80000000n }],
  ['cset x0, eq', [0x9a9f17e0], { x0: 0xffffffffffffffffn, f: 0b0100 }, { x0: 0x1n }],
  ['cset w0, ne', [0x1a9f07e0], { x0: 0xffffffffffffffffn, f: 0b0100 }, { x0: 0x0n }],
  ['csetm x0, eq', [0xda9f13e0], { f: 0b0100 }, { x0: 0xffffffffffffffffn }],
  ['csetm w0, hi', [0x5a9f93e0], { x0: 0x7n, f: 0b0110 }, { x0: 0x0n }],
  ['cinc x0, x1, eq', [0x9a811420], { x1: 0xffffffffffffffffn, f: 0b0100 }, { x0: 0x0n }],
  ['cinv w0, w1, eq', [0x5a811020], { x1: 0x5n, f: 0b0100 }, { x0: 0xfffffffan }],
  ['cneg x0, x1, eq', [0xda811420], { x1: 0x5n, f: 0b0100 }, { x0: 0xfffffffffffffffbn }],
  ['cneg w0, w1, lt', [0x5a81a420], { x1: 0x80000000n, f: 0b1100 }, { x0: 0x80000000n }],
  ['csinc x0, x1, x2, al', [0x9a82e420], { x1: 0x3n, x2: 0x9n, f: 0b0100 }, { x0: 0x3n }],
  ['csneg w0, w1, w2, nv', [0x5a82f420], { x1: 0x3n, x2: 0x9n }, { x0: 0x3n }],
  ['csinc x0, xzr, xzr, al', [0x9a9fe7e0], { x0: 0x9n }, { x0: 0x0n }],
  ['csinv x0, xzr, xzr, nv', [0xda9ff3e0], { x0: 0x9n }, { x0: 0x0n }],
  ['rbit x0, x1', [0xdac00020], { x1: 0x0n }, { x0: 0x0n }],
  ['rev16 x0, x1', [0xdac00420], { x1: 0x0n }, { x0: 0x0n }],
  ['rev32 x0, x1', [0xdac00820], { x1: 0x0n }, { x0: 0x0n }],
  ['rev x0, x1', [0xdac00c20], { x1: 0x0n }, { x0: 0x0n }],
  ['clz x0, x1', [0xdac01020], { x1: 0x0n }, { x0: 0x40n }],
  ['cls x0, x1', [0xdac01420], { x1: 0x0n }, { x0: 0x3fn }],
  ['rbit w0, w1', [0x5ac00020], { x0: 0xffffffffffffffffn, x1: 0x0n }, { x0: 0x0n }],
  ['rev16 w0, w1', [0x5ac00420], { x0: 0xffffffffffffffffn, x1: 0x0n }, { x0: 0x0n }],
  ['rev w0, w1', [0x5ac00820], { x0: 0xffffffffffffffffn, x1: 0x0n }, { x0: 0x0n }],
  ['clz w0, w1', [0x5ac01020], { x0: 0xffffffffffffffffn, x1: 0x0n }, { x0: 0x20n }],
  ['cls w0, w1', [0x5ac01420], { x0: 0xffffffffffffffffn, x1: 0x0n }, { x0: 0x1fn }],
  ['rbit x0, x1', [0xdac00020], { x1: 0xffffffffffffffffn }, { x0: 0xffffffffffffffffn }],
  ['rev16 x0, x1', [0xdac00420], { x1: 0xffffffffffffffffn }, { x0: 0xffffffffffffffffn }],
  ['rev32 x0, x1', [0xdac00820], { x1: 0xffffffffffffffffn }, { x0: 0xffffffffffffffffn }],
  ['rev x0, x1', [0xdac00c20], { x1: 0xffffffffffffffffn }, { x0: 0xffffffffffffffffn }],
  ['clz x0, x1', [0xdac01020], { x1: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['cls x0, x1', [0xdac01420], { x1: 0xffffffffffffffffn }, { x0: 0x3fn }],
  ['rbit w0, w1', [0x5ac00020], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn }, { x0: 0xffffffffn }],
  ['rev16 w0, w1', [0x5ac00420], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn }, { x0: 0xffffffffn }],
  ['rev w0, w1', [0x5ac00820], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn }, { x0: 0xffffffffn }],
  ['clz w0, w1', [0x5ac01020], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['cls w0, w1', [0x5ac01420], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn }, { x0: 0x1fn }],
  ['rbit x0, x1', [0xdac00020], { x1: 0x123456789abcdefn }, { x0: 0xf7b3d591e6a2c480n }],
  ['rev16 x0, x1', [0xdac00420], { x1: 0x123456789abcdefn }, { x0: 0x23016745ab89efcdn }],
  ['rev32 x0, x1', [0xdac00820], { x1: 0x123456789abcdefn }, { x0: 0x67452301efcdab89n }],
  ['rev x0, x1', [0xdac00c20], { x1: 0x123456789abcdefn }, { x0: 0xefcdab8967452301n }],
  ['clz x0, x1', [0xdac01020], { x1: 0x123456789abcdefn }, { x0: 0x7n }],
  ['cls x0, x1', [0xdac01420], { x1: 0x123456789abcdefn }, { x0: 0x6n }],
  ['rbit w0, w1', [0x5ac00020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn }, { x0: 0xf7b3d591n }],
  ['rev16 w0, w1', [0x5ac00420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn }, { x0: 0xab89efcdn }],
  ['rev w0, w1', [0x5ac00820], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn }, { x0: 0xefcdab89n }],
  ['clz w0, w1', [0x5ac01020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn }, { x0: 0x0n }],
  ['cls w0, w1', [0x5ac01420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn }, { x0: 0x0n }],
  ['rbit x0, x1', [0xdac00020], { x1: 0x8000f0000000n }, { x0: 0xf00010000n }],
  ['rev16 x0, x1', [0xdac00420], { x1: 0x8000f0000000n }, { x0: 0x8000f00000n }],
  ['rev32 x0, x1', [0xdac00820], { x1: 0x8000f0000000n }, { x0: 0x800000000000f0n }],
  ['rev x0, x1', [0xdac00c20], { x1: 0x8000f0000000n }, { x0: 0xf000800000n }],
  ['clz x0, x1', [0xdac01020], { x1: 0x8000f0000000n }, { x0: 0x10n }],
  ['cls x0, x1', [0xdac01420], { x1: 0x8000f0000000n }, { x0: 0xfn }],
  ['rbit w0, w1', [0x5ac00020], { x0: 0xffffffffffffffffn, x1: 0x8000f0000000n }, { x0: 0xfn }],
  ['rev16 w0, w1', [0x5ac00420], { x0: 0xffffffffffffffffn, x1: 0x8000f0000000n }, { x0: 0xf00000n }],
  ['rev w0, w1', [0x5ac00820], { x0: 0xffffffffffffffffn, x1: 0x8000f0000000n }, { x0: 0xf0n }],
  ['clz w0, w1', [0x5ac01020], { x0: 0xffffffffffffffffn, x1: 0x8000f0000000n }, { x0: 0x0n }],
  ['cls w0, w1', [0x5ac01420], { x0: 0xffffffffffffffffn, x1: 0x8000f0000000n }, { x0: 0x3n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x7n, x2: 0x2n }, { x0: 0x3n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x7n, x2: 0x2n }, { x0: 0x3n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x7n, x2: 0x2n }, { x0: 0x3n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x7n, x2: 0x2n }, { x0: 0x3n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0xfffffffffffffff9n, x2: 0x2n }, { x0: 0x7ffffffffffffffcn }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0xfffffffffffffff9n, x2: 0x2n }, { x0: 0x7ffffffcn }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0xfffffffffffffff9n, x2: 0x2n }, { x0: 0xfffffffffffffffdn }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0xfffffffffffffff9n, x2: 0x2n }, { x0: 0xfffffffdn }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x7n, x2: 0xfffffffffffffffen }, { x0: 0x0n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x7n, x2: 0xfffffffffffffffen }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x7n, x2: 0xfffffffffffffffen }, { x0: 0xfffffffffffffffdn }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x7n, x2: 0xfffffffffffffffen }, { x0: 0xfffffffdn }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x0n, x2: 0x0n }, { x0: 0x0n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x0n, x2: 0x0n }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x0n, x2: 0x0n }, { x0: 0x0n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x0n, x2: 0x0n }, { x0: 0x0n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x5n, x2: 0x0n }, { x0: 0x0n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x5n, x2: 0x0n }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x5n, x2: 0x0n }, { x0: 0x0n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x5n, x2: 0x0n }, { x0: 0x0n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x8000000000000000n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn }, { x0: 0x8000000000000000n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x8000000000000000n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x8000000000000000n, x2: 0x1n }, { x0: 0x8000000000000000n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x8000000000000000n, x2: 0x1n }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x8000000000000000n, x2: 0x1n }, { x0: 0x8000000000000000n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x8000000000000000n, x2: 0x1n }, { x0: 0x0n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0xffffffffffffffffn, x2: 0x3n }, { x0: 0x5555555555555555n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn, x2: 0x3n }, { x0: 0x55555555n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0xffffffffffffffffn, x2: 0x3n }, { x0: 0x0n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn, x2: 0x3n }, { x0: 0x0n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x1n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x1n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x1n, x2: 0xffffffffffffffffn }, { x0: 0xffffffffffffffffn }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x1n, x2: 0xffffffffffffffffn }, { x0: 0xffffffffn }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0x80000000n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0x80000000n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0x80000000n, x2: 0xffffffffffffffffn }, { x0: 0xffffffff80000000n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0x80000000n, x2: 0xffffffffffffffffn }, { x0: 0x80000000n }],
  ['udiv x0, x1, x2', [0x9ac20820], { x1: 0xffffffff80000000n, x2: 0xffffffffn }, { x0: 0x100000000n }],
  ['udiv w0, w1, w2', [0x1ac20820], { x0: 0xffffffffffffffffn, x1: 0xffffffff80000000n, x2: 0xffffffffn }, { x0: 0x0n }],
  ['sdiv x0, x1, x2', [0x9ac20c20], { x1: 0xffffffff80000000n, x2: 0xffffffffn }, { x0: 0x0n }],
  ['sdiv w0, w1, w2', [0x1ac20c20], { x0: 0xffffffffffffffffn, x1: 0xffffffff80000000n, x2: 0xffffffffn }, { x0: 0x80000000n }],
  ['lsl x0, x1, x2', [0x9ac22020], { x1: 0x8123456789abcdefn, x2: 0x0n }, { x0: 0x8123456789abcdefn }],
  ['lsl w0, w1, w2', [0x1ac22020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x0n }, { x0: 0x89abcdefn }],
  ['lsr x0, x1, x2', [0x9ac22420], { x1: 0x8123456789abcdefn, x2: 0x0n }, { x0: 0x8123456789abcdefn }],
  ['lsr w0, w1, w2', [0x1ac22420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x0n }, { x0: 0x89abcdefn }],
  ['asr x0, x1, x2', [0x9ac22820], { x1: 0x8123456789abcdefn, x2: 0x0n }, { x0: 0x8123456789abcdefn }],
  ['asr w0, w1, w2', [0x1ac22820], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x0n }, { x0: 0x89abcdefn }],
  ['ror x0, x1, x2', [0x9ac22c20], { x1: 0x8123456789abcdefn, x2: 0x0n }, { x0: 0x8123456789abcdefn }],
  ['ror w0, w1, w2', [0x1ac22c20], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x0n }, { x0: 0x89abcdefn }],
  ['lsl x0, x1, x2', [0x9ac22020], { x1: 0x8123456789abcdefn, x2: 0x1fn }, { x0: 0xc4d5e6f780000000n }],
  ['lsl w0, w1, w2', [0x1ac22020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x1fn }, { x0: 0x80000000n }],
  ['lsr x0, x1, x2', [0x9ac22420], { x1: 0x8123456789abcdefn, x2: 0x1fn }, { x0: 0x102468acfn }],
  ['lsr w0, w1, w2', [0x1ac22420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x1fn }, { x0: 0x1n }],
  ['asr x0, x1, x2', [0x9ac22820], { x1: 0x8123456789abcdefn, x2: 0x1fn }, { x0: 0xffffffff02468acfn }],
  ['asr w0, w1, w2', [0x1ac22820], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x1fn }, { x0: 0xffffffffn }],
  ['ror x0, x1, x2', [0x9ac22c20], { x1: 0x8123456789abcdefn, x2: 0x1fn }, { x0: 0x13579bdf02468acfn }],
  ['ror w0, w1, w2', [0x1ac22c20], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x1fn }, { x0: 0x13579bdfn }],
  ['lsl x0, x1, x2', [0x9ac22020], { x1: 0x8123456789abcdefn, x2: 0x20n }, { x0: 0x89abcdef00000000n }],
  ['lsl w0, w1, w2', [0x1ac22020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x20n }, { x0: 0x89abcdefn }],
  ['lsr x0, x1, x2', [0x9ac22420], { x1: 0x8123456789abcdefn, x2: 0x20n }, { x0: 0x81234567n }],
  ['lsr w0, w1, w2', [0x1ac22420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x20n }, { x0: 0x89abcdefn }],
  ['asr x0, x1, x2', [0x9ac22820], { x1: 0x8123456789abcdefn, x2: 0x20n }, { x0: 0xffffffff81234567n }],
  ['asr w0, w1, w2', [0x1ac22820], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x20n }, { x0: 0x89abcdefn }],
  ['ror x0, x1, x2', [0x9ac22c20], { x1: 0x8123456789abcdefn, x2: 0x20n }, { x0: 0x89abcdef81234567n }],
  ['ror w0, w1, w2', [0x1ac22c20], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x20n }, { x0: 0x89abcdefn }],
  ['lsl x0, x1, x2', [0x9ac22020], { x1: 0x8123456789abcdefn, x2: 0x3fn }, { x0: 0x8000000000000000n }],
  ['lsl w0, w1, w2', [0x1ac22020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x3fn }, { x0: 0x80000000n }],
  ['lsr x0, x1, x2', [0x9ac22420], { x1: 0x8123456789abcdefn, x2: 0x3fn }, { x0: 0x1n }],
  ['lsr w0, w1, w2', [0x1ac22420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x3fn }, { x0: 0x1n }],
  ['asr x0, x1, x2', [0x9ac22820], { x1: 0x8123456789abcdefn, x2: 0x3fn }, { x0: 0xffffffffffffffffn }],
  ['asr w0, w1, w2', [0x1ac22820], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x3fn }, { x0: 0xffffffffn }],
  ['ror x0, x1, x2', [0x9ac22c20], { x1: 0x8123456789abcdefn, x2: 0x3fn }, { x0: 0x2468acf13579bdfn }],
  ['ror w0, w1, w2', [0x1ac22c20], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x3fn }, { x0: 0x13579bdfn }],
  ['lsl x0, x1, x2', [0x9ac22020], { x1: 0x8123456789abcdefn, x2: 0x40n }, { x0: 0x8123456789abcdefn }],
  ['lsl w0, w1, w2', [0x1ac22020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x40n }, { x0: 0x89abcdefn }],
  ['lsr x0, x1, x2', [0x9ac22420], { x1: 0x8123456789abcdefn, x2: 0x40n }, { x0: 0x8123456789abcdefn }],
  ['lsr w0, w1, w2', [0x1ac22420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x40n }, { x0: 0x89abcdefn }],
  ['asr x0, x1, x2', [0x9ac22820], { x1: 0x8123456789abcdefn, x2: 0x40n }, { x0: 0x8123456789abcdefn }],
  ['asr w0, w1, w2', [0x1ac22820], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x40n }, { x0: 0x89abcdefn }],
  ['ror x0, x1, x2', [0x9ac22c20], { x1: 0x8123456789abcdefn, x2: 0x40n }, { x0: 0x8123456789abcdefn }],
  ['ror w0, w1, w2', [0x1ac22c20], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0x40n }, { x0: 0x89abcdefn }],
  ['lsl x0, x1, x2', [0x9ac22020], { x1: 0x8123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0x8000000000000000n }],
  ['lsl w0, w1, w2', [0x1ac22020], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0x80000000n }],
  ['lsr x0, x1, x2', [0x9ac22420], { x1: 0x8123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0x1n }],
  ['lsr w0, w1, w2', [0x1ac22420], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0x1n }],
  ['asr x0, x1, x2', [0x9ac22820], { x1: 0x8123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0xffffffffffffffffn }],
  ['asr w0, w1, w2', [0x1ac22820], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0xffffffffn }],
  ['ror x0, x1, x2', [0x9ac22c20], { x1: 0x8123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0x2468acf13579bdfn }],
  ['ror w0, w1, w2', [0x1ac22c20], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn, x2: 0xffffffffffffffffn }, { x0: 0x13579bdfn }],
  ['crc32b w0, w1, w2', [0x1ac24020], { x0: 0xffffffffffffffffn, x1: 0xabcdffffffffn, x2: 0x3837363534333231n }, { x0: 0x7c231048n }],
  ['crc32b w0, w1, w2', [0x1ac24020], { x0: 0xffffffffffffffffn, x1: 0xabcd12345678n, x2: 0xffffffffffffffffn }, { x0: 0x73ce22d5n }],
  ['crc32h w0, w1, w2', [0x1ac24420], { x0: 0xffffffffffffffffn, x1: 0xabcdffffffffn, x2: 0x3837363534333231n }, { x0: 0xb0acbb32n }],
  ['crc32h w0, w1, w2', [0x1ac24420], { x0: 0xffffffffffffffffn, x1: 0xabcd12345678n, x2: 0xffffffffffffffffn }, { x0: 0xdbc807f4n }],
  ['crc32w w0, w1, w2', [0x1ac24820], { x0: 0xffffffffffffffffn, x1: 0xabcdffffffffn, x2: 0x3837363534333231n }, { x0: 0x641c1f5cn }],
  ['crc32w w0, w1, w2', [0x1ac24820], { x0: 0xffffffffffffffffn, x1: 0xabcd12345678n, x2: 0xffffffffffffffffn }, { x0: 0x5092782dn }],
  ['crc32cb w0, w1, w2', [0x1ac25020], { x0: 0xffffffffffffffffn, x1: 0xabcdffffffffn, x2: 0x3837363534333231n }, { x0: 0x6f0a661cn }],
  ['crc32cb w0, w1, w2', [0x1ac25020], { x0: 0xffffffffffffffffn, x1: 0xabcd12345678n, x2: 0xffffffffffffffffn }, { x0: 0x562e6bc5n }],
  ['crc32ch w0, w1, w2', [0x1ac25420], { x0: 0xffffffffffffffffn, x1: 0xabcdffffffffn, x2: 0x3837363534333231n }, { x0: 0x8caa3b9fn }],
  ['crc32ch w0, w1, w2', [0x1ac25420], { x0: 0xffffffffffffffffn, x1: 0xabcd12345678n, x2: 0xffffffffffffffffn }, { x0: 0x5b574fe2n }],
  ['crc32cw w0, w1, w2', [0x1ac25820], { x0: 0xffffffffffffffffn, x1: 0xabcdffffffffn, x2: 0x3837363534333231n }, { x0: 0x9c50b11n }],
  ['crc32cw w0, w1, w2', [0x1ac25820], { x0: 0xffffffffffffffffn, x1: 0xabcd12345678n, x2: 0xffffffffffffffffn }, { x0: 0x4dece20cn }],
  ['crc32x w0, w1, x2', [0x9ac24c20], { x0: 0xffffffffffffffffn, x1: 0xffffffffn, x2: 0x3837363534333231n }, { x0: 0x651f2550n }],
  ['crc32x w0, w1, x2', [0x9ac24c20], { x0: 0xffffffffffffffffn, x1: 0x12345678n, x2: 0xffffffffffffffffn }, { x0: 0xfe1dd784n }],
  ['crc32cx w0, w1, x2', [0x9ac25c20], { x0: 0xffffffffffffffffn, x1: 0xffffffffn, x2: 0x3837363534333231n }, { x0: 0x9f787f65n }],
  ['crc32cx w0, w1, x2', [0x9ac25c20], { x0: 0xffffffffffffffffn, x1: 0x12345678n, x2: 0xffffffffffffffffn }, { x0: 0x8e05945an }],
  ['crc32x w0, w0, x1; crc32b w0, w0, w2; mvn w0, w0', [0x9ac14c00, 0x1ac24000, 0x2a2003e0], { x0: 0xffffffffn, x1: 0x3837363534333231n, x2: 0x39n }, { x0: 0xcbf43926n }],
  ['crc32cx w0, w0, x1; crc32cb w0, w0, w2; mvn w0, w0', [0x9ac15c00, 0x1ac25000, 0x2a2003e0], { x0: 0xffffffffn, x1: 0x3837363534333231n, x2: 0x39n }, { x0: 0xe3069283n }],
  ['crc32w w0, w0, w1; crc32h w0, w0, w3; crc32h w0, w0, w4; crc32b w0, w0, w2; mvn w0, w0', [0x1ac14800, 0x1ac34400, 0x1ac44400, 0x1ac24000, 0x2a2003e0], { x0: 0xffffffffn, x1: 0x34333231n, x2: 0x39n, x3: 0x3635n, x4: 0x3837n }, { x0: 0xcbf43926n }],
  ['madd x0, x1, x2, x3', [0x9b020c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0x1n }],
  ['madd w0, w1, w2, w3', [0x1b020c20], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0x1n }],
  ['msub x0, x1, x2, x3', [0x9b028c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0xffffffffffffffffn }],
  ['msub w0, w1, w2, w3', [0x1b028c20], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0xffffffffn }],
  ['smaddl x0, w1, w2, x3', [0x9b220c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0x1n }],
  ['smsubl x0, w1, w2, x3', [0x9b228c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0xffffffffffffffffn }],
  ['umaddl x0, w1, w2, x3', [0x9ba20c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0xfffffffe00000001n }],
  ['umsubl x0, w1, w2, x3', [0x9ba28c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn, x3: 0x0n }, { x0: 0x1ffffffffn }],
  ['smulh x0, x1, x2', [0x9b427c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['umulh x0, x1, x2', [0x9bc27c20], { x1: 0xffffffffffffffffn, x2: 0xffffffffffffffffn }, { x0: 0xfffffffffffffffen }],
  ['madd x0, x1, x2, x3', [0x9b020c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x8000000000000001n }],
  ['madd w0, w1, w2, w3', [0x1b020c20], { x0: 0xffffffffffffffffn, x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x1n }],
  ['msub x0, x1, x2, x3', [0x9b028c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x8000000000000001n }],
  ['msub w0, w1, w2, w3', [0x1b028c20], { x0: 0xffffffffffffffffn, x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x1n }],
  ['smaddl x0, w1, w2, x3', [0x9b220c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x1n }],
  ['smsubl x0, w1, w2, x3', [0x9b228c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x1n }],
  ['umaddl x0, w1, w2, x3', [0x9ba20c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x1n }],
  ['umsubl x0, w1, w2, x3', [0x9ba28c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn, x3: 0x1n }, { x0: 0x1n }],
  ['smulh x0, x1, x2', [0x9b427c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn }, { x0: 0x0n }],
  ['umulh x0, x1, x2', [0x9bc27c20], { x1: 0x8000000000000000n, x2: 0xffffffffffffffffn }, { x0: 0x7fffffffffffffffn }],
  ['madd x0, x1, x2, x3', [0x9b020c20], { x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0xd77d742cce1833fen }],
  ['madd w0, w1, w2, w3', [0x1b020c20], { x0: 0xffffffffffffffffn, x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0xce1833fen }],
  ['msub x0, x1, x2, x3', [0x9b028c20], { x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0x28828bd331e7ccacn }],
  ['msub w0, w1, w2, w3', [0x1b028c20], { x0: 0xffffffffffffffffn, x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0x31e7ccacn }],
  ['smaddl x0, w1, w2, x3', [0x9b220c20], { x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0xef6225b1ce1833fen }],
  ['smsubl x0, w1, w2, x3', [0x9b228c20], { x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0x109dda4e31e7ccacn }],
  ['umaddl x0, w1, w2, x3', [0x9ba20c20], { x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0x12a78d3ace1833fen }],
  ['umsubl x0, w1, w2, x3', [0x9ba28c20], { x1: 0x123456789n, x2: 0x987654321n, x3: 0x55n }, { x0: 0xed5872c531e7ccacn }],
  ['smulh x0, x1, x2', [0x9b427c20], { x1: 0x123456789n, x2: 0x987654321n }, { x0: 0xan }],
  ['umulh x0, x1, x2', [0x9bc27c20], { x1: 0x123456789n, x2: 0x987654321n }, { x0: 0xan }],
  ['madd x0, x1, x2, x3', [0x9b020c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0x7fffffff7fffffffn }],
  ['madd w0, w1, w2, w3', [0x1b020c20], { x0: 0xffffffffffffffffn, x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0x7fffffffn }],
  ['msub x0, x1, x2, x3', [0x9b028c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0x800000007fffffffn }],
  ['msub w0, w1, w2, w3', [0x1b028c20], { x0: 0xffffffffffffffffn, x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0x7fffffffn }],
  ['smaddl x0, w1, w2, x3', [0x9b220c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0x7fffffffn }],
  ['smsubl x0, w1, w2, x3', [0x9b228c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0xffffffff7fffffffn }],
  ['umaddl x0, w1, w2, x3', [0x9ba20c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0x7fffffff7fffffffn }],
  ['umsubl x0, w1, w2, x3', [0x9ba28c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n, x3: 0xffffffffffffffffn }, { x0: 0x800000007fffffffn }],
  ['smulh x0, x1, x2', [0x9b427c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n }, { x0: 0xffffffffc0000000n }],
  ['umulh x0, x1, x2', [0x9bc27c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n }, { x0: 0x40000000n }],
  ['mul x0, x1, x2', [0x9b027c20], { x1: 0x123456789n, x2: 0x987654321n }, { x0: 0xd77d742cce1833a9n }],
  ['mneg x0, x1, x2', [0x9b02fc20], { x1: 0x123456789n, x2: 0x987654321n }, { x0: 0x28828bd331e7cc57n }],
  ['smull x0, w1, w2', [0x9b227c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n }, { x0: 0x80000000n }],
  ['umull x0, w1, w2', [0x9ba27c20], { x1: 0x80000000ffffffffn, x2: 0x80000000n }, { x0: 0x7fffffff80000000n }],
  ['smnegl x0, w1, w2', [0x9b22fc20], { x1: 0x80000000ffffffffn, x2: 0x80000000n }, { x0: 0xffffffff80000000n }],
  ['umnegl x0, w1, w2', [0x9ba2fc20], { x1: 0x80000000ffffffffn, x2: 0x80000000n }, { x0: 0x8000000080000000n }],
  ['mul w0, w1, w2', [0x1b027c20], { x0: 0xffffffffffffffffn, x1: 0x10000n, x2: 0x10000n }, { x0: 0x0n }],
  ['smulh x0, x1, x2', [0x9b420c20], { x1: 0xffffffffffffffffn, x2: 0x2n, x3: 0x64n }, { x0: 0xffffffffffffffffn }],
];

// objdump -d output for these words (binutils 2.40), two per line.
const OBJDUMP = `
8b420020 add x0, x1, x2, lsr #0 | 8b1f03e0 add x0, xzr, xzr
ab1f03ff cmn xzr, xzr | eb0203ff cmp xzr, x2
eb0203e0 negs x0, x2 | 4b4213e0 neg w0, w2, lsr #4
8b2163e0 add x0, sp, x1 | 8b2143e0 add x0, sp, w1, uxtw
8b216020 add x0, x1, x1, uxtx | 8b216be0 add x0, sp, x1, lsl #2
8b21681f add sp, x0, x1, lsl #2 | ab2163e0 adds x0, sp, x1
ab21601f cmn x0, x1, uxtx | eb2163ff cmp sp, x1
eb22603f cmp x1, x2, uxtx | 2b2243ff cmn wsp, w2
0b214fe0 add w0, wsp, w1, lsl #3 | 0b214c20 add w0, w1, w1, uxtw #3
2b214fe0 adds w0, wsp, w1, lsl #3 | 2b214c1f cmn w0, w1, uxtw #3
0b226020 add w0, w1, w2, uxtx | 0b226be0 add w0, wsp, w2, uxtx #2
0b22403f add wsp, w1, w2 | cb2193e0 sub x0, sp, w1, sxtb #4
aa0103e0 mov x0, x1 | aa010fe0 orr x0, xzr, x1, lsl #3
aac10040 orr x0, x2, x1, ror #0 | aa2103e0 mvn x0, x1
aae10fe0 mvn x0, x1, ror #3 | 4a2103e0 eon w0, wzr, w1
ea81081f tst x0, x1, asr #2 | ea21001f bics xzr, x0, x1
6a01001f tst w0, w1 | da0103e0 ngc x0, x1
7a1f03e0 ngcs w0, wzr | fa020020 sbcs x0, x1, x2
1a020020 adc w0, w1, w2 | 3a5ff80f ccmn w0, #0x1f, #0xf, nv
fa5fe000 ccmp x0, xzr, #0x0, al | 9a9f17e0 cset x0, eq // eq = none
9a9fe7e0 csinc x0, xzr, xzr, al | 9a811420 cinc x0, x1, eq // eq = none
9a81f420 csinc x0, x1, x1, nv | 9a9f0420 csinc x0, x1, xzr, eq // eq = none
9a8107e0 csinc x0, xzr, x1, eq // eq = none | 5a9fb3e0 csetm w0, ge // ge = tcont
5a9ff3e0 csinv w0, wzr, wzr, nv | 5a818020 cinv w0, w1, ls // ls = plast
da9fb7e0 cneg x0, xzr, ge // ge = tcont | da81b420 cneg x0, x1, ge // ge = tcont
da81e420 csneg x0, x1, x1, al | 9a812020 csel x0, x1, x1, cs // cs = hs, nlast
dac00820 rev32 x0, x1 | dac00c20 rev x0, x1
5ac00820 rev w0, w1 | dac00420 rev16 x0, x1
5ac013ff clz wzr, wzr | 9ac20820 udiv x0, x1, x2
1adf0c20 sdiv w0, w1, wzr | 9ac22020 lsl x0, x1, x2
1ac22420 lsr w0, w1, w2 | 9ac22820 asr x0, x1, x2
1ac22c20 ror w0, w1, w2 | 9ac24c20 crc32x w0, w1, x2
9adf5fff crc32cx wzr, wzr, xzr | 1ac24420 crc32h w0, w1, w2
1ac25820 crc32cw w0, w1, w2 | 1b027c20 mul w0, w1, w2
9b02fc20 mneg x0, x1, x2 | 9b028c20 msub x0, x1, x2, x3
9b227c20 smull x0, w1, w2 | 9b22fc20 smnegl x0, w1, w2
9ba27c20 umull x0, w1, w2 | 9ba2fc20 umnegl x0, w1, w2
9b220c20 smaddl x0, w1, w2, x3 | 9ba28c20 umsubl x0, w1, w2, x3
9b427c20 smulh x0, x1, x2 | 9b420c20 smulh x0, x1, x2
9bc27c3f umulh xzr, x1, x2 | 7a430829 ccmp w1, #0x3, #0x9, eq // eq = none
da820420 csneg x0, x1, x2, eq // eq = none | 7a431829 ccmp w1, #0x3, #0x9, ne // ne = any
da821420 csneg x0, x1, x2, ne // ne = any | 7a432829 ccmp w1, #0x3, #0x9, cs // cs = hs, nlast
da822420 csneg x0, x1, x2, cs // cs = hs, nlast | 7a433829 ccmp w1, #0x3, #0x9, cc // cc = lo, ul, last
da823420 csneg x0, x1, x2, cc // cc = lo, ul, last | 7a434829 ccmp w1, #0x3, #0x9, mi // mi = first
da824420 csneg x0, x1, x2, mi // mi = first | 7a435829 ccmp w1, #0x3, #0x9, pl // pl = nfrst
da825420 csneg x0, x1, x2, pl // pl = nfrst | 7a436829 ccmp w1, #0x3, #0x9, vs
da826420 csneg x0, x1, x2, vs | 7a437829 ccmp w1, #0x3, #0x9, vc
da827420 csneg x0, x1, x2, vc | 7a438829 ccmp w1, #0x3, #0x9, hi // hi = pmore
da828420 csneg x0, x1, x2, hi // hi = pmore | 7a439829 ccmp w1, #0x3, #0x9, ls // ls = plast
da829420 csneg x0, x1, x2, ls // ls = plast | 7a43a829 ccmp w1, #0x3, #0x9, ge // ge = tcont
da82a420 csneg x0, x1, x2, ge // ge = tcont | 7a43b829 ccmp w1, #0x3, #0x9, lt // lt = tstop
da82b420 csneg x0, x1, x2, lt // lt = tstop | 7a43c829 ccmp w1, #0x3, #0x9, gt
da82c420 csneg x0, x1, x2, gt | 7a43d829 ccmp w1, #0x3, #0x9, le
da82d420 csneg x0, x1, x2, le | 7a43e829 ccmp w1, #0x3, #0x9, al
da82e420 csneg x0, x1, x2, al | 7a43f829 ccmp w1, #0x3, #0x9, nv
da82f420 csneg x0, x1, x2, nv | 0b1f015f add wzr, w10, wzr
0b1f7bff add wzr, wzr, wzr, lsl #30 | 0b450cc9 add w9, w6, w5, lsr #3
2b05024c adds w12, w18, w5 | 2b0d501d adds w29, w0, w13, lsl #20
2b1f7eff cmn w23, wzr, lsl #31 | ab50ebff cmn xzr, x16, lsr #58
2b4b3bf1 adds w17, wzr, w11, lsr #14 | 4b1f035f sub wzr, w26, wzr
4b0125df sub wzr, w14, w1, lsl #9 | cb1eebf0 neg x16, x30, lsl #58
4b8d7f9f sub wzr, w28, w13, asr #31 | 4b9f03ff neg wzr, wzr, asr #0
6b1f03f8 negs w24, wzr | 6b1c06a6 subs w6, w21, w28, lsl #1
eb1fe7fe negs x30, xzr, lsl #57 | 6b192bff cmp wzr, w25, lsl #10
6b9563ff cmp wzr, w21, asr #24 | 6b9d7450 subs w16, w2, w29, asr #29
eb5f17fc negs x28, xzr, lsr #5 | 8b120292 add x18, x20, x18
8b1fe730 add x16, x25, xzr, lsl #57 | 8b9f4e5f add xzr, x18, xzr, asr #19
ab1f03f3 adds x19, xzr, xzr | ab1cbbf3 adds x19, xzr, x28, lsl #46
ab5f47ee adds x14, xzr, xzr, lsr #17 | cb0803a5 sub x5, x29, x8
cb12fa4c sub x12, x18, x18, lsl #62 | cb48aadf sub xzr, x22, x8, lsr #42
eb1f03ff cmp xzr, xzr | eb018d64 subs x4, x11, x1, lsl #35
eb96b052 subs x18, x2, x22, asr #44 | 0b31afff add wsp, wsp, w17, sxth #3
0b294630 add w16, w17, w9, uxtw #1 | 0b3650ff add wsp, w7, w22, lsl #4
0b3f6ff7 add w23, wsp, wzr, uxtx #3 | 8b3fcaff add sp, x23, wzr, sxtw #2
0b3fecd7 add w23, w6, wzr, sxtx #3 | ab3f92df cmn x22, wzr, sxtb #4
2b3f2678 adds w24, w19, wzr, uxth #1 | 2b2342c0 adds w0, w22, w3, uxtw
ab3e43ff cmn sp, w30, uxtw | 2b3653f6 adds w22, wsp, w22, lsl #4
2b3f6131 adds w17, w9, wzr, uxtx | 2b3d685f cmn w2, w29, uxtx #2
ab27c0ea adds x10, x7, w7, sxtw | 2b34c3ff cmn wsp, w20, sxtw
2b26e5bf cmn w13, w6, sxtx #1 | 2b2ce7f9 adds w25, wsp, w12, sxtx #1
4b3f26a7 sub w7, w21, wzr, uxth #1 | 4b2f4402 sub w2, w0, w15, uxtw #1
4b2d539f sub wsp, w28, w13, lsl #4 | 4b24739f sub wsp, w28, w4, uxtx #4
4b25cf48 sub w8, w26, w5, sxtw #3 | 4b35f3f5 sub w21, wsp, w21, sxtx #4
6b390f5f cmp w26, w25, uxtb #3 | eb292a7a subs x26, x19, w9, uxth #2
eb3f52be subs x30, x21, wzr, uxtw #4 | eb3f44bf cmp x5, wzr, uxtw #1
6b234fee subs w14, wsp, w3, lsl #3 | 6b286bf8 subs w24, wsp, w8, uxtx #2
6b3a6e9f cmp w20, w26, uxtx #3 | 6b29d2ed subs w13, w23, w9, sxtw #4
eb2cc97f cmp x11, w12, sxtw #2 | 6b32e108 subs w8, w8, w18, sxtx
6b3fe99f cmp w12, wzr, sxtx #2 | 8b3f63ff add sp, sp, xzr
8b39651e add x30, x8, x25, uxtx #1 | 8b3f73f6 add x22, sp, xzr, lsl #4
8b20ed0f add x15, x8, x0, sxtx #3 | ab3f6bda adds x26, x30, xzr, uxtx #2
ab26e7eb adds x11, sp, x6, sxtx #1 | cb306d0c sub x12, x8, x16, uxtx #3
cb3f67e2 sub x2, sp, xzr, lsl #1 | cb3febff sub sp, sp, xzr, sxtx #2
eb2a63ff cmp sp, x10 | eb2d687b subs x27, x3, x13, uxtx #2
eb3f73e4 subs x4, sp, xzr, lsl #4 | eb3ff367 subs x7, x27, xzr, sxtx #4
0b3f43ff add wsp, wsp, wzr | 2b1b00bf cmn w5, w27
2b3c43ff cmn wsp, w28 | 2b3f4fff cmn wsp, wzr, lsl #3
4b3743ef sub w15, wsp, w23 | ab3963f1 adds x17, sp, x25
cb3f623f sub sp, x17, xzr | eb0a03a7 subs x7, x29, x10
0a0002c3 and w3, w22, w0 | 0a022506 and w6, w8, w2, lsl #9
0a3903ff bic wzr, wzr, w25 | 0a3b50a2 bic w2, w5, w27, lsl #20
0a4e67e3 and w3, wzr, w14, lsr #25 | 0ab0179f bic wzr, w28, w16, asr #5
2a0f00c6 orr w6, w6, w15 | 2a1f259a orr w26, w12, wzr, lsl #9
2a3f037f orn wzr, w27, wzr | 2a3a5c02 orn w2, w0, w26, lsl #23
aa32f7ec mvn x12, x18, lsl #61 | 2aca23ea orr w10, wzr, w10, ror #8
2ab547ea mvn w10, w21, asr #17 | 2aa000ef orn w15, w7, w0, asr #0
4a12019f eor wzr, w12, w18 | 4a177645 eor w5, w18, w23, lsl #29
4a3101bf eon wzr, w13, w17 | 4a240d36 eon w22, w9, w4, lsl #3
4ad613ef eor w15, wzr, w22, ror #4 | 4a750fad eon w13, w29, w21, lsr #3
6a0c0094 ands w20, w4, w12 | 6a0363c3 ands w3, w30, w3, lsl #24
6a0345bf tst w13, w3, lsl #17 | 6a3f02d1 bics w17, w22, wzr
6a3f77ff bics wzr, wzr, wzr, lsl #29 | 6a515113 ands w19, w8, w17, lsr #20
6a5f0d7f tst w11, wzr, lsr #3 | 6afa781f bics wzr, w0, w26, ror #30
8a1b0134 and x20, x9, x27 | 8a04acb0 and x16, x5, x4, lsl #43
8a3f02ef bic x15, x23, xzr | 8a278fe1 bic x1, xzr, x7, lsl #35
8a93deff and xzr, x23, x19, asr #55 | 8aff03f9 bic x25, xzr, xzr, ror #0
aa13033c orr x28, x25, x19 | aa1f6bf7 orr x23, xzr, xzr, lsl #26
aa3f03ff mvn xzr, xzr | aa3f9bbf orn xzr, x29, xzr, lsl #38
aa5f2469 orr x9, x3, xzr, lsr #9 | aaaf829a orn x26, x20, x15, asr #32
ca11013f eor xzr, x9, x17 | ca1f90e9 eor x9, x7, xzr, lsl #36
ca3a012e eon x14, x9, x26 | ca2afbeb eon x11, xzr, x10, lsl #62
ca929ebf eor xzr, x21, x18, asr #39 | ca6061d4 eon x20, x14, x0, lsr #24
ea1b00d7 ands x23, x6, x27 | ea1a0547 ands x7, x10, x26, lsl #1
ea3c0141 bics x1, x10, x28 | ea26766b bics x11, x19, x6, lsl #29
ea8b4c8f ands x15, x4, x11, asr #19 | ea72f682 bics x2, x20, x18, lsr #61
1a1f03ff adc wzr, wzr, wzr | 3a1f03f1 adcs w17, wzr, wzr
5a180346 sbc w6, w26, w24 | 7a0d02df sbcs wzr, w22, w13
9a0b0253 adc x19, x18, x11 | ba1f03e8 adcs x8, xzr, xzr
da1b02e0 sbc x0, x23, x27 | fa1f006b sbcs x11, x3, xzr
3a581204 ccmn w16, w24, #0x4, ne // ne = any | 3a430b6c ccmn w27, #0x3, #0xc, eq // eq = none
3a5f73e1 ccmn wzr, wzr, #0x1, vc | 3a5f7bec ccmn wzr, #0x1f, #0xc, vc
ba50e1cf ccmn x14, x16, #0xf, al | 3a54eba9 ccmn w29, #0x14, #0x9, al
3a4df3e8 ccmn wzr, w13, #0x8, nv | 3a5afbeb ccmn wzr, #0x1a, #0xb, nv
7a5fa2ad ccmp w21, wzr, #0xd, ge // ge = tcont | 7a5e9be2 ccmp wzr, #0x1e, #0x2, ls // ls = plast
fa4263e6 ccmp xzr, x2, #0x6, vs | 7a5cdbe0 ccmp wzr, #0x1c, #0x0, le
7a5be1a3 ccmp w13, w27, #0x3, al | 7a42e8a1 ccmp w5, #0x2, #0x1, al
7a43f087 ccmp w4, w3, #0x7, nv | 7a5dfa0d ccmp w16, #0x1d, #0xd, nv
ba579be0 ccmn xzr, #0x17, #0x0, ls // ls = plast | ba5fc9e6 ccmn x15, #0x1f, #0x6, gt
ba5aea49 ccmn x18, #0x1a, #0x9, al | ba41f88d ccmn x4, #0x1, #0xd, nv
fa4a5843 ccmp x2, #0xa, #0x3, pl // pl = nfrst | fa5fcaa6 ccmp x21, #0x1f, #0x6, gt
fa40e9a4 ccmp x13, #0x0, #0x4, al | fa5ff908 ccmp x8, #0x1f, #0x8, nv
1a9f1054 csel w20, w2, wzr, ne // ne = any | 1a9fa68c csinc w12, w20, wzr, ge // ge = tcont
1a867339 csel w25, w25, w6, vc | 1a8265cd csinc w13, w14, w2, vs
1a9fc7ea cset w10, le | 1a92e13f csel wzr, w9, w18, al
1a99e7e2 csinc w2, wzr, w25, al | 1a9cf39f csel wzr, w28, w28, nv
1a9cf47f csinc wzr, w3, w28, nv | 5a9c11a5 csinv w5, w13, w28, ne // ne = any
5a89862d csneg w13, w17, w9, hi // hi = pmore | 5a9f43ed csetm w13, pl // pl = nfrst
5a9a5355 cinv w21, w26, mi // mi = first | 5a9f6192 csinv w18, w12, wzr, vs
5a9f65f1 csneg w17, w15, wzr, vs | 5a81e3ed csinv w13, wzr, w1, al
5a8fe638 csneg w24, w17, w15, al | 5a9ff270 csinv w16, w19, wzr, nv
5a9ff75c csneg w28, w26, wzr, nv | 9a9fa19e csel x30, x12, xzr, ge // ge = tcont
9a89166d csinc x13, x19, x9, ne // ne = any | 9a9f27fc cset x28, cc // cc = lo, ul, last
9a99d15b csel x27, x10, x25, le | 9a9f67ff cset xzr, vc
9a87d6ee csinc x14, x23, x7, le | 9a9fe0b4 csel x20, x5, xzr, al
9a8ce63f csinc xzr, x17, x12, al | 9a9ff3ff csel xzr, xzr, xzr, nv
9a9ff7e1 csinc x1, xzr, xzr, nv | da9f0059 csinv x25, x2, xzr, eq // eq = none
da9f8406 csneg x6, x0, xzr, hi // hi = pmore | da9fd232 csinv x18, x17, xzr, le
da9f67f4 cneg x20, xzr, vc | da9777ff csneg xzr, xzr, x23, vc
da9f97e3 cneg x3, xzr, hi // hi = pmore | da9fe3fe csinv x30, xzr, xzr, al
da9fe443 csneg x3, x2, xzr, al | da9ff3f1 csinv x17, xzr, xzr, nv
da8ef4e6 csneg x6, x7, x14, nv | 5ac003ff rbit wzr, wzr
dac00769 rev16 x9, x27 | dac00db4 rev x20, x13
5ac0137f clz wzr, w27 | dac01794 cls x20, x28
dac00bff rev32 xzr, xzr | 1ace0ad4 udiv w20, w22, w14
1ade0fff sdiv wzr, wzr, w30 | 1adf23fe lsl w30, wzr, wzr
1ace2f5f ror wzr, w26, w14 | 1ace41e0 crc32b w0, w15, w14
1ade47e1 crc32h w1, wzr, w30 | 1adf487f crc32w wzr, w3, wzr
1ad35399 crc32cb w25, w28, w19 | 1ad7540b crc32ch w11, w0, w23
1ad35818 crc32cw w24, w0, w19 | 9ac40875 udiv x21, x3, x4
9adf0fe8 sdiv x8, xzr, xzr | 9adf223f lsl xzr, x17, xzr
9add2664 lsr x4, x19, x29 | 9ad44ff5 crc32x w21, wzr, x20
9ad25fe7 crc32cx w7, wzr, x18 | 1b1a7952 madd w18, w10, w26, w30
1b09fc1c mneg w28, w0, w9 | 9b0deb99 msub x25, x28, x13, x26
9b2e0b19 smaddl x25, w24, w14, x2 | 9b3fcbe3 smsubl x3, wzr, wzr, x18
9b5a6ca2 smulh x2, x5, x26 | 9bb657f5 umaddl x21, wzr, w22, x21
9bbee9e9 umsubl x9, w15, w30, x26 | 9bc227e5 umulh x5, xzr, x2
`;
