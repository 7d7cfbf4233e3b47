// Putting a guest into RAM: the kernel (arm64 Linux Image, ELF, or raw binary), an initrd, and
// the device tree, and the boot CPU's registers per the arm64 Linux boot protocol
// (Documentation/arm64/booting.rst): x0 = DTB physical address, x1..x3 = 0, EL1, MMU off,
// interrupts masked, pc = the image's first instruction.
//
// Placement: the kernel at the start of RAM (Image: 2 MiB-aligned base 0 + text_offset; ELF: its
// physical addresses; raw: --kernel-addr, default 0x80000 as the Pi firmware does), the DTB in the
// last 2 MiB-aligned 2 MiB of RAM, the initrd right below the DTB (page-aligned). Bad input is a
// LoadError with a one-line message.
import { buildBoardDtb } from '../board/pi4.js';
import { FDT_MAGIC } from '../board/fdt.js';
import { MAX_RAM } from './machine.js';

export class LoadError extends Error {}

const MiB = 1 << 20;
const ARM64_MAGIC = 0x644d5241; // "ARM\x64" at 0x38
const EM_AARCH64 = 183, PT_LOAD = 1;

export interface BootImage {
  /** Where each byte range goes (physical). */
  chunks: { addr: number; data: Uint8Array; zero?: number }[];
  entry: number;
  /** First physical byte past the kernel (where nothing else may go). */
  end: number;
  format: 'image' | 'elf' | 'raw';
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** Works out where a kernel file goes. `ramBytes` bounds it; `rawAddr` places a raw binary. */
export function parseKernel(file: string, b: Uint8Array, ramBytes: number, rawAddr = 0x80000): BootImage {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length === 0) throw new LoadError(`${file}: the kernel file is empty; give an arm64 Image, ELF or raw binary`);
  let img: BootImage;
  if (b.length >= 64 && dv.getUint32(0x38, true) === ARM64_MAGIC) img = parseImage(file, dv, b);
  else if (b.length >= 4 && dv.getUint32(0, false) === 0x7f454c46) img = parseElf(file, dv, b);
  else if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) throw new LoadError(`${file}: is gzip-compressed; decompress it first (gunzip -c ${file} > Image)`);
  else img = { chunks: [{ addr: rawAddr, data: b }], entry: rawAddr, end: rawAddr + b.length, format: 'raw' };
  for (const c of img.chunks) {
    if (c.addr + c.data.length + (c.zero ?? 0) > ramBytes) {
      throw new LoadError(`${file}: the kernel needs RAM up to ${hex(c.addr + c.data.length + (c.zero ?? 0))} but the machine has ${ramBytes / MiB} MiB; give more memory with -m`);
    }
  }
  return img;
}

function parseImage(file: string, dv: DataView, b: Uint8Array): BootImage {
  const textOffset = Number(dv.getBigUint64(8, true));
  let imageSize = Number(dv.getBigUint64(16, true));
  const flags = Number(dv.getBigUint64(24, true));
  if ((flags & 1) !== 0) throw new LoadError(`${file}: is a big-endian arm64 kernel; krustvm runs little-endian kernels only`);
  // image_size 0: a kernel older than 3.17, with text_offset 0x80000 by convention.
  if (imageSize === 0) imageSize = b.length;
  if (textOffset % 4096 !== 0 || textOffset >= 2 * MiB) throw new LoadError(`${file}: bad arm64 Image header (text_offset ${hex(textOffset)}); the file is damaged`);
  if (imageSize < b.length) imageSize = b.length;
  const base = 0; // 2 MiB aligned, as low as possible (flags bit 3 allows anywhere)
  const addr = base + textOffset;
  return { chunks: [{ addr, data: b, zero: imageSize - b.length }], entry: addr, end: addr + imageSize, format: 'image' };
}

function parseElf(file: string, dv: DataView, b: Uint8Array): BootImage {
  const bad = (what: string) => new LoadError(`${file}: ${what}`);
  if (b.length < 64 || b[4] !== 2) throw bad('is not a 64-bit ELF file; give an arm64 (aarch64) kernel');
  if (b[5] !== 1) throw bad('is a big-endian ELF file; krustvm runs little-endian kernels only');
  if (dv.getUint16(18, true) !== EM_AARCH64) throw bad(`is an ELF file for another machine (e_machine ${dv.getUint16(18, true)}); give an aarch64 kernel`);
  const phoff = Number(dv.getBigUint64(32, true)), phentsize = dv.getUint16(54, true), phnum = dv.getUint16(56, true);
  if (phnum === 0 || phentsize < 56 || phoff + phnum * phentsize > b.length) throw bad('has no readable program headers (a truncated or damaged ELF file)');
  const entryV = dv.getBigUint64(24, true);
  const chunks: BootImage['chunks'] = [];
  let entry = -1, end = 0;
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * phentsize;
    if (dv.getUint32(o, true) !== PT_LOAD) continue;
    const off = Number(dv.getBigUint64(o + 8, true)), vaddr = dv.getBigUint64(o + 16, true), paddr = Number(dv.getBigUint64(o + 24, true));
    const filesz = Number(dv.getBigUint64(o + 32, true)), memsz = Number(dv.getBigUint64(o + 40, true));
    if (off + filesz > b.length || filesz > memsz) throw bad(`segment ${i} lies outside the file (truncated ELF file)`);
    if (!Number.isSafeInteger(paddr + memsz)) throw bad(`segment ${i} has an impossible physical address`);
    chunks.push({ addr: paddr, data: b.subarray(off, off + filesz), zero: memsz - filesz });
    end = Math.max(end, paddr + memsz);
    if (entryV >= vaddr && entryV < vaddr + BigInt(memsz)) entry = paddr + Number(entryV - vaddr);
  }
  if (chunks.length === 0) throw bad('has no loadable segments');
  if (entry < 0) throw bad(`its entry point 0x${entryV.toString(16)} is in no loadable segment`);
  return { chunks, entry, end, format: 'elf' };
}

