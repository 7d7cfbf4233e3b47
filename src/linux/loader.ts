// Loading a static arm64 program into a fresh address space and laying out its initial stack
// the way Linux does (fs/binfmt_elf.c, load_elf_binary and create_elf_tables): strings at the
// top, then the platform string and 16 random bytes, then argc, argv[], NULL, envp[], NULL and
// the auxiliary vector, with sp 16-byte aligned.
import { randomFillSync } from 'node:crypto';
import { AddressSpace, PROT_EXEC, PROT_READ, PROT_WRITE, pageDown, pageUp } from './addrspace.js';
import { checkLoadable, ElfError, ET_DYN, PF_R, PF_W, PF_X, PT_GNU_STACK, PT_PHDR, type ElfFile } from './elf.js';
import { PAGE_SIZE } from '../mem/memory.js';

/** Top of the user stack: the end of the 48-bit address space (arm64 STACK_TOP, no ASLR). */
export const STACK_TOP = 2 ** 48;
/** The stack mapping (RLIMIT_STACK's default; it does not grow further). */
export const STACK_SIZE = 8 * 2 ** 20;
/** mmap allocates top-down from here: 128 MiB below the stack top, Linux's minimum gap. */
export const MMAP_BASE = STACK_TOP - 128 * 2 ** 20;
/** Where a static-PIE (ET_DYN) program is placed (arm64's ELF_ET_DYN_BASE without ASLR). */
export const PIE_BASE = 0xaaaa_aaaa_0000;

// Auxiliary vector types (include/uapi/linux/auxvec.h, arch/arm64/include/uapi/asm/auxvec.h).
export const AT = {
  NULL: 0, IGNORE: 1, EXECFD: 2, PHDR: 3, PHENT: 4, PHNUM: 5, PAGESZ: 6, BASE: 7, FLAGS: 8, ENTRY: 9,
  NOTELF: 10, UID: 11, EUID: 12, GID: 13, EGID: 14, PLATFORM: 15, HWCAP: 16, CLKTCK: 17, SECURE: 23,
  BASE_PLATFORM: 24, RANDOM: 25, HWCAP2: 26, EXECFN: 31, SYSINFO_EHDR: 33, MINSIGSTKSZ: 51,
} as const;

/** Linux arm64 HWCAP bits (arch/arm64/include/uapi/asm/hwcap.h) of a Cortex-A72 with the
 *  crypto extensions: fp asimd aes pmull sha1 sha2 crc32 cpuid (0x8fb). Like qemu-aarch64
 *  -cpu cortex-a72 we leave out evtstrm: there is no timer event stream to promise. */
export const HWCAP_A72 = (1 << 0) | (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 11);
/** sizeof(struct rt_sigframe) + frame record + alignment, as arm64 Linux computes it without SVE. */
export const MINSIGSTKSZ = 4720;

export interface Image {
  entry: number;
  bias: number;
  phdrAddr: number;
  phnum: number;
  /** First address after the program: where brk starts. */
  brk: number;
  /** PT_GNU_STACK asks for an executable stack. */
  execStack: boolean;
}

const protOf = (flags: number) => (flags & PF_R ? PROT_READ : 0) | (flags & PF_W ? PROT_WRITE : 0) | (flags & PF_X ? PROT_EXEC : 0);
const mib = (pages: number) => Math.ceil((pages * PAGE_SIZE) / 2 ** 20);

/** Maps the PT_LOAD segments as private copies with their permissions (bss zeroed). */
export function loadImage(as: AddressSpace, elf: ElfFile): Image {
  const loads = checkLoadable(elf);
  const minVaddr = Math.min(...loads.map((p) => pageDown(p.vaddr)));
  const bias = elf.type === ET_DYN && minVaddr < MMAP_BASE / 2 ? PIE_BASE : 0;
  let maxEnd = 0, pages = 0;
  for (const p of loads) {
    const start = pageDown(p.vaddr + bias), end = pageUp(p.vaddr + bias + p.memsz);
    if (end > MMAP_BASE - STACK_SIZE) throw new ElfError(elf.path, `segment at 0x${(p.vaddr + bias).toString(16)} reaches into the stack area`, 'the file is corrupt or not a Linux program');
    if (start < MMAP_MIN_LOAD) throw new ElfError(elf.path, `segment at 0x${(p.vaddr + bias).toString(16)} lies in the first 64 KiB, which Linux keeps unmapped`, 'relink it at a normal address');
    pages += (end - start) / PAGE_SIZE;
    maxEnd = Math.max(maxEnd, end);
  }
  const need = pages + STACK_SIZE / PAGE_SIZE + 1;
  if (need > as.totalPages)
    throw new ElfError(elf.path, `needs at least ${mib(need)} MiB of guest memory, more than the ${mib(as.totalPages)} MiB available`, 'give it more with --memory SIZE (e.g. --memory 2G)');
  for (const p of loads) {
    const start = pageDown(p.vaddr + bias), end = pageUp(p.vaddr + bias + p.memsz);
    // Segments may share a page at their ends; the shared page gets both permissions.
    for (let a = start; a < end; a += PAGE_SIZE) {
      const old = as.find(a);
      if (old) as.protect(a, PAGE_SIZE, old.prot | protOf(p.flags));
      else as.map(a, PAGE_SIZE, protOf(p.flags), { name: elf.path });
    }
    as.poke(p.vaddr + bias, elf.bytes.subarray(p.offset, p.offset + p.filesz));
    // Explicitly zero the bss part of pages that already held something (a shared page).
    if (p.memsz > p.filesz) {
      const zs = p.vaddr + bias + p.filesz, ze = Math.min(pageUp(zs), p.vaddr + bias + p.memsz);
      if (ze > zs) as.poke(zs, new Uint8Array(ze - zs));
    }
  }
  // AT_PHDR: PT_PHDR if present, else the loaded bytes that hold the program headers.
  const phdrSeg = elf.phdrs.find((p) => p.type === PT_PHDR);
  let phdrAddr = phdrSeg ? phdrSeg.vaddr + bias : 0;
  if (!phdrSeg) {
    const seg = loads.find((p) => elf.phoff >= p.offset && elf.phoff + elf.phnum * 56 <= p.offset + p.filesz);
    phdrAddr = seg ? seg.vaddr + bias + (elf.phoff - seg.offset) : 0;
  }
  const gs = elf.phdrs.find((p) => p.type === PT_GNU_STACK);
  return { entry: elf.entry + bias, bias, phdrAddr, phnum: elf.phnum, brk: maxEnd, execStack: !!gs && (gs.flags & PF_X) !== 0 };
}
const MMAP_MIN_LOAD = 0x10000;

