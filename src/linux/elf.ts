// ELF64 parsing for the program loader and `krustvm disasm`: the file header, program headers,
// section headers and the symbol table. Everything is validated against the file's size, and a
// problem becomes an ElfError whose message is one line saying what is wrong and what to do.
// Field layouts from the System V gABI and the AArch64 ELF ABI (elf.h).

export const PT_LOAD = 1, PT_DYNAMIC = 2, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
export const PF_X = 1, PF_W = 2, PF_R = 4;
export const ET_EXEC = 2, ET_DYN = 3;
export const EM_AARCH64 = 183;
const SHT_SYMTAB = 2, SHT_NOBITS = 8;
export const SHF_ALLOC = 2, SHF_EXECINSTR = 4;
const EHDR_SIZE = 64, PHDR_SIZE = 56, SHDR_SIZE = 64;
/** Largest user virtual address + 1 (48-bit VA, as arm64 Linux with 4 KiB pages). */
export const USER_VA_END = 2 ** 48;

export class ElfError extends Error {
  constructor(readonly file: string, what: string, readonly hint = '') {
    super(`${file}: ${what}${hint ? `; ${hint}` : ''}`);
  }
}

export interface ProgramHeader {
  type: number; flags: number; offset: number; vaddr: number; filesz: number; memsz: number; align: number;
}
export interface SectionHeader {
  name: string; type: number; flags: number; addr: number; offset: number; size: number; link: number; entsize: number;
}
export interface ElfSymbol { name: string; value: number; size: number; type: number; shndx: number }

export interface ElfFile {
  path: string;
  bytes: Uint8Array;
  type: number;
  entry: number;
  phoff: number;
  phnum: number;
  phdrs: ProgramHeader[];
}

const MACHINES: Record<number, string> = {
  2: 'SPARC', 3: 'x86 (i386)', 8: 'MIPS', 20: 'PowerPC', 21: 'PowerPC64', 22: 'S/390', 40: 'ARM (32-bit)',
  42: 'SuperH', 50: 'IA-64', 62: 'x86-64', 243: 'RISC-V', 258: 'LoongArch',
};

function num(v: bigint, file: string, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ElfError(file, `${what} 0x${v.toString(16)} is absurdly large`, 'the file is corrupt');
  return Number(v);
}

/** Parses and validates the ELF header and program headers of an arm64 executable. */
export function parseElf(bytes: Uint8Array, path: string): ElfFile {
  const bad = (what: string, hint = 'the file is corrupt or not an arm64 Linux program') => new ElfError(path, what, hint);
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    throw new ElfError(path, 'not an ELF file', 'give a static arm64 Linux executable (aarch64-linux-gnu-gcc -static)');
  if (bytes.length < 6) throw bad(`truncated ELF header (${bytes.length} bytes)`);
  if (bytes[4] === 1) throw new ElfError(path, '32-bit ELF (ELFCLASS32)', 'krustvm runs 64-bit arm64 (AArch64) programs');
  if (bytes[4] !== 2) throw bad(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] === 2) throw new ElfError(path, 'big-endian ELF (ELFDATA2MSB)', 'krustvm runs little-endian arm64 programs');
  if (bytes[5] !== 1) throw bad(`unknown ELF data encoding ${bytes[5]}`);
  if (bytes.length < EHDR_SIZE) throw bad(`truncated ELF header (${bytes.length} of ${EHDR_SIZE} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = dv.getUint16(16, true);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_AARCH64) {
    const name = MACHINES[machine] ?? `machine ${machine}`;
    throw new ElfError(path, `built for ${name}, not arm64 (AArch64)`, 'build it with an aarch64 compiler (aarch64-linux-gnu-gcc -static)');
  }
  if (type === 1) throw new ElfError(path, 'a relocatable object file (ET_REL), not an executable', 'link it into a static executable');
  if (type === 4) throw new ElfError(path, 'a core dump (ET_CORE), not an executable', 'give the program itself');
  if (type !== ET_EXEC && type !== ET_DYN) throw bad(`unknown ELF type ${type}`);
  const entry = num(dv.getBigUint64(24, true), path, 'entry point');
  const phoff = num(dv.getBigUint64(32, true), path, 'program header offset');
  const phentsize = dv.getUint16(54, true);
  const phnum = dv.getUint16(56, true);
  if (phnum === 0) throw bad('no program headers', 'it is not an executable (link it)');
  if (phentsize !== PHDR_SIZE) throw bad(`program header size ${phentsize}, expected ${PHDR_SIZE}`);
  if (phoff + phnum * PHDR_SIZE > bytes.length) throw bad(`program headers end past the end of the file (${bytes.length} bytes): the file is truncated`);
  const phdrs: ProgramHeader[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    phdrs.push({
      type: dv.getUint32(o, true), flags: dv.getUint32(o + 4, true),
      offset: num(dv.getBigUint64(o + 8, true), path, `segment ${i} offset`),
      vaddr: num(dv.getBigUint64(o + 16, true), path, `segment ${i} address`),
      filesz: num(dv.getBigUint64(o + 32, true), path, `segment ${i} file size`),
      memsz: num(dv.getBigUint64(o + 40, true), path, `segment ${i} memory size`),
      align: num(dv.getBigUint64(o + 48, true), path, `segment ${i} alignment`),
    });
  }
  return { path, bytes, type, entry, phoff, phnum, phdrs };
}

/** The PT_LOAD segments of a runnable static program, checked for everything the loader relies on. */
export function checkLoadable(elf: ElfFile): ProgramHeader[] {
  const { path, phdrs, bytes } = elf;
  if (phdrs.some((p) => p.type === PT_INTERP))
    throw new ElfError(path, 'dynamically linked (has an ELF interpreter, PT_INTERP)', 'only static programs are supported; link with -static');
  const loads = phdrs.filter((p) => p.type === PT_LOAD && p.memsz > 0);
  if (loads.length === 0) throw new ElfError(path, 'no loadable segments (PT_LOAD)', 'the file is not a runnable program');
  const bad = (i: number, what: string) => new ElfError(path, `segment ${i} (PT_LOAD at 0x${loads[i].vaddr.toString(16)}) ${what}`, 'the file is corrupt or truncated');
  loads.forEach((p, i) => {
    if (p.filesz > 0 && p.offset + p.filesz > bytes.length) throw bad(i, `ends at file offset ${p.offset + p.filesz}, past the end of the file (${bytes.length} bytes)`);
    if (p.filesz > p.memsz) throw bad(i, `has a file size (${p.filesz}) larger than its memory size (${p.memsz})`);
    if (p.vaddr + p.memsz > USER_VA_END) throw bad(i, `ends beyond the 48-bit user address space (size 0x${p.memsz.toString(16)})`);
    if ((p.vaddr - p.offset) % 4096 !== 0) throw bad(i, 'has an address and file offset that differ modulo the 4 KiB page size');
  });
  const sorted = [...loads].sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1], b = sorted[i];
    if (b.vaddr < a.vaddr + a.memsz)
      throw new ElfError(path, `segments at 0x${a.vaddr.toString(16)} and 0x${b.vaddr.toString(16)} overlap`, 'the file is corrupt');
  }
  const inExec = loads.some((p) => (p.flags & PF_X) && elf.entry >= p.vaddr && elf.entry < p.vaddr + p.memsz);
  if (!inExec) throw new ElfError(path, `entry point 0x${elf.entry.toString(16)} is outside the program's executable segments`, 'the file is corrupt');
  return loads;
}

