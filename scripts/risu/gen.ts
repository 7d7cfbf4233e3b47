// Random test cases from the instruction table: for an entry, random bits in every position its
// pattern leaves open, kept when the decoder maps the word back to a table entry that decodes it.
// Memory instructions get their base register (and index register) pointed into a scratch
// window; encodings whose result the architecture leaves UNPREDICTABLE are rejected.
import type { InsnDef } from '../../src/isa/table.js';
import type { Decoder, TableEntry } from '../../src/isa/decoder.js';
import { dpImm } from '../../src/isa/groups/dp_imm.js';
import { dpReg } from '../../src/isa/groups/dp_reg.js';
import { ldst } from '../../src/isa/groups/ldst.js';
import { branch } from '../../src/isa/groups/branch.js';
import { system } from '../../src/isa/groups/system.js';
import { simd } from '../../src/isa/groups/simd.js';

// ---------------------------------------------------------------- random numbers (sfc32, seeded)
export class Rng {
  private a: number; private b: number; private c: number; private d: number;
  constructor(seed: number) {
    this.a = 0x9e3779b9; this.b = seed | 0; this.c = (seed / 4294967296) | 0; this.d = 1;
    for (let i = 0; i < 20; i++) this.u32();
  }
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /** Integer in [0, n). */
  int(n: number): number { return Math.floor((this.u32() / 4294967296) * n); }
  chance(p: number): boolean { return this.u32() / 4294967296 < p; }
  pick<T>(xs: readonly T[]): T { return xs[this.int(xs.length)]; }
  u64(): bigint { return (BigInt(this.u32()) << 32n) | BigInt(this.u32()); }
}

// ---------------------------------------------------------------- the table, by group
export const GROUPS: Record<string, InsnDef[]> = { dp_imm: dpImm, dp_reg: dpReg, ldst, branch, system, simd };
/** Groups never generated: they change control flow or the machine state around the test. */
export const EXCLUDED_GROUPS = new Set(['branch', 'system']);

const groupOf = new Map<InsnDef, string>();
for (const [g, defs] of Object.entries(GROUPS)) for (const d of defs) groupOf.set(d, g);
export const groupName = (def: InsnDef): string => groupOf.get(def) ?? '?';

/** Encoding classes that must never be generated whatever group they sit in (Arm ARM top-level
 *  decode: op0 bits 28..26 = 101 is branches, exception generation and system). */
const isBranchOrSystem = (insn: number) => ((insn >>> 26) & 7) === 0b101;
/** Loads and stores: bit 27 = 1, bit 25 = 0. */
export const isMemory = (insn: number) => ((insn >>> 25) & 0b101) === 0b100;
/** Uses FP/SIMD state: loads/stores of V registers (bit 26) and data-processing SIMD&FP (x111). */
export const isFp = (insn: number) => (isMemory(insn) && ((insn >>> 26) & 1) === 1) || ((insn >>> 25) & 7) === 0b111;

// ---------------------------------------------------------------- memory addressing
export interface MemForm {
  kind: string;
  base: number;           // Rn (31 = SP)
  /** EA - base, given the value chosen for the index register (if any). */
  off: (idx: bigint) => bigint;
  bytes: number;          // access size in bytes (largest extent from the EA)
  align: number;          // required alignment of the EA (1 = none)
  idx?: { reg: number; option: number }; // register-offset forms: Rm and its extend option
}

const sx = (v: number, bits: number) => (v << (32 - bits)) >> (32 - bits);

/** How a load/store computes its address, from the raw encoding (Arm ARM C4.1.66 "Loads and
 *  Stores"), or a string saying why it is rejected (UNPREDICTABLE or not handled). */
