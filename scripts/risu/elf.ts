// A minimal static arm64 ELF executable writer (and the matching reader for the in-process
// runner): an ELF header, one PT_LOAD per segment, no sections. That is all Linux, qemu-user and
// krustvm need to run a program.

export interface Segment {
  vaddr: number;       // page-aligned
  data: Uint8Array;    // file contents
  memsz: number;       // >= data.length; the rest is zero (bss)
  flags: number;       // PF_R | PF_W | PF_X
}
export const PF_X = 1, PF_W = 2, PF_R = 4;
const PAGE = 4096;
const EHDR = 64, PHDR = 56;

export function writeElf(entry: number, segs: Segment[]): Uint8Array {
  // File layout: headers, then each segment at a page-aligned offset (offset ≡ vaddr mod page).
  let off = PAGE;
  const offsets = segs.map((s) => {
    if (s.vaddr % PAGE) throw new Error('segment vaddr must be page-aligned');
    const o = off;
    off += Math.ceil(s.data.length / PAGE) * PAGE || PAGE;
    return o;
  });
  const out = new Uint8Array(off);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);           // ELF64, little-endian, SysV
  dv.setUint16(16, 2, true);                               // ET_EXEC
  dv.setUint16(18, 183, true);                             // EM_AARCH64
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(entry), true);
  dv.setBigUint64(32, BigInt(EHDR), true);                 // e_phoff
  dv.setUint16(52, EHDR, true);
  dv.setUint16(54, PHDR, true);
  dv.setUint16(56, segs.length, true);
  dv.setUint16(58, 64, true);                              // e_shentsize (no sections)
  segs.forEach((s, i) => {
    const p = EHDR + i * PHDR;
    dv.setUint32(p, 1, true);                              // PT_LOAD
    dv.setUint32(p + 4, s.flags, true);
    dv.setBigUint64(p + 8, BigInt(offsets[i]), true);
    dv.setBigUint64(p + 16, BigInt(s.vaddr), true);
    dv.setBigUint64(p + 24, BigInt(s.vaddr), true);
    dv.setBigUint64(p + 32, BigInt(s.data.length), true);
    dv.setBigUint64(p + 40, BigInt(s.memsz), true);
    dv.setBigUint64(p + 48, BigInt(PAGE), true);
    out.set(s.data, offsets[i]);
  });
  return out;
}

/** The PT_LOAD segments and entry point of an ELF written by writeElf (or any simple static ELF). */
export function readElf(bytes: Uint8Array): { entry: number; segs: Segment[] } {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0, false) !== 0x7f454c46 || bytes[4] !== 2 || dv.getUint16(18, true) !== 183) throw new Error('not an arm64 ELF64 file');
  const phoff = Number(dv.getBigUint64(32, true)), phnum = dv.getUint16(56, true);
  const segs: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * PHDR;
    if (dv.getUint32(p, true) !== 1) continue;
    const off = Number(dv.getBigUint64(p + 8, true)), vaddr = Number(dv.getBigUint64(p + 16, true));
    const filesz = Number(dv.getBigUint64(p + 32, true)), memsz = Number(dv.getBigUint64(p + 40, true));
    segs.push({ vaddr, data: bytes.subarray(off, off + filesz), memsz, flags: dv.getUint32(p + 4, true) });
  }
  return { entry: Number(dv.getBigUint64(24, true)), segs };
}
