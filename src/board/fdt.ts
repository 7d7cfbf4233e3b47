// Flattened device tree (DTB) writer and a minimal reader, per the Devicetree Specification
// v0.4 chapter 5: header, memory reservation block (8-byte aligned), structure block (4-byte
// aligned tokens), strings block; version 17, last compatible version 16.

export const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1, FDT_END_NODE = 2, FDT_PROP = 3, FDT_NOP = 4, FDT_END = 9;
const HEADER_SIZE = 40;

/** A property value:
 *  - true: an empty property (a flag such as `interrupt-controller`);
 *  - string / string[]: NUL-terminated string(s);
 *  - an array of cells: number = one u32 cell, bigint = a u64 (two cells), FdtNode = the
 *    node's phandle (assigned at build time);
 *  - Uint8Array: raw bytes. */
export type PropValue = true | string | string[] | Uint8Array | (number | bigint | FdtNode)[];

export class FdtNode {
  readonly props: [string, PropValue][] = [];
  readonly children: FdtNode[] = [];
  /** Set by build() when another node refers to this one (or preset by the caller). */
  phandle = 0;

  /** `name` is node-name[@unit-address]; the root node's name is ''. */
  constructor(readonly name: string) {}

  /** Sets (or replaces) a property; returns this node for chaining. */
  set(name: string, value: PropValue): this {
    const i = this.props.findIndex(([n]) => n === name);
    if (i >= 0) this.props[i] = [name, value]; else this.props.push([name, value]);
    return this;
  }
  /** Adds and returns a child node. */
  add(child: FdtNode | string): FdtNode {
    const c = typeof child === 'string' ? new FdtNode(child) : child;
    this.children.push(c);
    return c;
  }
}

/** A u64 split into two cells (for #address-cells / #size-cells = 2 values). */
export const u64Cells = (v: number | bigint): number[] => {
  const b = BigInt(v);
  return [Number((b >> 32n) & 0xffffffffn), Number(b & 0xffffffffn)];
};

export interface MemReserve { address: number | bigint; size: number | bigint }

export interface FdtBuildOptions {
  memreserve?: MemReserve[];
  bootCpuidPhys?: number;
}

const NAME_RE = /^[A-Za-z0-9,._+-]{1,31}(@[A-Za-z0-9,._+-]+)?$/;
const PROP_RE = /^[A-Za-z0-9,._+?#-]{1,31}$/;

class ByteSink {
  private buf = new Uint8Array(1024);
  len = 0;
  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const b = new Uint8Array(cap);
    b.set(this.buf.subarray(0, this.len));
    this.buf = b;
  }
  u32(v: number): void {
    this.grow(4);
    new DataView(this.buf.buffer).setUint32(this.len, v >>> 0, false);
    this.len += 4;
  }
  bytes(b: Uint8Array): void { this.grow(b.length); this.buf.set(b, this.len); this.len += b.length; }
  align(n: number): void { const pad = (n - (this.len % n)) % n; this.grow(pad); this.len += pad; }
  result(): Uint8Array { return this.buf.slice(0, this.len); }
}

const utf8 = new TextEncoder();

function encodeValue(name: string, v: PropValue): Uint8Array {
  if (v === true) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') v = [v];
  if (v.length > 0 && v.every((x) => typeof x === 'string')) {
    const parts = (v as string[]).map((s) => {
      if (s.includes('\0')) throw new Error(`device tree: property ${name}: string contains NUL`);
      return utf8.encode(s + '\0');
    });
    const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) { out.set(p, o); o += p.length; }
    return out;
  }
  const cells: number[] = [];
  for (const x of v as (number | bigint | FdtNode | string)[]) {
    if (typeof x === 'bigint') cells.push(...u64Cells(BigInt.asUintN(64, x)));
    else if (x instanceof FdtNode) {
      if (!x.phandle) throw new Error(`device tree: property ${name} refers to node ${x.name} that is not in the tree`);
      cells.push(x.phandle);
    } else if (typeof x === 'number' && Number.isInteger(x) && x >= -0x80000000 && x <= 0xffffffff) cells.push(x >>> 0);
    else throw new Error(`device tree: property ${name}: bad cell value ${String(x)}`);
  }
  const out = new Uint8Array(cells.length * 4), dv = new DataView(out.buffer);
  cells.forEach((c, i) => dv.setUint32(4 * i, c, false));
  return out;
}

/** Serialises the tree rooted at `root` into a DTB. Referenced nodes get phandles (1, 2, … in
 *  document order) and a `phandle` property. Throws on malformed names or values (a bug in the
 *  caller, never guest-controlled). */
