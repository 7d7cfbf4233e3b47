// --strace: one line per system call in strace's style, e.g.
//   openat(AT_FDCWD, "/etc/x", O_RDONLY) = -2 ENOENT
// Argument kinds come from each table entry's `args` string.
import { Access } from '../mem/memory.js';
import { errnoName } from './errno.js';
import { signalName, type SigInfo } from './signals.js';
import type { LinuxProcess } from './process.js';
import { NO_RESULT, type SyscallDef, type SysRet } from './syscalls/util.js';

const MAX_STR = 32;

function quote(bytes: Uint8Array, truncated: boolean, max = MAX_STR): string {
  let s = '"';
  for (const b of bytes.subarray(0, max)) {
    if (b === 0x22) s += '\\"';
    else if (b === 0x5c) s += '\\\\';
    else if (b === 10) s += '\\n';
    else if (b === 9) s += '\\t';
    else if (b === 13) s += '\\r';
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += '\\' + b.toString(8);
  }
  return s + '"' + (truncated || bytes.length > max ? '...' : '');
}
const hex = (v: bigint) => '0x' + BigInt.asUintN(64, v).toString(16);
const ptr = (v: bigint) => (v === 0n ? 'NULL' : hex(v));

function guestBytes(p: LinuxProcess, addr: bigint, len: number): Uint8Array | undefined {
  const a = Number(addr);
  if (len < 0 || !p.as.accessible(a, len, Access.Read)) return undefined;
  return p.mem.read(a, len);
}
function guestString(p: LinuxProcess, addr: bigint): string {
  const bytes: number[] = [];
  for (let a = Number(addr); bytes.length < 4096; a++) {
    if (!p.as.accessible(a, 1, Access.Read)) return ptr(addr);
    const b = p.mem.read(a, 1)[0];
    if (b === 0) break;
    bytes.push(b);
  }
  return quote(Uint8Array.from(bytes), false, Infinity);
}

function flags(v: number, names: [number, string][], zero: string): string {
  const out: string[] = [];
  let rest = v;
  for (const [bit, name] of names) if (bit && (rest & bit) === bit) { out.push(name); rest &= ~bit; }
  if (rest) out.push('0x' + (rest >>> 0).toString(16));
  return out.length ? out.join('|') : zero;
}
const OFLAGS: [number, string][] = [[0x40, 'O_CREAT'], [0x80, 'O_EXCL'], [0x100, 'O_NOCTTY'], [0x200, 'O_TRUNC'], [0x400, 'O_APPEND'],
  [0x800, 'O_NONBLOCK'], [0x101000, 'O_SYNC'], [0x1000, 'O_DSYNC'], [0x4000, 'O_DIRECTORY'], [0x8000, 'O_NOFOLLOW'], [0x10000, 'O_DIRECT'],
  [0x20000, 'O_LARGEFILE'], [0x40000, 'O_NOATIME'], [0x80000, 'O_CLOEXEC'], [0x200000, 'O_PATH']];
const PROT: [number, string][] = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC'], [0x10, 'PROT_BTI'], [0x20, 'PROT_MTE']];
const MAPF: [number, string][] = [[0x10, 'MAP_FIXED'], [0x20, 'MAP_ANONYMOUS'], [0x100, 'MAP_GROWSDOWN'], [0x800, 'MAP_DENYWRITE'],
  [0x4000, 'MAP_NORESERVE'], [0x8000, 'MAP_POPULATE'], [0x20000, 'MAP_STACK'], [0x100000, 'MAP_FIXED_NOREPLACE']];
const CLOCKS = ['CLOCK_REALTIME', 'CLOCK_MONOTONIC', 'CLOCK_PROCESS_CPUTIME_ID', 'CLOCK_THREAD_CPUTIME_ID', 'CLOCK_MONOTONIC_RAW',
  'CLOCK_REALTIME_COARSE', 'CLOCK_MONOTONIC_COARSE', 'CLOCK_BOOTTIME'];
const FUTEX = ['FUTEX_WAIT', 'FUTEX_WAKE', 'FUTEX_FD', 'FUTEX_REQUEUE', 'FUTEX_CMP_REQUEUE', 'FUTEX_WAKE_OP', 'FUTEX_LOCK_PI',
  'FUTEX_UNLOCK_PI', 'FUTEX_TRYLOCK_PI', 'FUTEX_WAIT_BITSET', 'FUTEX_WAKE_BITSET'];

