// Differential tests of the simd group against qemu-aarch64 (-cpu cortex-a72) and GNU objdump.
// Needs the cross tools (aarch64-linux-gnu-gcc/objdump, qemu-aarch64), so it is not part of
// `npm test`: run it with `npm run oracle:simd` (KRUST_ORACLE_ONLY=name,… and KRUST_ORACLE_N=cases per entry).
import { describe, it, expect } from 'vitest';
import { simd } from '../../src/isa/groups/simd.js';
import { getDecoder } from '../../src/isa/index.js';
import type { InsnDef } from '../../src/isa/table.js';
import {
  haveTools, objdump, qemuRun, ourRun, diff, words, randomCase, rnd, setSeed, MEMBASE, hexv, assemble, type Case,
} from './simd/oracle.js';

const ON = process.env.KRUST_ORACLE === '1' && haveTools();
const ONLY = process.env.KRUST_ORACLE_ONLY?.split(',');
const N = Number(process.env.KRUST_ORACLE_N ?? 400);

interface Plan { fix?: Record<string, number[]>; mem?: boolean }
const R0_15 = Array.from({ length: 16 }, (_, i) => i);
const R16_30 = Array.from({ length: 15 }, (_, i) => 16 + i);
/** Entries that need addressing set up: bases x0–x15 point into the buffer, x16–x30 are offsets. */
const PLANS: Record<string, Plan> = {
  LDST_V_uimm: { fix: { Rn: R0_15, imm12: Array.from({ length: 64 }, (_, i) => i) }, mem: true },
  LDST_V_imm9: { fix: { Rn: R0_15 }, mem: true },
  LDST_V_reg: { fix: { Rn: R0_15, Rm: R16_30 }, mem: true },
  LDST_V_pair: { fix: { Rn: R0_15 }, mem: true },
  LDST_mult: { fix: { Rn: R0_15, Rm: [...R16_30, 31] }, mem: true },
  LDST_single: { fix: { Rn: R0_15, Rm: [...R16_30, 31] }, mem: true },
  LDR_V_lit: { fix: { imm19: [] } }, // pc-relative: the harness's pc differs; not compared
  FP_1src: { fix: { ftype: [0, 1, 3], opcode: [...Array(16).keys()] } },
  FP_cmp: { fix: { ftype: [0, 1] } },
  FP_ccmp: { fix: { ftype: [0, 1] } },
  FP_2src: { fix: { ftype: [0, 1], opcode: [...Array(9).keys()] } },
  FP_csel: { fix: { ftype: [0, 1] } },
  FP_imm: { fix: { ftype: [0, 1] } },
  FP_3src: { fix: { ftype: [0, 1] } },
  FP_fixed: { fix: { ftype: [0, 1], rmode: [0, 3], opcode: [0, 1, 2, 3], scale: [...Array(32).keys()].map((i) => 32 + i) } },
  FP_int: { fix: { ftype: [0, 1, 1, 0, 2], opcode: [0, 1, 2, 3, 4, 5, 6, 7] } },
  SIMD_shift: { fix: { opcode: [0, 2, 4, 6, 8, 10, 12, 14, 16, 17, 18, 19, 20, 28, 31] } },
  SIMD_shift_scalar: { fix: { opcode: [0, 2, 4, 6, 8, 10, 12, 14, 16, 17, 18, 19, 28, 31] } },
  SIMD_across: { fix: { opcode: [3, 10, 26, 27, 12, 15] } },
  SIMD_pair_scalar: { fix: { opcode: [27, 12, 13, 15] } },
};

function setupMem(c: Case, def: InsnDef): void {
  for (let i = 0; i < 16; i++) {
    // uimm offsets scale up to 64 KiB: keep the base low enough that most accesses land in the buffer
    c.x[i] = BigInt(MEMBASE + (rnd() % 8 === 0 ? (rnd() % 4160) - 32 : 1024 + (rnd() % 2048)));
  }
  for (let i = 16; i < 31; i++) c.x[i] = BigInt((rnd() % 128) - 64);
}

const entries = simd.filter((d) => !ONLY || ONLY.includes(d.name));

describe.skipIf(!ON)('simd vs objdump', () => {
  it('disassembles like objdump', () => {
    setSeed(777);
    const dec = getDecoder();
    const bad: string[] = [];
    for (const def of entries) {
      const ws = words(def, N);
      const ref = objdump(ws);
      ws.forEach((w, i) => {
        const ours = dec.disasm(w, i * 4);
        const theirs = ref[i];
        const e = dec.lookup(w);
        if (e?.def !== def) return; // a more specific entry owns this word
        // words we call undefined are checked against qemu (SIGILL) by the tests below
        if (ours.startsWith('.inst')) return;
        if (ours !== theirs) bad.push(`${def.name} ${w.toString(16).padStart(8, '0')}: ours '${ours}' objdump '${theirs}'`);
      });
    }
    if (bad.length) console.log(bad.slice(0, 80).join('\n') + `\n(${bad.length} mismatches)`);
    expect(bad.length).toBe(0);
  });
});