export function memForm(insn: number): MemForm | string {
  const rt = insn & 31, rn = (insn >>> 5) & 31, rt2 = (insn >>> 10) & 31, rs = (insn >>> 16) & 31;
  const V = (insn >>> 26) & 1, size = insn >>> 30, L = (insn >>> 22) & 1;
  const wbConflict = (regs: number[]) => !V && rn !== 31 && regs.includes(rn);

  // Load/store exclusive and ordered: bits 29..24 = 001000. Address = Rn, aligned.
  if ((insn & 0x3f000000) === 0x08000000) {
    const o2 = (insn >>> 23) & 1, o1 = (insn >>> 21) & 1;
    if (o2 && o1) return 'exclusive: o2=o1=1 (ARMv8.1 CAS)';
    const pair = !o2 && o1;
    const bytes = pair ? (size & 1 ? 16 : 8) : 1 << size;
    if (!o2 && !L && (rs === rt || (pair && rs === rt2) || (rs === rn && rn !== 31))) return 'UNPREDICTABLE: store-exclusive status register overlaps';
    if (pair && L && rt === rt2) return 'UNPREDICTABLE: load-exclusive pair Rt == Rt2';
    return { kind: pair ? 'excl_pair' : o2 ? 'ordered' : 'excl', base: rn, off: () => 0n, bytes, align: bytes };
  }
  // Load register (literal): pc-relative, nothing to constrain.
  if ((insn & 0x3b000000) === 0x18000000) return { kind: 'literal', base: -1, off: () => 0n, bytes: 16, align: 1 };
  // Load/store pair: bits 29..27 = 101, bit 25 = 0; type in bits 24..23.
  if ((insn & 0x3a000000) === 0x28000000) {
    const type = (insn >>> 23) & 3, opc = size;
    const scale = V ? 4 << opc : opc & 2 ? 8 : 4;
    const imm = BigInt(sx((insn >>> 15) & 0x7f, 7) * scale);
    const wb = type === 1 || type === 3;
    if (L && rt === rt2) return 'UNPREDICTABLE: load pair Rt == Rt2';
    if (wb && wbConflict([rt, rt2])) return 'UNPREDICTABLE: pair writeback with Rn == Rt/Rt2';
    return { kind: ['pair_noalloc', 'pair_post', 'pair', 'pair_pre'][type], base: rn, off: () => (type === 1 ? 0n : imm), bytes: 2 * scale, align: 1 };
  }
  // Load/store register, all single-register forms: bits 29..27 = 111, bit 25 = 0.
  if ((insn & 0x3a000000) === 0x38000000) {
    const opc = (insn >>> 22) & 3;
    const bytes = V && opc & 2 ? 16 : 1 << size;
    if ((insn >>> 24) & 1) {
      const imm = BigInt(((insn >>> 10) & 0xfff) * bytes);
      return { kind: 'uimm', base: rn, off: () => imm, bytes, align: 1 };
    }
    const b21 = (insn >>> 21) & 1, mode = (insn >>> 10) & 3;
    if (!b21) {
      const imm = BigInt(sx((insn >>> 12) & 0x1ff, 9));
      const wb = mode === 1 || mode === 3;
      if (wb && wbConflict([rt])) return 'UNPREDICTABLE: writeback with Rn == Rt';
      return { kind: ['unscaled', 'post', 'unpriv', 'pre'][mode], base: rn, off: () => (mode === 1 ? 0n : imm), bytes, align: 1 };
    }
    if (mode === 2) {
      const option = (insn >>> 13) & 7, S = (insn >>> 12) & 1;
      if (rs === rn) return 'register offset with Rm == Rn (address not constrainable)';
      const shift = S ? BigInt(Math.log2(bytes)) : 0n;
      const ext = (v: bigint) => {
        switch (option) {
          case 2: return BigInt.asUintN(32, v);
          case 6: return BigInt.asIntN(32, v);
          case 7: return BigInt.asIntN(64, v);
          default: return BigInt.asUintN(64, v);
        }
      };
      return { kind: 'regoff', base: rn, off: (idx) => BigInt.asIntN(64, ext(idx) << shift), bytes, align: 1, idx: { reg: rs, option } };
    }
    if (mode === 0) return { kind: 'atomic', base: rn, off: () => 0n, bytes, align: bytes };
    return 'LDRAA/LDRAB (pointer authentication)';
  }
  // AdvSIMD load/store multiple structures (and post-indexed): address = Rn.
  if ((insn & 0xbfbf0000) === 0x0c000000 || (insn & 0xbfa00000) === 0x0c800000) return { kind: 'simd_multi', base: rn, off: () => 0n, bytes: 64, align: 1 };
  // AdvSIMD load/store single structure (and post-indexed).
  if ((insn & 0xbf9f0000) === 0x0d000000 || (insn & 0xbf800000) === 0x0d800000) return { kind: 'simd_single', base: rn, off: () => 0n, bytes: 64, align: 1 };
  return 'memory encoding class not handled by the harness';
}

// ---------------------------------------------------------------- test cases
export interface Case {
  insn: number;
  name: string;          // table entry name
  group: string;
  /** Sequence mode: more instructions (never loads/stores) run right after `insn`. */
  seq?: { insn: number; name: string; group: string }[];
  fp: boolean;
  mem?: MemForm & { tOff: number; idxVal?: bigint };
  x: bigint[];           // X0..X30
  sp: bigint;
  nzcv: number;          // in bits 31..28
  fpcr: number;
  fpsr: number;
  v?: Uint8Array;        // 512 bytes, V0..V31
}

const EDGE64 = [0n, 1n, 2n, 0xffffffffffffffffn, 0x8000000000000000n, 0x7fffffffffffffffn, 0xffffffffn, 0x80000000n,
  0x7fffffffn, 0x100000000n, 0xffffffff80000000n, 0xfffffffffffffffen, 0x5555555555555555n, 0xaaaaaaaaaaaaaaaan, 0xffffn, 0x8000n];

