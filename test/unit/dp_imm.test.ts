// Data processing — immediate: execution through the interpreter and objdump-exact disassembly.
//
// Where the expected values come from:
// - CASES: each case was run under qemu-aarch64 (a generated static program loads x0..x7, NZCV
//   and SP, executes the words, stores them back); its results are pasted here. Registers not
//   named in the input hold BG(i); the output lists what changed (f = NZCV as 4 bits).
// - ADR/ADRP: the Arm ARM (pc + imm; (pc AND NOT 0xfff) + imm << 12), at chosen pcs.
// - OBJDUMP: words and the text GNU objdump 2.40 (aarch64-linux-gnu-objdump -d) prints for them,
//   pasted (npm test does not need binutils); whitespace is normalised before comparing.
import { describe, it, expect } from 'vitest';
import { Cpu, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';
import { BG, SP0, REGS, machine, checkCases, checkObjdump, checkUnallocated, type Case, type Regs } from './harness.js';


describe('dp_imm execution', () => {
  it('matches qemu-aarch64 on every case of the table', () => checkCases(CASES));

  it('adr/adrp add their offset to the pc (adrp: to its 4 KiB page)', () => {
    const flat: Translator = { translate: (vpn) => vpn * 4096 };
    const mem = new Memory(1 << 20, flat);
    const cpu = new Cpu(mem);
    const at = 0x5ffc;
    const cases: [number, bigint][] = [
      [0x10000080, 0x600cn],           // adr x0, .+0x10
      [0x10ffff00, 0x5fdcn],           // adr x0, .-0x20
      [0xb0000020, 0x5000n + 0x5000n], // adrp x0, +5 pages
      [0xb0ffffe0, 0x2000n],           // adrp x0, -3 pages
      [0xf07fffe0, 0x5000n + 0xfffff000n],                    // adrp, largest positive
      [0x90800000, BigInt.asUintN(64, 0x5000n - 0x100000000n)], // adrp, most negative
    ];
    for (const [w, x0] of cases) {
      mem.dv.setUint32(at, w, true);
      cpu.pc = at;
      new Interpreter(cpu, getDecoder()).run(1);   // a new one each time: entries are cached per page
      expect(cpu.getX(0), getDecoder().disasm(w, at)).toBe(x0);
    }
  });

  it('raises UNDEFINED for unallocated encodings', () => checkUnallocated(UNALLOCATED));
});

describe('dp_imm disassembly', () => {
  it('prints what objdump prints', () => expect(checkObjdump(OBJDUMP)).toBe(173));
  it('prints adr/adrp targets from the pc', () => {
    // objdump of `.org 0x1234` followed by these words (its "<.text+…>" symbol part left out).
    const dec = getDecoder();
    const list: [number, number, string][] = [
      [0x1234, 0x10000080, 'adr x0, 1244'], [0x1238, 0xb0000021, 'adrp x1, 6000'],
      [0x123c, 0x10ffff02, 'adr x2, 121c'], [0x1240, 0xb0ffffe3, 'adrp x3, ffffffffffffe000'],
      [0x1244, 0x707ffffe, 'adr x30, 101243'], [0x1248, 0x1080001f, 'adr xzr, fffffffffff01248'],
      [0x124c, 0xf07fffe4, 'adrp x4, 100000000'], [0x1250, 0x90800005, 'adrp x5, ffffffff00001000'],
      [0xfff8, 0xb0000021, 'adrp x1, 14000'],
    ];
    for (const [pc, w, text] of list) expect(dec.disasm(w, pc).replace(/\s+/g, ' ')).toBe(text);
  });
});

// Unallocated encodings (objdump: "undefined").
const UNALLOCATED = [
  0x12400000, // 32-bit logical immediate with N = 1
  0x9240fc00, // logical immediate, reserved all-ones element
  0x32800000, // move wide with opc = 01
  0x52c00000, // 32-bit movz with hw >= 2
  0x73000000, // bitfield with opc = 11
  0x93000000, // bitfield with sf != N
  0x13200000, // 32-bit bitfield with immr >= 32
  0x13208000, // 32-bit bitfield with immr, imms >= 32
  0x93800000, // extr with sf != N
  0x13808000, // 32-bit extr with imms >= 32
];

// Expected results from qemu-aarch64 (see the top of the file).
const CASES: Case[] = [
  ['add x0, x1, #0xfff', [0x913ffc20], { x1: 0x1n }, { x0: 0x1000n }],
  ['add x0, x1, #0x1, lsl #12', [0x91400420], { x1: 0xffffffffffffffffn }, { x0: 0xfffn }],
  ['add w0, w1, #0x10', [0x11004020], { x0: 0xffffffffffffffffn, x1: 0xfffffffffffffff8n }, { x0: 0x8n }],
  ['sub x0, x1, #0x1', [0xd1000420], { x1: 0x0n }, { x0: 0xffffffffffffffffn }],
  ['sub w0, w1, #0xabc, lsl #12', [0x516af020], { x0: 0xffffffffffffffffn, x1: 0x123456789n }, { x0: 0x2299a789n }],
  ['adds x0, x1, #0x1', [0xb1000420], { x1: 0x7fffffffffffffffn }, { x0: 0x8000000000000000n, f: 0b1001 }],
  ['adds x0, x1, #0x1', [0xb1000420], { x1: 0xffffffffffffffffn }, { x0: 0x0n, f: 0b0110 }],
  ['adds w0, w1, #0x1', [0x31000420], { x0: 0xffffffffffffffffn, x1: 0xffffffffn }, { x0: 0x0n, f: 0b0110 }],
  ['adds w0, w1, #0x1', [0x31000420], { x1: 0x7fffffffn }, { x0: 0x80000000n, f: 0b1001 }],
  ['subs x0, x1, #0x1', [0xf1000420], { x1: 0x0n }, { x0: 0xffffffffffffffffn, f: 0b1000 }],
  ['subs x0, x1, #0x1', [0xf1000420], { x1: 0x1n, f: 0b1001 }, { x0: 0x0n, f: 0b0110 }],
  ['subs w0, w1, #0x1', [0x71000420], { x1: 0x80000000n }, { x0: 0x7fffffffn, f: 0b0011 }],
  ['cmp x1, #0x5', [0xf100143f], { x1: 0x5n }, { f: 0b0110 }],
  ['cmp w1, #0x1, lsl #12', [0x7140043f], { x1: 0xfffn }, { f: 0b1000 }],
  ['cmn x1, #0x1', [0xb100043f], { x1: 0xffffffffffffffffn }, { f: 0b0110 }],
  ['cmn wsp, #0x1', [0x310007ff], { sp: 0x7fffffffn }, { f: 0b1001 }],
  ['mov x0, sp', [0x910003e0], { sp: 0x12340n }, { x0: 0x12340n }],
  ['mov sp, x1', [0x9100003f], { x1: 0xabcdef0n }, { sp: 0xabcdef0n }],
  ['mov wsp, w1', [0x1100003f], { x1: 0xffffffff12345678n, sp: 0xffffffffffffffffn }, { sp: 0x12345678n }],
  ['add sp, sp, #0x10', [0x910043ff], {  }, { sp: 0x8000n }],
  ['sub x0, sp, #0x8', [0xd10023e0], { sp: 0x1000n }, { x0: 0xff8n }],
  ['adds x0, sp, #0x0', [0xb10003e0], { sp: 0x0n }, { x0: 0x0n, f: 0b0100 }],
  ['cmn sp, #0x1', [0xb10007ff], { sp: 0xffffffffffffffffn }, { f: 0b0110 }],
  ['and x0, x1, #0xff00ff00ff00ff00', [0x92089c20], { x1: 0x123456789abcdefn }, { x0: 0x10045008900cd00n }],
  ['and w0, w1, #0xf0f0f0f0', [0x1204cc20], { x0: 0xffffffffffffffffn, x1: 0x123456789abcdefn }, { x0: 0x80a0c0e0n }],
  ['orr x0, x1, #0x1', [0xb2400020], { x1: 0x10n }, { x0: 0x11n }],
  ['eor w0, w1, #0x80000000', [0x52010020], { x1: 0x123456789n }, { x0: 0xa3456789n }],
  ['eor x0, x1, #0xaaaaaaaaaaaaaaaa', [0xd201f020], { x1: 0xffffffffffffffffn }, { x0: 0x5555555555555555n }],
  ['ands x0, x1, #0x8000000000000000', [0xf2410020], { x1: 0xffffffffffffffffn, f: 0b0011 }, { x0: 0x8000000000000000n, f: 0b1000 }],
  ['ands w0, w1, #0x1', [0x72000020], { x1: 0x2n, f: 0b0011 }, { x0: 0x0n, f: 0b0100 }],
  ['tst x1, #0x3', [0xf240043f], { x1: 0x4n }, { f: 0b0100 }],
  ['and sp, x1, #0xfffffffffffffff0', [0x927cec3f], { x1: 0x12345n }, { sp: 0x12340n }],
  ['mov wsp, #0x10000', [0x321003ff], { sp: 0xffffffffffffffffn }, { sp: 0x10000n }],
  ['mov x0, #0x5555555555555555', [0xb200f3e0], {  }, { x0: 0x5555555555555555n }],
  ['mov w0, #0xaaaaaaaa', [0x3201f3e0], { x0: 0xffffffffffffffffn }, { x0: 0xaaaaaaaan }],
  ['mov x0, #0x1234000000000000', [0xd2e24680], {  }, { x0: 0x1234000000000000n }],
  ['mov w0, #0xffff0000', [0x52bfffe0], { x0: 0xffffffffffffffffn }, { x0: 0xffff0000n }],
  ['mov x0, #0xffffffffffffffff', [0x92800000], {  }, { x0: 0xffffffffffffffffn }],
  ['mov x0, #0xffffffffedcbffff', [0x92a24680], {  }, { x0: 0xffffffffedcbffffn }],
  ['mov w0, #0xfffffffe', [0x12800020], { x0: 0x0n }, { x0: 0xfffffffen }],
  ['movn w0, #0xffff, lsl #16', [0x12bfffe0], { x0: 0xffffffffffffffffn }, { x0: 0xffffn }],
  ['movk x0, #0xbeef, lsl #32', [0xf2d7dde0], { x0: 0xffffffffffffffffn }, { x0: 0xffffbeefffffffffn }],
  ['movk w0, #0x1234', [0x72824680], { x0: 0xffffffffffffffffn }, { x0: 0xffff1234n }],
  ['movk w0, #0x1234, lsl #16', [0x72a24680], { x0: 0xffffffff0000abcdn }, { x0: 0x1234abcdn }],
  ['sbfx x0, x1, #4, #8', [0x93442c20], { x1: 0xf80n }, { x0: 0xfffffffffffffff8n }],
  ['asr w0, w1, #28', [0x131c7c20], { x0: 0xffffffffffffffffn, x1: 0x80000000n }, { x0: 0xfffffff8n }],
  ['lsr x0, x1, #60', [0xd37cfc20], { x1: 0xffffffffffffffffn }, { x0: 0xfn }],
  ['ubfx x0, x1, #0, #16', [0xd3403c20], { x1: 0x123456789abcdefn }, { x0: 0xcdefn }],
  ['sbfiz x0, x1, #60, #4', [0x93440c20], { x1: 0xfn }, { x0: 0xf000000000000000n }],
  ['lsl w0, w1, #8', [0x53185c20], { x0: 0xffffffffffffffffn, x1: 0xffffffffffffffffn }, { x0: 0xffffff00n }],
  ['lsl x0, x1, #63', [0xd3410020], { x1: 0x3n }, { x0: 0x8000000000000000n }],
  ['lsl w0, w1, #1', [0x531f7820], { x1: 0x80000001n }, { x0: 0x2n }],
  ['lsr x0, x1, #1', [0xd341fc20], { x1: 0xffffffffffffffffn }, { x0: 0x7fffffffffffffffn }],
  ['asr x0, x1, #63', [0x937ffc20], { x1: 0x8000000000000000n }, { x0: 0xffffffffffffffffn }],
  ['asr w0, w1, #31', [0x131f7c20], { x0: 0x5n, x1: 0x80000000n }, { x0: 0xffffffffn }],
  ['sxtb x0, w1', [0x93401c20], { x1: 0x180n }, { x0: 0xffffffffffffff80n }],
  ['sxth w0, w1', [0x13003c20], { x0: 0xffffffffffffffffn, x1: 0x8000n }, { x0: 0xffff8000n }],
  ['sxtw x0, w1', [0x93407c20], { x1: 0x80000000n }, { x0: 0xffffffff80000000n }],
  ['uxtb w0, w1', [0x53001c20], { x0: 0xffffffffffffffffn, x1: 0x1ffn }, { x0: 0xffn }],
  ['uxth w0, w1', [0x53003c20], { x0: 0xffffffffffffffffn, x1: 0x1ffffn }, { x0: 0xffffn }],
  ['bfi x0, x1, #8, #8', [0xb3781c20], { x0: 0xffffffffffffffffn, x1: 0x12n }, { x0: 0xffffffffffff12ffn }],
  ['bfi w0, w1, #31, #1', [0x33010020], { x0: 0xffffffff00000000n, x1: 0x1n }, { x0: 0x80000000n }],
  ['bfxil x0, x1, #4, #8', [0xb3442c20], { x0: 0x0n, x1: 0xabcn }, { x0: 0xabn }],
  ['bfxil w0, w1, #0, #32', [0x33007c20], { x0: 0xffffffffffffffffn, x1: 0x123456789n }, { x0: 0x23456789n }],
  ['bfc x0, #4, #8', [0xb37c1fe0], { x0: 0xffffffffffffffffn }, { x0: 0xfffffffffffff00fn }],
  ['bfxil x0, x1, #0, #64', [0xb340fc20], { x0: 0x0n, x1: 0x123456789abcdefn }, { x0: 0x123456789abcdefn }],
  ['extr x0, x1, x2, #4', [0x93c21020], { x1: 0xfn, x2: 0x123n }, { x0: 0xf000000000000012n }],
  ['extr w0, w1, w2, #31', [0x13827c20], { x0: 0xffffffffffffffffn, x1: 0x1n, x2: 0x80000000n }, { x0: 0x3n }],
  ['extr x0, x1, x2, #0', [0x93c20020], { x1: 0xffffffffffffffffn, x2: 0x55n }, { x0: 0x55n }],
  ['ror x0, x1, #1', [0x93c10420], { x1: 0x1n }, { x0: 0x8000000000000000n }],
  ['ror w0, w1, #8', [0x13812020], { x0: 0xffffffffffffffffn, x1: 0x12345678n }, { x0: 0x78123456n }],
];

// objdump -d output for these words (binutils 2.40), two per line.
const OBJDUMP = `
913ffc20 add x0, x1, #0xfff | 91400420 add x0, x1, #0x1, lsl #12
910043ff add sp, sp, #0x10 | 910003e0 mov x0, sp
9100003f mov sp, x1 | 1100003f mov wsp, w1
910003ff mov sp, sp | b10003e0 adds x0, sp, #0x0
f10017ff cmp sp, #0x5 | 3140043f cmn w1, #0x1, lsl #12
f10007ff cmp sp, #0x1 | 51000fff sub wsp, wsp, #0x3
927cec3f and sp, x1, #0xfffffffffffffff0 | f240043f tst x1, #0x3
b2403fe0 orr x0, xzr, #0xffff | b200f3e0 mov x0, #0x5555555555555555 // #6148914691236517205
321003ff mov wsp, #0x10000 // #65536 | 32144fe0 orr w0, wzr, #0xfffff000
b261c7e2 orr x2, xzr, #0xffffffff8001ffff | d201f020 eor x0, x1, #0xaaaaaaaaaaaaaaaa
d2800000 mov x0, #0x0 // #0 | d2a00000 movz x0, #0x0, lsl #16
52a00000 movz w0, #0x0, lsl #16 | d2e24680 mov x0, #0x1234000000000000 // #1311673391471656960
92800000 mov x0, #0xffffffffffffffff // #-1 | 12800000 mov w0, #0xffffffff // #-1
129fffe0 movn w0, #0xffff | 12bfffe0 movn w0, #0xffff, lsl #16
92bfffe0 mov x0, #0xffffffff0000ffff // #-4294901761 | 92c00000 movn x0, #0x0, lsl #32
12800021 mov w1, #0xfffffffe // #-2 | f2d7dde0 movk x0, #0xbeef, lsl #32
72800000 movk w0, #0x0 | 93401c20 sxtb x0, w1
93403c20 sxth x0, w1 | 93407c20 sxtw x0, w1
13001c20 sxtb w0, w1 | 53001c20 uxtb w0, w1
53003c20 uxth w0, w1 | d3401c20 ubfx x0, x1, #0, #8
d3403c20 ubfx x0, x1, #0, #16 | d3407c20 ubfx x0, x1, #0, #32
53007c20 lsr w0, w1, #0 | 937ffc20 asr x0, x1, #63
13007c20 asr w0, w1, #0 | d3410020 lsl x0, x1, #63
d37ff820 lsl x0, x1, #1 | d344fc20 lsr x0, x1, #4
d3440c20 lsl x0, x1, #60 | 937c0c20 sbfiz x0, x1, #4, #4
93442c20 sbfx x0, x1, #4, #8 | b37c1c20 bfi x0, x1, #4, #8
33042c20 bfxil w0, w1, #4, #8 | b37c1fe0 bfc x0, #4, #8
b3442fe0 bfxil x0, xzr, #4, #8 | 33007fe0 bfxil w0, wzr, #0, #32
93c21020 extr x0, x1, x2, #4 | 93c11020 ror x0, x1, #4
13810020 ror w0, w1, #0 | 13817fe0 extr w0, wzr, w1, #31
716f2c33 subs w19, w1, #0xbcb, lsl #12 | 5101b3e6 sub w6, wsp, #0x6c
b10477eb adds x11, sp, #0x11d | 11435360 add w0, w27, #0xd4, lsl #12
b106d7ff cmn sp, #0x1b5 | 110e5461 add w1, w3, #0x395
31458bed adds w13, wsp, #0x162, lsl #12 | 5158b178 sub w24, w11, #0x62c, lsl #12
315bdfff cmn wsp, #0x6f7, lsl #12 | 7125914b subs w11, w10, #0x964
3116e29f cmn w20, #0x5b8 | b15bdf9f cmn x28, #0x6f7, lsl #12
f1674e9f cmp x20, #0x9d3, lsl #12 | 71762bff cmp wsp, #0xd8a, lsl #12
f10cb35f cmp x26, #0x32c | f11c1fff cmp sp, #0x707
7101b7ff cmp wsp, #0x6d | b124f9ff cmn x15, #0x93e
f17b77ff cmp sp, #0xedd, lsl #12 | b16433ff cmn sp, #0x90c, lsl #12
314ff67f cmn w19, #0x3fd, lsl #12 | 717189bf cmp w13, #0xc62, lsl #12
711c253f cmp w9, #0x709 | 3113a3ff cmn wsp, #0x4e8
110003bf mov wsp, w29 | 120ea26a and w10, w19, #0x7fc07fc
32114925 orr w5, w9, #0xffff8003 | 323e0bff mov wsp, #0x1c // #28
320023ff mov wsp, #0x1ff // #511 | 3230afff mov wsp, #0xfff0fff // #268374015
323627e4 mov w4, #0xffc00 // #1047552 | 32132fea mov w10, #0x1ffe000 // #33546240
323ccff0 mov w16, #0xf0f0f0f0 // #-252645136 | 3215cfff mov wsp, #0x78787878 // #2021161080
321a83ed mov w13, #0x400040 // #4194368 | 321b83ff mov wsp, #0x200020 // #2097184
322f83ff mov wsp, #0x20002 // #131074 | 321c2bff mov wsp, #0x7ff0 // #32752
321f0bff mov wsp, #0xe // #14 | d2252b08 eor x8, x24, #0xf800003ff800003f
7216e4ff tst w7, #0xcccccccc | f233a3e7 ands x7, xzr, #0xe03fe03fe03fe03f
b27677ff mov sp, #0xfffffffc00 // #1099511626752 | b27a8fef mov x15, #0x3ffffffffc0 // #4398046511040
b21c2bf5 mov x21, #0x7ff000007ff0 // #140668768911344 | b26a6be8 mov x8, #0x1ffffffc00000 // #562949949227008
b23963eb mov x11, #0xffffff80ffffff80 // #-545460846720 | b26367ff mov sp, #0x7fffffe0000000 // #36028796482093056
b25327e3 mov x3, #0x7fe00000000000 // #35993612646875136 | b200abed mov x13, #0x7ff07ff07ff07ff // #576188069258921983
b270abff mov sp, #0x7ffffffffff0000 // #576460752303357952 | b200dbff mov sp, #0x7f7f7f7f7f7f7f7f // #9187201950435737471
b21c33ff mov sp, #0x1fff00001fff0 // #562881234075632 | b23717ff mov sp, #0x7e0000007e00 // #138538465132032
b2694fff mov sp, #0x7ffff800000 // #8796084633600 | b21e03e1 mov x1, #0x400000004 // #17179869188
b2631ff4 mov x20, #0x1fe0000000 // #136902082560 | b2786bff mov sp, #0x7ffffff00 // #34359738112
b24013ff mov sp, #0x1f // #31 | b27d43f5 mov x21, #0xffff8 // #1048568
b27827ff mov sp, #0x3ff00 // #261888 | b26b1bff mov sp, #0xfe00000 // #266338304
b26b2bff mov sp, #0xffe00000 // #4292870144 | b27a3fff mov sp, #0x3fffc0 // #4194240
b2733be5 mov x5, #0xfffe000 // #268427264 | b27d27ff mov sp, #0x1ff8 // #8184
b2773bea mov x10, #0xfffe00 // #16776704 | b2795bf4 mov x20, #0x3fffff80 // #1073741696
b27907ff mov sp, #0x180 // #384 | b27d03ff mov sp, #0x8 // #8
f243d2bf tst x21, #0xe003ffffffffffff | 93609ff6 sbfx x22, xzr, #32, #8
53001f34 uxtb w20, w25 | 936cfe0b asr x11, x16, #44
131644e8 sbfiz w8, w7, #10, #18 | b34e991f bfxil xzr, x8, #14, #25
b36d0222 bfi x2, x17, #19, #1 | 331c53ff bfc wzr, #4, #21
53044fff ubfx wzr, wzr, #4, #16 | d36aa51f lsl xzr, x8, #22
d36a677f ubfiz xzr, x27, #22, #26 | 93407d3f sxtw xzr, w9
b36963e7 bfc x7, #23, #25 | 139f36dc extr w28, w22, wzr, #13
93df23f6 ror x22, xzr, #8 | 93c886b1 extr x17, x21, x8, #33
129197bc mov w28, #0xffff7342 // #-36030 | 129ffffe movn w30, #0xffff
5280003f mov wzr, #0x1 // #1 | 5285d794 mov w20, #0x2ebc // #11964
728ff11f movk wzr, #0x7f88 | 12bfffed movn w13, #0xffff, lsl #16
52a0000a movz w10, #0x0, lsl #16 | 52a0003f mov wzr, #0x10000 // #65536
72afd72d movk w13, #0x7eb9, lsl #16 | 9281e847 mov x7, #0xfffffffffffff0bd // #-3907
d2800020 mov x0, #0x1 // #1 | d286fcd1 mov x17, #0x37e6 // #14310
f288c19f movk xzr, #0x460c | 92c00002 movn x2, #0x0, lsl #32
d2c00010 movz x16, #0x0, lsl #32 | d2bad229 mov x9, #0xd6910000 // #3599826944
d2a0003f mov xzr, #0x10000 // #65536 | f2a77217 movk x23, #0x3b90, lsl #16
d2cb9ad8 mov x24, #0x5cd600000000 // #102074192756736 | d2c0003e mov x30, #0x100000000 // #4294967296
d2e0002e mov x14, #0x1000000000000 // #281474976710656 | 52804aca mov w10, #0x256 // #598
d2a07b77 mov x23, #0x3db0000 // #64684032 | d2e0ad4f mov x15, #0x56a000000000000 // #390124317720969216
12bee892 mov w18, #0x8bbffff // #146538495 | d2805a1c mov x28, #0x2d0 // #720
d2c04c5f mov xzr, #0x26200000000 // #2619930050560
`;
