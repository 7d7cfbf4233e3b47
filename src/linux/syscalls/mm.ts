// Memory management calls: brk, mmap (anonymous and file-backed, always private copies),
// munmap, mprotect, mremap, madvise and the no-op ones (mlock, msync).
import * as fs from 'node:fs';
import { E } from '../errno.js';
import { MMAP_MIN, PROT_EXEC, PROT_READ, PROT_WRITE, pageUp } from '../addrspace.js';
import { MMAP_BASE } from '../loader.js';
import { O } from '../fds.js';
import type { LinuxProcess } from '../process.js';
import { fail, int, ulong, writeMem, type SyscallTable } from './util.js';
import { PAGE_SIZE } from '../../mem/memory.js';

const MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_SHARED_VALIDATE = 3, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
  MAP_NORESERVE = 0x4000, MAP_FIXED_NOREPLACE = 0x100000;
const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
const MADV_DONTNEED = 4, MADV_FREE = 8, MADV_REMOVE = 9;
/** PROT_BTI and PROT_MTE are accepted and ignored (a Cortex-A72 has neither). */
const PROT_VALID = PROT_READ | PROT_WRITE | PROT_EXEC | 0x10 | 0x20;
const VA_END = 2 ** 48;

const aligned = (a: number) => a % PAGE_SIZE === 0;

function brk(p: LinuxProcess, addr: number): number {
  if (addr < p.brkStart) return p.brkCur;
  const oldEnd = pageUp(p.brkCur), newEnd = pageUp(addr);
  if (newEnd > oldEnd) {
    if (newEnd > MMAP_BASE || !p.as.isFree(oldEnd, newEnd)) return p.brkCur;
    if (!p.as.map(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE, { name: '[heap]' })) return p.brkCur;
  } else if (newEnd < oldEnd) p.as.unmap(newEnd, oldEnd - newEnd);
  p.brkCur = addr;
  return addr;
}

function mmap(p: LinuxProcess, addr: number, length: number, prot: number, flags: number, fd: number, offset: number): number {
  const type = flags & 0xf;
  if (type !== MAP_SHARED && type !== MAP_PRIVATE && type !== MAP_SHARED_VALIDATE) fail(E.EINVAL);
  if (length === 0 || prot & ~PROT_VALID || !aligned(offset)) fail(E.EINVAL);
  const len = pageUp(length);
  if (len > VA_END) fail(E.ENOMEM);
  prot &= 7;
  const anon = (flags & MAP_ANONYMOUS) !== 0;
  const file = anon ? undefined : p.fds.get(fd);
  if (file) {
    if (file.kind === 'pipe' || file.kind === 'sink' || file.isDir || (file.kind === 'host' && file.stream)) fail(E.ENODEV);
    if ((file.flags & O.ACCMODE) === O.WRONLY) fail(E.EACCES);
    // A shared writable mapping would have to write back to the host file: only for writable descriptors.
    if (type !== MAP_PRIVATE && prot & PROT_WRITE && (file.flags & O.ACCMODE) !== O.RDWR) fail(E.EACCES);
  }
  let start: number;
  if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
    if (!aligned(addr)) fail(E.EINVAL);
    if (addr < MMAP_MIN) fail(E.EPERM);
    if (addr + len > VA_END) fail(E.ENOMEM);
    if (flags & MAP_FIXED_NOREPLACE && !(flags & MAP_FIXED) && !p.as.isFree(addr, addr + len)) fail(E.EEXIST);
    start = addr;
  } else {
    const hint = addr - (addr % PAGE_SIZE);
    start = hint >= MMAP_MIN && hint + len <= MMAP_BASE && p.as.isFree(hint, hint + len) ? hint
      : p.as.findFree(len, MMAP_MIN, MMAP_BASE) ?? fail(E.ENOMEM);
  }
  if (!p.as.map(start, len, prot, { noreserve: (flags & MAP_NORESERVE) !== 0, name: file ? file.path : '' })) fail(E.ENOMEM);
  if (file) {
    // A private copy of the file's bytes; pages past the end of the file stay zero.
    if (file.kind === 'mem') {
      const c = file.content!;
      if (offset < c.length) p.as.poke(start, c.subarray(offset, Math.min(c.length, offset + len)));
    } else {
      const size = fs.fstatSync(file.hostFd).size;
      const chunk = Buffer.alloc(Math.min(len, 4 * 2 ** 20));
      for (let done = 0; done < len && offset + done < size;) {
        const n = fs.readSync(file.hostFd, chunk, 0, Math.min(chunk.length, len - done), offset + done);
        if (n <= 0) break;
        p.as.poke(start + done, chunk.subarray(0, n));
        done += n;
      }
    }
  }
  return start;
}

