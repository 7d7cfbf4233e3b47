// The interpreter's run loop and decode cache: self-modifying code patched twice while the loop
// stays in the same page, decoded entries by instruction word, and pcs at kernel addresses
// (doubles, not Smis) through jumps, page ends and faults.
import { describe, it, expect } from 'vitest';
import { Cpu, type ExecEnv } from '../../src/cpu/state.js';
import { GuestFault, Memory, type Translator } from '../../src/mem/memory.js';
import { Entry, Interpreter, StopRun } from '../../src/interp/interpreter.js';
import { createEngine } from '../../src/engine.js';
import { getDecoder } from '../../src/isa/index.js';
import { compileFieldHandler, compileHandler, PC } from '../../src/interp/handlers.js';
import type { InsnDef } from '../../src/isa/table.js';

const MOVZ_X0 = (imm: number) => 0xd2800000 | (imm << 5);   // movz x0, #imm
const NOP = 0xd503201f;

/** 4 KiB pages: virtual page `vpn` maps to RAM page `vpn % 256` (so kernel addresses work). */
const wrap: Translator = { translate: (vpn) => (vpn & 0xff) * 4096 };

function setup(engine: 'interp' | 'jit') {
  const mem = new Memory(1 << 20, wrap);
  const cpu = new Cpu(mem);
  const faults: number[] = [];
  cpu.env = {
    undefinedInsn: () => { throw new StopRun('halt'); },
    // A fetch or data fault: record the pc, go on at x30 (a "handler" that skips ahead).
    fault: (_x: GuestFault, pc: number) => { faults.push(pc); return Number(BigInt.asIntN(64, cpu.getX(30))); },
  } as unknown as ExecEnv;
  const eng = createEngine(cpu, getDecoder(), { engine });
  return { mem, cpu, eng, faults };
}

describe.each(['interp', 'jit'] as const)('run loop (%s)', (engine) => {
  it('re-decodes an instruction its own page patches twice', () => {
    const { mem, cpu, eng } = setup(engine);
    // 0x1000 str w1,[x3]; nop; nop; nop; 0x1010 site; mov x4,x0; str w2,[x3]; b 0x1010
    const code = [0xb9000061, NOP, NOP, NOP, MOVZ_X0(0), 0xaa0003e4, 0xb9000062, 0x17fffffd];
    code.forEach((w, i) => mem.dv.setUint32(0x1000 + 4 * i, w, true));
    cpu.setX(1, BigInt(MOVZ_X0(1)));
    cpu.setX(2, BigInt(MOVZ_X0(2)));
    cpu.setX(3, 0x1010n);
    cpu.pc = 0x1000;
    // str, 3 nops, site (x0 = 1), mov, str, b, site again: the second patch (x0 = 2).
    expect(eng.run(9)).toBe(9);
    expect([cpu.getX(4), cpu.getX(0), cpu.pc]).toEqual([1n, 2n, 0x1014]);
  });

  it('runs at kernel addresses: across a page end, jumps, and a fetch fault', () => {
    const { mem, cpu, eng, faults } = setup(engine);
    const base = -0x800000000000 + 0x10000ff8;           // 0xffff8000_10000ff8, 8 bytes before a page end
    const ram = 0xff8;                                    // virtual page 0x…10000 → RAM page 0
    // ff8: add x0,x0,#1; ffc: add x0,x0,#1; 1000: add x0,x0,#1; 1004: br x5 (misaligned target)
    [0x91000400, 0x91000400, 0x91000400, 0xd61f00a0].forEach((w, i) => mem.dv.setUint32(ram + 4 * i, w, true));
    const after = base + 0x10;                            // 0x1008: movz x0,#7; udf
    mem.dv.setUint32(ram + 0x10, MOVZ_X0(7), true);
    mem.dv.setUint32(ram + 0x14, 0, true);
    cpu.setX(5, BigInt.asUintN(64, BigInt(base + 2)));      // misaligned: a PC alignment fault
    cpu.setX(30, BigInt.asUintN(64, BigInt(after)));
    cpu.pc = base;
    expect(() => eng.run(100)).toThrow(StopRun);
    expect(faults).toEqual([base + 2]);
    expect(cpu.getX(0)).toBe(7n);
    expect(cpu.pc).toBe(after + 4);
    expect(cpu.icount).toBe(4 + 1 + 2);   // 3 adds, br, the faulting fetch, movz, udf
  });
});

describe('Interpreter.decodeWord', () => {
  it('gives one entry per distinct word, the decoder\'s, across table growth', () => {
    const mem = new Memory(1 << 16, wrap);
    const it = new Interpreter(new Cpu(mem), getDecoder());
    const dec = getDecoder();
    // 40000 words that share their low bits (register fields) and differ above: the hash must
    // spread them; words ≥ 2^31 are the common case.
    const words: number[] = [];
    // add x0, x0, #k for k < 4096, then other encodings as k reaches the bits above imm12
    for (let k = 0; k < 40000; k++) words.push((0x91000000 + (k << 10)) >>> 0);
    words.push(0, 0xffffffff, 0x80000000);
    const first = words.map((w) => it.decodeWord(w));
    words.forEach((w, k) => {
      const e = first[k];
      expect(e.insn >>> 0).toBe(w);
      const te = dec.lookup(w), d = te && te.def.decode(dec.fields(te, w), w);
      const ops = d ? Object.values(d.o) : [];
      expect(e.name).toBe(d ? te.def.name : 'UNDEFINED');
      expect([e.a0, e.a1, e.a2, e.a3, e.a4, e.a5, e.a6, e.a7, ...e.x]).toEqual([...ops, 0, 0, 0, 0, 0, 0, 0, 0].slice(0, Math.max(8, ops.length)));
      expect(it.decodeWord(w)).toBe(e);
    });
    expect(new Set(first).size).toBe(words.length);
  });
});

describe('field-operand handlers', () => {
  it('read operands beyond the eighth from x, as array handlers read them by index', () => {
    // X0 = X(slot of operand k) + operand j, for operands 0..9 (slots 2·i: X0..X9)
    const names = Array.from({ length: 10 }, (_, i) => `p${i}`);
    const ops = Object.fromEntries(names.map((n, i) => [n, 2 * i]));
    for (const [k, j] of [[9, 8], [3, 9], [8, 7]]) {
      const def: InsnDef = {
        name: 'T', pattern: 'x'.repeat(32), decode: () => null, disasm: () => '',
        sem: (b, o) => b.setReg(o.p0, b.bin('add', b.x(o[`p${k}`]), b.zext(o[`p${j}`]))),
      };
      const results = [compileHandler(def, { o: ops }), compileFieldHandler(def, { o: ops })].map((h, variant) => {
        const cpu = new Cpu(new Memory(4096, { translate: () => 0 }));
        for (let i = 1; i < 10; i++) cpu.setX(i, 1000n * BigInt(i));
        PC[0] = 0x1000;
        if (variant === 0) (h as (c: Cpu, o: number[]) => number)(cpu, Object.values(ops));
        else {
          const e = new Entry(h as never, Object.values(ops), 0, 'T');
          e.h(cpu, e);
        }
        return cpu.getX(0);
      });
      const want = 1000n * BigInt(k) + BigInt(2 * j);
      expect(results).toEqual([want, want]);
    }
  });
});
