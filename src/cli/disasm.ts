// `krustvm disasm`: objdump -d style disassembly of an arm64 ELF's executable sections (or, in a
// file without section headers, its executable PT_LOAD segments), with `<symbol>:` headers from
// the symbol table, `.word` for data that mapping symbols ($d) mark inside code, and
// `<symbol+0xoff>` after branch targets.
import { getDecoder } from '../isa/index.js';
import { PF_X, PT_LOAD, SHF_EXECINSTR, sectionBytes, sections, symbols, type ElfFile, type ElfSymbol } from '../linux/elf.js';

export interface DisasmOptions { start?: number; stop?: number }

interface Region { name: string; addr: number; bytes: Uint8Array; shndx: number }

const STT_SECTION = 3, STT_FILE = 4;
const TARGET_MNEMONICS = /^(b|bl|b\.\w+|cbn?z|tbn?z|adrp?|ldr|ldrsw|prfm)$/;

export function disassemble(elf: ElfFile, opts: DisasmOptions, out: (s: string) => void): void {
  const shdrs = sections(elf);
  const syms = symbols(elf, shdrs);
  let regions: Region[] = shdrs
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.flags & SHF_EXECINSTR && s.size > 0)
    .map(({ s, i }) => ({ name: s.name, addr: s.addr, bytes: sectionBytes(elf, s), shndx: i }));
  if (regions.length === 0) {
    regions = elf.phdrs
      .filter((p) => p.type === PT_LOAD && p.flags & PF_X && p.offset + p.filesz <= elf.bytes.length)
      .map((p, i) => ({ name: `LOAD${i}`, addr: p.vaddr, bytes: elf.bytes.subarray(p.offset, p.offset + p.filesz), shndx: -1 }));
  }
  const named = syms.filter((s) => s.name && s.type !== STT_SECTION && s.type !== STT_FILE && !s.name.startsWith('$') && s.shndx !== 0);
  // One label per address: prefer global symbols and functions, as objdump does.
  const labels = new Map<number, ElfSymbol>();
  for (const s of named) {
    const cur = labels.get(s.value);
    if (!cur || (cur.type !== 2 && s.type === 2)) labels.set(s.value, s);
  }
  const sortedAddrs = [...labels.keys()].sort((a, b) => a - b);
  const symbolize = (addr: number): string | undefined => {
    let lo = 0, hi = sortedAddrs.length - 1, best = -1;
    while (lo <= hi) { const m = (lo + hi) >> 1; if (sortedAddrs[m] <= addr) { best = m; lo = m + 1; } else hi = m - 1; }
    if (best < 0) {
      // Before every symbol: objdump counts back from the first one ("<_start-0x180>").
      if (!sortedAddrs.length) return undefined;
      return `<${labels.get(sortedAddrs[0])!.name}-0x${(sortedAddrs[0] - addr).toString(16)}>`;
    }
    const a = sortedAddrs[best], name = labels.get(a)!.name;
    return a === addr ? `<${name}>` : `<${name}+0x${(addr - a).toString(16)}>`;
  };
  const dec = getDecoder();

  out('');
  out(`${elf.path}:     file format elf64-littleaarch64`);
  out('');
  for (const r of regions) {
    // Mapping symbols of this section: $d starts data, $x starts code.
    const maps = syms.filter((s) => (s.shndx === r.shndx || r.shndx < 0) && /^\$[dx](\.|$)/.test(s.name))
      .map((s) => ({ addr: s.value, data: s.name.startsWith('$d') })).sort((a, b) => a.addr - b.addr);
    let printedHeader = false;
    let mi = 0, isData = false, first = true;
    for (let off = 0; off + 4 <= r.bytes.length; off += 4) {
      const addr = r.addr + off;
      while (mi < maps.length && maps[mi].addr <= addr) isData = maps[mi++].data;
      if ((opts.start !== undefined && addr < opts.start) || (opts.stop !== undefined && addr >= opts.stop)) continue;
      if (!printedHeader) { out(''); out(`Disassembly of section ${r.name}:`); printedHeader = true; }
      const label = labels.get(addr);
      if (label || first) {
        first = false;
        out('');
        out(`${addr.toString(16).padStart(16, '0')} ${label ? `<${label.name}>` : symbolize(addr) ?? `<${r.name}>`}:`);
      }
      const w = (r.bytes[off] | (r.bytes[off + 1] << 8) | (r.bytes[off + 2] << 16) | (r.bytes[off + 3] << 24)) >>> 0;
      const word = w.toString(16).padStart(8, '0');
      let text: string;
      if (isData) text = `.word\t0x${word}`;
      else {
        text = dec.disasm(w, addr);
        // objdump names the symbol at a branch or literal target ("bl\t400200 <main>"), or
        // writes the bare address as 0x… when no symbol covers it; a note follows after "  //".
        const [main, ...comment] = text.split('\t//');
        const m = /(?:\t|, )([0-9a-f]+)$/.exec(main);
        if (m && TARGET_MNEMONICS.test(main.split('\t')[0])) {
          const sym = symbolize(parseInt(m[1], 16));
          const head = sym ? `${main} ${sym}` : main.slice(0, main.length - m[1].length) + '0x' + m[1];
          text = head + (comment.length ? '  //' + comment.join('\t//') : '');
        }
      }
      out(`${addr.toString(16).padStart(8, ' ')}:\t${word} \t${text}`);
    }
  }
}
