// The Cortex-A72 is ARMv8.0 without FEAT_FP16: every half-precision data-processing form is
// UNDEFINED (scalar FP with ftype = 11, FMOV between general and half registers, the AdvSIMD
// FP16 groups), while the conversions to and from half precision that ARMv8.0 has (FCVT scalar,
// FCVTN/FCVTL vector) are allocated. Expected values from the Arm ARM (DDI 0487, C4.1 decode
// tables: "if ftype == '11' && !HaveFP16Ext() then UNDEFINED"), then a sweep of the
// neighbouring encodings against qemu-aarch64 -cpu cortex-a72 (SIGILL or not).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getDecoder } from '../../src/isa/index.js';
import { hasTool, itWith } from '../util/tools.js';

const d = getDecoder();
function allocated(w: number): boolean {
  const e = d.lookup(w >>> 0);
  return !!e && e.def.decode(d.fields(e, w >>> 0), w >>> 0) !== null;
}

/** [word, what it is]: FEAT_FP16 forms, UNDEFINED on the A72. */
const FP16_ONLY: [number, string][] = [
  [0x1ee0c020, 'fabs h0, h1'], [0x1ee14020, 'fneg h0, h1'], [0x1ee04020, 'fmov h0, h1'], [0x1ee1c020, 'fsqrt h0, h1'],
  [0x1ee42820, 'fadd h0, h1, h4'], [0x1ee40820, 'fmul h0, h1, h4'], [0x1ee41820, 'fdiv h0, h1, h4'],
  [0x1ee42020, 'fcmp h1, h4'], [0x1ee02028, 'fcmp h1, #0.0'], [0x1ee41c20, 'fcsel h0, h1, h4, ne'],
  [0x1eee1000, 'fmov h0, #1.0'], [0x1fc40c20, 'fmadd h0, h1, h4, h3'], [0x1ee64020, 'frinta h0, h1'],
  [0x1ee20020, 'scvtf h0, w1'], [0x1ef80020, 'fcvtzs w0, h1'], [0x9ee30020, 'ucvtf h0, x1'],
  [0x1ee60020, 'fmov w0, h1'], [0x1ee70020, 'fmov h0, w1'], [0x9ee60020, 'fmov x0, h1'], [0x9ee70020, 'fmov h0, x1'],
  [0x1ec2f020, 'scvtf h0, w1, #4 (fixed point)'],
  [0x0e421420, 'fadd v0.4h, v1.4h, v2.4h'], [0x4e421c20, 'fmulx v0.8h, v1.8h, v2.8h'],
  [0x2e421420, 'faddp v0.4h, v1.4h, v2.4h'], [0x4ef8f820, 'fabs v0.8h, v1.8h'], [0x6ef8f820, 'fneg v0.8h, v1.8h'],
  [0x0e79d820, 'scvtf v0.4h, v1.4h'], [0x5e421c20, 'fmulx h0, h1, h2'], [0x5ef9d820, 'frecpe h0, h1'],
  [0x0e30c820, 'fmaxnmv h0, v1.4h'], [0x5e30c820, 'fmaxnmp h0, v1.2h'], [0x0f021020, 'fmla v0.4h, v1.4h, v2.h[0]'],
  [0x4f00fca0, 'fmov v0.8h, #2.625'],
];
/** ARMv8.0 half-precision conversions: allocated. */
const V80: [number, string][] = [
  [0x1ee24020, 'fcvt s0, h1'], [0x1ee2c020, 'fcvt d0, h1'], [0x1e23c020, 'fcvt h0, s1'], [0x1e63c020, 'fcvt h0, d1'],
  [0x0e216820, 'fcvtn v0.4h, v1.4s'], [0x0e217820, 'fcvtl v0.4s, v1.4h'],
  [0x1e20c020, 'fabs s0, s1'], [0x1e60c020, 'fabs d0, d1'], [0x0e20d420, 'fadd v0.2s, v1.2s, v0.2s'],
];

describe('FP16 on the Cortex-A72 (ARMv8.0, no FEAT_FP16)', () => {
  it('half-precision data processing is UNDEFINED', () => {
    expect(FP16_ONLY.filter(([w]) => allocated(w)).map(([w, s]) => `${(w >>> 0).toString(16)} ${s}`)).toEqual([]);
  });
  it('the ARMv8.0 conversions to and from half precision are allocated', () => {
    expect(V80.filter(([w]) => !allocated(w)).map(([w, s]) => `${(w >>> 0).toString(16)} ${s}`)).toEqual([]);
    expect(d.disasm(0x1ee24020, 0)).toBe('fcvt\ts0, h1');
    expect(d.disasm(0x1e23c020, 0)).toBe('fcvt\th0, s1');
  });

  const tools = hasTool('qemu-aarch64') && hasTool('aarch64-linux-gnu-gcc');
  itWith(tools, 'qemu-aarch64 and aarch64-linux-gnu-gcc', 'qemu-user gcc-aarch64-linux-gnu')(
    'agrees with qemu-aarch64 -cpu cortex-a72 (SIGILL or not) on every scalar FP and AdvSIMD FP/FP16 group form swept', () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'fp16-'));
      const probe = path.join(dir, 'probe');
      execFileSync('aarch64-linux-gnu-gcc', ['-O1', '-static', '-o', probe, path.join(path.dirname(fileURLToPath(import.meta.url)), 'fp16/sigill-probe.c')]);
      const words = sweep();
      for (const [w, s] of [...FP16_ONLY, ...V80]) words.push(['table: ' + s, w >>> 0]);
      const out = execFileSync('qemu-aarch64', ['-cpu', 'cortex-a72', probe], { input: words.map(([, w]) => w.toString(16)).join('\n') + '\n' }).toString().trim().split('\n');
      expect(out.length).toBe(words.length);
      const ill = out.map((l) => l.endsWith(' ill'));
      // The sweep must see both answers, or it proves nothing.
      expect(ill.filter(Boolean).length).toBeGreaterThan(500);
      expect(ill.filter((x) => !x).length).toBeGreaterThan(500);
      const differ = words.filter(([, w], i) => allocated(w) === ill[i]).map(([g, w], i) => `${g} ${w.toString(16).padStart(8, '0')}: qemu ${ill[i] ? 'SIGILL' : 'runs'}, ours ${d.disasm(w, 0)}`);
      expect(differ).toEqual([]);
    }, 60_000);
});

