// Random-instruction differential test (a smaller sample of scripts/risu/run.ts): random encodings
// from the instruction table run from random register state under qemu-aarch64 and under both
// krustvm engines; registers, flags, signals, FP state and memory must be identical.
// Before trusting it, the suite checks the harness itself: its encoders against objdump, its
// oracle path against hand-computed results, and that a deliberately broken krustvm is caught.
import { hasTool, itWith, notRun } from '../util/tools.js';
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { INSTRUCTIONS } from '../../src/isa/index.js';
import { Decoder } from '../../src/isa/decoder.js';
import type { InsnDef } from '../../src/isa/table.js';
import { findQemu } from './oracle.js';
import { A, SR, movImm64 } from '../../scripts/risu/a64.js';
import { buildImage, parseDump } from '../../scripts/risu/image.js';
import type { Case } from '../../scripts/risu/gen.js';
import { runBatch, runImageOnce, objdumpText, type BatchResult } from '../../scripts/risu/harness.js';

const qemu = findQemu();
const SAMPLE = Number(process.env.KRUSTVM_RISU_COUNT ?? 20_000);
const SEED = Number(process.env.KRUSTVM_RISU_SEED ?? 20240601);

function summary(r: BatchResult, max = 12): string {
  const lines = r.errors.map((e) => `ERROR ${e}`);
  for (const m of r.mismatches.slice(0, max)) {
    lines.push(`[${m.engine}] ${m.name} ${(m.insn >>> 0).toString(16).padStart(8, '0')} ${m.text} (seed ${m.seed} case ${m.index})`, `    inputs: ${m.inputs}`, ...m.diffs.slice(0, 4).map((d) => `    ${d}`));
  }
  if (r.mismatches.length > max) lines.push(`… and ${r.mismatches.length - max} more`);
  return lines.join('\n');
}

describe('risu harness: encoders', () => {
  const hasObjdump = hasTool('aarch64-linux-gnu-objdump');
  itWith(hasObjdump, 'aarch64-linux-gnu-objdump', 'binutils-aarch64-linux-gnu')('harness instruction encodings disassemble as intended (aarch64-linux-gnu-objdump)', () => {
    const want: [number, string][] = [
      [A.addImm(30, 30, 0x123), 'add\tx30, x30, #0x123'],
      [A.ldrX(0, 30, 256), 'ldr\tx0, [x30, #256]'],
      [A.strX(31, 2, 0), 'str\txzr, [x2]'],
      [A.ldpX(28, 29, 30, 224), 'ldp\tx28, x29, [x30, #224]'],
      [A.stpX(29, 30, 0, 232), 'stp\tx29, x30, [x0, #232]'],
      [A.ldpQ(30, 31, 0, 480), 'ldp\tq30, q31, [x0, #480]'],
      [A.stpQ(0, 1, 0, 16), 'stp\tq0, q1, [x0, #16]'],
      [A.mrs(1, SR.NZCV), 'mrs\tx1, nzcv'],
      [A.msr(SR.NZCV, 0), 'msr\tnzcv, x0'],
      [A.msr(SR.FPCR, 0), 'msr\tfpcr, x0'],
      [A.mrs(1, SR.FPSR), 'mrs\tx1, fpsr'],
      [A.msr(SR.TPIDR_EL0, 0), 'msr\ttpidr_el0, x0'],
      [A.movToSp(0), 'mov\tsp, x0'],
      [A.movFromSp(1), 'mov\tx1, sp'],
      [A.movk(3, 0xbeef, 3), 'movk\tx3, #0xbeef, lsl #48'],
      [A.svc0, 'svc\t#0x0'],
      [A.ret, 'ret'],
      [A.clrex, 'clrex'],
      [movImm64(2, 0x1234n)[1], 'movk\tx2, #0x0, lsl #16'],
    ];
    const od = objdumpText(want.map(([w]) => w));
    for (const [w, text] of want) expect(od.get(w >>> 0)?.replace(/\s+\/\/.*$/, ''), `0x${w.toString(16)}`).toBe(text);
    // ADRP: page delta from 0x400000 to 0x10000000.
    expect(objdumpText([A.adrp(30, 0, 0x10000123)]).get(A.adrp(30, 0, 0x10000123))).toMatch(/^adrp\tx30, 0x10000000/);
  });
});

