// File system calls on paths: open, stat, directories, links, renames, the working directory.
// Relative paths resolve against the guest's working directory (which starts as the host's). Creating or changing host files needs --allow-host-writes; without it such
// calls fail with EROFS, like a read-only file system.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { E } from '../errno.js';
import { O, hostFile, memFile, type OpenFile, type DirEntry } from '../fds.js';
import { procFile, procLink, procSelf } from '../procfs.js';
import type { LinuxProcess } from '../process.js';
import {
  AT_FDCWD, PATH_MAX, Struct, checkWritable, fail, int, offArg, readMem, readString, uint, ulong, writeMem, type SyscallTable,
} from './util.js';

const AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
/** Files the guest may open for writing even without --allow-host-writes. */
const HARMLESS_WRITES = new Set(['/dev/null', '/dev/tty', '/dev/stdout', '/dev/stderr', '/dev/full']);

// ----- paths
/** Absolute host path for (dirfd, path) as the *at() calls resolve it. */
export function resolveAt(p: LinuxProcess, dirfd: number, pathname: string): string {
  if (pathname === '') fail(E.ENOENT);
  if (pathname.length >= PATH_MAX) fail(E.ENAMETOOLONG);
  if (path.isAbsolute(pathname)) return path.resolve(pathname);
  let base = p.cwd;
  if (dirfd !== AT_FDCWD) {
    const f = p.fds.get(dirfd);
    if (!f.isDir) fail(E.ENOTDIR);
    base = f.path;
  }
  return path.resolve(base, pathname);
}
const pathArg = (p: LinuxProcess, dirfd: bigint, addr: bigint) => resolveAt(p, int(dirfd), readString(p, ulong(addr)));
/** Follows /proc/self/exe and the like to the host file they stand for. */
function hostPath(p: LinuxProcess, abs: string): string {
  const rest = procSelf(p, abs);
  const link = rest !== undefined ? procLink(p, rest) : undefined;
  return link ?? abs;
}
function requireWrites(p: LinuxProcess, abs: string): void {
  if (!p.opts.allowHostWrites && !HARMLESS_WRITES.has(abs)) p.refuseWrite(abs);
}

// ----- stat
const S_IFIFO = 0o010000, S_IFCHR = 0o020000, S_IFREG = 0o100000;
interface StatLike {
  dev: bigint; ino: bigint; mode: bigint; nlink: bigint; uid: bigint; gid: bigint; rdev: bigint; size: bigint;
  blksize: bigint; blocks: bigint; atimeNs: bigint; mtimeNs: bigint; ctimeNs: bigint; birthtimeNs: bigint;
}
function fakeStat(p: LinuxProcess, mode: number, size: number): StatLike {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    dev: 0xdn, ino: 1n, mode: BigInt(mode), nlink: 1n, uid: BigInt(p.uid), gid: BigInt(p.gid), rdev: 0n, size: BigInt(size),
    blksize: 4096n, blocks: BigInt(Math.ceil(size / 512)), atimeNs: now, mtimeNs: now, ctimeNs: now, birthtimeNs: now,
  };
}
export function statOfFile(p: LinuxProcess, f: OpenFile): StatLike {
  switch (f.kind) {
    case 'host': return fs.fstatSync(f.hostFd, { bigint: true });
    case 'mem': return fakeStat(p, S_IFREG | 0o444, f.content!.length);
    case 'pipe': return fakeStat(p, S_IFIFO | 0o600, 0);
    case 'sink': return fakeStat(p, S_IFCHR | 0o620, 0);
  }
}
function statPath(p: LinuxProcess, abs: string, follow: boolean): StatLike {
  const rest = procSelf(p, abs);
  if (rest !== undefined) {
    const content = procFile(p, rest);
    if (content) return fakeStat(p, S_IFREG | 0o444, 0);
    const link = procLink(p, rest);
    if (link && follow && path.isAbsolute(link) && link.startsWith('/') && !link.startsWith('/dev/')) return fs.statSync(link, { bigint: true });
  }
  return follow ? fs.statSync(abs, { bigint: true }) : fs.lstatSync(abs, { bigint: true });
}
const sec = (ns: bigint) => ns / 1_000_000_000n, nsec = (ns: bigint) => ns % 1_000_000_000n;
/** struct stat of arm64 (asm-generic/stat.h), 128 bytes. */
export function statStruct(st: StatLike): Uint8Array {
  const s = new Struct(128);
  s.u64(0, st.dev).u64(8, st.ino).u32(16, Number(st.mode)).u32(20, Number(st.nlink)).u32(24, Number(st.uid)).u32(28, Number(st.gid))
    .u64(32, st.rdev).u64(48, st.size).i32(56, Number(st.blksize)).u64(64, st.blocks)
    .u64(72, sec(st.atimeNs)).u64(80, nsec(st.atimeNs)).u64(88, sec(st.mtimeNs)).u64(96, nsec(st.mtimeNs))
    .u64(104, sec(st.ctimeNs)).u64(112, nsec(st.ctimeNs));
  return s.bytes;
}
const major = (d: bigint) => Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
const minor = (d: bigint) => Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
/** struct statx (linux/stat.h), 256 bytes. */
export function statxStruct(st: StatLike): Uint8Array {
  const s = new Struct(256);
  const ts = (off: number, ns: bigint) => s.u64(off, sec(ns)).u32(off + 8, Number(nsec(ns)));
  s.u32(0, 0xfff).u32(4, Number(st.blksize)).u32(16, Number(st.nlink)).u32(20, Number(st.uid)).u32(24, Number(st.gid))
    .u16(28, Number(st.mode)).u64(32, st.ino).u64(40, st.size).u64(48, st.blocks);
  ts(64, st.atimeNs); ts(80, st.birthtimeNs); ts(96, st.ctimeNs); ts(112, st.mtimeNs);
  s.u32(128, major(st.rdev)).u32(132, minor(st.rdev)).u32(136, major(st.dev)).u32(140, minor(st.dev));
  return s.bytes;
}