export function buildFdt(root: FdtNode, opts: FdtBuildOptions = {}): Uint8Array {
  // Assign phandles to referenced nodes.
  const all: FdtNode[] = [];
  const walk = (n: FdtNode) => { all.push(n); n.children.forEach(walk); };
  walk(root);
  const inTree = new Set(all);
  const referenced = new Set<FdtNode>();
  for (const n of all) {
    for (const [, v] of n.props) {
      if (Array.isArray(v)) for (const x of v) if (x instanceof FdtNode) {
        if (!inTree.has(x)) throw new Error(`device tree: reference to node ${x.name} outside the tree`);
        referenced.add(x);
      }
    }
  }
  let next = Math.max(0, ...all.map((n) => n.phandle)) + 1;
  for (const n of all) {
    if (referenced.has(n) && !n.phandle) n.phandle = next++;
    if (n.phandle) n.set('phandle', [n.phandle]);
  }

  const strings = new ByteSink();
  const stringOff = new Map<string, number>();
  const strOff = (s: string) => {
    let o = stringOff.get(s);
    if (o === undefined) { o = strings.len; stringOff.set(s, o); strings.bytes(utf8.encode(s + '\0')); }
    return o;
  };

  const st = new ByteSink();
  const emit = (n: FdtNode, isRoot: boolean) => {
    if (!isRoot && !NAME_RE.test(n.name)) throw new Error(`device tree: bad node name '${n.name}'`);
    const seen = new Set<string>();
    for (const c of n.children) {
      if (seen.has(c.name)) throw new Error(`device tree: duplicate node ${c.name} under '${n.name || '/'}'`);
      seen.add(c.name);
    }
    st.u32(FDT_BEGIN_NODE);
    st.bytes(utf8.encode(n.name + '\0'));
    st.align(4);
    for (const [name, v] of n.props) {
      if (!PROP_RE.test(name)) throw new Error(`device tree: bad property name '${name}'`);
      const data = encodeValue(name, v);
      st.u32(FDT_PROP); st.u32(data.length); st.u32(strOff(name));
      st.bytes(data); st.align(4);
    }
    for (const c of n.children) emit(c, false);
    st.u32(FDT_END_NODE);
  };
  emit(root, true);
  st.u32(FDT_END);

  const rsv = new ByteSink();
  for (const r of opts.memreserve ?? []) {
    for (const c of [...u64Cells(r.address), ...u64Cells(r.size)]) rsv.u32(c);
  }
  rsv.u32(0); rsv.u32(0); rsv.u32(0); rsv.u32(0);

  const structData = st.result(), stringData = strings.result(), rsvData = rsv.result();
  const offRsv = HEADER_SIZE;                 // 40: already 8-byte aligned
  const offStruct = offRsv + rsvData.length;  // multiple of 16 after the header
  const offStrings = offStruct + structData.length;
  const total = offStrings + stringData.length;
  const out = new Uint8Array(total), dv = new DataView(out.buffer);
  const header = [FDT_MAGIC, total, offStruct, offStrings, offRsv, 17, 16, opts.bootCpuidPhys ?? 0, stringData.length, structData.length];
  header.forEach((v, i) => dv.setUint32(4 * i, v >>> 0, false));
  out.set(rsvData, offRsv);
  out.set(structData, offStruct);
  out.set(stringData, offStrings);
  return out;
}

// ----- reader

/** A DTB that cannot be used; the message says what is wrong. */
export class DtbError extends Error {}

export class DtNode {
  readonly props = new Map<string, Uint8Array>();
  readonly children: DtNode[] = [];
  constructor(readonly name: string, readonly parent: DtNode | null) {}

  get path(): string {
    if (!this.parent) return '/';
    const p = this.parent.path;
    return (p === '/' ? '' : p) + '/' + this.name;
  }
  child(name: string): DtNode | undefined {
    return this.children.find((c) => c.name === name) ?? this.children.find((c) => c.name.split('@')[0] === name);
  }
  /** Looks up a node by absolute path ('/cpus/cpu@0'); a component without '@' matches the
   *  first node of that name with any unit address. */
  find(path: string): DtNode | undefined {
    let n: DtNode | undefined = this;
    for (const part of path.split('/').filter(Boolean)) { n = n?.child(part); if (!n) return undefined; }
    return n;
  }
  has(name: string): boolean { return this.props.has(name); }
  /** The property as a string list (NUL-separated). */
  strings(name: string): string[] | undefined {
    const v = this.props.get(name);
    if (!v) return undefined;
    const s = new TextDecoder().decode(v);
    return (s.endsWith('\0') ? s.slice(0, -1) : s).split('\0');
  }
  str(name: string): string | undefined { return this.strings(name)?.[0]; }
  /** The property as big-endian u32 cells. */
  cells(name: string): number[] | undefined {
    const v = this.props.get(name);
    if (!v || v.length % 4) return undefined;
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    return Array.from({ length: v.length / 4 }, (_, i) => dv.getUint32(4 * i, false));
  }
  u32(name: string): number | undefined { const c = this.cells(name); return c && c.length === 1 ? c[0] : undefined; }
  /** A 1- or 2-cell property as a bigint. */
  u64(name: string): bigint | undefined {
    const c = this.cells(name);
    if (!c) return undefined;
    if (c.length === 1) return BigInt(c[0]);
    if (c.length === 2) return (BigInt(c[0]) << 32n) | BigInt(c[1]);
    return undefined;
  }
}

