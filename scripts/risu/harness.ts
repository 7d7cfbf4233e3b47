// One batch of the random-instruction differential test: generate cases, build the image, run it
// under qemu-aarch64 and under krustvm, compare every case's registers, flags, signal, FP state and
// scratch window, and tally the results per table entry.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { getDecoder } from '../../src/isa/index.js';
import type { Decoder } from '../../src/isa/decoder.js';
import { Generator, Rng, type Case } from './gen.js';
import { buildImage, parseDump, type Image, type CaseResult, WINDOW } from './image.js';
import { runDirect, HarnessError } from './direct.js';
import { A } from './a64.js';
import { runCommand, QEMU_CPU, KRUSTVM_CLI } from '../../test/diff/oracle.js';

export type Engine = 'interp' | 'jit';

export interface BatchOpts {
  seed: number;
  count: number;
  engines: Engine[];
  qemu: string;
  /** 'direct': krustvm's engines in this process (CPU only); 'cli': `krustvm run` on the image. */
  runner?: 'direct' | 'cli';
  groups?: string[];
  match?: RegExp;
  exclude?: RegExp;
  /** Instructions per case (sequence mode when > 1). */
  seq?: number;
  /** Fraction of cases that are words krustvm does not decode (qemu must raise SIGILL too). */
  undef?: number;
  /** The decoder krustvm runs with (default: its own); cases are always generated from krustvm's own. */
  krustvmDecoder?: Decoder;
}

export interface Mismatch {
  engine: Engine;
  seed: number;
  index: number;
  insn: number;
  name: string;
  group: string;
  text: string;      // krustvm's disassembly
  diffs: string[];
  inputs: string;
}

export interface EntryStats { group: string; run: number; signals: number; mismatches: Record<Engine, number> }

export interface BatchResult {
  cases: number;
  /** Instructions under test (cases × sequence length). */
  instructions: number;
  entries: Map<string, EntryStats>;
  mismatches: Mismatch[];
  /** Problems that stopped a whole batch for an engine (harness could not run). */
  errors: string[];
  rejected: Map<string, number>;
  ms: { gen: number; qemu: number } & Partial<Record<Engine, number>>;
}

const h64 = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');
const SIGNAMES: Record<number, string> = { 0: 'none', 4: 'SIGILL', 5: 'SIGTRAP', 7: 'SIGBUS', 8: 'SIGFPE', 11: 'SIGSEGV' };
const sigName = (s: number) => SIGNAMES[s] ?? `signal ${s}`;
const nzcvText = (w: number) => ['N', 'Z', 'C', 'V'].map((f, i) => ((w >>> (31 - i)) & 1 ? f : f.toLowerCase())).join('');

export function diffCase(c: Case, q: CaseResult, k: CaseResult): string[] {
  const d: string[] = [];
  if (q.sig !== k.sig) d.push(`signal: qemu ${sigName(q.sig)}, krustvm ${sigName(k.sig)}`);
  for (let r = 0; r < 31; r++) if (q.x[r] !== k.x[r]) d.push(`x${r}: qemu ${h64(q.x[r])} krustvm ${h64(k.x[r])} (in ${h64(c.x[r])})`);
  if (q.sp !== k.sp) d.push(`sp: qemu ${h64(q.sp)} krustvm ${h64(k.sp)}`);
  if (q.nzcv !== k.nzcv) d.push(`nzcv: qemu ${nzcvText(q.nzcv)} krustvm ${nzcvText(k.nzcv)} (in ${nzcvText(c.nzcv)})`);
  if (c.fp) {
    if (q.fpcr !== k.fpcr) d.push(`fpcr: qemu 0x${q.fpcr!.toString(16)} krustvm 0x${k.fpcr!.toString(16)}`);
    if (q.fpsr !== k.fpsr) d.push(`fpsr: qemu 0x${q.fpsr!.toString(16)} krustvm 0x${k.fpsr!.toString(16)} (in 0x${c.fpsr.toString(16)})`);
    for (let r = 0; r < 32; r++) {
      const a = q.v!.subarray(16 * r, 16 * r + 16), b = k.v!.subarray(16 * r, 16 * r + 16);
      if (Buffer.compare(a, b) !== 0) d.push(`v${r}: qemu ${qhex(a)} krustvm ${qhex(b)} (in ${qhex(c.v!.subarray(16 * r, 16 * r + 16))})`);
    }
  }
  if (q.win && k.win && Buffer.compare(q.win, k.win) !== 0) {
    const bad: number[] = [];
    for (let i = 0; i < WINDOW; i++) if (q.win[i] !== k.win[i]) bad.push(i);
    const lo = bad[0], hi = bad[bad.length - 1];
    d.push(`memory: ${bad.length} bytes differ at window+${lo}..+${hi}: qemu ${hex(q.win.subarray(lo, hi + 1))} krustvm ${hex(k.win.subarray(lo, hi + 1))}`);
  }
  return d;
}
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** A Q register as one 128-bit hex number (lane 0 rightmost, as the architecture writes it). */
const qhex = (b: Uint8Array) => '0x' + Buffer.from(b).reverse().toString('hex');

