// Micro-benchmark of the JIT against the interpreter (and qemu-aarch64 when it and the cross
// assembler are installed) on three hand-assembled hot loops. Not a test: prints MIPS medians.
//
//   npx tsc -p . && node dist/bench/jit-micro.js [--repeats N] [--only NAME] [--regs-in-memory]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cpu, type ExecEnv } from '../src/cpu/state.js';
import { Memory, GuestFault, type Translator } from '../src/mem/memory.js';
import { StopRun } from '../src/interp/interpreter.js';
import { createEngine, type Engine, type EngineOptions } from '../src/engine.js';
import { getDecoder } from '../src/isa/index.js';

interface Loop {
  name: string;
  /** Instruction words, loaded at CODE. */
  code: number[];
  /** Assembly (for qemu): the same loop, with x1 preset by the caller. */
  asm: string;
  /** Sets up registers/memory for `iters` iterations. */
  setup(cpu: Cpu, mem: Memory, iters: number): void;
  /** Guest instructions run: fixed + perIter × iterations (+1 for the final brk). */
  fixed: number;
  perIter: number;
  itersJit: number;
  itersInterp: number;
}

const CODE = 0x10000, DATA = 0x100000, TABLE = 0x80000;
const RAM = 8 << 20;

const LOOPS: Loop[] = [
  {
    name: 'intloop',
    code: [
      0xd2800020, // mov x0, #0x1
      0xd2824682, // mov x2, #0x1234
      0xd28009a4, // mov x4, #0x4d
      0xd293c6e5, // mov x5, #0x9e37
      0xca000043, // 1: eor x3, x2, x0
      0x8b431c00, // add x0, x0, x3, lsr #7
      0x9b050042, // madd x2, x2, x5, x0
      0x93c23484, // extr x4, x4, x2, #13
      0x8b040042, // add x2, x2, x4
      0xca020c00, // eor x0, x0, x2, lsl #3
      0x91000484, // add x4, x4, #0x1
      0xf1000421, // subs x1, x1, #0x1
      0x54ffff01, // b.ne 1b
      0xd4200000, // brk #0x0
    ],
    asm: `mov x0, #1; mov x2, #0x1234; mov x4, #77; mov x5, #0x9e37
1: eor x3, x2, x0; add x0, x0, x3, lsr #7; madd x2, x2, x5, x0; extr x4, x4, x2, #13
   add x2, x2, x4; eor x0, x0, x2, lsl #3; add x4, x4, #1; subs x1, x1, #1; b.ne 1b`,
    setup(cpu, _mem, iters) { cpu.setX(1, BigInt(iters)); },
    fixed: 4, perIter: 9,
    itersJit: 4_000_000, itersInterp: 200_000,
  },
  {
    name: 'crc32 bytes',
    code: [
      0x2a3f03e2, // mvn w2, wzr
      0x38401403, // 1: ldrb w3, [x0], #1
      0x4a020063, // eor w3, w3, w2
      0x12001c63, // and w3, w3, #0xff
      0xb8637883, // ldr w3, [x4, x3, lsl #2]
      0x4a422062, // eor w2, w3, w2, lsr #8
      0xf1000421, // subs x1, x1, #0x1
      0x54ffff41, // b.ne 1b
      0x2a2203e2, // mvn w2, w2
      0xd4200000, // brk #0x0
    ],
    asm: `mvn w2, wzr
1: ldrb w3, [x0], #1; eor w3, w3, w2; and w3, w3, #0xff; ldr w3, [x4, x3, lsl #2]
   eor w2, w3, w2, lsr #8; subs x1, x1, #1; b.ne 1b; mvn w2, w2`,
    setup(cpu, mem, iters) {
      for (let i = 0; i < 256; i++) {
        let c = i;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
        mem.dv.setUint32(TABLE + 4 * i, c, true);
      }
      for (let i = 0; i < iters; i++) mem.u8[DATA + i] = (i * 7 + 3) & 0xff;
      cpu.setX(0, BigInt(DATA)); cpu.setX(1, BigInt(iters)); cpu.setX(4, BigInt(TABLE));
    },
    fixed: 2, perIter: 7,
    itersJit: 4_000_000, itersInterp: 300_000,
  },
  {
    name: 'memset (stp)',
    code: [
      0xa8810802, // 1: stp x2, x2, [x0], #16
      0xf1000421, // subs x1, x1, #0x1
      0x54ffffc1, // b.ne 1b
      0xd4200000, // brk #0x0
    ],
    asm: `1: stp x2, x2, [x0], #16; subs x1, x1, #1; b.ne 1b`,
    setup(cpu, _mem, iters) {
      cpu.setX(0, BigInt(DATA)); cpu.setX(1, BigInt(iters)); cpu.setX(2, 0x0101010101010101n);
    },
    fixed: 0, perIter: 3,
    itersJit: 400_000, itersInterp: 100_000,
  },
];