describe.skipIf(!ON || entries.length === 0)('simd vs qemu-aarch64', () => {
  for (const def of entries) {
    it(def.name, () => {
      setSeed(1000 + def.name.length * 7919 + def.name.charCodeAt(0));
      const plan = PLANS[def.name] ?? {};
      if (plan.fix?.imm19?.length === 0) return;
      const cases = words(def, N, plan.fix).map((w) => {
        const c = randomCase(w);
        if (plan.mem) setupMem(c, def);
        return c;
      });
      const q = qemuRun(cases);
      const bad: string[] = [];
      cases.forEach((c, i) => {
        const u = ourRun(c);
        const d = diff(q[i], u);
        if (d.length) {
          const text = getDecoder().disasm(c.word, 0);
          const regs = (text.match(/\b[vbhsdq]\d+/g) ?? []).map((r) => `v${r.slice(1)}=${hexv(c.v, Number(r.slice(1)))}`);
          bad.push(`${c.word.toString(16).padStart(8, '0')} ${text} fpcr=${c.fpcr.toString(16)} :: ${d.join('; ')} :: in ${[...new Set(regs)].join(' ')}`);
        }
      });
      const sigs = q.filter((r) => r.sig === 11).length;
      console.log(`${def.name}: ${q.filter((r) => r.sig === 4).length} SIGILL, ${sigs} SIGSEGV of ${cases.length}`);
      if (sigs * 2 > cases.length) console.log(`${def.name}: ${sigs}/${cases.length} cases raised SIGSEGV`);
      if (bad.length) console.log(bad.slice(0, 30).join('\n') + `\n(${bad.length}/${cases.length} mismatches)`);
      expect(bad.length).toBe(0);
    });
  }
});

// Whole encoding spaces, to find v8.0 encodings no entry decodes (qemu runs them, we SIGILL).
const SPACES: Record<string, string> = {
  COVER_dp0: 'xxx 0111 xxxxxxxxxxxxxxxxxxxxxxxxx',
  COVER_dp1: 'xxx 1111 xxxxxxxxxxxxxxxxxxxxxxxxx',
  COVER_ldst: 'xxx x110 xxxxxxxxxxxxxxxxxxxxxxxxx',
};
describe.skipIf(!ON || (ONLY && !ONLY.some((o) => o.startsWith('COVER'))))('FP/SIMD encoding coverage vs qemu', () => {
  for (const [name, pattern] of Object.entries(SPACES)) {
    it(name, () => {
      setSeed(4242 + name.length);
      const fake = { name, pattern } as InsnDef;
      // no SP-based accesses: under the harness sp points at its own state block
      const ws = words(fake, N * 5).map((w) => (name === 'COVER_ldst' && ((w >>> 5) & 31) === 31 ? (w & ~(31 << 5)) >>> 0 : w));
      // (LDR literal is pc-relative: the harness's pc differs, so those are left out)
      const cases = ws.filter((w) => name !== 'COVER_ldst' || ((w >>> 24) & 0x3f) !== 0x1c).map((w) => randomCase(w));
      const q = qemuRun(cases);
      const missing = new Map<string, number>();
      const bad: string[] = [];
      cases.forEach((c, i) => {
        const u = ourRun(c);
        const d = diff(q[i], u);
        if (!d.length) return;
        if (u.sig === 4 && q[i].sig !== 4) {
          const key = objdump([c.word])[0].split('\t')[0];
          missing.set(key, (missing.get(key) ?? 0) + 1);
        } else bad.push(`${c.word.toString(16).padStart(8, '0')} ${getDecoder().disasm(c.word, 0)} :: ${d.join('; ')}`);
      });
      if (missing.size) console.log(`${name} not decoded: ${[...missing].map(([k, v]) => `${k}×${v}`).join(' ')}`);
      if (bad.length) console.log(bad.slice(0, 20).join('\n') + `\n(${bad.length} mismatches)`);
      expect(missing.size + bad.length).toBe(0);
    }, 900_000);
  }
});