/** The register operands of an encoding (the 5-bit fields at the standard places) and their inputs. */
function inputsText(p: Image['placed'][number]): string {
  const c = p.c, regs = new Set([c.insn & 31, (c.insn >>> 5) & 31, (c.insn >>> 10) & 31, (c.insn >>> 16) & 31]);
  const parts = [...regs].filter((r) => r < 31).sort((a, b) => a - b).map((r) => `x${r}=${h64(c.x[r])}`);
  if (c.mem) parts.push(`base=${p.base !== undefined ? h64(p.base) : 'pc'} (${c.mem.kind})`);
  if (regs.has(31)) parts.push(`sp=${h64(c.sp)}`);
  parts.push(`nzcv=${nzcvText(c.nzcv)}`);
  if (c.fp) parts.push(`fpcr=0x${c.fpcr.toString(16)}`);
  return parts.join(' ');
}

export function generateCases(seed: number, count: number, opts: Pick<BatchOpts, 'groups' | 'match' | 'exclude' | 'seq' | 'undef'>) {
  const dec = getDecoder();
  const rng = new Rng(seed);
  const gen = new Generator(dec, rng, opts, opts.seq ?? 1, opts.undef ?? 0);
  if (gen.pool.length === 0) throw new Error('no instruction table entries to generate from (is the table empty, or the filter too narrow?)');
  const cases: Case[] = [];
  let misses = 0;
  while (cases.length < count) {
    const c = gen.next();
    if (c) cases.push(c);
    else if (++misses > count * 50 + 10000) throw new Error(`could not generate ${count} cases (${cases.length} made)`);
  }
  const clrex = (() => { const te = dec.lookup(A.clrex); return !!te && te.def.decode(dec.fields(te, A.clrex), A.clrex) !== null; })();
  const img = buildImage(cases, {
    clrex,
    fill: (n) => { const b = new Uint8Array(n); for (let i = 0; i < n; i += 4) new DataView(b.buffer).setUint32(i, rng.u32(), true); return b; },
  });
  return { img, gen };
}

async function runImage(img: Image, how: 'qemu' | Engine, qemu: string, runner: 'direct' | 'cli', dir: string, decoder?: Decoder): Promise<Uint8Array> {
  const file = join(dir, 'risu.elf');
  if (how === 'qemu' || runner === 'cli') {
    const r = how === 'qemu'
      ? await runCommand(qemu, ['-cpu', QEMU_CPU, file], { timeoutMs: 600_000 })
      : await runCommand(process.execPath, [KRUSTVM_CLI, 'run', '--engine', how, file], { timeoutMs: 600_000 });
    if (r.status !== 0 || r.stdout.length !== img.dumpLen) {
      throw new HarnessError(`${how}: ${r.how}, ${r.stdout.length} of ${img.dumpLen} bytes of output${r.timedOut ? ' (timed out)' : ''}; stderr: ${r.stderr.slice(0, 500)}`);
    }
    return r.stdout;
  }
  return runDirect(img, how, decoder);
}