/** Encodings of the scalar FP groups (every ftype) and the AdvSIMD groups that hold FP and
 *  FP16 forms, with fixed registers (d0, n1, m2, a3). */
function sweep(): [string, number][] {
  const out: [string, number][] = [];
  const R = 1 << 5, Rm = 2 << 16;
  const add = (g: string, w: number) => out.push([g, w >>> 0]);
  for (let ft = 0; ft < 4; ft++) {
    const t = ft << 22;
    for (let op = 0; op < 64; op++) add('FP 1-source', 0x1e204000 | t | (op << 15) | R);
    for (let lo = 0; lo < 32; lo++) add('FP compare', 0x1e202000 | t | Rm | R | lo);
    for (let e = 0; e < 2; e++) add('FP cond compare', 0x1e200400 | t | Rm | (1 << 12) | R | (e << 4) | 5);
    for (let op = 0; op < 16; op++) add('FP 2-source', 0x1e200800 | t | Rm | (op << 12) | R);
    add('FP cond select', 0x1e200c00 | t | Rm | (1 << 12) | R);
    for (const i5 of [0, 1]) add('FP immediate', 0x1e201000 | t | (0x70 << 13) | (i5 << 5));
    for (let o = 0; o < 4; o++) add('FP 3-source', 0x1f000000 | t | ((o >> 1) << 21) | Rm | ((o & 1) << 15) | (3 << 10) | R);
    for (let sf = 0; sf < 2; sf++) for (let rm = 0; rm < 4; rm++) for (let op = 0; op < 8; op++) {
      add('FP fixed conversion', (sf << 31) | 0x1e000000 | t | (rm << 19) | (op << 16) | (60 << 10) | R);
      add('FP integer conversion', (sf << 31) | 0x1e200000 | t | (rm << 19) | (op << 16) | R);
    }
  }
  for (let q = 0; q < 2; q++) for (let u = 0; u < 2; u++) {
    const qu = (q << 30) | (u << 29);
    for (let a = 0; a < 2; a++) for (let op = 0; op < 8; op++) add('AdvSIMD three same FP16', 0x0e400400 | qu | (a << 23) | Rm | (op << 11) | R);
    for (let a = 0; a < 2; a++) for (let op = 0; op < 32; op++) add('AdvSIMD two-reg misc FP16', 0x0e780800 | qu | (a << 23) | (op << 12) | R);
    for (let sz = 0; sz < 4; sz++) for (let op = 0; op < 32; op++) {
      add('AdvSIMD across lanes', 0x0e300800 | qu | (sz << 22) | (op << 12) | R);
      add('AdvSIMD three same', 0x0e200400 | qu | (sz << 22) | Rm | (op << 11) | R);
      add('AdvSIMD two-reg misc', 0x0e200800 | qu | (sz << 22) | (op << 12) | R);
    }
    for (let sz = 0; sz < 4; sz++) for (let op = 0; op < 16; op++) {
      add('AdvSIMD three same extra', 0x0e008400 | qu | (sz << 22) | Rm | (op << 11) | R);
      for (const lmh of [0, 5]) add('AdvSIMD by element', 0x0f000000 | qu | (sz << 22) | ((lmh >> 2) << 21) | Rm | (op << 12) | ((lmh & 1) << 11) | R);
    }
    for (let cm = 0; cm < 16; cm++) for (let o2 = 0; o2 < 2; o2++) add('AdvSIMD modified immediate', 0x0f000400 | qu | (3 << 16) | (cm << 12) | (o2 << 11) | (5 << 5));
  }
  for (let u = 0; u < 2; u++) {
    const us = u << 29;
    for (let a = 0; a < 2; a++) for (let op = 0; op < 8; op++) add('AdvSIMD scalar three same FP16', 0x5e400400 | us | (a << 23) | Rm | (op << 11) | R);
    for (let a = 0; a < 2; a++) for (let op = 0; op < 32; op++) add('AdvSIMD scalar two-reg misc FP16', 0x5e780800 | us | (a << 23) | (op << 12) | R);
    for (let sz = 0; sz < 4; sz++) for (let op = 0; op < 32; op++) {
      add('AdvSIMD scalar pairwise', 0x5e300800 | us | (sz << 22) | (op << 12) | R);
      add('AdvSIMD scalar three same', 0x5e200400 | us | (sz << 22) | Rm | (op << 11) | R);
      add('AdvSIMD scalar two-reg misc', 0x5e200800 | us | (sz << 22) | (op << 12) | R);
    }
    for (let sz = 0; sz < 4; sz++) for (let op = 0; op < 16; op++) {
      add('AdvSIMD scalar three same extra', 0x5e008400 | us | (sz << 22) | Rm | (op << 11) | R);
      for (const lmh of [0, 5]) add('AdvSIMD scalar by element', 0x5f000000 | us | (sz << 22) | ((lmh >> 2) << 21) | Rm | (op << 12) | ((lmh & 1) << 11) | R);
    }
  }
  return out;
}