// KRUST_ORACLE_EMIT=1: writes test/unit/simd_vectors.ts, register-level test vectors whose
// expected values come from qemu-aarch64 (run by simd_vectors.test.ts without the cross tools).
/** Registers an instruction's text names: [V numbers, X numbers]. */
function namedRegs(text: string): [number[], number[]] {
  const v = new Set<number>(), x = new Set<number>();
  for (const m of text.matchAll(/v(\d+)\.\w+-v(\d+)\./g)) for (let r = +m[1]; r <= +m[2]; r++) v.add(r);
  for (const m of text.matchAll(/(?<![\w#.])([vqdshbxw])(\d+)(?![\w])/g)) (m[1] === 'x' || m[1] === 'w' ? x : v).add(+m[2]);
  return [[...v], [...x].filter((r) => r < 31)];
}
const EMIT = process.env.KRUST_ORACLE_EMIT === '1';
describe.skipIf(!ON || !EMIT)('emit test vectors', () => {
  it('writes simd_vectors.ts', async () => {
    const { writeFileSync } = await import('node:fs');
    setSeed(2027);
    const out: string[] = [];
    const emit = (c: Case, r: ReturnType<typeof qemuRun>[number], note = '') => {
      const vin = [...new Set(namedRegs(getDecoder().disasm(c.word, 0))[0])].map((k) => `${k}: '${hexv(c.v, k)}'`);
      const xin = c.x.map((v, k) => (v ? `${k}: '${BigInt.asUintN(64, v).toString(16)}'` : '')).filter(Boolean);
      const vout: string[] = [], xout: string[] = [];
      for (let k = 0; k < 32; k++) if (hexv(r.v, k) !== hexv(c.v, k)) vout.push(`${k}: '${hexv(r.v, k)}'`);
      for (let k = 0; k < 31; k++) if (r.x[k] !== BigInt.asUintN(64, c.x[k])) xout.push(`${k}: '${r.x[k].toString(16)}'`);
      out.push(`  [0x${c.word.toString(16).padStart(8, '0')}, 0x${c.fpcr.toString(16)}, 0x${c.fpsr.toString(16)}, 0x${(c.nzcv >>> 28).toString(16)}, { ${vin.join(', ')} }, { ${xin.join(', ')} }, { ${vout.join(', ')} }, { ${xout.join(', ')} }, 0x${(r.fpsr >>> 0).toString(16)}, 0x${(r.nzcv >>> 28).toString(16)}],${note}`);
    };
    {
      const { HAND } = await import('./simd/hand.js');
      const ws = assemble(HAND.map((h) => h.asm));
      const cases = HAND.map((h, i): Case => {
        const v = new Uint8Array(512);
        for (const [r, hex] of Object.entries(h.v ?? {})) {
          const p = hex.padStart(32, '0');
          for (let k = 0; k < 16; k++) v[+r * 16 + k] = parseInt(p.slice(30 - 2 * k, 32 - 2 * k), 16);
        }
        const x = Array.from({ length: 31 }, (_, k) => h.x?.[k] ?? 0n);
        return { word: ws[i], x, v, fpcr: h.fpcr ?? 0, fpsr: 0, nzcv: (h.nzcv ?? 0) << 28, mem: new Uint8Array(4096) };
      });
      const q = qemuRun(cases);
      cases.forEach((c, i) => {
        if (q[i].sig) throw new Error(`hand case '${HAND[i].asm}' raised signal ${q[i].sig} under qemu`);
        emit(c, q[i], ` // ${HAND[i].asm} — ${HAND[i].note}`);
      });
    }
    for (const def of simd) {
      if (PLANS[def.name]?.mem || def.name === 'LDR_V_lit') continue;
      const want = def.name.startsWith('FP_') ? 20 : 8;
      const cand = words(def, want * 8, PLANS[def.name]?.fix).filter((w) => getDecoder().lookup(w)?.def === def && !getDecoder().disasm(w, 0).startsWith('.inst'));
      const cases = cand.slice(0, want * 2).map((w) => {
        const c = randomCase(w);
        const [vs, xs] = namedRegs(getDecoder().disasm(w, 0));
        const keepV = new Uint8Array(512);
        for (const r of vs) keepV.set(c.v.subarray(r * 16, r * 16 + 16), r * 16);
        c.v = keepV;
        c.x = c.x.map((val, i) => (xs.includes(i) ? val : 0n));
        return c;
      });
      const q = qemuRun(cases);
      let n = 0;
      cases.forEach((c, i) => {
        const r = q[i];
        if (r.sig || n >= want) return;
        n++;
        emit(c, r);
      });
    }
    const head = [
      '// Register-level test vectors for the simd group. Generated by test/oracle/simd.oracle.ts',
      '// (KRUST_ORACLE_EMIT=1); every expected value was checked with qemu-aarch64 -cpu cortex-a72.',
      '// [word, fpcr, fpsr in, nzcv in, V in, X in, V out (changed), X out (changed), fpsr out, nzcv out]',
      'type Regs = Record<number, string>;',
      'export type Vector = [number, number, number, number, Regs, Regs, Regs, Regs, number, number];',
      'export const VECTORS: Vector[] = [',
    ];
    writeFileSync(new URL('../unit/simd_vectors.ts', import.meta.url), [...head, ...out, '];', ''].join('\n'));
  }, 600_000);
});
