// Branch group: execution in the interpreter (flat memory, fake environment) and disassembly.
// Expected behaviour from the Arm ARM (B, BL, B.cond/ConditionHolds, CBZ/CBNZ, TBZ/TBNZ, BR,
// BLR, RET); expected text captured from GNU objdump 2.40 (see OBJDUMP below).
import { describe, it, expect } from 'vitest';
import { Cpu, type ExecEnv } from '../../src/cpu/state.js';
import { Memory, type Translator } from '../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { getDecoder } from '../../src/isa/index.js';

// Every virtual page maps to RAM page (vpn mod 256): high (kernel-like) addresses work, and one
// RAM page is visible at many virtual addresses (aliases).
const wrap: Translator = { translate: (vpn) => (vpn & 0xff) * 4096 };
const UDF = 0x00000000;

function machine(code: number[], base = 0x1000) {
  const mem = new Memory(1 << 20, wrap);
  const cpu = new Cpu(mem);
  const log: unknown[][] = [];
  const env: Partial<ExecEnv> = {
    undefinedInsn: (pc) => { log.push(['undef', pc]); throw new StopRun('halt'); },
    svc: (pc, imm) => { log.push(['svc', pc, imm]); return pc + 4; },
  };
  cpu.env = env as ExecEnv;
  const ramOff = (((base | 0) >>> 12) & 0xff) * 4096 + (base & 4095);
  code.forEach((w, i) => mem.dv.setUint32(ramOff + 4 * i, w >>> 0, true));
  cpu.pc = base;
  const interp = new Interpreter(cpu, getDecoder());
  /** Runs until an undefined instruction stops it; returns the pc it stopped at. */
  const run = (budget = 1000): number => {
    try { interp.run(budget); } catch (e) { if (!(e instanceof StopRun)) throw e; }
    return cpu.pc;
  };
  return { cpu, mem, log, interp, run };
}

// Encoders (Arm ARM field layouts), so tests can place targets freely.
const encB = (off: number, link = 0) => ((link << 31) | (0b00101 << 26) | ((off >> 2) & 0x3ffffff)) >>> 0;
const encBcond = (cond: number, off: number) => (0x54000000 | (((off >> 2) & 0x7ffff) << 5) | cond) >>> 0;
const encCb = (sf: number, nz: number, rt: number, off: number) =>
  ((sf << 31) | (0b011010 << 25) | (nz << 24) | (((off >> 2) & 0x7ffff) << 5) | rt) >>> 0;
const encTb = (nz: number, rt: number, bit: number, off: number) =>
  (((bit >> 5) << 31) | (0b011011 << 25) | (nz << 24) | ((bit & 31) << 19) | (((off >> 2) & 0x3fff) << 5) | rt) >>> 0;
const encBr = (opc: number, rn: number) => (0xd61f0000 | (opc << 21) | (rn << 5)) >>> 0;

