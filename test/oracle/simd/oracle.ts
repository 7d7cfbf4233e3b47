// Differential testing against qemu-aarch64 (-cpu cortex-a72) and GNU objdump. A dev tool: it
// needs aarch64-linux-gnu-gcc, qemu-aarch64 and objdump, which `npm test` must not, so only
// test/oracle/simd.oracle.ts (npm run oracle:simd) uses it. Verified values are pasted into
// the ordinary unit tests.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cpu } from '../../../src/cpu/state.js';
import { Memory, GuestFault, type Translator } from '../../../src/mem/memory.js';
import { Interpreter, StopRun } from '../../../src/interp/interpreter.js';
import { getDecoder } from '../../../src/isa/index.js';
import { parsePattern } from '../../../src/isa/pattern.js';
import type { InsnDef } from '../../../src/isa/table.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const MEMBASE = 0x200000;
export const MEMSIZE = 4096;
const STATE = 792;

export interface Case { word: number; x: bigint[]; v: Uint8Array; fpcr: number; fpsr: number; nzcv: number; mem: Uint8Array }
export interface Result { sig: number; addr: bigint; x: bigint[]; v: Uint8Array; fpcr: number; fpsr: number; nzcv: number; mem: Uint8Array }

export const haveTools = (): boolean => {
  try { execFileSync('which', ['qemu-aarch64', 'aarch64-linux-gnu-gcc', 'aarch64-linux-gnu-objdump']); return true; } catch { return false; }
};

let harnessPath: string | undefined;
function harness(): string {
  if (harnessPath) return harnessPath;
  const out = join(tmpdir(), 'krust-simd-harness');
  const srcs = ['harness.c', 'runner.S'].map((f) => join(HERE, f));
  const newest = Math.max(...srcs.map((s) => statSync(s).mtimeMs));
  if (!existsSync(out) || statSync(out).mtimeMs < newest) execFileSync('aarch64-linux-gnu-gcc', ['-O2', '-static', '-o', out, ...srcs]);
  return (harnessPath = out);
}

function packState(c: Case): Buffer {
  const b = Buffer.alloc(STATE);
  for (let i = 0; i < 31; i++) b.writeBigUInt64LE(BigInt.asUintN(64, c.x[i] ?? 0n), i * 8);
  Buffer.from(c.v).copy(b, 256);
  b.writeBigUInt64LE(BigInt(c.fpcr >>> 0), 768);
  b.writeBigUInt64LE(BigInt(c.fpsr >>> 0), 776);
  b.writeBigUInt64LE(BigInt(c.nzcv >>> 0), 784);
  return b;
}