function mremap(p: LinuxProcess, old: number, oldSize: number, newSize: number, flags: number, newAddr: number): number {
  if (!aligned(old) || flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED) || (flags & MREMAP_FIXED && !(flags & MREMAP_MAYMOVE))) fail(E.EINVAL);
  const os = pageUp(oldSize), ns = pageUp(newSize);
  if (ns === 0 || os === 0) fail(E.EINVAL);
  if (!p.as.isMapped(old, old + os)) fail(E.EFAULT);
  const vma = p.as.find(old)!;
  const grow = (at: number, from: number, to: number) => {
    if (to > from && !p.as.map(at + from, to - from, vma.prot, { noreserve: vma.noreserve, name: vma.name })) fail(E.ENOMEM);
  };
  if (flags & MREMAP_FIXED) {
    if (!aligned(newAddr) || (newAddr < old + os && old < newAddr + ns)) fail(E.EINVAL);
    if (newAddr < MMAP_MIN || newAddr + ns > VA_END) fail(E.EINVAL);
    p.as.unmap(newAddr, ns);
    if (ns < os) p.as.unmap(old + ns, os - ns);
    p.as.move(old, Math.min(os, ns), newAddr);
    grow(newAddr, os, ns);
    return newAddr;
  }
  if (ns <= os) {
    if (ns < os) p.as.unmap(old + ns, os - ns);
    return old;
  }
  if (old + ns <= MMAP_BASE && p.as.isFree(old + os, old + ns)) { grow(old, os, ns); return old; }
  if (!(flags & MREMAP_MAYMOVE)) fail(E.ENOMEM);
  const to = p.as.findFree(ns, MMAP_MIN, MMAP_BASE) ?? fail(E.ENOMEM);
  if ((ns - os) / PAGE_SIZE > p.as.availablePages && !vma.noreserve && vma.prot) fail(E.ENOMEM);
  p.as.move(old, os, to);
  grow(to, os, ns);
  return to;
}

export const mmCalls: SyscallTable = {
  214: { name: 'brk', args: 'p', ret: 'hex', fn: (p, a) => brk(p, ulong(a[0])) },
  215: { name: 'munmap', args: 'p,u', fn: (p, a) => {
    const addr = ulong(a[0]), len = ulong(a[1]);
    if (!aligned(addr) || len === 0 || addr + len > VA_END) fail(E.EINVAL);
    p.as.unmap(addr, pageUp(len));
    return 0;
  } },
  216: { name: 'mremap', args: 'p,u,u,x,p', ret: 'hex', fn: (p, a) => mremap(p, ulong(a[0]), ulong(a[1]), ulong(a[2]), int(a[3]), ulong(a[4])) },
  222: { name: 'mmap', args: 'p,u,prot,mflags,fd,x', ret: 'hex', fn: (p, a) => mmap(p, ulong(a[0]), ulong(a[1]), int(a[2]), int(a[3]), int(a[4]), ulong(a[5])) },
  226: { name: 'mprotect', args: 'p,u,prot', fn: (p, a) => {
    const addr = ulong(a[0]), prot = int(a[2]);
    if (!aligned(addr) || prot & ~(PROT_VALID | 0x03000000)) fail(E.EINVAL);
    const len = pageUp(ulong(a[1]));
    if (len === 0) return 0;
    if (addr + len > VA_END) fail(E.ENOMEM);
    const r = p.as.protect(addr, len, prot & 7);
    if (r !== 'ok') fail(E.ENOMEM);
    return 0;
  } },
  227: { name: 'msync', args: 'p,u,x', fn: (p, a) => {
    if (!aligned(ulong(a[0]))) fail(E.EINVAL);
    if (!p.as.isMapped(ulong(a[0]), ulong(a[0]) + pageUp(ulong(a[1])))) fail(E.ENOMEM);
    return 0;
  } },
  228: { name: 'mlock', args: 'p,u', fn: () => 0 },
  229: { name: 'munlock', args: 'p,u', fn: () => 0 },
  230: { name: 'mlockall', args: 'x', fn: () => 0 },
  231: { name: 'munlockall', fn: () => 0 },
  232: { name: 'mincore', args: 'p,u,p', fn: (p, a) => {
    const addr = ulong(a[0]), len = pageUp(ulong(a[1]));
    if (!aligned(addr)) fail(E.EINVAL);
    if (!p.as.isMapped(addr, addr + len) || len > 2 ** 36) fail(E.ENOMEM);
    const v = new Uint8Array(len / PAGE_SIZE);
    for (let i = 0; i < v.length; i++) v[i] = p.as.pages.has(addr / PAGE_SIZE + i) ? 1 : 0;
    writeMem(p, ulong(a[2]), v);
    return 0;
  } },
  233: { name: 'madvise', args: 'p,u,d', fn: (p, a) => {
    const addr = ulong(a[0]), len = pageUp(ulong(a[1])), advice = int(a[2]);
    if (!aligned(addr)) fail(E.EINVAL);
    if (len === 0) return 0;
    if (!p.as.isMapped(addr, addr + len)) fail(E.ENOMEM);
    // Dropping private pages makes them read back as zero, which programs rely on.
    if (advice === MADV_DONTNEED || advice === MADV_FREE || advice === MADV_REMOVE) p.as.discard(addr, addr + len);
    return 0;
  } },
};