/** A register value: mostly random, often small or an edge value (flags and carries live there). */
export function randomX(r: Rng): bigint {
  const k = r.int(16);
  if (k < 7) return r.u64();
  if (k < 9) return BigInt(r.int(64));
  if (k < 10) return BigInt.asUintN(64, -BigInt(1 + r.int(64)));
  if (k < 12) return r.pick(EDGE64);
  if (k < 14) return BigInt(r.u32());
  if (k < 15) return BigInt.asUintN(64, BigInt(r.u32() | 0));
  return 1n << BigInt(r.int(64));
}

const F32 = [0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000, 0x7fa00000,
  0x00000001, 0x807fffff, 0x7f7fffff, 0x00800000, 0x3f000000, 0x3fc00000, 0x40200000, 0x4b000000, 0x4f000000, 0xcf000000,
  0x5f000000, 0xdf000000, 0x3effffff, 0x477fe000, 0x38800000];
const F64 = [0x0n, 0x8000000000000000n, 0x3ff0000000000000n, 0xbff0000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n,
  0x7ff8000000000000n, 0x7ff4000000000000n, 0x0000000000000001n, 0x000fffffffffffffn, 0x7fefffffffffffffn,
  0x0010000000000000n, 0x3fe0000000000000n, 0x3ff8000000000000n, 0x4004000000000000n, 0x4330000000000000n,
  0x43e0000000000000n, 0xc3e0000000000000n, 0x41e0000000000000n, 0xc1e0000000000000n, 0x3fdfffffffffffffn];

function randomV(r: Rng): Uint8Array {
  const v = new Uint8Array(512);
  const dv = new DataView(v.buffer);
  for (let q = 0; q < 32; q++) {
    const k = r.int(10);
    for (let lane = 0; lane < 4; lane++) {
      const o = q * 16 + lane * 4;
      if (k < 4) dv.setUint32(o, r.u32(), true);
      else if (k < 7) {
        // fp32: a special, or a random number with a moderate exponent.
        dv.setUint32(o, r.chance(0.5) ? r.pick(F32) : ((r.u32() & 0x807fffff) | ((100 + r.int(56)) << 23)) >>> 0, true);
      } else if (lane % 2 === 0) {
        const x = r.chance(0.5) ? r.pick(F64) : (r.u64() & 0x800fffffffffffffn) | (BigInt(1000 + r.int(48)) << 52n);
        dv.setBigUint64(o, x, true);
      }
    }
  }
  return v;
}

export interface GenStats { tried: number; undecodable: number; rejected: Map<string, number> }

export class Generator {
  readonly pool: TableEntry[];
  readonly stats: GenStats = { tried: 0, undecodable: 0, rejected: new Map() };

  /** Entries whose words are not loads/stores (for the tail of a sequence). */
  private nonMemPool: TableEntry[] | undefined;

  constructor(readonly decoder: Decoder, readonly rng: Rng, filter: { groups?: string[]; match?: RegExp; exclude?: RegExp } = {},
    /** Instructions per case: 1 is one instruction per case (risu); more makes straight-line
     *  sequences, which is what a JIT optimises across (flags, register caching). */
    readonly seqLen = 1,
    /** Fraction of cases that are words krustvm does NOT decode (from the same encoding space):
     *  qemu must raise SIGILL for them too, else krustvm lacks an instruction qemu has. */
    readonly undefRate = 0) {
    this.pool = decoder.entries.filter((e) => {
      const g = groupName(e.def);
      if (EXCLUDED_GROUPS.has(g)) return false;
      if (filter.groups && !filter.groups.includes(g)) return false;
      if (filter.match && !filter.match.test(e.def.name)) return false;
      if (filter.exclude && filter.exclude.test(e.def.name)) return false;
      return true;
    });
  }

  private reject(why: string): void { this.stats.rejected.set(why, (this.stats.rejected.get(why) ?? 0) + 1); }

  /** A random instruction word of entry `e` that decodes (to whichever entry the decoder picks,
   *  if it is also a generated one), or undefined after too many tries. */
  word(e: TableEntry): { insn: number; te: TableEntry } | undefined {
    for (let tries = 0; tries < 64; tries++) {
      this.stats.tried++;
      let insn = ((this.rng.u32() & ~e.pat.mask) | e.pat.value) >>> 0;
      if (isBranchOrSystem(insn)) { this.reject('branch/system encoding class'); continue; }
      // Exclusive loads and ordered accesses: the Rs/Rt2 fields they do not use "should be one".
      if ((insn & 0x3f000000) === 0x08000000) {
        const o2 = (insn >>> 23) & 1, L = (insn >>> 22) & 1, o1 = (insn >>> 21) & 1;
        if (L || o2) insn = (insn | (31 << 16)) >>> 0;
        if (!(o1 && !o2)) insn = (insn | (31 << 10)) >>> 0;
      }
      const te = this.decoder.lookup(insn);
      if (!te || !te.def.decode(this.decoder.fields(te, insn), insn)) { this.stats.undecodable++; continue; }
      if (EXCLUDED_GROUPS.has(groupName(te.def))) { this.reject('decodes to an excluded group'); continue; }
      return { insn, te };
    }
    return undefined;
  }

