import { describe, it, expect } from 'vitest';
import { FdtNode, buildFdt, parseDtb, DtbError, FDT_MAGIC } from '../../src/board/fdt.js';
import { compile, decompile, findDtc } from './dtc.js';

const dtc = findDtc();

function sample(): FdtNode {
  const root = new FdtNode('');
  root.set('#address-cells', [2]).set('#size-cells', [2]).set('compatible', ['a,b', 'c']);
  const ic = root.add('ic@1000').set('interrupt-controller', true).set('#interrupt-cells', [1]).set('#address-cells', [0]).set('reg', [0, 0x1000, 0, 0x100]);
  root.set('interrupt-parent', [ic]);
  root.add('dev@2000').set('reg', [0x0n + 0x2000n, 0x10n]).set('interrupts', [5]).set('blob', Uint8Array.of(1, 2, 3)).set('name-x', 'odd');
  return root;
}

describe('FDT writer', () => {
  const blob = buildFdt(sample(), { memreserve: [{ address: 0x1000, size: 0x2000 }], bootCpuidPhys: 0 });
  const dv = new DataView(blob.buffer);
  const h = (i: number) => dv.getUint32(4 * i, false);

  it('header: magic, version 17/16, sizes and aligned blocks', () => {
    expect(h(0)).toBe(FDT_MAGIC);
    expect(h(1)).toBe(blob.length);
    expect(h(5)).toBe(17);
    expect(h(6)).toBe(16);
    expect(h(4) % 8).toBe(0);       // memory reservation block
    expect(h(2) % 4).toBe(0);       // structure block
    expect(h(3)).toBe(h(2) + h(9)); // strings follow the structure block
    expect(h(3) + h(8)).toBe(blob.length);
  });

  it('round-trips through parseDtb, with phandles resolved', () => {
    const t = parseDtb(blob);
    expect(t.version).toBe(17);
    expect(t.memreserve).toEqual([{ address: 0x1000n, size: 0x2000n }]);
    expect(t.root.strings('compatible')).toEqual(['a,b', 'c']);
    const ic = t.root.find('/ic@1000')!;
    expect(ic.u32('phandle')).toBe(1);
    expect(t.phandles.get(t.root.u32('interrupt-parent')!)).toBe(ic);
    const dev = t.root.find('/dev')!;
    expect(dev.path).toBe('/dev@2000');
    expect(dev.cells('reg')).toEqual([0, 0x2000, 0, 0x10]);
    expect(Array.from(dev.props.get('blob')!)).toEqual([1, 2, 3]);
    expect(dev.str('name-x')).toBe('odd');
  });

  it('strings block is deduplicated', () => {
    const root = new FdtNode('');
    root.add('a').set('x', [1]);
    root.add('b').set('x', [2]);
    const b = buildFdt(root);
    const d = new DataView(b.buffer);
    expect(d.getUint32(32, false)).toBe(2); // "x\0"
  });

  it('refuses malformed trees (caller bugs)', () => {
    const r = new FdtNode('');
    r.add('bad name');
    expect(() => buildFdt(r)).toThrow(/bad node name/);
    const r2 = new FdtNode('');
    r2.set('p', [new FdtNode('elsewhere')]);
    expect(() => buildFdt(r2)).toThrow(/outside the tree/);
    const r3 = new FdtNode('');
    r3.add('x'); r3.add('x');
    expect(() => buildFdt(r3)).toThrow(/duplicate node/);
  });

  it.runIf(dtc !== null)('dtc accepts it without warnings', () => {
    const r = decompile(blob);
    expect(r.stderr).toBe('');
    expect(r.dts).toMatch(/\/memreserve\/\s+0x0+1000 0x0+2000;/);
    expect(r.dts).toContain('interrupt-parent = <0x01>;');
  });

  it.runIf(dtc !== null)('parseDtb reads what dtc writes', () => {
    const b = compile('/dts-v1/;\n/memreserve/ 0x10 0x20;\n/ { model = "m"; n: node@1 { reg = <1>; v = <0x11 0x22>; }; x { ref = <&n>; s = "a", "bc"; }; };');
    const t = parseDtb(b);
    expect(t.root.str('model')).toBe('m');
    expect(t.memreserve).toEqual([{ address: 0x10n, size: 0x20n }]);
    expect(t.root.find('/node@1')!.cells('v')).toEqual([0x11, 0x22]);
    expect(t.phandles.get(t.root.find('/x')!.u32('ref')!)).toBe(t.root.find('/node@1'));
    expect(t.root.find('/x')!.strings('s')).toEqual(['a', 'bc']);
  });
});

describe('parseDtb rejects bad blobs with a clear error', () => {
  const good = buildFdt(sample());
  const mutate = (f: (b: Uint8Array, d: DataView) => void) => { const b = good.slice(); f(b, new DataView(b.buffer)); return b; };
  const cases: [string, Uint8Array, RegExp][] = [
    ['empty', new Uint8Array(0), /too short/],
    ['not a DTB', new TextEncoder().encode('this is an ELF file, honestly, not a device tree.'), /not a device tree blob \(magic/],
    ['truncated', good.slice(0, good.length - 8), /truncated/],
    ['old version', mutate((_, d) => { d.setUint32(20, 15, false); d.setUint32(24, 15, false); }), /unsupported device tree version/],
    ['struct offset out of range', mutate((_, d) => d.setUint32(8, 0xffff0, false)), /structure block/],
    ['bad token', mutate((b, d) => d.setUint32(d.getUint32(8, false), 0x77, false)), /bad token/],
    ['string offset out of range', mutate((b, d) => {
      // First property of the root: token at struct+8 (BEGIN_NODE + empty name), nameoff at +16.
      d.setUint32(d.getUint32(8, false) + 16, 0x7fffffff, false);
    }), /strings block/],
  ];
  for (const [label, blob, re] of cases) {
    it(label, () => {
      expect(() => parseDtb(blob)).toThrow(DtbError);
      expect(() => parseDtb(blob)).toThrow(re);
    });
  }

  it('never throws anything but DtbError on random corruption', () => {
    let seed = 12345;
    const rnd = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed; };
    for (let i = 0; i < 2000; i++) {
      const b = good.slice();
      for (let k = 0; k < 1 + (rnd() % 4); k++) b[rnd() % b.length] = rnd() & 0xff;
      try { parseDtb(b); } catch (e) { expect(e).toBeInstanceOf(DtbError); }
    }
  });
});
