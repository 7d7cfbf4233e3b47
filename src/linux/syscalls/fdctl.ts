// Calls on descriptors themselves: dup, close, pipes, fcntl, ioctl (terminals), poll/select.
import * as tty from 'node:tty';
import { E } from '../errno.js';
import { StopRun } from '../../interp/interpreter.js';
import { MAX_FDS, O, PIPE_CAPACITY, newPipe, type OpenFile } from '../fds.js';
import type { LinuxProcess } from '../process.js';
import { Struct, checkWritable, fail, int, readMem, uint, ulong, writeMem, writeU32, type SyscallTable } from './util.js';

// ----- ioctl
const TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TIOCGPGRP = 0x540f, TIOCGWINSZ = 0x5413,
  FIONREAD = 0x541b, FIONBIO = 0x5421, FIONCLEX = 0x5450, FIOCLEX = 0x5451;
function isTty(f: OpenFile): boolean { return f.kind === 'host' && tty.isatty(f.hostFd); }
function ioctl(p: LinuxProcess, fd: number, req: number, arg: number): number {
  const f = p.fds.get(fd);
  switch (req) {
    case FIOCLEX: p.fds.setCloexec(fd, true); return 0;
    case FIONCLEX: p.fds.setCloexec(fd, false); return 0;
    case FIONBIO: {
      const on = readMem(p, arg, 4).some((b) => b !== 0);
      f.flags = on ? f.flags | O.NONBLOCK : f.flags & ~O.NONBLOCK;
      return 0;
    }
    case FIONREAD:
      if (f.kind === 'pipe') { writeU32(p, arg, f.pipe!.size); return 0; }
      if (f.kind === 'mem') { writeU32(p, arg, Math.max(0, f.content!.length - f.pos)); return 0; }
      break;
  }
  if (!isTty(f)) fail(E.ENOTTY);
  switch (req) {
    case TCGETS: {
      // A cooked terminal: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD, ISIG|ICANON|ECHO|ECHOE|ECHOK|ECHOCTL|ECHOKE|IEXTEN.
      const t = new Struct(36).u32(0, 0x500).u32(4, 0x5).u32(8, 0xbf).u32(12, 0x8a3b);
      [3, 0x1c, 0x7f, 0x15, 4, 0, 1, 0, 0x11, 0x13, 0x1a, 0, 0x12, 0x0f, 0x17, 0x16].forEach((c, i) => t.u8(17 + i, c));
      writeMem(p, arg, t.bytes);
      return 0;
    }
    case TCSETS: case TCSETSW: case TCSETSF: readMem(p, arg, 36); return 0; // accepted, not applied
    case TIOCGPGRP: writeU32(p, arg, p.pid); return 0;
    case TIOCGWINSZ: {
      let rows = 24, cols = 80;
      const stream = f.hostFd === 1 ? process.stdout : f.hostFd === 2 ? process.stderr : undefined;
      if (stream?.isTTY) [cols, rows] = stream.getWindowSize();
      writeMem(p, arg, new Struct(8).u16(0, rows).u16(2, cols).bytes);
      return 0;
    }
  }
  fail(E.ENOTTY);
}

// ----- poll and select: a single thread cannot wait for other threads, so every descriptor is
// reported ready for what was asked (reads and writes then block, or see EOF, as they would).
const POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLNVAL = 0x20;
function readTimeout(p: LinuxProcess, addr: bigint): bigint | undefined {
  if (addr === 0n) return undefined;
  const b = readMem(p, ulong(addr), 16), dv = new DataView(b.buffer, b.byteOffset, 16);
  const s = dv.getBigInt64(0, true), n = dv.getBigInt64(8, true);
  if (s < 0n || n < 0n || n >= 1_000_000_000n) fail(E.EINVAL);
  return s * 1_000_000_000n + n;
}
/** Nothing became ready: wait out the timeout (or for a timer's signal), as the call would. */
function waitNothing(p: LinuxProcess, timeout: bigint | undefined): number {
  if (timeout === 0n) return 0;
  if (p.timers.sleep(timeout, () => p.hasDeliverable())) return -E.EINTR;
  if (timeout === undefined) throw new StopRun('error', 1, 'guest deadlock: it waits with nothing to wait for');
  return 0;
}
function ppoll(p: LinuxProcess, a: bigint[]): number {
  const n = uint(a[1]);
  if (n > MAX_FDS) fail(E.EINVAL);
  const timeout = readTimeout(p, a[2]);
  const raw = readMem(p, ulong(a[0]), 8 * n), dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  let ready = 0;
  for (let i = 0; i < n; i++) {
    const fd = dv.getInt32(8 * i, true), events = dv.getInt16(8 * i + 4, true);
    const rev = fd < 0 ? 0 : p.fds.has(fd) ? events & (POLLIN | POLLPRI | POLLOUT) : POLLNVAL;
    dv.setInt16(8 * i + 6, rev, true);
    if (rev) ready++;
  }
  writeMem(p, ulong(a[0]), raw);
  return ready || waitNothing(p, timeout);
}
function pselect6(p: LinuxProcess, a: bigint[]): number {
  const n = int(a[0]);
  if (n < 0 || n > MAX_FDS) fail(E.EINVAL);
  const timeout = readTimeout(p, a[4]);
  const bytes = Math.ceil(n / 64) * 8;
  let ready = 0;
  for (const k of [1, 2]) { // readfds, writefds: everything asked for is ready
    if (a[k] === 0n) continue;
    const set = readMem(p, ulong(a[k]), bytes);
    for (let fd = 0; fd < n; fd++) {
      if (!(set[fd >> 3] & (1 << (fd & 7)))) continue;
      if (!p.fds.has(fd)) fail(E.EBADF);
      ready++;
    }
  }
  if (a[3] !== 0n) writeMem(p, ulong(a[3]), new Uint8Array(bytes)); // no exceptional conditions
  return ready || waitNothing(p, timeout);
}