function arg(p: LinuxProcess, kind: string, v: bigint, next: bigint | undefined, ret: SysRet): string {
  const i32 = Number(BigInt.asIntN(32, v));
  switch (kind) {
    case 'd': case 'fd': return String(i32);
    case 'l': return String(BigInt.asIntN(64, v));
    case 'u': return String(BigInt.asUintN(64, v));
    case 'p': return ptr(v);
    case 'dirfd': return i32 === -100 ? 'AT_FDCWD' : String(i32);
    case 's': return v === 0n ? 'NULL' : guestString(p, v);
    case 'ibuf': {
      const len = Number(BigInt.asUintN(64, next ?? 0n));
      const b = guestBytes(p, v, Math.min(len, MAX_STR));
      return b ? quote(b, len > MAX_STR) : ptr(v);
    }
    case 'obuf': {
      if (typeof ret !== 'number' || ret < 0) return ptr(v);
      const b = guestBytes(p, v, Math.min(ret, MAX_STR));
      return b ? quote(b, ret > MAX_STR) : ptr(v);
    }
    case 'iov': {
      const n = Math.min(Number(BigInt.asUintN(32, next ?? 0n)), 8);
      const raw = guestBytes(p, v, 16 * n);
      if (!raw) return ptr(v);
      const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      const parts = [];
      for (let k = 0; k < n; k++) {
        const base = dv.getBigUint64(16 * k, true), len = Number(dv.getBigUint64(16 * k + 8, true));
        const b = guestBytes(p, base, Math.min(len, MAX_STR));
        parts.push(`{iov_base=${b ? quote(b, len > MAX_STR) : ptr(base)}, iov_len=${len}}`);
      }
      return `[${parts.join(', ')}]`;
    }
    case 'oflags': return flags(i32 & ~3, OFLAGS, '').replace(/^/, ['O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_ACCMODE'][i32 & 3] + '|').replace(/\|$/, '');
    case 'mode': return '0' + (i32 >>> 0).toString(8).padStart(3, '0');
    case 'prot': return flags(i32, PROT, 'PROT_NONE');
    case 'mflags': return (['', 'MAP_SHARED', 'MAP_PRIVATE', 'MAP_SHARED_VALIDATE'][i32 & 0xf] || `0x${i32 & 0xf}`) + (i32 & ~0xf ? '|' + flags(i32 & ~0xf, MAPF, '') : '');
    case 'sig': return i32 > 0 && i32 <= 64 ? signalName(i32) : String(i32);
    case 'how': return ['SIG_BLOCK', 'SIG_UNBLOCK', 'SIG_SETMASK'][i32] ?? String(i32);
    case 'clock': return CLOCKS[i32] ?? String(i32);
    case 'whence': return ['SEEK_SET', 'SEEK_CUR', 'SEEK_END', 'SEEK_DATA', 'SEEK_HOLE'][i32] ?? String(i32);
    case 'futexop': return (FUTEX[i32 & 0x7f] ?? String(i32 & 0x7f)) + (i32 & 128 ? '_PRIVATE' : '') + (i32 & 256 ? '|FUTEX_CLOCK_REALTIME' : '');
    default: return hex(v);
  }
}

export function formatCall(p: LinuxProcess, nr: number, def: SyscallDef | undefined, a: bigint[], ret: SysRet): string {
  if (!def) return `syscall_${nr}(${a.slice(0, 6).map(hex).join(', ')})`;
  let kinds = def.args ? def.args.split(',') : [];
  // Like strace, open's mode is shown only when it matters (O_CREAT).
  if (def.name === 'openat' && !(Number(a[2] & 0x40n))) kinds = kinds.slice(0, 3);
  return `${def.name}(${kinds.map((k, i) => arg(p, k, a[i], a[i + 1], ret)).join(', ')})`;
}

export function formatResult(ret: SysRet | bigint, def: SyscallDef | undefined): string {
  if (ret === NO_RESULT) return '?';
  const v = typeof ret === 'bigint' ? Number(BigInt.asIntN(64, ret)) : ret;
  if (v < 0 && v >= -4095) return `${v} ${errnoName(-v)}`;
  if (def?.ret === 'hex') return '0x' + v.toString(16);
  return String(v);
}

const SI_CODES: Record<number, Record<number, string>> = {
  11: { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR' },
  7: { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR' },
  4: { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN' },
  5: { 1: 'TRAP_BRKPT' },
};
/** A signal's arrival: "--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL} ---". */
export function formatSignal(info: SigInfo): string {
  const name = signalName(info.signo);
  const code = info.code === 0 ? 'SI_USER' : info.code === -6 ? 'SI_TKILL' : SI_CODES[info.signo]?.[info.code] ?? String(info.code);
  const rest = info.addr !== undefined ? `, si_addr=${ptr(info.addr)}` : info.pid !== undefined ? `, si_pid=${info.pid}, si_uid=${info.uid ?? 0}` : '';
  return `--- ${name} {si_signo=${name}, si_code=${code}${rest}} ---`;
}