// ----- opening
function hostFlags(flags: number): number {
  const c = fs.constants;
  let h = flags & O.ACCMODE;
  if (flags & O.PATH) h = c.O_RDONLY;
  const map: [number, number][] = [
    [O.CREAT, c.O_CREAT], [O.EXCL, c.O_EXCL], [O.NOCTTY, c.O_NOCTTY], [O.TRUNC, c.O_TRUNC], [O.APPEND, c.O_APPEND],
    [O.DIRECTORY, c.O_DIRECTORY], [O.NOFOLLOW, c.O_NOFOLLOW], [O.DSYNC, c.O_DSYNC], [O.SYNC & ~O.DSYNC, c.O_SYNC & ~c.O_DSYNC],
  ];
  for (const [g, hv] of map) if ((flags & g) === g && hv !== undefined) h |= hv;
  return h;
}

function openAt(p: LinuxProcess, dirfd: number, pathname: string, flags: number, mode: number): number {
  const abs = resolveAt(p, dirfd, pathname);
  const cloexec = (flags & O.CLOEXEC) !== 0;
  const rest = procSelf(p, abs);
  if (rest !== undefined) {
    const content = procFile(p, rest);
    if (content) {
      if ((flags & O.ACCMODE) !== O.RDONLY) fail(E.EACCES);
      return p.fds.add(memFile(abs, content), cloexec);
    }
  }
  const target = hostPath(p, abs);
  if ((flags & O.TMPFILE) === O.TMPFILE) fail(E.EOPNOTSUPP);
  if ((flags & O.ACCMODE) === 3) fail(E.EINVAL);
  const writes = (flags & O.ACCMODE) !== O.RDONLY || (flags & (O.CREAT | O.TRUNC)) !== 0;
  if (writes && !(flags & O.PATH)) {
    if (!p.opts.allowHostWrites && !HARMLESS_WRITES.has(abs)) {
      // Report what Linux would for a missing file or directory first; EROFS only for a real write.
      if (!(flags & O.CREAT) && !fs.existsSync(target)) fail(E.ENOENT);
      p.refuseWrite(abs);
    }
  }
  const hfd = fs.openSync(target, hostFlags(flags), (mode & 0o7777) & ~p.umask);
  const file = hostFile(hfd, target, flags & ~O.CLOEXEC, true);
  return p.fds.add(file, cloexec);
}

