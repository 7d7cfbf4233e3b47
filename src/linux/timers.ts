// Interval timers (setitimer/getitimer; glibc's alarm() is built on them) and the signals they
// raise. Signals that arrive while the guest runs are delivered between chunks of the run loop
// (runProgram polls between engine.run calls); sleeps wake early when a timer fires, as Linux
// interrupts them with EINTR.
import { clockNs } from './syscalls/time.js';
import { sleepMs } from './process.js';
import type { SignalState } from './signals.js';

export const ITIMER_REAL = 0, ITIMER_VIRTUAL = 1, ITIMER_PROF = 2;
const SIGNAL_OF = [14, 26, 27]; // SIGALRM, SIGVTALRM, SIGPROF
/** si_code of a signal the kernel sends on its own (timers). */
export const SI_KERNEL = 0x80;

interface Timer { deadline: bigint; interval: bigint }

/** The clock a timer counts: wall time, or the emulator's CPU time for the virtual/profiling ones. */
const now = (which: number) => clockNs(which === ITIMER_REAL ? 1 : 2)!;

export class Timers {
  private readonly timers: (Timer | undefined)[] = [undefined, undefined, undefined];

  constructor(private readonly sig: SignalState) {}

  get armed(): boolean { return this.timers.some((t) => t !== undefined); }

  /** Sets timer `which` (0 value: disarm); returns the old [value, interval] in ns. */
  set(which: number, value: bigint, interval: bigint): [bigint, bigint] {
    const old = this.get(which);
    this.timers[which] = value > 0n ? { deadline: now(which) + value, interval } : undefined;
    return old;
  }
  get(which: number): [bigint, bigint] {
    const t = this.timers[which];
    if (!t) return [0n, 0n];
    const left = t.deadline - now(which);
    return [left > 0n ? left : 1n, t.interval];
  }

  /** Raises the signals of expired timers; true if any fired. */
  poll(): boolean {
    let fired = false;
    for (let w = 0; w < 3; w++) {
      const t = this.timers[w];
      if (!t) continue;
      const n = now(w);
      if (n < t.deadline) continue;
      this.sig.raise({ signo: SIGNAL_OF[w], code: SI_KERNEL });
      fired = true;
      if (t.interval > 0n) { t.deadline += t.interval * ((n - t.deadline) / t.interval + 1n); }
      else this.timers[w] = undefined;
    }
    return fired;
  }

  /** Nanoseconds of wall time until the real-time timer fires, if it is armed. */
  untilReal(): bigint | undefined {
    const t = this.timers[ITIMER_REAL];
    return t ? t.deadline - now(ITIMER_REAL) : undefined;
  }

  /** Sleeps `ns` (undefined: until a signal), waking early when the real-time timer raises a
   *  signal that `deliverable` says would interrupt. Returns true if interrupted. */
  sleep(ns: bigint | undefined, deliverable: () => boolean): boolean {
    const end = ns === undefined ? undefined : process.hrtime.bigint() + ns;
    for (;;) {
      const left = end === undefined ? undefined : end - process.hrtime.bigint();
      if (left !== undefined && left <= 0n) return false;
      const t = this.untilReal();
      if (t === undefined && left === undefined) return false; // nothing can wake us
      const step = t === undefined ? left! : left === undefined || t < left ? t : left;
      sleepNs(step);
      if (this.poll() && deliverable()) return true;
    }
  }
}

/** Blocks for `ns` nanoseconds (millisecond sleeps, then a short spin for the rest). */
export function sleepNs(ns: bigint): void {
  if (ns <= 0n) return;
  const end = process.hrtime.bigint() + ns;
  const ms = Number(ns / 1_000_000n);
  if (ms > 0) sleepMs(ms);
  while (process.hrtime.bigint() < end) { /* spin for the rest */ }
}