export interface ParsedDtb {
  root: DtNode;
  version: number;
  bootCpuidPhys: number;
  memreserve: { address: bigint; size: bigint }[];
  /** Nodes by phandle. */
  phandles: Map<number, DtNode>;
}

/** Parses and checks a DTB (versions 16 and 17). Throws DtbError saying what is wrong. */
export function parseDtb(input: Uint8Array): ParsedDtb {
  // A plain Uint8Array view (a Node Buffer's slice() would share memory instead of copying).
  const blob = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (blob.length < HEADER_SIZE) throw new DtbError(`too short for a device tree blob (${blob.length} bytes)`);
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const h = (i: number) => dv.getUint32(4 * i, false);
  if (h(0) !== FDT_MAGIC) throw new DtbError(`not a device tree blob (magic 0x${h(0).toString(16).padStart(8, '0')}, expected 0xd00dfeed)`);
  const [total, offStruct, offStrings, offRsv, version, lastComp, boot] = [h(1), h(2), h(3), h(4), h(5), h(6), h(7)];
  if (lastComp > 17 || version < 16) throw new DtbError(`unsupported device tree version ${version} (last compatible ${lastComp})`);
  if (total > blob.length) throw new DtbError(`truncated: header says ${total} bytes, file has ${blob.length}`);
  const sizeStrings = h(8), sizeStruct = version >= 17 ? h(9) : total - offStruct;
  const inside = (o: number, n: number) => o >= HEADER_SIZE && o + n <= total;
  if (!inside(offRsv, 16) || offRsv % 8) throw new DtbError('bad memory reservation block offset');
  if (!inside(offStruct, sizeStruct) || offStruct % 4) throw new DtbError('bad structure block offset or size');
  if (!inside(offStrings, sizeStrings)) throw new DtbError('bad strings block offset or size');

  const memreserve: ParsedDtb['memreserve'] = [];
  for (let o = offRsv; ; o += 16) {
    if (o + 16 > total) throw new DtbError('memory reservation block is not terminated');
    const a = dv.getBigUint64(o, false), s = dv.getBigUint64(o + 8, false);
    if (a === 0n && s === 0n) break;
    memreserve.push({ address: a, size: s });
  }

  const dec = new TextDecoder('utf-8', { fatal: false });
  const cstr = (o: number, end: number, what: string) => {
    let e = o;
    while (e < end && blob[e] !== 0) e++;
    if (e >= end) throw new DtbError(`unterminated ${what} at offset ${o}`);
    return { s: dec.decode(blob.subarray(o, e)), next: e + 1 };
  };
  const structEnd = offStruct + sizeStruct;
  const phandles = new Map<number, DtNode>();
  let p = offStruct;
  const tok = () => {
    if (p + 4 > structEnd) throw new DtbError('structure block ends early');
    const t = dv.getUint32(p, false); p += 4; return t;
  };
  let root: DtNode | null = null;
  let cur: DtNode | null = null;
  for (;;) {
    const t = tok();
    if (t === FDT_NOP) continue;
    if (t === FDT_BEGIN_NODE) {
      const { s, next } = cstr(p, structEnd, 'node name');
      p = (next + 3) & ~3;
      if (!cur && root) throw new DtbError('more than one root node');
      const n: DtNode = new DtNode(s, cur);
      if (cur) cur.children.push(n); else root = n;
      cur = n;
    } else if (t === FDT_PROP) {
      if (!cur) throw new DtbError('property outside any node');
      const len = tok(), nameOff = tok();
      if (p + len > structEnd) throw new DtbError('property value runs past the structure block');
      if (nameOff >= sizeStrings) throw new DtbError('property name offset outside the strings block');
      const { s: name } = cstr(offStrings + nameOff, offStrings + sizeStrings, 'property name');
      const value = blob.slice(p, p + len);
      p = (p + len + 3) & ~3;
      cur.props.set(name, value);
      if ((name === 'phandle' || name === 'linux,phandle') && len === 4) phandles.set(new DataView(value.buffer).getUint32(0, false), cur);
    } else if (t === FDT_END_NODE) {
      if (!cur) throw new DtbError('unbalanced end of node');
      cur = cur.parent;
    } else if (t === FDT_END) {
      if (cur) throw new DtbError(`node ${cur.path} is not closed`);
      break;
    } else throw new DtbError(`bad token 0x${t.toString(16)} at offset ${p - 4}`);
  }
  if (!root) throw new DtbError('no root node');
  return { root, version, bootCpuidPhys: boot, memreserve, phandles };
}
