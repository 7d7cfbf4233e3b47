// Reading and writing: read/write and their vector and positional forms, and lseek. Host files
// are read and written at the position kept in the open file description (Node has no lseek);
// streams use the host's position.
import * as fs from 'node:fs';
import { E } from '../errno.js';
import { O, PIPE_CAPACITY, type OpenFile } from '../fds.js';
import { writeAllSync, sleepMs, type LinuxProcess } from '../process.js';
import { SIGPIPE_INFO } from './signal.js';
import { checkWritable, fail, int, offArg, readMem, slong, ulong, writeMem, type SyscallTable } from './util.js';

/** Largest single transfer (Linux allows short reads and writes; this keeps host buffers sane). */
const MAX_IO = 16 * 2 ** 20;
const IOV_MAX = 1024;

function readFile(f: OpenFile, len: number, pos: number | null): Uint8Array {
  if ((f.flags & O.ACCMODE) === O.WRONLY || (f.flags & O.PATH)) fail(E.EBADF);
  if (f.isDir) fail(E.EISDIR);
  len = Math.min(len, MAX_IO);
  switch (f.kind) {
    case 'mem': {
      const at = pos ?? f.pos;
      const out = f.content!.subarray(Math.min(at, f.content!.length), Math.min(at + len, f.content!.length));
      if (pos === null) f.pos += out.length;
      return out;
    }
    case 'pipe': {
      const pp = f.pipe!;
      if (pos !== null) fail(E.ESPIPE);
      if (pp.size === 0) {
        if (pp.writers === 0) return new Uint8Array(0);
        fail(E.EAGAIN); // an empty pipe would block forever: no other thread can fill it
      }
      const out = new Uint8Array(Math.min(len, pp.size));
      let n = 0;
      while (n < out.length) {
        const c = pp.data[0], k = Math.min(c.length, out.length - n);
        out.set(c.subarray(0, k), n);
        n += k;
        if (k === c.length) pp.data.shift(); else pp.data[0] = c.subarray(k);
      }
      pp.size -= n;
      return out;
    }
    case 'sink': fail(E.EBADF);
  }
  const buf = Buffer.alloc(len);
  if (f.stream) {
    if (pos !== null) fail(E.ESPIPE);
    for (;;) {
      try { return buf.subarray(0, fs.readSync(f.hostFd, buf, 0, len, null)); } catch (x) {
        const code = (x as { code?: string }).code;
        if (code === 'EOF') return buf.subarray(0, 0);
        if (code !== 'EAGAIN' || (f.flags & O.NONBLOCK)) throw x;
        sleepMs(5);
      }
    }
  }
  const at = pos ?? f.pos;
  const n = fs.readSync(f.hostFd, buf, 0, len, at);
  if (pos === null) f.pos += n;
  return buf.subarray(0, n);
}

function writeFile(p: LinuxProcess, f: OpenFile, data: Uint8Array, pos: number | null): number {
  if ((f.flags & O.ACCMODE) === O.RDONLY || (f.flags & O.PATH)) fail(E.EBADF);
  switch (f.kind) {
    case 'mem': fail(E.EBADF);
    case 'sink': f.sink!(data.slice()); return data.length;
    case 'pipe': {
      const pp = f.pipe!;
      if (pos !== null) fail(E.ESPIPE);
      if (pp.readers === 0) { p.sig.raise(SIGPIPE_INFO(p)); fail(E.EPIPE); }
      const n = Math.min(data.length, PIPE_CAPACITY - pp.size);
      if (n === 0) fail(E.EAGAIN);
      pp.data.push(data.slice(0, n));
      pp.size += n;
      return n;
    }
  }
  try {
    if (f.stream) {
      if (pos !== null) fail(E.ESPIPE);
      return writeAllSync(f.hostFd, data);
    }
    if (f.flags & O.APPEND && pos === null) {
      const n = fs.writeSync(f.hostFd, data, 0, data.length, null);
      f.pos = Number(fs.fstatSync(f.hostFd).size);
      return n;
    }
    const at = pos ?? f.pos;
    const n = fs.writeSync(f.hostFd, data, 0, data.length, at);
    if (pos === null) f.pos += n;
    return n;
  } catch (x) {
    if ((x as { code?: string }).code === 'EPIPE') p.sig.raise(SIGPIPE_INFO(p));
    throw x;
  }
}