if (!qemu) {
  notRun('qemu-aarch64', 'qemu-user', 'the random-instruction differential test');
} else {
  describe('risu harness: the oracle path gives hand-computed results', () => {
    const base = (insn: number, x: Partial<Record<number, bigint>>, nzcv = 0): Case => ({
      insn, name: 'hand', group: 'hand', fp: false,
      x: Array.from({ length: 31 }, (_, r) => x[r] ?? BigInt(r) * 0x0101010101010101n), sp: 0x7fff1230n, nzcv, fpcr: 0, fpsr: 0,
    });
    it('registers, flags, SIGILL and SIGSEGV come back from qemu as expected', async () => {
      const cases: Case[] = [
        base(0x91000420, { 1: 41n }),                            // add x0, x1, #1
        base(0xeb02003f, { 1: 5n, 2: 7n }, 0x20000000),          // cmp x1, x2 → N (5-7 < 0), no carry
        base(0x00000000, {}),                                    // udf #0 → SIGILL, registers unchanged
        base(0xf9400020, { 1: 0x8n }),                           // ldr x0, [x1] at address 8 → SIGSEGV
        base(0x9100001f, { 0: 0x123450n }),                      // mov sp, x0
        base(0xd2800000 | (0xbeef << 5) | 30, {}),               // mov x30, #0xbeef
      ];
      const img = buildImage(cases, { clrex: false, fill: (n) => new Uint8Array(n) });
      const dump = await runImageOnce(img, 'qemu', qemu);
      const r = cases.map((_, i) => parseDump(img, dump, i));
      expect(r[0].x[0]).toBe(42n); expect(r[0].x[1]).toBe(41n); expect(r[0].sig).toBe(0);
      expect(r[0].x[7]).toBe(7n * 0x0101010101010101n); expect(r[0].sp).toBe(0x7fff1230n);
      expect(r[1].nzcv >>> 28).toBe(0b1000);
      expect(r[2].sig).toBe(4); expect(r[2].x[0]).toBe(0n); expect(r[2].x[30]).toBe(30n * 0x0101010101010101n);
      expect(r[3].sig).toBe(11); expect(r[3].x[0]).toBe(0n);
      expect(r[4].sp).toBe(0x123450n);
      expect(r[5].x[30]).toBe(0xbeefn); expect(r[5].sig).toBe(0);
    });
  });

  describe('risu harness: a deliberately broken krustvm is caught', () => {
    // Entries the harness code itself does not use (it uses ADD/ADRP/MOVZ/LDR/STR/LDP/STP/MRS/MSR/SVC).
    it('a logical immediate with a flipped bit and a load/store offset off by 8 give mismatches in exactly those entries', async () => {
      const mutate = (d: InsnDef, f: (o: Record<string, number>) => void): InsnDef => ({
        ...d, name: `${d.name}_MUTANT`,
        decode(fl, insn) { const r = d.decode(fl, insn); if (r) { r.o = { ...r.o }; f(r.o); } return r; },
      });
      const broken = new Decoder(INSTRUCTIONS.map((d) =>
        d.name === 'LOGICAL_imm' ? mutate(d, (o) => { o.imm_lo ^= 1; }) : d.name === 'LDST_imm9' ? mutate(d, (o) => { o.off += 8; }) : d));
      const r = await runBatch({ seed: 99, count: 3000, engines: ['interp'], qemu, groups: ['dp_imm', 'ldst'], krustvmDecoder: broken });
      expect(r.errors).toEqual([]);
      const names = new Set(r.mismatches.map((m) => m.name));
      expect([...names].sort()).toEqual(['LDST_imm9', 'LOGICAL_imm']);
      expect(r.mismatches.some((m) => m.diffs.some((d) => d.startsWith('memory:')))).toBe(true);
      expect(r.mismatches.some((m) => m.diffs.some((d) => /^x\d+:/.test(d)))).toBe(true);
    });
  });

  // Single instructions (risu proper) on both engines; the JIT compiles every case (threshold 1),
  // which costs far more than interpreting it, so its sample is smaller. Sequences of 8 then give
  // the JIT straight-line code to optimise across (flags, registers) — where JIT bugs live.
  const plans = [
    { engine: 'interp' as const, cases: SAMPLE, seq: 1 },
    { engine: 'jit' as const, cases: Math.ceil(SAMPLE / 5), seq: 1 },
    { engine: 'interp' as const, cases: Math.ceil(SAMPLE / 8), seq: 8 },
    { engine: 'jit' as const, cases: Math.ceil(SAMPLE / 8), seq: 8 },
  ];
  describe('risu: words krustvm does not decode are UNDEFINED under qemu (Cortex-A72) too', () => {
    it(`${Math.ceil(SAMPLE / 4)} random undecodable words raise SIGILL in both (else krustvm lacks an instruction)`, async () => {
      const r = await runBatch({ seed: SEED + 77, count: Math.ceil(SAMPLE / 4), engines: ['interp'], qemu, undef: 1 });
      expect(r.errors.length + r.mismatches.length, `${r.mismatches.length} mismatches, ${r.errors.length} errors\n${summary(r)}`).toBe(0);
      expect([...r.entries.values()].reduce((n, s) => n + s.signals, 0)).toBe(Math.ceil(SAMPLE / 4));
    }, 600_000);
  });

  describe('risu: random instructions from random state, qemu-aarch64 vs krustvm', () => {
    for (const p of plans) {
      const what = p.seq > 1 ? `${p.cases * p.seq} instructions in sequences of ${p.seq}` : `${p.cases} single instructions`;
      it(`--engine ${p.engine}: ${what}: registers, flags, signals, FP state and memory identical`, async () => {
        const all: BatchResult[] = [];
        for (let done = 0, b = 0; done < p.cases; b++) {
          const n = Math.min(Math.ceil(5000 / p.seq), p.cases - done);
          all.push(await runBatch({ seed: SEED + 1000 * p.seq + b, count: n, engines: [p.engine], qemu, seq: p.seq }));
          done += n;
        }
        const merged: BatchResult = { ...all[0], mismatches: all.flatMap((r) => r.mismatches), errors: all.flatMap((r) => r.errors) };
        expect(all.reduce((n, r) => n + r.instructions, 0)).toBe(p.cases * p.seq);
        expect(merged.errors.length + merged.mismatches.length, `${merged.mismatches.length} mismatches, ${merged.errors.length} errors\n${summary(merged)}`).toBe(0);
      }, 900_000);
    }
  });
}
