// Process-level calls: exit, ids, uname, limits, scheduling, randomness, futex (one thread),
// and the calls a single-process emulator refuses (clone, execve, wait).
import * as os from 'node:os';
import { randomFillSync } from 'node:crypto';
import { StopRun } from '../../interp/interpreter.js';
import { E } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { readTimespec, clockNs } from './time.js';
import { Struct, fail, int, readMem, readString, uint, ulong, writeMem, type SyscallTable } from './util.js';
import { PAGE_SIZE } from '../../mem/memory.js';

const INF = 0xffff_ffff_ffff_ffffn;
/** Default resource limits (RLIMIT_* numbers of asm-generic/resource.h). */
const RLIMIT_DEFAULTS: Record<number, [bigint, bigint]> = {
  3: [8n * 2n ** 20n, INF],  // STACK
  4: [0n, INF],              // CORE
  6: [4096n, 4096n],         // NPROC
  7: [1024n, 1024n],         // NOFILE (the descriptor table's size)
  8: [8n * 2n ** 20n, 8n * 2n ** 20n], // MEMLOCK
  13: [0n, 0n],              // NICE
  14: [0n, 0n],              // RTPRIO
};
const rlimit = (p: LinuxProcess, r: number): [bigint, bigint] => p.rlimits.get(r) ?? RLIMIT_DEFAULTS[r] ?? [INF, INF];

function exitGroup(p: LinuxProcess, nr: number, a: bigint[]): never {
  p.straceNoReturn(nr, a);
  throw new StopRun('exit', int(a[0]) & 0xff);
}

function getsetRlimit(p: LinuxProcess, res: number, newAddr: bigint, oldAddr: bigint): number {
  if (res < 0 || res > 15) fail(E.EINVAL);
  const [cur, max] = rlimit(p, res);
  let next: [bigint, bigint] | undefined;
  if (newAddr !== 0n) {
    const b = readMem(p, ulong(newAddr), 16), dv = new DataView(b.buffer, b.byteOffset, 16);
    next = [dv.getBigUint64(0, true), dv.getBigUint64(8, true)];
    if (next[0] > next[1]) fail(E.EINVAL);
    if (next[1] > max) fail(E.EPERM);
  }
  if (oldAddr !== 0n) writeMem(p, ulong(oldAddr), new Struct(16).u64(0, cur).u64(8, max).bytes);
  if (next) p.rlimits.set(res, next);
  return 0;
}

const FUTEX_WAIT = 0, FUTEX_WAKE = 1, FUTEX_REQUEUE = 3, FUTEX_CMP_REQUEUE = 4, FUTEX_WAKE_OP = 5, FUTEX_WAIT_BITSET = 9, FUTEX_WAKE_BITSET = 10;
/** futex with one thread: nobody else can change the word or wake us. */
function futex(p: LinuxProcess, a: bigint[]): number {
  const uaddr = ulong(a[0]), op = int(a[1]), cmd = op & 0x7f, val = uint(a[2]);
  if (uaddr % 4 !== 0) fail(E.EINVAL);
  const word = () => { const b = readMem(p, uaddr, 4); return new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true); };
  switch (cmd) {
    case FUTEX_WAIT: case FUTEX_WAIT_BITSET: {
      if (word() !== val) return -E.EAGAIN;
      if (a[3] === 0n) throw new StopRun('error', 1, 'guest deadlock: futex wait with no other thread to wake it');
      const t = readTimespec(p, ulong(a[3]));
      // FUTEX_WAIT takes a relative timeout; FUTEX_WAIT_BITSET an absolute one.
      const ns = cmd === FUTEX_WAIT ? t : t - (clockNs(op & 256 ? 0 : 1) ?? 0n);
      if (ns > 0n && p.timers.sleep(ns, () => p.hasDeliverable())) return -E.EINTR;
      return -E.ETIMEDOUT;
    }
    case FUTEX_WAKE: case FUTEX_WAKE_BITSET: case FUTEX_REQUEUE: word(); return 0;
    case FUTEX_CMP_REQUEUE: return word() === uint(a[5]) ? 0 : -E.EAGAIN;
    case FUTEX_WAKE_OP: {
      // Atomically *uaddr2 = oldval OP oparg; nobody waits, so only the store matters.
      const v3 = uint(a[5]), u2 = ulong(a[4]);
      const b = readMem(p, u2, 4), old = new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true);
      let arg = (v3 >> 12) & 0xfff;
      if (arg & 0x800) arg -= 0x1000;
      if ((v3 >>> 28) & 8) arg = 1 << (arg & 31);
      const ops = [arg, old + arg, old | arg, old & ~arg, old ^ arg];
      const k = (v3 >>> 28) & 7;
      if (k > 4) fail(E.ENOSYS);
      writeMem(p, u2, new Struct(4).u32(0, ops[k]).bytes);
      return 0;
    }
  }
  fail(E.ENOSYS);
}