function makeMachine(opts: EngineOptions & { regsInMemory?: boolean }): { cpu: Cpu; mem: Memory; engine: Engine } {
  const tr: Translator = {
    translate(vpn, hi, access) {
      if (hi !== 0 || vpn * 4096 >= RAM) throw new GuestFault('translation', BigInt(vpn) * 4096n, access);
      return vpn * 4096;
    },
  };
  const mem = new Memory(RAM, tr);
  const cpu = new Cpu(mem);
  const stop = (): never => { throw new StopRun('halt'); };
  cpu.env = {
    svc: stop, hvc: stop, smc: stop, brk: stop, hlt: stop, undefinedInsn: stop,
    fault: () => { throw new StopRun('error', 1, 'fault'); },
    readSysreg: () => 0n, writeSysreg: () => {}, sysOp: () => {},
  } as ExecEnv;
  return { cpu, mem, engine: createEngine(cpu, getDecoder(), opts) };
}

/** MIPS of one run of `loop` for `iters` iterations on a fresh or reused machine. */
function once(m: ReturnType<typeof makeMachine>, loop: Loop, iters: number): number {
  loop.code.forEach((w, i) => m.mem.dv.setUint32(CODE + 4 * i, w, true));
  loop.setup(m.cpu, m.mem, iters);
  const expect = loop.fixed + loop.perIter * iters + 1;
  m.cpu.pc = CODE;
  const c0 = m.cpu.icount;
  const t0 = performance.now();
  try { for (;;) m.engine.run(1 << 26); } catch (x) { if (!(x instanceof StopRun) || x.reason !== 'halt') throw x; }
  const ms = performance.now() - t0;
  const ran = m.cpu.icount - c0;
  if (ran !== expect) throw new Error(`${loop.name}: ran ${ran} instructions, expected ${expect}`);
  return ran / ms / 1000;
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/** qemu-aarch64 MIPS for the loop, built as a static program with the cross toolchain. */
function qemuMips(loop: Loop, iters: number, insns: number): number | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'jitbench-'));
  const src = `
  .text
  .global _start
_start:
  ldr x1, =${iters}
  adrp x0, buf
  add x0, x0, :lo12:buf
  adrp x4, buf
  add x4, x4, :lo12:buf
  ${loop.asm.replace(/;/g, '\n')}
  mov x0, #0
  mov x8, #93
  svc #0
  .bss
  .balign 4096
buf: .skip ${Math.max(iters * 16, 1 << 20) + 4096}
`;
  writeFileSync(join(dir, 'l.s'), src);
  const as = spawnSync('aarch64-linux-gnu-as', ['-o', join(dir, 'l.o'), join(dir, 'l.s')]);
  const ld = as.status === 0 ? spawnSync('aarch64-linux-gnu-ld', ['-o', join(dir, 'l'), join(dir, 'l.o')]) : as;
  if (ld.error || ld.status !== 0) return undefined;
  const ms: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    const q = spawnSync('qemu-aarch64', [join(dir, 'l')]);
    if (q.error || q.status !== 0) return undefined;
    ms.push(performance.now() - t0);
  }
  const t1 = performance.now();
  spawnSync('qemu-aarch64', ['/bin/true']);   // start-up cost of qemu itself (an x86 /bin/true fails fast)
  const start = Math.min(performance.now() - t1, median(ms) / 2);
  return insns / (median(ms) - start) / 1000;
}

function main(): void {
  const args = process.argv.slice(2);
  const repeats = Number(args[args.indexOf('--repeats') + 1]) || 5;
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const regsInMemory = args.includes('--regs-in-memory');
  console.log(`node ${process.version}, ${repeats} repeats, median MIPS${regsInMemory ? ', JIT registers in cpu.R' : ''}`);
  console.log('loop'.padEnd(16) + 'interp'.padStart(10) + 'jit'.padStart(10) + 'jit/interp'.padStart(12) + 'qemu'.padStart(10) + 'jit/qemu'.padStart(10));
  for (const loop of LOOPS) {
    if (only && !loop.name.startsWith(only)) continue;
    const mi = makeMachine({ engine: 'interp' });
    const interp = median(Array.from({ length: repeats }, () => once(mi, loop, loop.itersInterp)));
    const mj = makeMachine({ engine: 'jit', regsInMemory });
    const jit = median(Array.from({ length: repeats }, () => once(mj, loop, loop.itersJit)));
    const insns = loop.fixed + loop.perIter * loop.itersJit;
    const q = args.includes('--no-qemu') ? undefined : qemuMips(loop, loop.itersJit, insns);
    console.log(loop.name.padEnd(16) + interp.toFixed(1).padStart(10) + jit.toFixed(1).padStart(10) + (jit / interp).toFixed(1).padStart(12)
      + (q ? q.toFixed(0) : '-').padStart(10) + (q ? (jit / q).toFixed(2) : '-').padStart(10));
  }
}

main();
