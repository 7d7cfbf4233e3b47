// The file descriptor table of the process. Guest descriptors refer to open file descriptions
// (shared by dup), which are host files opened through node:fs, the host's standard streams,
// an in-process pipe, or a synthesized read-only file (/proc/self/maps and the like). Node has
// no lseek, so the file position of a seekable file is kept here and every transfer is
// positional; streams (ttys, pipes, sockets) use the host's own position.
import * as fs from 'node:fs';
import { E, SysError } from './errno.js';

// arm64 open(2) flags (asm-generic/fcntl.h; arm64 overrides O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE).
export const O = {
  ACCMODE: 3, RDONLY: 0, WRONLY: 1, RDWR: 2, CREAT: 0x40, EXCL: 0x80, NOCTTY: 0x100, TRUNC: 0x200,
  APPEND: 0x400, NONBLOCK: 0x800, DSYNC: 0x1000, ASYNC: 0x2000, DIRECTORY: 0x4000, NOFOLLOW: 0x8000,
  DIRECT: 0x10000, LARGEFILE: 0x20000, NOATIME: 0x40000, CLOEXEC: 0x80000, SYNC: 0x101000, PATH: 0x200000,
  TMPFILE: 0x410000,
} as const;

export interface Pipe { data: Uint8Array[]; size: number; readers: number; writers: number }
export const PIPE_CAPACITY = 65536;

export interface OpenFile {
  kind: 'host' | 'pipe' | 'mem' | 'sink';
  /** Host descriptor ('host'), or -1. */
  hostFd: number;
  /** Absolute host path, or a description like "pipe:[1]". */
  path: string;
  /** Guest open flags (access mode, O_APPEND, O_NONBLOCK, …). */
  flags: number;
  pos: number;
  /** Not seekable: transfers use the host position (ttys, pipes, sockets, std streams). */
  stream: boolean;
  isDir: boolean;
  /** Directory listing taken at the first getdents64 (or after a rewind). */
  dirents?: DirEntry[];
  /** Contents of a synthesized file ('mem'). */
  content?: Uint8Array;
  pipe?: Pipe;
  /** Output callback of a 'sink' (captured standard streams). */
  sink?: (data: Uint8Array) => void;
  refs: number;
  /** Close the host descriptor when the last reference goes (not for the std streams). */
  ownsHostFd: boolean;
}
export interface DirEntry { name: string; ino: bigint; type: number }
interface Slot { file: OpenFile; cloexec: boolean }

export const MAX_FDS = 1024;

export class FdTable {
  private readonly slots: (Slot | undefined)[] = [];

  get(fd: number): OpenFile {
    const s = fd >= 0 ? this.slots[fd] : undefined;
    if (!s) throw new SysError(E.EBADF);
    return s.file;
  }
  has(fd: number): boolean { return fd >= 0 && this.slots[fd] !== undefined; }
  cloexec(fd: number): boolean { return this.slots[fd]?.cloexec ?? false; }
  setCloexec(fd: number, v: boolean): void { const s = this.slots[fd]; if (s) s.cloexec = v; }

  /** Installs `file` at the lowest free descriptor ≥ min. */
  add(file: OpenFile, cloexec = false, min = 0): number {
    let fd = min;
    while (fd < MAX_FDS && this.slots[fd]) fd++;
    if (fd >= MAX_FDS) throw new SysError(E.EMFILE);
    this.slots[fd] = { file, cloexec };
    return fd;
  }
  /** Installs `file` at exactly `fd`, closing what was there. */
  put(fd: number, file: OpenFile, cloexec = false): void {
    if (fd < 0 || fd >= MAX_FDS) throw new SysError(E.EBADF);
    if (this.slots[fd]) this.close(fd);
    file.refs++;
    this.slots[fd] = { file, cloexec };
  }
  dup(fd: number, min = 0, cloexec = false): number {
    const f = this.get(fd);
    const n = this.add(f, cloexec, min);
    f.refs++;
    return n;
  }
  close(fd: number): void {
    const s = this.slots[fd];
    if (!s) throw new SysError(E.EBADF);
    this.slots[fd] = undefined;
    release(s.file);
  }
  /** Closes every descriptor (process exit). */
  closeAll(): void {
    for (let fd = 0; fd < this.slots.length; fd++) if (this.slots[fd]) this.close(fd);
  }
  /** Open descriptors (for tests and /proc). */
  list(): number[] { return this.slots.flatMap((s, i) => (s ? [i] : [])); }
}

function release(f: OpenFile): void {
  if (--f.refs > 0) return;
  if (f.kind === 'host' && f.ownsHostFd) { try { fs.closeSync(f.hostFd); } catch { /* already gone */ } }
  if (f.pipe) { if ((f.flags & O.ACCMODE) === O.RDONLY) f.pipe.readers--; else f.pipe.writers--; }
}

export function hostFile(hostFd: number, path: string, flags: number, owns: boolean): OpenFile {
  let stream = true, isDir = false;
  try {
    const st = fs.fstatSync(hostFd);
    // An inherited descriptor (a standard stream redirected to a file) shares its position
    // with whoever else holds it — the shell's `>>`, a parent's log — so it must use the host
    // position, never positions of our own that start at 0 and overwrite what is there.
    stream = !owns || !(st.isFile() || st.isDirectory() || st.isBlockDevice());
    isDir = st.isDirectory();
  } catch { /* closed std stream: treat as a stream */ }
  return { kind: 'host', hostFd, path, flags, pos: 0, stream, isDir, refs: 1, ownsHostFd: owns };
}

export function memFile(path: string, content: Uint8Array): OpenFile {
  return { kind: 'mem', hostFd: -1, path, flags: O.RDONLY, pos: 0, stream: false, isDir: false, content, refs: 1, ownsHostFd: false };
}

export function sinkFile(path: string, sink: (d: Uint8Array) => void, flags: number): OpenFile {
  return { kind: 'sink', hostFd: -1, path, flags, pos: 0, stream: true, isDir: false, sink, refs: 1, ownsHostFd: false };
}

let pipeIds = 0;
export function newPipe(flags: number): [OpenFile, OpenFile] {
  const pipe: Pipe = { data: [], size: 0, readers: 1, writers: 1 };
  const id = ++pipeIds;
  const mk = (acc: number): OpenFile => ({
    kind: 'pipe', hostFd: -1, path: `pipe:[${id}]`, flags: acc | (flags & O.NONBLOCK), pos: 0, stream: true, isDir: false, pipe, refs: 1, ownsHostFd: false,
  });
  return [mk(O.RDONLY), mk(O.WRONLY)];
}