export interface StackSpec {
  argv: string[];
  envp: string[];
  execfn: string;
  image: Image;
  ids: { uid: number; euid: number; gid: number; egid: number };
  /** AT_RANDOM's 16 bytes (tests pass fixed ones). */
  random?: Uint8Array;
}

export interface StackLayout { sp: number; argvAddrs: number[]; envpAddrs: number[]; randomAddr: number; execfnAddr: number; platformAddr: number }

/** Maps the stack and writes the initial process stack; returns the initial sp and addresses. */
export function buildStack(as: AddressSpace, spec: StackSpec): StackLayout {
  const img = spec.image;
  if (!as.map(STACK_TOP - STACK_SIZE, STACK_SIZE, PROT_READ | PROT_WRITE | (img.execStack ? PROT_EXEC : 0), { name: '[stack]' }))
    throw new Error('no memory for the stack');
  const enc = new TextEncoder();
  let p = STACK_TOP - 8; // the kernel leaves one NULL pointer at the very top
  const put = (s: string): number => {
    const b = enc.encode(s + '\0');
    p -= b.length;
    as.poke(p, b);
    return p;
  };
  const strArea = [spec.execfn, ...spec.envp, ...spec.argv].reduce((n, s) => n + enc.encode(s).length + 1, 0);
  if (strArea > 2 * 2 ** 20) throw new StackError(`arguments and environment are too long (${strArea} bytes; Linux allows about 2 MiB)`);
  // Copied last-to-first, so the strings lie in memory in order: argv…, envp…, execfn.
  const execfnAddr = put(spec.execfn);
  const envpAddrs = spec.envp.map(() => 0);
  for (let i = spec.envp.length - 1; i >= 0; i--) envpAddrs[i] = put(spec.envp[i]);
  const argvAddrs = spec.argv.map(() => 0);
  for (let i = spec.argv.length - 1; i >= 0; i--) argvAddrs[i] = put(spec.argv[i]);
  p -= p % 16;
  const platformAddr = put('aarch64');
  const random = spec.random ?? randomFillSync(new Uint8Array(16));
  p -= 16;
  const randomAddr = p;
  as.poke(randomAddr, random);

  const auxv: [number, number][] = [
    [AT.MINSIGSTKSZ, MINSIGSTKSZ],
    [AT.HWCAP, HWCAP_A72],
    [AT.PAGESZ, PAGE_SIZE],
    [AT.CLKTCK, 100],
    [AT.PHDR, img.phdrAddr],
    [AT.PHENT, 56],
    [AT.PHNUM, img.phnum],
    [AT.BASE, 0],
    [AT.FLAGS, 0],
    [AT.ENTRY, img.entry],
    [AT.UID, spec.ids.uid],
    [AT.EUID, spec.ids.euid],
    [AT.GID, spec.ids.gid],
    [AT.EGID, spec.ids.egid],
    [AT.SECURE, 0],
    [AT.RANDOM, randomAddr],
    [AT.HWCAP2, 0],
    [AT.EXECFN, execfnAddr],
    [AT.PLATFORM, platformAddr],
    [AT.NULL, 0],
  ];
  const words = [spec.argv.length, ...argvAddrs, 0, ...envpAddrs, 0, ...auxv.flat()];
  const sp = p - words.length * 8;
  const spAligned = sp - (sp % 16);
  const buf = new DataView(new ArrayBuffer(words.length * 8));
  words.forEach((w, i) => buf.setBigUint64(i * 8, BigInt(w), true));
  as.poke(spAligned, new Uint8Array(buf.buffer));
  return { sp: spAligned, argvAddrs, envpAddrs, randomAddr, execfnAddr, platformAddr };
}

export class StackError extends Error {}
