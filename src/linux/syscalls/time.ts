// Clocks and sleeping. The real-time clock is the host's; monotonic clocks are the host's
// monotonic clock; CPU-time clocks are the emulator process's CPU time. Sleeps really sleep.
import { E } from '../errno.js';
import type { LinuxProcess } from '../process.js';
import { ITIMER_PROF } from '../timers.js';
import { Struct, fail, int, readMem, ulong, writeMem, type SyscallTable } from './util.js';

const NS = 1_000_000_000n;
const monoStart = process.hrtime.bigint();
const realAtStart = BigInt(Date.now()) * 1_000_000n;

/** Nanoseconds on clock `id`, or undefined for an invalid clock. */
export function clockNs(id: number): bigint | undefined {
  switch (id) {
    case 0: case 5: case 8: case 11: // REALTIME, REALTIME_COARSE, REALTIME_ALARM, TAI
      return realAtStart + (process.hrtime.bigint() - monoStart);
    case 1: case 4: case 6: case 7: case 9: // MONOTONIC, _RAW, _COARSE, BOOTTIME, BOOTTIME_ALARM
      return process.hrtime.bigint();
    case 2: case 3: { // PROCESS_CPUTIME_ID, THREAD_CPUTIME_ID
      const u = process.cpuUsage();
      return BigInt(u.user + u.system) * 1000n;
    }
  }
  // Negative ids are CPU clocks of a pid or thread (clock_getcpuclockid): ours.
  if (id < 0 && (id & 7) !== 7) return clockNs(2);
  return undefined;
}
const timespec = (ns: bigint) => new Struct(16).u64(0, ns / NS).u64(8, ns % NS).bytes;
/** A guest struct timespec as nanoseconds (EINVAL if malformed). */
function readTimespec(p: LinuxProcess, addr: number): bigint {
  const b = readMem(p, addr, 16), dv = new DataView(b.buffer, b.byteOffset, 16);
  const s = dv.getBigInt64(0, true), n = dv.getBigInt64(8, true);
  if (s < 0n || n < 0n || n >= NS) fail(E.EINVAL);
  return s * NS + n;
}
export { readTimespec };

/** struct itimerval {it_interval, it_value} of timevals, from [value, interval] in ns. */
const itimerval = ([value, interval]: [bigint, bigint]) =>
  new Struct(32).u64(0, interval / NS).u64(8, (interval % NS) / 1000n).u64(16, value / NS).u64(24, (value % NS) / 1000n).bytes;

/** A sleep that a timer's signal interrupts (EINTR, the time left written to `rem`). */
function sleep(p: LinuxProcess, ns: bigint, rem: bigint): number {
  const end = process.hrtime.bigint() + ns;
  if (!p.timers.sleep(ns, () => p.hasDeliverable())) return 0;
  const left = end - process.hrtime.bigint();
  if (rem !== 0n) writeMem(p, ulong(rem), timespec(left > 0n ? left : 0n));
  return -E.EINTR;
}

export const timeCalls: SyscallTable = {
  101: { name: 'nanosleep', args: 'p,p', fn: (p, a) => sleep(p, readTimespec(p, ulong(a[0])), a[1]) },
  102: { name: 'getitimer', args: 'd,p', fn: (p, a) => {
    const which = int(a[0]);
    if (which < 0 || which > ITIMER_PROF) fail(E.EINVAL);
    writeMem(p, ulong(a[1]), itimerval(p.timers.get(which)));
    return 0;
  } },
  103: { name: 'setitimer', args: 'd,p,p', fn: (p, a) => {
    const which = int(a[0]);
    if (which < 0 || which > ITIMER_PROF) fail(E.EINVAL);
    let value = 0n, interval = 0n;
    if (a[1] !== 0n) {
      const b = readMem(p, ulong(a[1]), 32), dv = new DataView(b.buffer, b.byteOffset, 32);
      const tv = (o: number) => {
        const s = dv.getBigInt64(o, true), us = dv.getBigInt64(o + 8, true);
        if (s < 0n || us < 0n || us >= 1_000_000n) fail(E.EINVAL);
        return s * NS + us * 1000n;
      };
      interval = tv(0); value = tv(16);
    }
    const old = p.timers.set(which, value, interval);
    if (a[2] !== 0n) writeMem(p, ulong(a[2]), itimerval(old));
    return 0;
  } },
  113: { name: 'clock_gettime', args: 'clock,p', fn: (p, a) => {
    const ns = clockNs(int(a[0])) ?? fail(E.EINVAL);
    writeMem(p, ulong(a[1]), timespec(ns));
    return 0;
  } },
  114: { name: 'clock_getres', args: 'clock,p', fn: (p, a) => {
    const id = int(a[0]);
    if (clockNs(id) === undefined) fail(E.EINVAL);
    if (a[1] !== 0n) writeMem(p, ulong(a[1]), timespec(id === 5 || id === 6 ? 4_000_000n : 1n));
    return 0;
  } },
  115: { name: 'clock_nanosleep', args: 'clock,d,p,p', fn: (p, a) => {
    const id = int(a[0]), flags = int(a[1]);
    const now = clockNs(id);
    if (now === undefined || id === 3) return -E.EINVAL;
    const t = readTimespec(p, ulong(a[2]));
    const ns = flags & 1 ? t - now : t; // TIMER_ABSTIME
    return ns > 0n ? sleep(p, ns, flags & 1 ? 0n : a[3]) : 0;
  } },
  153: { name: 'times', args: 'p', fn: (p, a) => {
    const u = process.cpuUsage();
    if (a[0] !== 0n) writeMem(p, ulong(a[0]), new Struct(32).u64(0, Math.floor(u.user / 10000)).u64(8, Math.floor(u.system / 10000)).bytes);
    return Number((process.hrtime.bigint() / 10_000_000n) & 0x7fffffffn);
  } },
  169: { name: 'gettimeofday', args: 'p,p', fn: (p, a) => {
    const ns = clockNs(0)!;
    if (a[0] !== 0n) writeMem(p, ulong(a[0]), new Struct(16).u64(0, ns / NS).u64(8, (ns % NS) / 1000n).bytes);
    if (a[1] !== 0n) writeMem(p, ulong(a[1]), new Struct(8).bytes);
    return 0;
  } },
};