/** Runs the cases under qemu-aarch64. */
export function qemuRun(cases: Case[]): Result[] {
  const parts: Buffer[] = [];
  const hdr = Buffer.alloc(4); hdr.writeUInt32LE(MEMSIZE); parts.push(hdr);
  for (const c of cases) {
    const w = Buffer.alloc(8); w.writeUInt32LE(c.word >>> 0);
    parts.push(w, packState(c), Buffer.from(c.mem));
  }
  const r = spawnSync('qemu-aarch64', ['-cpu', 'cortex-a72', harness()], { input: Buffer.concat(parts), maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`harness failed: ${r.stderr}`);
  const out = r.stdout;
  const res: Result[] = [];
  const rec = 16 + STATE + MEMSIZE;
  for (let i = 0; i < cases.length; i++) {
    const o = i * rec;
    const st = o + 16;
    res.push({
      sig: out.readUInt32LE(o), addr: out.readBigUInt64LE(o + 8),
      x: Array.from({ length: 31 }, (_, k) => out.readBigUInt64LE(st + k * 8)),
      v: new Uint8Array(out.subarray(st + 256, st + 768)),
      fpcr: Number(out.readBigUInt64LE(st + 768)), fpsr: Number(out.readBigUInt64LE(st + 776)), nzcv: Number(out.readBigUInt64LE(st + 784)),
      mem: new Uint8Array(out.subarray(st + STATE, st + STATE + MEMSIZE)),
    });
  }
  return res;
}

// ----- our side
const CODE = 0x300000;
const flat: Translator = {
  translate(vpn, hi, access) {
    if (hi !== 0 || (vpn !== MEMBASE >> 12 && vpn !== CODE >> 12)) {
      throw new GuestFault('translation', (BigInt(hi >>> 0) << 32n) | BigInt(vpn * 4096), access);
    }
    return vpn * 4096;
  },
};
let ours: { cpu: Cpu; it: Interpreter } | undefined;
export function ourRun(c: Case): Result {
  if (!ours) {
    const cpu = new Cpu(new Memory(4 << 20, flat));
    ours = { cpu, it: new Interpreter(cpu, getDecoder()) };
  }
  const { cpu, it } = ours;
  let sig = 0, addr = 0n;
  cpu.env = {
    undefinedInsn: () => { sig = 4; throw new StopRun('halt'); },
    fault: (f: GuestFault) => { sig = 11; addr = f.addr; throw new StopRun('halt'); },
  } as never;
  const mem = cpu.mem;
  mem.u8.set(c.mem, MEMBASE);
  for (let i = 0; i < 31; i++) cpu.setX(i, BigInt.asUintN(64, c.x[i] ?? 0n));
  cpu.V8.set(c.v);
  cpu.fpcr = c.fpcr; cpu.fpsr = c.fpsr; cpu.nzcv = c.nzcv;
  mem.dv.setUint32(CODE, c.word >>> 0, true);
  it.invalidatePage(CODE >> 12);
  mem.flushTlb();
  cpu.pc = CODE;
  try { it.run(1); } catch (e) { if (!(e instanceof StopRun)) throw e; }
  return {
    sig, addr, x: Array.from({ length: 31 }, (_, k) => cpu.getX(k)), v: new Uint8Array(cpu.V8),
    fpcr: cpu.fpcr, fpsr: cpu.fpsr, nzcv: cpu.nzcv >>> 0, mem: new Uint8Array(mem.u8.subarray(MEMBASE, MEMBASE + MEMSIZE)),
  };
}

/** Differences between a qemu result and ours, as text lines (empty = same). */
export function diff(q: Result, u: Result): string[] {
  const d: string[] = [];
  if (q.sig !== u.sig) { d.push(`signal qemu ${q.sig} ours ${u.sig}`); return d; }
  for (let i = 0; i < MEMSIZE; i++) if (q.mem[i] !== u.mem[i]) { d.push(`mem[+${i.toString(16)}] qemu ${q.mem[i]} ours ${u.mem[i]}`); break; }
  if (q.sig) return d;
  for (let i = 0; i < 31; i++) if (q.x[i] !== u.x[i]) d.push(`x${i} qemu ${q.x[i].toString(16)} ours ${u.x[i].toString(16)}`);
  for (let r = 0; r < 32; r++) {
    const a = hexv(q.v, r), b = hexv(u.v, r);
    if (a !== b) d.push(`v${r} qemu ${a} ours ${b}`);
  }
  if ((q.fpsr >>> 0) !== (u.fpsr >>> 0)) d.push(`fpsr qemu ${q.fpsr.toString(16)} ours ${u.fpsr.toString(16)}`);
  if ((q.nzcv >>> 0) !== (u.nzcv >>> 0)) d.push(`nzcv qemu ${(q.nzcv >>> 28).toString(2)} ours ${(u.nzcv >>> 28).toString(2)}`);
  return d;
}
export const hexv = (v: Uint8Array, r: number) =>
  Array.from(v.subarray(r * 16, r * 16 + 16)).reverse().map((x) => x.toString(16).padStart(2, '0')).join('');

// ----- objdump
/** objdump's text for each word (address annotations `<…>` removed). */
export function objdump(words: number[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'krust-dis-'));
  const f = join(dir, 'w.bin');
  const b = Buffer.alloc(words.length * 4);
  words.forEach((w, i) => b.writeUInt32LE(w >>> 0, i * 4));
  writeFileSync(f, b);
  const out = execFileSync('aarch64-linux-gnu-objdump', ['-D', '-b', 'binary', '-m', 'aarch64', f], { maxBuffer: 1 << 28 }).toString();
  const res: string[] = [];
  for (const line of out.split('\n')) {
    const m = /^\s*[0-9a-f]+:\t[0-9a-f]{8} \t(.*)$/.exec(line);
    if (m) res.push(m[1].replace(/\s*<[^>]*>/, '').trimEnd().replace(/([\t ])0x([0-9a-f]+)$/, '$1$2'));
  }
  if (res.length !== words.length) throw new Error(`objdump: ${res.length} lines for ${words.length} words`);
  void readFileSync;
  return res;
}

// ----- generators
let seed = 12345;
export function setSeed(s: number): void { seed = s; }
export function rnd(): number { // xorshift32, reproducible
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return seed >>> 0;
}
export const pick = <T>(a: T[]): T => a[rnd() % a.length];

/** Random words matching a table entry's pattern; `fix` pins fields to one of the given values. */
export function words(def: InsnDef, n: number, fix: Record<string, number[]> = {}): number[] {
  const p = parsePattern(def.pattern);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    let w = (p.value | (rnd() & ~p.mask)) >>> 0;
    for (const f of p.fields) {
      const vals = fix[f.name];
      if (!vals) continue;
      const m = (f.width === 32 ? -1 : (1 << f.width) - 1) << f.lsb;
      w = ((w & ~m) | ((pick(vals) << f.lsb) & m)) >>> 0;
    }
    out.push(w);
  }
  return out;
}