/** A kernel's bytes as they sit in guest memory, from its first loaded byte to its last (the gaps
 *  between ELF segments zero, trailing zero fill left out): what a krustvm-mode kernel signature
 *  covers, bound to `addr`. */
export function loadedSpan(k: BootImage): { addr: number; bytes: Uint8Array } {
  const chunks = k.chunks.filter((c) => c.data.length > 0);
  if (chunks.length === 0) return { addr: k.chunks[0]?.addr ?? 0, bytes: new Uint8Array(0) };
  if (chunks.length === 1) return { addr: chunks[0].addr, bytes: chunks[0].data };
  const lo = Math.min(...chunks.map((c) => c.addr)), hi = Math.max(...chunks.map((c) => c.addr + c.data.length));
  if (hi - lo > MAX_RAM) throw new LoadError(`the kernel's segments span ${hex(hi - lo)} bytes, more than any machine's RAM (${MAX_RAM / MiB} MiB)`);
  const bytes = new Uint8Array(hi - lo);
  for (const c of chunks) bytes.set(c.data, c.addr - lo);
  return { addr: lo, bytes };
}

export interface Layout {
  kernel: BootImage;
  dtbAddr: number;
  dtb: Uint8Array;
  initrd?: { start: number; end: number; data: Uint8Array };
}

export interface LayoutOptions {
  ramBytes: number;
  cpus: number;
  bootargs?: string;
  initrd?: { file: string; data: Uint8Array };
  /** A DTB file to use instead of the generated one. */
  dtb?: { file: string; data: Uint8Array };
  /** virtio-mmio slots to describe in the generated DTB (one per NIC). */
  virtioSlots?: number;
  /** /chosen/rng-seed of the generated DTB. */
  rngSeed?: Uint8Array;
}

/** Places kernel, initrd and DTB; builds the DTB (which must know where the initrd is). */
export function layout(kernel: BootImage, o: LayoutOptions): Layout {
  const top = o.ramBytes;
  const dtbAddr = Math.floor((top - 2 * MiB) / (2 * MiB)) * 2 * MiB;
  if (dtbAddr < kernel.end) throw new LoadError(`the kernel fills RAM up to ${hex(kernel.end)}, leaving no room for the device tree; give more memory with -m`);
  let initrd: Layout['initrd'];
  if (o.initrd) {
    const n = o.initrd.data.length;
    if (n === 0) throw new LoadError(`${o.initrd.file}: the initrd file is empty; give a cpio archive (optionally gzip-compressed)`);
    const start = Math.floor((dtbAddr - n) / 4096) * 4096;
    if (start < kernel.end) throw new LoadError(`${o.initrd.file}: the initrd (${(n / MiB).toFixed(1)} MiB) does not fit in RAM beside the kernel; give more memory with -m`);
    initrd = { start, end: start + n, data: o.initrd.data };
  }
  let dtb: Uint8Array;
  if (o.dtb) {
    dtb = o.dtb.data;
    const dv = new DataView(dtb.buffer, dtb.byteOffset, dtb.byteLength);
    if (dtb.length < 40 || dv.getUint32(0, false) !== FDT_MAGIC) throw new LoadError(`${o.dtb.file}: is not a device tree blob (no 0xd00dfeed magic); compile it with dtc -O dtb`);
    if (dv.getUint32(4, false) > dtb.length) throw new LoadError(`${o.dtb.file}: the device tree blob is truncated (header says ${dv.getUint32(4, false)} bytes)`);
  } else {
    dtb = buildBoardDtb({ ramBytes: o.ramBytes, cpus: o.cpus, bootargs: o.bootargs, initrd: initrd && { start: initrd.start, end: initrd.end }, virtioSlots: o.virtioSlots, rngSeed: o.rngSeed });
  }
  if (dtb.length > 2 * MiB) throw new LoadError(`${o.dtb?.file ?? 'device tree'}: larger than the 2 MiB the boot protocol allows`);
  return { kernel, dtbAddr, dtb, initrd };
}

/** Copies everything into RAM. */
export function writeLayout(ram: Uint8Array, l: Layout): void {
  for (const c of l.kernel.chunks) {
    ram.set(c.data, c.addr);
    if (c.zero) ram.fill(0, c.addr + c.data.length, c.addr + c.data.length + c.zero);
  }
  if (l.initrd) ram.set(l.initrd.data, l.initrd.start);
  ram.set(l.dtb, l.dtbAddr);
}