export async function runBatch(o: BatchOpts): Promise<BatchResult> {
  const t0 = Date.now();
  const { img, gen } = generateCases(o.seed, o.count, o);
  const res: BatchResult = {
    cases: img.placed.length, instructions: img.placed.reduce((n, p) => n + 1 + (p.c.seq?.length ?? 0), 0), entries: new Map(), mismatches: [], errors: [], rejected: gen.stats.rejected,
    ms: { gen: Date.now() - t0, qemu: 0 },
  };
  const dir = mkdtempSync(join(tmpdir(), 'krustvm-risu-'));
  try {
    writeFileSync(join(dir, 'risu.elf'), img.elf, { mode: 0o755 });
    const tq = Date.now();
    const qp = runImage(img, 'qemu', o.qemu, o.runner ?? 'direct', dir).then((d) => { res.ms.qemu = Date.now() - tq; return d; });
    qp.catch(() => {});
    const dumps = new Map<Engine, Uint8Array>();
    for (const e of o.engines) {
      const te = Date.now();
      try { dumps.set(e, await runImage(img, e, o.qemu, o.runner ?? 'direct', dir, o.krustvmDecoder)); } catch (err) {
        if (!(err instanceof HarnessError)) throw err;
        res.errors.push(`[${e}] seed ${o.seed}: ${err.message}`);
      }
      res.ms[e] = Date.now() - te;
    }
    let qd: Uint8Array;
    try { qd = await qp; } catch (err) {
      if (!(err instanceof HarnessError)) throw err;
      res.errors.push(`[qemu] seed ${o.seed}: ${err.message}`);
      return res;
    }
    const dec = getDecoder();
    img.placed.forEach((p, i) => {
      const q = parseDump(img, qd, i);
      // In sequence mode every entry of the sequence is counted as run, and as mismatching when
      // the sequence's end state differs.
      const members = [{ name: p.c.name, group: p.c.group }, ...(p.c.seq ?? [])];
      const stats = members.map((m) => {
        let st = res.entries.get(m.name);
        if (!st) res.entries.set(m.name, (st = { group: m.group, run: 0, signals: 0, mismatches: { interp: 0, jit: 0 } }));
        st.run++;
        return st;
      });
      if (q.sig) stats[0].signals++;
      for (const [e, kd] of dumps) {
        const d = diffCase(p.c, q, parseDump(img, kd, i));
        if (d.length === 0) continue;
        for (const st of new Set(stats)) st.mismatches[e]++;
        const text = [p.c.insn, ...(p.c.seq ?? []).map((t) => t.insn)].map((w, k) => {
          const t = dec.disasm(w, p.insnAddr + 4 * k);
          return p.c.seq ? `${(w >>> 0).toString(16).padStart(8, '0')} ${t}` : t;
        }).join(' ; ');
        res.mismatches.push({
          engine: e, seed: o.seed, index: i, insn: p.c.insn, name: members.map((m) => m.name).join('+'), group: p.c.group,
          text, diffs: d, inputs: inputsText(p),
        });
      }
    });
    return res;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** objdump's disassembly of instruction words (a second opinion for reports), if objdump exists. */
export function objdumpText(words: number[]): Map<number, string> {
  const m = new Map<number, string>();
  if (words.length === 0) return m;
  const dir = mkdtempSync(join(tmpdir(), 'krustvm-risu-od-'));
  try {
    const buf = Buffer.alloc(words.length * 4);
    words.forEach((w, i) => buf.writeUInt32LE(w >>> 0, 4 * i));
    writeFileSync(join(dir, 'w.bin'), buf);
    const r = spawnSync('aarch64-linux-gnu-objdump', ['-D', '-b', 'binary', '-m', 'aarch64', join(dir, 'w.bin')], { encoding: 'utf8' });
    if (r.status !== 0) return m;
    for (const line of r.stdout.split('\n')) {
      const mm = /^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*)$/.exec(line);
      if (mm) m.set(parseInt(mm[2], 16), mm[3].trim());
    }
    return m;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs one image under qemu ('qemu') or a krustvm engine (in process) and returns its dump. */
export async function runImageOnce(img: Image, how: 'qemu' | Engine, qemu: string, decoder?: Decoder): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), 'krustvm-risu-'));
  try {
    writeFileSync(join(dir, 'risu.elf'), img.elf, { mode: 0o755 });
    return await runImage(img, how, qemu, 'direct', dir, decoder);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