// ----- fcntl
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4, F_GETLK = 5, F_SETLK = 6, F_SETLKW = 7,
  F_OFD_GETLK = 36, F_OFD_SETLK = 37, F_OFD_SETLKW = 38, F_DUPFD_CLOEXEC = 1030, F_GETPIPE_SZ = 1032;
function fcntl(p: LinuxProcess, fd: number, cmd: number, arg: bigint): number {
  const f = p.fds.get(fd);
  switch (cmd) {
    case F_DUPFD: case F_DUPFD_CLOEXEC: {
      const min = int(arg);
      if (min < 0 || min >= 1024) fail(E.EINVAL);
      return p.fds.dup(fd, min, cmd === F_DUPFD_CLOEXEC);
    }
    case F_GETFD: return p.fds.cloexec(fd) ? 1 : 0;
    case F_SETFD: p.fds.setCloexec(fd, (int(arg) & 1) !== 0); return 0;
    case F_GETFL: return f.flags | O.LARGEFILE;
    case F_SETFL: {
      const settable = O.APPEND | O.NONBLOCK | O.ASYNC | O.DIRECT | O.NOATIME;
      f.flags = (f.flags & ~settable) | (int(arg) & settable);
      return 0;
    }
    case F_GETLK: case F_OFD_GETLK: writeMem(p, ulong(arg), new Struct(2).u16(0, 2).bytes); return 0; // F_UNLCK: nobody else holds locks
    case F_SETLK: case F_SETLKW: case F_OFD_SETLK: case F_OFD_SETLKW: return 0;
    case F_GETPIPE_SZ: if (f.kind === 'pipe') return PIPE_CAPACITY; break;
  }
  fail(E.EINVAL);
}

export const fdCalls: SyscallTable = {
  23: { name: 'dup', args: 'fd', fn: (p, a) => p.fds.dup(int(a[0])) },
  24: { name: 'dup3', args: 'fd,fd,oflags', fn: (p, a) => {
    const [o, n, fl] = [int(a[0]), int(a[1]), int(a[2])];
    if (fl & ~O.CLOEXEC) fail(E.EINVAL);
    const f = p.fds.get(o);
    if (o === n) fail(E.EINVAL);
    if (n < 0 || n >= 1024) fail(E.EBADF);
    p.fds.put(n, f, (fl & O.CLOEXEC) !== 0);
    return n;
  } },
  25: { name: 'fcntl', args: 'fd,d,x', fn: (p, a) => fcntl(p, int(a[0]), int(a[1]), a[2]) },
  29: { name: 'ioctl', args: 'fd,x,p', fn: (p, a) => ioctl(p, int(a[0]), uint(a[1]), ulong(a[2])) },
  57: { name: 'close', args: 'fd', fn: (p, a) => { p.fds.close(int(a[0])); return 0; } },
  59: { name: 'pipe2', args: 'p,oflags', fn: (p, a) => {
    const flags = int(a[1]);
    if (flags & ~(O.CLOEXEC | O.NONBLOCK | O.DIRECT)) fail(E.EINVAL);
    const addr = ulong(a[0]);
    checkWritable(p, addr, 8);
    const [r, w] = newPipe(flags);
    const rfd = p.fds.add(r, (flags & O.CLOEXEC) !== 0);
    const wfd = p.fds.add(w, (flags & O.CLOEXEC) !== 0);
    writeMem(p, addr, new Struct(8).i32(0, rfd).i32(4, wfd).bytes);
    return 0;
  } },
  72: { name: 'pselect6', args: 'd,p,p,p,p,p', fn: pselect6 },
  73: { name: 'ppoll', args: 'p,d,p,p,u', fn: ppoll },
  82: { name: 'fsync', args: 'fd', fn: (p, a) => { p.fds.get(int(a[0])); return 0; } },
  83: { name: 'fdatasync', args: 'fd', fn: (p, a) => { p.fds.get(int(a[0])); return 0; } },
  436: { name: 'close_range', args: 'fd,fd,x', fn: (p, a) => {
    const lo = uint(a[0]), hi = uint(a[1]), cloexecOnly = (uint(a[2]) & 4) !== 0;
    if (lo > hi) fail(E.EINVAL);
    for (const fd of p.fds.list()) if (fd >= lo && fd <= hi) { if (cloexecOnly) p.fds.setCloexec(fd, true); else p.fds.close(fd); }
    return 0;
  } },
};