// ----- directories
const DT: Record<string, number> = { fifo: 1, chr: 2, dir: 4, blk: 6, reg: 8, lnk: 10, sock: 12 };
function listDir(dir: string): DirEntry[] {
  const entries: DirEntry[] = [];
  const ino = (p: string) => { try { return fs.lstatSync(p, { bigint: true }).ino; } catch { return 0n; } };
  entries.push({ name: '.', ino: ino(dir), type: DT.dir }, { name: '..', ino: ino(path.dirname(dir)), type: DT.dir });
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const type = d.isFile() ? DT.reg : d.isDirectory() ? DT.dir : d.isSymbolicLink() ? DT.lnk : d.isFIFO() ? DT.fifo
      : d.isCharacterDevice() ? DT.chr : d.isBlockDevice() ? DT.blk : d.isSocket() ? DT.sock : 0;
    entries.push({ name: d.name, ino: ino(path.join(dir, d.name)), type });
  }
  return entries;
}
function getdents64(p: LinuxProcess, fd: number, dirp: number, count: number): number {
  const f = p.fds.get(fd);
  if (!f.isDir) fail(E.ENOTDIR);
  if (!f.dirents || f.pos === 0) f.dirents = listDir(f.path);
  checkWritable(p, dirp, Math.min(count, 65536));
  const chunks: Uint8Array[] = [];
  let used = 0;
  while (f.pos < f.dirents.length) {
    const e = f.dirents[f.pos];
    const name = Buffer.from(e.name);
    const reclen = (19 + name.length + 1 + 7) & ~7; // d_ino, d_off, d_reclen, d_type, name, NUL; 8-aligned
    if (used + reclen > count) break;
    const s = new Struct(reclen);
    s.u64(0, e.ino).u64(8, f.pos + 1).u16(16, reclen).u8(18, e.type);
    s.bytes.set(name, 19);
    chunks.push(s.bytes);
    used += reclen;
    f.pos++;
  }
  if (used === 0 && f.pos < f.dirents.length) fail(E.EINVAL);
  writeMem(p, dirp, Buffer.concat(chunks));
  return used;
}

// ----- the calls
const fsWriteOp = (fn: (p: LinuxProcess, a: bigint[]) => void) => (p: LinuxProcess, a: bigint[]) => { fn(p, a); return 0; };