  /** A random word outside branches/system that krustvm's decoder rejects. */
  undefWord(): number | undefined {
    for (let tries = 0; tries < 64; tries++) {
      const insn = this.rng.u32();
      if (isBranchOrSystem(insn)) continue;
      const te = this.decoder.lookup(insn);
      if (te && te.def.decode(this.decoder.fields(te, insn), insn)) continue;
      return insn;
    }
    return undefined;
  }

  /** One test case, or undefined when no acceptable word was found. */
  next(): Case | undefined {
    const r = this.rng;
    if (this.undefRate > 0 && r.chance(this.undefRate)) {
      const insn = this.undefWord();
      if (insn === undefined) return undefined;
      const op0 = (insn >>> 25) & 15;
      const cls = op0 === 0 ? 'reserved' : op0 === 2 ? 'sve' : (op0 & 14) === 8 ? 'dp_imm' : (op0 & 5) === 4 ? 'ldst' : (op0 & 7) === 5 ? 'dp_reg' : 'simd_fp';
      // Whatever it is, if qemu runs it as a load/store its address should land somewhere harmless.
      const f = isMemory(insn) ? memForm(insn) : undefined;
      const mem = f && typeof f !== 'string' ? { ...f, tOff: 64, idxVal: 0n } : undefined;
      return {
        insn, name: `UNDEF_${cls}`, group: 'undef', fp: true, mem,
        x: Array.from({ length: 31 }, () => randomX(r)), sp: 0x7fff0000n, nzcv: r.int(16) << 28, fpcr: 0, fpsr: 0, v: randomV(r),
      };
    }
    const e = r.pick(this.pool);
    const w = this.word(e);
    if (!w) return undefined;
    const { insn, te } = w;
    let mem: Case['mem'];
    if (isMemory(insn)) {
      const f = memForm(insn);
      if (typeof f === 'string') { this.reject(f); return undefined; }
      // Where in its window the access lands: aligned as required, else often aligned.
      let tOff = 64 + r.int(64);
      const a = f.align > 1 ? f.align : r.chance(0.7) ? Math.min(f.bytes, 16) : 1;
      tOff -= tOff % a;
      mem = { ...f, tOff };
      if (f.idx) {
        // Small index, with random upper bits where the extend ignores them (UXTW/SXTW).
        const small = BigInt(f.idx.option & 4 ? r.int(128) - 64 : r.int(64));
        const w32 = f.idx.option === 2 || f.idx.option === 6;
        mem.idxVal = w32 ? (BigInt(r.u32()) << 32n) | BigInt.asUintN(32, small) : BigInt.asUintN(64, small);
      }
    }
    let fp = isFp(insn);
    let seq: Case['seq'];
    if (this.seqLen > 1) {
      // The tail never touches memory: the base register the first instruction was given may
      // not survive it.
      this.nonMemPool ??= this.pool.filter((p) => !isMemory(p.pat.value));
      seq = [];
      while (seq.length < this.seqLen - 1 && this.nonMemPool.length) {
        const t = this.word(r.pick(this.nonMemPool));
        if (!t || isMemory(t.insn)) continue;
        seq.push({ insn: t.insn, name: t.te.def.name, group: groupName(t.te.def) });
        fp ||= isFp(t.insn);
      }
    }
    const c: Case = {
      insn, name: te.def.name, group: groupName(te.def), fp, mem, seq,
      x: Array.from({ length: 31 }, () => randomX(r)),
      sp: r.chance(0.5) ? randomX(r) : 0x7fff0000n + BigInt(r.int(4096) * 16),
      nzcv: r.int(16) << 28,
      fpcr: fp ? (r.int(4) << 22) | (r.chance(0.3) ? 1 << 24 : 0) | (r.chance(0.3) ? 1 << 25 : 0) | (r.chance(0.2) ? 1 << 26 : 0) : 0,
      fpsr: fp ? [0, 1, 2, 3, 4, 7, 27].reduce((acc, bit) => acc | (r.chance(0.2) ? 1 << bit : 0), 0) >>> 0 : 0,
      v: fp ? randomV(r) : undefined,
    };
    return c;
  }
}