function sysRead(p: LinuxProcess, fd: bigint, buf: bigint, count: bigint, pos: number | null): number {
  const f = p.fds.get(int(fd));
  const len = Math.min(ulong(count), MAX_IO);
  checkWritable(p, ulong(buf), len);
  const data = readFile(f, len, pos);
  writeMem(p, ulong(buf), data);
  return data.length;
}
function sysWrite(p: LinuxProcess, fd: bigint, buf: bigint, count: bigint, pos: number | null): number {
  const f = p.fds.get(int(fd));
  const data = readMem(p, ulong(buf), Math.min(ulong(count), MAX_IO));
  return writeFile(p, f, data, pos);
}
/** The iovec array, cut down to MAX_IO bytes in all (a short transfer, as Linux allows). */
function iovecs(p: LinuxProcess, iov: bigint, cnt: bigint): [number, number][] {
  const n = int(cnt);
  if (n < 0 || n > IOV_MAX) fail(E.EINVAL);
  const raw = readMem(p, ulong(iov), 16 * n);
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out: [number, number][] = [];
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = Number(dv.getBigUint64(16 * i, true)), len = Number(dv.getBigUint64(16 * i + 8, true));
    if (len > 2 ** 53) fail(E.EINVAL);
    const take = Math.min(len, MAX_IO - total);
    if (take > 0) out.push([base, take]);
    total += take;
  }
  return out;
}
function sysReadv(p: LinuxProcess, fd: bigint, iov: bigint, cnt: bigint, pos: number | null): number {
  const f = p.fds.get(int(fd));
  const vs = iovecs(p, iov, cnt);
  for (const [b, l] of vs) checkWritable(p, b, l);
  const data = readFile(f, vs.reduce((s, [, l]) => s + l, 0), pos);
  let off = 0;
  for (const [b, l] of vs) {
    if (off >= data.length) break;
    const k = Math.min(l, data.length - off);
    writeMem(p, b, data.subarray(off, off + k));
    off += k;
  }
  return data.length;
}
function sysWritev(p: LinuxProcess, fd: bigint, iov: bigint, cnt: bigint, pos: number | null): number {
  const f = p.fds.get(int(fd));
  const parts = iovecs(p, iov, cnt).map(([b, l]) => readMem(p, b, l));
  return writeFile(p, f, Buffer.concat(parts), pos);
}

export const rwCalls: SyscallTable = {
  62: { name: 'lseek', args: 'fd,l,whence', fn: (p, a) => {
    const f = p.fds.get(int(a[0]));
    if (f.stream) fail(E.ESPIPE);
    const off = slong(a[1]), whence = int(a[2]);
    let base: number;
    if (whence === 0) base = 0;
    else if (whence === 1) base = f.pos;
    else if (whence === 2 || whence === 3 || whence === 4) {
      const size = f.kind === 'mem' ? f.content!.length : f.isDir ? 0 : Number(fs.fstatSync(f.hostFd).size);
      if (whence === 2) base = size;
      else { // SEEK_DATA / SEEK_HOLE: the whole file is data, the hole is at its end
        if (off >= size) fail(E.ENXIO);
        return (f.pos = whence === 3 ? off : size);
      }
    } else fail(E.EINVAL);
    const np = base + off;
    if (np < 0 || np > Number.MAX_SAFE_INTEGER) fail(E.EINVAL);
    if (f.isDir && np === 0) f.dirents = undefined;
    f.pos = np;
    return np;
  } },
  63: { name: 'read', args: 'fd,obuf,u', fn: (p, a) => sysRead(p, a[0], a[1], a[2], null) },
  64: { name: 'write', args: 'fd,ibuf,u', fn: (p, a) => sysWrite(p, a[0], a[1], a[2], null) },
  65: { name: 'readv', args: 'fd,p,d', fn: (p, a) => sysReadv(p, a[0], a[1], a[2], null) },
  66: { name: 'writev', args: 'fd,iov,d', fn: (p, a) => sysWritev(p, a[0], a[1], a[2], null) },
  67: { name: 'pread64', args: 'fd,obuf,u,d', fn: (p, a) => sysRead(p, a[0], a[1], a[2], offArg(a[3])) },
  68: { name: 'pwrite64', args: 'fd,ibuf,u,d', fn: (p, a) => sysWrite(p, a[0], a[1], a[2], offArg(a[3])) },
  69: { name: 'preadv', args: 'fd,p,d,d', fn: (p, a) => sysReadv(p, a[0], a[1], a[2], offArg(a[3])) },
  70: { name: 'pwritev', args: 'fd,iov,d,d', fn: (p, a) => sysWritev(p, a[0], a[1], a[2], offArg(a[3])) },
};
