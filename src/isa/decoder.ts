// The decoder, built from the instruction table: entries are bucketed by the top 12 bits of the
// instruction word (every pattern's fixed bits there select its buckets), so decoding is one
// array lookup and a short scan of the few entries sharing a bucket, most specific first.
import type { InsnDef } from './table.js';
import { extractFields, parsePattern, type Fields, type Pattern } from './pattern.js';

export interface TableEntry { def: InsnDef; pat: Pattern; id: number; fixedBits: number }

const BUCKET_SHIFT = 20;

function popcount(x: number): number { let n = 0; while (x) { x &= x - 1; n++; } return n; }

export class Decoder {
  readonly entries: TableEntry[];
  private readonly buckets: TableEntry[][];

  constructor(defs: InsnDef[]) {
    const names = new Set<string>();
    this.entries = defs.map((def, id) => {
      if (names.has(def.name)) throw new Error(`instruction table: duplicate name ${def.name}`);
      names.add(def.name);
      const pat = parsePattern(def.pattern);
      return { def, pat, id, fixedBits: popcount(pat.mask) };
    });
    this.buckets = [];
    const topMask = 0xfff;
    for (let b = 0; b <= topMask; b++) {
      const list = this.entries.filter((e) => (b & (e.pat.mask >>> BUCKET_SHIFT)) === e.pat.value >>> BUCKET_SHIFT);
      list.sort((x, y) => y.fixedBits - x.fixedBits);
      this.buckets.push(list);
    }
  }

  /** The table entry whose pattern matches `insn`, or undefined. */
  lookup(insn: number): TableEntry | undefined {
    for (const e of this.buckets[insn >>> BUCKET_SHIFT]) if (((insn & e.pat.mask) >>> 0) === e.pat.value) return e;
    return undefined;
  }

  fields(e: TableEntry, insn: number): Fields { return extractFields(e.pat, insn); }

  /** objdump-style text for one instruction word at `pc`. */
  disasm(insn: number, pc: number): string {
    const e = this.lookup(insn);
    const f = e && this.fields(e, insn);
    if (e && f && e.def.decode(f, insn) !== null) return e.def.disasm(f, pc, insn);
    return `.inst\t0x${(insn >>> 0).toString(16).padStart(8, '0')} ; undefined`;
  }
}