export const fsCalls: SyscallTable = {
  17: { name: 'getcwd', args: 'p,u', fn: (p, a) => {
    const s = Buffer.from(p.cwd + '\0');
    if (ulong(a[1]) < s.length) fail(E.ERANGE);
    writeMem(p, ulong(a[0]), s);
    return s.length;
  } },
  34: { name: 'mkdirat', args: 'dirfd,s,mode', fn: fsWriteOp((p, a) => {
    const abs = pathArg(p, a[0], a[1]);
    if (fs.existsSync(abs)) fail(E.EEXIST);
    requireWrites(p, abs);
    fs.mkdirSync(abs, { mode: uint(a[2]) & 0o7777 & ~p.umask });
  }) },
  35: { name: 'unlinkat', args: 'dirfd,s,x', fn: fsWriteOp((p, a) => {
    const abs = pathArg(p, a[0], a[1]);
    fs.lstatSync(abs);
    requireWrites(p, abs);
    if (int(a[2]) & AT_REMOVEDIR) fs.rmdirSync(abs); else fs.unlinkSync(abs);
  }) },
  36: { name: 'symlinkat', args: 's,dirfd,s', fn: fsWriteOp((p, a) => {
    const target = readString(p, ulong(a[0]));
    const abs = pathArg(p, a[1], a[2]);
    requireWrites(p, abs);
    fs.symlinkSync(target, abs);
  }) },
  37: { name: 'linkat', args: 'dirfd,s,dirfd,s,x', fn: fsWriteOp((p, a) => {
    const from = pathArg(p, a[0], a[1]), to = pathArg(p, a[2], a[3]);
    requireWrites(p, to);
    fs.linkSync(from, to);
  }) },
  38: { name: 'renameat', args: 'dirfd,s,dirfd,s', fn: fsWriteOp((p, a) => {
    const from = pathArg(p, a[0], a[1]), to = pathArg(p, a[2], a[3]);
    fs.lstatSync(from);
    requireWrites(p, to);
    fs.renameSync(from, to);
  }) },
  45: { name: 'truncate', args: 's,d', fn: fsWriteOp((p, a) => {
    const abs = resolveAt(p, AT_FDCWD, readString(p, ulong(a[0])));
    fs.statSync(abs);
    requireWrites(p, abs);
    fs.truncateSync(abs, offArg(a[1]));
  }) },
  46: { name: 'ftruncate', args: 'fd,d', fn: fsWriteOp((p, a) => {
    const f = p.fds.get(int(a[0]));
    if (f.kind !== 'host' || f.stream || (f.flags & O.ACCMODE) === O.RDONLY) fail(E.EINVAL);
    fs.ftruncateSync(f.hostFd, offArg(a[1]));
  }) },
  48: { name: 'faccessat', args: 'dirfd,s,d', fn: (p, a) => access(p, a[0], a[1], int(a[2])) },
  439: { name: 'faccessat2', args: 'dirfd,s,d,x', fn: (p, a) => access(p, a[0], a[1], int(a[2])) },
  49: { name: 'chdir', args: 's', fn: (p, a) => {
    const abs = resolveAt(p, AT_FDCWD, readString(p, ulong(a[0])));
    if (!fs.statSync(abs).isDirectory()) fail(E.ENOTDIR);
    fs.accessSync(abs, fs.constants.X_OK);
    p.cwd = abs;
    return 0;
  } },
  50: { name: 'fchdir', args: 'fd', fn: (p, a) => {
    const f = p.fds.get(int(a[0]));
    if (!f.isDir) fail(E.ENOTDIR);
    p.cwd = f.path;
    return 0;
  } },
  52: { name: 'fchmod', args: 'fd,mode', fn: fsWriteOp((p, a) => {
    const f = p.fds.get(int(a[0]));
    if (f.kind !== 'host') fail(E.EINVAL);
    requireWrites(p, f.path);
    fs.fchmodSync(f.hostFd, uint(a[1]) & 0o7777);
  }) },
  53: { name: 'fchmodat', args: 'dirfd,s,mode', fn: fsWriteOp((p, a) => {
    const abs = pathArg(p, a[0], a[1]);
    fs.statSync(abs);
    requireWrites(p, abs);
    fs.chmodSync(abs, uint(a[2]) & 0o7777);
  }) },
  56: { name: 'openat', args: 'dirfd,s,oflags,mode', fn: (p, a) => openAt(p, int(a[0]), readString(p, ulong(a[1])), int(a[2]), uint(a[3])) },
  61: { name: 'getdents64', args: 'fd,p,u', fn: (p, a) => getdents64(p, int(a[0]), ulong(a[1]), uint(a[2])) },
  78: { name: 'readlinkat', args: 'dirfd,s,p,u', fn: (p, a) => {
    const abs = pathArg(p, a[0], a[1]);
    const size = int(a[3]);
    if (size <= 0) fail(E.EINVAL);
    const rest = procSelf(p, abs);
    const link = (rest !== undefined ? procLink(p, rest) : undefined) ?? fs.readlinkSync(abs);
    const b = Buffer.from(link).subarray(0, size);
    writeMem(p, ulong(a[2]), b);
    return b.length;
  } },
  79: { name: 'newfstatat', args: 'dirfd,s,p,x', fn: (p, a) => {
    const flags = int(a[3]);
    const name = readString(p, ulong(a[1]));
    const st = name === '' && (flags & AT_EMPTY_PATH) ? statOfFile(p, p.fds.get(int(a[0])))
      : statPath(p, resolveAt(p, int(a[0]), name), !(flags & AT_SYMLINK_NOFOLLOW));
    writeMem(p, ulong(a[2]), statStruct(st));
    return 0;
  } },
  80: { name: 'fstat', args: 'fd,p', fn: (p, a) => { writeMem(p, ulong(a[1]), statStruct(statOfFile(p, p.fds.get(int(a[0]))))); return 0; } },
  88: { name: 'utimensat', args: 'dirfd,s,p,x', fn: fsWriteOp((p, a) => {
    const abs = a[1] === 0n ? p.fds.get(int(a[0])).path : pathArg(p, a[0], a[1]);
    fs.statSync(abs);
    requireWrites(p, abs);
    let at: number | Date = new Date(), mt: number | Date = at;
    if (a[2] !== 0n) {
      const t = readMem(p, ulong(a[2]), 32), dv = new DataView(t.buffer, t.byteOffset, 32);
      const ts = (o: number) => Number(dv.getBigInt64(o, true)) + Number(dv.getBigInt64(o + 8, true)) / 1e9;
      at = ts(0); mt = ts(16);
    }
    fs.utimesSync(abs, at, mt);
  }) },
  276: { name: 'renameat2', args: 'dirfd,s,dirfd,s,x', fn: (p, a) => {
    if (uint(a[4]) !== 0) fail(E.EINVAL);
    return fsCalls[38].fn(p, a);
  } },
  291: { name: 'statx', args: 'dirfd,s,x,x,p', fn: (p, a) => {
    const flags = int(a[2]);
    const name = readString(p, ulong(a[1]));
    const st = name === '' && (flags & AT_EMPTY_PATH) ? statOfFile(p, p.fds.get(int(a[0])))
      : statPath(p, resolveAt(p, int(a[0]), name), !(flags & AT_SYMLINK_NOFOLLOW));
    writeMem(p, ulong(a[4]), statxStruct(st));
    return 0;
  } },
};

function access(p: LinuxProcess, dirfd: bigint, pathAddr: bigint, mode: number): number {
  const abs = pathArg(p, dirfd, pathAddr);
  const target = hostPath(p, abs);
  if (mode & ~7) fail(E.EINVAL);
  fs.accessSync(target, mode & ~2);
  if (mode & 2 && !p.opts.allowHostWrites && !HARMLESS_WRITES.has(abs)) fail(E.EROFS);
  if (mode & 2) fs.accessSync(target, fs.constants.W_OK);
  return 0;
}