const CONDS = ['eq', 'ne', 'cs', 'cc', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
/** The Arm ARM's condition table, written out per mnemonic. */
function expectedHolds(cond: string, n: number, z: number, c: number, v: number): boolean {
  switch (cond) {
    case 'eq': return z === 1;
    case 'ne': return z === 0;
    case 'cs': return c === 1;
    case 'cc': return c === 0;
    case 'mi': return n === 1;
    case 'pl': return n === 0;
    case 'vs': return v === 1;
    case 'vc': return v === 0;
    case 'hi': return c === 1 && z === 0;
    case 'ls': return !(c === 1 && z === 0);
    case 'ge': return n === v;
    case 'lt': return n !== v;
    case 'gt': return z === 0 && n === v;
    case 'le': return !(z === 0 && n === v);
    default: return true; // al, nv
  }
}

describe('branch execution', () => {
  it('b jumps forward and backward', () => {
    // 0x1000: b +0x10 ; 0x1010: b -0xc → 0x1004: udf
    const code = new Array(8).fill(UDF);
    code[0] = encB(0x10);
    code[4] = encB(-0xc);
    const m = machine(code);
    expect(m.run()).toBe(0x1004);
    expect(m.cpu.icount).toBe(3);
  });

  it('bl writes pc+4 to x30 and branches', () => {
    const code = new Array(8).fill(UDF);
    code[1] = encB(0x8, 1); // at 0x1004: bl 0x100c
    code[0] = 0xd503201f;   // nop
    const m = machine(code);
    m.cpu.setX(30, 0xdeadn);
    expect(m.run()).toBe(0x100c);
    expect(m.cpu.getX(30)).toBe(0x1008n);
  });

  it('bl at a high (negative) address links and branches with 64-bit precision', () => {
    const base = Number(BigInt.asIntN(64, 0xffff_8000_0000_1ff8n)); // pcs are signed Numbers
    const code = [encB(0x10, 1), UDF, UDF, UDF, UDF, UDF];
    const m = machine(code, base);
    // target base+0x10 crosses into the next page, which also maps to RAM (wrap): it holds zeros = udf
    expect(m.run()).toBe(base + 0x10);
    expect(m.cpu.getX(30)).toBe(0xffff_8000_0000_1ffcn);
  });

  it('direct branches carry across a 4 GiB boundary in both directions', () => {
    const m = machine([encB(0x10)], 0xffff_fff8);
    expect(m.run()).toBe(0x1_0000_0008);
    const m2 = machine([encCb(1, 0, 31, -0x10)], 0x1_0000_0000);
    expect(m2.run()).toBe(0xffff_fff0);
  });

  it('a direct branch is relative to the virtual pc, also through a second mapping of the page', () => {
    const code = new Array(8).fill(UDF);
    code[0] = encB(0x8);
    const m = machine(code, 0x1000);
    expect(m.run()).toBe(0x1008);
    // 0x101000 maps to the same RAM page: the cached decoded entry is reused
    m.cpu.pc = 0x101000;
    expect(m.run()).toBe(0x101008);
  });

  it('b.cond: every condition against every NZCV combination (AL and NV always branch)', () => {
    for (let cond = 0; cond < 16; cond++) {
      const code = [encBcond(cond, 8), UDF, UDF];
      const m = machine(code);
      for (let nzcv = 0; nzcv < 16; nzcv++) {
        const n = (nzcv >> 3) & 1, z = (nzcv >> 2) & 1, c = (nzcv >> 1) & 1, v = nzcv & 1;
        m.cpu.nzcv = nzcv << 28;
        m.cpu.pc = 0x1000;
        const taken = m.run() === 0x1008;
        expect([CONDS[cond], n, z, c, v, taken]).toEqual([CONDS[cond], n, z, c, v, expectedHolds(CONDS[cond], n, z, c, v)]);
        expect(m.cpu.nzcv >>> 0).toBe((nzcv << 28) >>> 0); // flags untouched
      }
    }
  });

  it('b.cond with a negative offset', () => {
    const code = [UDF, UDF, encBcond(0, -8)]; // 0x1008: b.eq 0x1000
    const m = machine(code, 0x1000);
    m.cpu.pc = 0x1008;
    m.cpu.nzcv = 0x40000000;
    expect(m.run()).toBe(0x1000);
  });

  it('cbz/cbnz test W or X', () => {
    const cases: [number, number, bigint, boolean][] = [
      // sf, nz, value, taken
      [0, 0, 0x1_0000_0000n, true],   // cbz w: upper half ignored
      [1, 0, 0x1_0000_0000n, false],  // cbz x
      [0, 1, 0x1_0000_0000n, false],  // cbnz w
      [1, 1, 0x1_0000_0000n, true],   // cbnz x
      [0, 0, 0n, true], [1, 0, 0n, true], [0, 1, 0n, false], [1, 1, 0n, false],
      [0, 0, 0x8000_0000n, false], [1, 1, 0x8000_0000_0000_0000n, true],
    ];
    for (const [sf, nz, val, taken] of cases) {
      const m = machine([encCb(sf, nz, 3, 0x10), UDF, UDF, UDF, UDF]);
      m.cpu.setX(3, val);
      expect([sf, nz, val, m.run()]).toEqual([sf, nz, val, taken ? 0x1010 : 0x1004]);
    }
    // register 31 is XZR: cbz xzr always branches
    const m = machine([encCb(1, 0, 31, 0x8), UDF, UDF]);
    m.cpu.sp = 5n;
    expect(m.run()).toBe(0x1008);
  });

  it('tbz/tbnz on bits 0, 31, 32 and 63', () => {
    for (const bit of [0, 1, 31, 32, 33, 63]) {
      const only = 1n << BigInt(bit);
      const allBut = ((1n << 64n) - 1n) ^ only;
      for (const [val, isSet] of [[only, true], [allBut, false]] as [bigint, boolean][]) {
        for (const nz of [0, 1]) {
          const m = machine([encTb(nz, 7, bit, 0xc), UDF, UDF, UDF]);
          m.cpu.setX(7, val);
          const taken = nz ? isSet : !isSet;
          expect([bit, val, nz, m.run()]).toEqual([bit, val, nz, taken ? 0x100c : 0x1004]);
        }
      }
    }
  });

  it('tbz with a negative offset', () => {
    const m = machine([UDF, encTb(0, 0, 5, -4)]);
    m.cpu.pc = 0x1004;
    expect(m.run()).toBe(0x1000);
  });

  it('br and ret branch to a register; ret defaults to x30', () => {
    let m = machine([encBr(0, 16), UDF, UDF, UDF]);
    m.cpu.setX(16, 0x100cn);
    expect(m.run()).toBe(0x100c);
    m = machine([0xd65f03c0, UDF, UDF]); // ret
    m.cpu.setX(30, 0x1008n);
    expect(m.run()).toBe(0x1008);
    m = machine([0xd65f0020, UDF, UDF]); // ret x1
    m.cpu.setX(1, 0x1008n);
    m.cpu.setX(30, 0x1004n);
    expect(m.run()).toBe(0x1008);
  });

  it('blr writes x30 after reading the target: blr x30 works', () => {
    const m = machine([0xd503201f, 0xd63f03c0, UDF, UDF, UDF]); // nop; blr x30
    m.cpu.setX(30, 0x1010n);
    expect(m.run()).toBe(0x1010);
    expect(m.cpu.getX(30)).toBe(0x1008n);
    const m2 = machine([encBr(1, 2), UDF, UDF]);
    m2.cpu.setX(2, 0x1008n);
    expect(m2.run()).toBe(0x1008);
    expect(m2.cpu.getX(30)).toBe(0x1004n);
  });

  it('br to a 64-bit (high) address held in a register', () => {
    const target = 0xffff_ffff_fff0_2000n;
    const m = machine([encBr(0, 9)]);
    m.cpu.setX(9, target);
    expect(m.run()).toBe(-0x10_0000 + 0x2000); // the pc as a signed Number
    expect(m.log).toEqual([['undef', -0x10_0000 + 0x2000]]);
  });

  it('eret is UNDEFINED without an environment exception model; with one it returns its pc', () => {
    const m = machine([0xd69f03e0]);
    expect(m.run()).toBe(0x1000);
    expect(m.log).toEqual([['undef', 0x1000]]);
    const m2 = machine([0xd69f03e0, UDF, UDF]);
    (m2.cpu.env as ExecEnv).eret = (pc) => { m2.log.push(['eret', pc]); return 0x1008; };
    expect(m2.run()).toBe(0x1008);
    expect(m2.log[0]).toEqual(['eret', 0x1000]);
  });

  it('pointer-authentication branch forms and bc.cond are unallocated in Armv8.0', () => {
    for (const w of [0xd65f0bff /* retaa */, 0xd61f0800 /* br with op3 = 000010 */, 0x54000010 /* bc.eq */, 0x55000000]) {
      const m = machine([w]);
      expect(m.run()).toBe(0x1000);
      expect(m.log).toEqual([['undef', 0x1000]]);
    }
  });
});

describe('branch disassembly', () => {
  // Captured from `aarch64-linux-gnu-objdump -d --adjust-vma=0x400000` (GNU Binutils 2.40) on the
  // assembled instructions, first at 0x400000; " <symbol>" removed, comment spacing as "\t// ".
  const OBJDUMP: [number, string][] = [
  [0x14000010, 'b\t400040'],
  [0x17fffff0, 'b\t3fffc4'],
  [0x95ffffff, 'bl\t8400004'],
  [0x16000000, 'b\tfffffffff840000c'],
  [0x54000040, 'b.eq\t400018\t// b.none'],
  [0x54ffffc1, 'b.ne\t40000c\t// b.any'],
  [0x547fffe2, 'b.cs\t500014\t// b.hs, b.nlast'],
  [0x54800003, 'b.cc\t30001c\t// b.lo, b.ul, b.last'],
  [0x54000004, 'b.mi\t400020\t// b.first'],
  [0x54000005, 'b.pl\t400024\t// b.nfrst'],
  [0x54000006, 'b.vs\t400028'],
  [0x54000007, 'b.vc\t40002c'],
  [0x54000008, 'b.hi\t400030\t// b.pmore'],
  [0x54000009, 'b.ls\t400034\t// b.plast'],
  [0x5400000a, 'b.ge\t400038\t// b.tcont'],
  [0x5400000b, 'b.lt\t40003c\t// b.tstop'],
  [0x5400000c, 'b.gt\t400040'],
  [0x5400000d, 'b.le\t400044'],
  [0x5400000e, 'b.al\t400048'],
  [0x5400000f, 'b.nv\t40004c'],
  [0x34000103, 'cbz\tw3, 400070'],
  [0xb5ffff04, 'cbnz\tx4, 400034'],
  [0xb400001f, 'cbz\txzr, 400058'],
  [0x36000080, 'tbz\tw0, #0, 40006c'],
  [0x37ffff85, 'tbnz\tw5, #31, 400050'],
  [0xb603ffe6, 'tbz\tx6, #32, 408060'],
  [0xb7fc0007, 'tbnz\tx7, #63, 3f8068'],
  [0xd61f0200, 'br\tx16'],
  [0xd63f03c0, 'blr\tx30'],
  [0xd63f03e0, 'blr\txzr'],
  [0xd65f03c0, 'ret'],
  [0xd65f0020, 'ret\tx1'],
  [0xd69f03e0, 'eret'],
  [0xd6bf03e0, 'drps'],
  ];

  it('matches objdump', () => {
    const d = getDecoder();
    OBJDUMP.forEach(([w, text], i) => expect(d.disasm(w, 0x400000 + 4 * i)).toBe(text));
  });

  it('prints 64-bit wrapped targets and register 31 as xzr', () => {
    const d = getDecoder();
    expect(d.disasm(0x17ffffff, 0)).toBe('b\tfffffffffffffffc');
    expect(d.disasm(0xd61f03e0, 0)).toBe('br\txzr'); // objdump: "br\txzr"
    expect(d.disasm(0xd65f03e0, 0)).toBe('ret\txzr'); // objdump: "ret\txzr"
  });
});