const D_SPECIAL = [
  0n, 1n << 63n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000123n,
  0x7ff0000000000001n, 0x7ff4000000000000n, 0x0000000000000001n, 0x800fffffffffffffn, 0x0010000000000000n,
  0x7fefffffffffffffn, 0x3ff0000000000000n, 0xbff0000000000000n, 0x3fe0000000000000n, 0x4004000000000000n,
  0x400c000000000000n, 0xc00c000000000000n, 0x41e0000000000000n, 0xc1e0000000000000n, 0x43e0000000000000n,
  0x43f0000000000000n, 0x41dfffffffc00000n, 0x3ff8000000000000n, 0x0008000000000000n, 0x3cb0000000000000n,
  0x000fffffffffffffn, 0x3fefffffffffffffn, 0x4330000000000000n, 0x4330000000000001n, 0x7fe0000000000000n,
];
const S_SPECIAL = [
  0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00123, 0x7f800001, 0x7fa00000, 1, 0x807fffff,
  0x00800000, 0x7f7fffff, 0x3f800000, 0xbf800000, 0x3f000000, 0x40200000, 0x40600000, 0xc0600000, 0x4f000000,
  0xcf000000, 0x5f000000, 0x4effffff, 0x3fc00000, 0x00400000, 0x33800000, 0x4b000000, 0x4b000001, 0x3f7fffff,
  0x7f000000, 0x477fe000, 0x38800000, 0x33000000, 0x387fc000,
];
const H_SPECIAL = [0, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe01, 0x7c01, 0x7d00, 1, 0x83ff, 0x0400, 0x7bff, 0x3c00, 0xbc00, 0x3800, 0x4100];

/** A V-register image: random bytes mixed with FP special values in some lanes. */
export function randomV(): Uint8Array {
  const v = new Uint8Array(512);
  const dv = new DataView(v.buffer);
  for (let r = 0; r < 32; r++) {
    const kind = rnd() % 6;
    for (let i = 0; i < 4; i++) dv.setUint32(r * 16 + i * 4, rnd(), true);
    if (kind === 1) for (let i = 0; i < 2; i++) dv.setBigUint64(r * 16 + i * 8, pick(D_SPECIAL) ^ (rnd() % 4 === 0 ? BigInt(rnd() & 7) : 0n), true);
    else if (kind === 2) for (let i = 0; i < 4; i++) dv.setUint32(r * 16 + i * 4, pick(S_SPECIAL) ^ (rnd() % 4 === 0 ? rnd() & 7 : 0), true);
    else if (kind === 3) for (let i = 0; i < 2; i++) dv.setFloat64(r * 16 + i * 8, randomDouble(), true);
    else if (kind === 4) for (let i = 0; i < 4; i++) dv.setFloat32(r * 16 + i * 4, randomDouble(), true);
    else if (kind === 5) for (let i = 0; i < 8; i++) dv.setUint16(r * 16 + i * 2, rnd() % 2 ? pick(H_SPECIAL) : rnd() & 0xffff, true);
  }
  return v;
}
function randomDouble(): number {
  switch (rnd() % 5) {
    case 0: return (rnd() % 2001 - 1000) / 4;
    case 1: return (rnd() / 65536 - 32768) * Math.pow(2, (rnd() % 80) - 40);
    case 2: return (rnd() % 2 ? -1 : 1) * Math.pow(2, (rnd() % 300) - 150) * (1 + (rnd() % 16) / 16);
    case 3: return (rnd() % 2 ? -1 : 1) * ((rnd() % 1000) + 0.5);
    default: return (rnd() | 0) * (rnd() % 2 ? 65536 : 1);
  }
}
const X_SPECIAL = [0n, 1n, -1n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x7fffffffffffffffn, 1n << 63n, 0x100000000n, 12345678901234n];
export function randomX(): bigint[] {
  return Array.from({ length: 31 }, () => (rnd() % 3 === 0 ? pick(X_SPECIAL) : (BigInt(rnd()) << 32n) | BigInt(rnd())));
}
export function randomFpcr(): number {
  if (rnd() % 2) return 0; // the usual state: round to nearest, no flush-to-zero
  const rm = rnd() % 4;
  const bits = rnd() % 4 === 0 ? 0 : rnd();
  return ((rm << 22) | (bits & ((1 << 24) | (1 << 25) | (1 << 26)))) >>> 0;
}
export function randomCase(word: number): Case {
  const mem = new Uint8Array(MEMSIZE);
  for (let i = 0; i < MEMSIZE; i++) mem[i] = rnd() & 0xff;
  return { word, x: randomX(), v: randomV(), fpcr: randomFpcr(), fpsr: rnd() % 2 ? 0 : (rnd() & 0x9f), nzcv: (rnd() & 0xf) << 28, mem };
}

/** Instruction words for assembly lines (GNU as, -march=armv8-a+crypto). */
export function assemble(lines: string[]): number[] {
  const dir = mkdtempSync(join(tmpdir(), 'krust-as-'));
  writeFileSync(join(dir, 'a.s'), lines.join('\n') + '\n');
  execFileSync('aarch64-linux-gnu-as', ['-march=armv8-a+crypto', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
  execFileSync('aarch64-linux-gnu-objcopy', ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
  const b = readFileSync(join(dir, 'a.bin'));
  return Array.from({ length: b.length / 4 }, (_, i) => b.readUInt32LE(i * 4));
}