function cstr(bytes: Uint8Array, off: number, end: number): string {
  let e = off;
  while (e < end && bytes[e] !== 0) e++;
  return new TextDecoder().decode(bytes.subarray(off, e));
}

/** Section headers (with names); empty when the file has none or they are unusable. */
export function sections(elf: ElfFile): SectionHeader[] {
  const { bytes } = elf;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(dv.getBigUint64(40, true));
  const shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true), shstrndx = dv.getUint16(62, true);
  if (!shoff || shentsize !== SHDR_SIZE || shoff + shnum * SHDR_SIZE > bytes.length) return [];
  const raw = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + i * SHDR_SIZE;
    raw.push({
      nameOff: dv.getUint32(o, true), type: dv.getUint32(o + 4, true), flags: Number(dv.getBigUint64(o + 8, true)),
      addr: Number(dv.getBigUint64(o + 16, true)), offset: Number(dv.getBigUint64(o + 24, true)),
      size: Number(dv.getBigUint64(o + 32, true)), link: dv.getUint32(o + 40, true), entsize: Number(dv.getBigUint64(o + 56, true)),
    });
  }
  const strtab = raw[shstrndx];
  const strOk = strtab && strtab.offset + strtab.size <= bytes.length;
  return raw.map((s) => ({
    name: strOk && s.nameOff < strtab.size ? cstr(bytes, strtab.offset + s.nameOff, strtab.offset + strtab.size) : '',
    type: s.type, flags: s.flags, addr: s.addr, offset: s.offset, size: s.size, link: s.link, entsize: s.entsize,
  }));
}

/** Bytes of a section inside the file (empty for NOBITS or out-of-range sections). */
export function sectionBytes(elf: ElfFile, s: SectionHeader): Uint8Array {
  if (s.type === SHT_NOBITS || s.offset + s.size > elf.bytes.length) return new Uint8Array(0);
  return elf.bytes.subarray(s.offset, s.offset + s.size);
}

/** Symbols of .symtab (names resolved), or [] when the file is stripped. */
export function symbols(elf: ElfFile, shdrs = sections(elf)): ElfSymbol[] {
  const tab = shdrs.find((s) => s.type === SHT_SYMTAB);
  if (!tab || tab.entsize !== 24) return [];
  const strs = shdrs[tab.link];
  const data = sectionBytes(elf, tab);
  if (!strs) return [];
  const sb = sectionBytes(elf, strs);
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: ElfSymbol[] = [];
  for (let o = 24; o + 24 <= data.length; o += 24) {
    const nameOff = dv.getUint32(o, true);
    out.push({
      name: nameOff < sb.length ? cstr(sb, nameOff, sb.length) : '',
      type: data[o + 4] & 0xf,
      shndx: dv.getUint16(o + 6, true),
      value: Number(dv.getBigUint64(o + 8, true)),
      size: Number(dv.getBigUint64(o + 16, true)),
    });
  }
  return out;
}