const PR_SET_PDEATHSIG = 1, PR_GET_PDEATHSIG = 2, PR_GET_DUMPABLE = 3, PR_SET_DUMPABLE = 4, PR_SET_NAME = 15,
  PR_GET_NAME = 16, PR_SET_NO_NEW_PRIVS = 38, PR_GET_NO_NEW_PRIVS = 39;
function prctl(p: LinuxProcess, a: bigint[]): number {
  switch (int(a[0])) {
    case PR_SET_PDEATHSIG: case PR_SET_DUMPABLE: case PR_SET_NO_NEW_PRIVS: return 0;
    case PR_GET_PDEATHSIG: writeMem(p, ulong(a[1]), new Struct(4).bytes); return 0;
    case PR_GET_DUMPABLE: return 1;
    case PR_GET_NO_NEW_PRIVS: return 0;
    case PR_SET_NAME: p.comm = readString(p, ulong(a[1]), 4096).slice(0, 15); return 0;
    case PR_GET_NAME: writeMem(p, ulong(a[1]), new Struct(16).str(0, p.comm, 16).bytes); return 0;
  }
  fail(E.EINVAL);
}

export const procCalls: SyscallTable = {
  93: { name: 'exit', args: 'd', fn: (p, a) => exitGroup(p, 93, a) },
  94: { name: 'exit_group', args: 'd', fn: (p, a) => exitGroup(p, 94, a) },
  96: { name: 'set_tid_address', args: 'p', fn: (p, a) => { p.tidAddress = a[0]; return p.pid; } },
  98: { name: 'futex', args: 'p,futexop,d,p,p,x', fn: futex },
  99: { name: 'set_robust_list', args: 'p,u', fn: (_p, a) => (a[1] !== 24n ? -E.EINVAL : 0) },
  124: { name: 'sched_yield', fn: () => 0 },
  122: { name: 'sched_setaffinity', args: 'd,u,p', fn: (p, a) => { if (int(a[0]) !== 0 && int(a[0]) !== p.pid) fail(E.ESRCH); return 0; } },
  123: { name: 'sched_getaffinity', args: 'd,u,p', fn: (p, a) => {
    const pid = int(a[0]), len = ulong(a[1]);
    if (pid !== 0 && pid !== p.pid) fail(E.ESRCH);
    if (len < 8 || len % 8 !== 0) fail(E.EINVAL);
    writeMem(p, ulong(a[2]), new Struct(8).u64(0, 1).bytes); // one CPU
    return 8;
  } },
  120: { name: 'sched_getscheduler', args: 'd', fn: () => 0 },
  121: { name: 'sched_getparam', args: 'd,p', fn: (p, a) => { writeMem(p, ulong(a[1]), new Struct(4).bytes); return 0; } },
  125: { name: 'sched_get_priority_max', args: 'd', fn: (_p, a) => (int(a[0]) === 1 || int(a[0]) === 2 ? 99 : 0) },
  126: { name: 'sched_get_priority_min', args: 'd', fn: (_p, a) => (int(a[0]) === 1 || int(a[0]) === 2 ? 1 : 0) },
  140: { name: 'setpriority', args: 'd,d,d', fn: () => 0 },
  141: { name: 'getpriority', args: 'd,d', fn: () => 20 },
  146: { name: 'setuid', args: 'd', fn: (p, a) => (uint(a[0]) === p.uid ? 0 : -E.EPERM) },
  144: { name: 'setgid', args: 'd', fn: (p, a) => (uint(a[0]) === p.gid ? 0 : -E.EPERM) },
  148: { name: 'getresuid', args: 'p,p,p', fn: (p, a) => { for (const x of a.slice(0, 3)) writeMem(p, ulong(x), new Struct(4).u32(0, p.uid).bytes); return 0; } },
  150: { name: 'getresgid', args: 'p,p,p', fn: (p, a) => { for (const x of a.slice(0, 3)) writeMem(p, ulong(x), new Struct(4).u32(0, p.gid).bytes); return 0; } },
  154: { name: 'setpgid', args: 'd,d', fn: () => 0 },
  155: { name: 'getpgid', args: 'd', fn: (p) => p.pid },
  156: { name: 'getsid', args: 'd', fn: (p) => p.pid },
  157: { name: 'setsid', fn: () => -E.EPERM },
  158: { name: 'getgroups', args: 'd,p', fn: () => 0 },
  160: { name: 'uname', args: 'p', fn: (p, a) => {
    const s = new Struct(6 * 65);
    ['Linux', os.hostname(), '6.1.0', '#1 SMP PREEMPT krustvm', 'aarch64', '(none)'].forEach((v, i) => s.str(i * 65, v, 65));
    writeMem(p, ulong(a[0]), s.bytes);
    return 0;
  } },
  163: { name: 'getrlimit', args: 'd,p', fn: (p, a) => getsetRlimit(p, int(a[0]), 0n, a[1]) },
  164: { name: 'setrlimit', args: 'd,p', fn: (p, a) => getsetRlimit(p, int(a[0]), a[1], 0n) },
  165: { name: 'getrusage', args: 'd,p', fn: (p, a) => {
    const u = process.cpuUsage();
    const s = new Struct(144).u64(0, Math.floor(u.user / 1e6)).u64(8, u.user % 1e6).u64(16, Math.floor(u.system / 1e6)).u64(24, u.system % 1e6)
      .u64(32, (p.as.usedPages * PAGE_SIZE) / 1024);
    writeMem(p, ulong(a[1]), s.bytes);
    return 0;
  } },
  166: { name: 'umask', args: 'mode', fn: (p, a) => { const old = p.umask; p.umask = uint(a[0]) & 0o777; return old; } },
  167: { name: 'prctl', args: 'd,x,x,x,x', fn: (p, a) => prctl(p, a) },
  168: { name: 'getcpu', args: 'p,p,p', fn: (p, a) => {
    if (a[0] !== 0n) writeMem(p, ulong(a[0]), new Struct(4).bytes);
    if (a[1] !== 0n) writeMem(p, ulong(a[1]), new Struct(4).bytes);
    return 0;
  } },
  172: { name: 'getpid', fn: (p) => p.pid },
  173: { name: 'getppid', fn: (p) => p.ppid },
  174: { name: 'getuid', fn: (p) => p.uid },
  175: { name: 'geteuid', fn: (p) => p.uid },
  176: { name: 'getgid', fn: (p) => p.gid },
  177: { name: 'getegid', fn: (p) => p.gid },
  178: { name: 'gettid', fn: (p) => p.pid },
  179: { name: 'sysinfo', args: 'p', fn: (p, a) => {
    const la = os.loadavg().map((x) => Math.round(x * 65536));
    const s = new Struct(112).u64(0, Math.floor(os.uptime())).u64(8, la[0]).u64(16, la[1]).u64(24, la[2])
      .u64(32, p.as.ramBytes).u64(40, (p.as.totalPages - p.as.usedPages) * PAGE_SIZE).u16(80, 1).u32(104, 1);
    writeMem(p, ulong(a[0]), s.bytes);
    return 0;
  } },
  220: { name: 'clone', args: 'x,p,p,p,p', fn: () => -E.ENOSYS },
  221: { name: 'execve', args: 's,p,p', fn: () => -E.ENOSYS },
  260: { name: 'wait4', args: 'd,p,d,p', fn: () => -E.ECHILD },
  95: { name: 'waitid', args: 'd,d,p,d', fn: () => -E.ECHILD },
  261: { name: 'prlimit64', args: 'd,d,p,p', fn: (p, a) => {
    if (int(a[0]) !== 0 && int(a[0]) !== p.pid) fail(E.ESRCH);
    return getsetRlimit(p, int(a[1]), a[2], a[3]);
  } },
  278: { name: 'getrandom', args: 'p,u,x', fn: (p, a) => {
    if (uint(a[2]) & ~7) fail(E.EINVAL);
    const n = Math.min(ulong(a[1]), 33554431);
    writeMem(p, ulong(a[0]), randomFillSync(new Uint8Array(n)));
    return n;
  } },
  283: { name: 'membarrier', args: 'd,x', fn: (_p, a) => (int(a[0]) === 0 ? 0x19 : 0) },
  293: { name: 'rseq', args: 'p,u,x,x', fn: () => -E.ENOSYS },
  435: { name: 'clone3', args: 'p,u', fn: () => -E.ENOSYS },
};
