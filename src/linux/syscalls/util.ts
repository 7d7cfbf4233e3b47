// What every system call module shares: the handler type, argument conversions, and copying
// between guest memory and the host with EFAULT instead of a fault.
import { Access } from '../../mem/memory.js';
import { E, SysError } from '../errno.js';
import type { LinuxProcess } from '../process.js';

/** Returned by a handler that set the registers itself (rt_sigreturn): x0 is left alone. */
export const NO_RESULT = Symbol('no result');
export type SysRet = number | typeof NO_RESULT;

export interface SyscallDef {
  name: string;
  /** Argument kinds for --strace, comma-separated (see strace.ts); omitted: none shown. */
  args?: string;
  /** How --strace shows the result: 'hex' for addresses. */
  ret?: 'hex';
  fn: (p: LinuxProcess, a: bigint[]) => SysRet;
}
export type SyscallTable = Record<number, SyscallDef>;

/** int argument (the low 32 bits, signed). */
export const int = (x: bigint) => Number(BigInt.asIntN(32, x));
/** unsigned int argument. */
export const uint = (x: bigint) => Number(BigInt.asUintN(32, x));
/** long / size_t / pointer argument as a Number (exact below 2^53; larger values are bogus anyway). */
export const ulong = (x: bigint) => Number(BigInt.asUintN(64, x));
export const slong = (x: bigint) => Number(BigInt.asIntN(64, x));

/** A file offset argument: negative ones are EINVAL, and so are ones past 2^53 (Node's limit;
 *  Linux's own file size limits are far below it). */
export const offArg = (x: bigint) => { const v = slong(x); if (v < 0 || v > Number.MAX_SAFE_INTEGER) fail(E.EINVAL); return v; };

export const AT_FDCWD = -100;
export const PATH_MAX = 4096;

export function fail(errno: number): never { throw new SysError(errno); }

/** Guest bytes [addr, addr+len), or EFAULT. */
export function readMem(p: LinuxProcess, addr: number, len: number): Uint8Array {
  if (!p.as.accessible(addr, len, Access.Read)) fail(E.EFAULT);
  return p.mem.read(addr, len);
}
/** Copies into the guest, or EFAULT (checked before anything is written). */
export function writeMem(p: LinuxProcess, addr: number, data: Uint8Array): void {
  if (!p.as.accessible(addr, data.length, Access.Write)) fail(E.EFAULT);
  p.mem.write(addr, data);
}
export function checkWritable(p: LinuxProcess, addr: number, len: number): void {
  if (!p.as.accessible(addr, len, Access.Write)) fail(E.EFAULT);
}
/** A NUL-terminated guest string (paths: ENAMETOOLONG past PATH_MAX), read a page at a time. */
export function readString(p: LinuxProcess, addr: number, max = PATH_MAX): string {
  const parts: Uint8Array[] = [];
  let len = 0;
  for (let a = addr; ;) {
    const chunk = Math.min(4096 - (a % 4096), max + 1 - len);
    if (chunk <= 0) fail(E.ENAMETOOLONG);
    if (!p.as.accessible(a, chunk, Access.Read)) fail(E.EFAULT);
    const bytes = p.mem.read(a, chunk);
    const nul = bytes.indexOf(0);
    if (nul >= 0) { parts.push(bytes.subarray(0, nul)); len += nul; break; }
    parts.push(bytes);
    len += chunk;
    a += chunk;
  }
  if (len >= max) fail(E.ENAMETOOLONG);
  return Buffer.concat(parts).toString('utf8');
}
/** A byte buffer as little-endian struct writer. */
export class Struct {
  readonly bytes: Uint8Array;
  readonly dv: DataView;
  constructor(size: number) { this.bytes = new Uint8Array(size); this.dv = new DataView(this.bytes.buffer); }
  u8(off: number, v: number) { this.bytes[off] = v; return this; }
  u16(off: number, v: number) { this.dv.setUint16(off, v, true); return this; }
  u32(off: number, v: number) { this.dv.setUint32(off, v >>> 0, true); return this; }
  i32(off: number, v: number) { this.dv.setInt32(off, v | 0, true); return this; }
  u64(off: number, v: number | bigint) { this.dv.setBigUint64(off, BigInt.asUintN(64, BigInt(v)), true); return this; }
  str(off: number, s: string, max: number) { const b = Buffer.from(s, 'utf8').subarray(0, max - 1); this.bytes.set(b, off); return this; }
}
export function readU64(p: LinuxProcess, addr: number): bigint {
  const b = readMem(p, addr, 8);
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}
export function writeU64(p: LinuxProcess, addr: number, v: bigint | number): void {
  writeMem(p, addr, new Struct(8).u64(0, v).bytes);
}
export function writeU32(p: LinuxProcess, addr: number, v: number): void {
  writeMem(p, addr, new Struct(4).u32(0, v).bytes);
}
