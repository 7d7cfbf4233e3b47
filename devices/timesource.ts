// The system counter's time base: how the generic timer's count (CNTPCT) advances.
//  - WallClock: host monotonic time scaled to the counter frequency (what a guest expects from
//    real hardware; runs are not repeatable).
//  - IcountClock (`--icount`): the count is a pure function of the number of guest instructions
//    retired, so two runs of the same guest see the same times (deterministic benchmarks and
//    tests). One instruction takes `nsPerInsn` nanoseconds of guest time, as QEMU's
//    `-icount shift=N` (2^N ns per instruction).
// Counts are bigint (the counter is 64-bit); instruction counts and nanosecond waits are Numbers.

/** The Pi 4's counter frequency (the 54 MHz crystal). */
export const PI4_CNTFRQ = 54_000_000;

export interface TimeSource {
  /** 'insns': waits are in guest instructions; 'ns': in host nanoseconds. */
  readonly unit: 'insns' | 'ns';
  readonly freq: number;
  /** The current count of the system counter. */
  now(): bigint;
  /** How long, in `unit`, until now() >= target (0 if already reached). */
  until(target: bigint): number;
  save(): unknown;
  restore(state: unknown): void;
}

const NS = 1_000_000_000n;

/** Host monotonic time scaled to `freq`. `clockNs` is injectable for tests. */
export class WallClock implements TimeSource {
  readonly unit = 'ns' as const;
  private readonly f: bigint;
  /** Host time (ns) at which the count was `base`. */
  private start: bigint;
  private base = 0n;
  constructor(readonly freq = PI4_CNTFRQ, private readonly clockNs: () => bigint = () => process.hrtime.bigint()) {
    this.f = BigInt(freq);
    this.start = clockNs();
  }
  now(): bigint { return this.base + ((this.clockNs() - this.start) * this.f) / NS; }
  until(target: bigint): number {
    const d = target - this.now();
    if (d <= 0n) return 0;
    return Number((d * NS + this.f - 1n) / this.f); // round up: never wake early
  }
  save(): unknown { return { count: this.now().toString() }; }
  restore(state: unknown): void {
    this.base = BigInt((state as { count: string }).count);
    this.start = this.clockNs();
  }
}

/** Count derived from retired guest instructions: floor(insns × nsPerInsn × freq / 1e9). The run
 *  loop reports retired instructions (from every CPU) with advance(). */
export class IcountClock implements TimeSource {
  readonly unit = 'insns' as const;
  /** Guest instructions retired so far (all CPUs). */
  insns = 0;
  private readonly num: bigint; // counter ticks per instruction = num / den
  private readonly den = NS;
  constructor(readonly freq = PI4_CNTFRQ, readonly nsPerInsn = 1) {
    if (!(Number.isInteger(nsPerInsn) && nsPerInsn > 0)) throw new Error('icount: nanoseconds per instruction must be a positive integer');
    this.num = BigInt(nsPerInsn) * BigInt(freq);
  }
  advance(n: number): void { this.insns += n; }
  now(): bigint { return (BigInt(this.insns) * this.num) / this.den; }
  until(target: bigint): number {
    if (this.now() >= target) return 0;
    // Smallest i with floor(i × num / den) >= target is ceil(target × den / num).
    const i = (target * this.den + this.num - 1n) / this.num;
    return Number(i - BigInt(this.insns));
  }
  save(): unknown { return { insns: this.insns }; }
  restore(state: unknown): void { this.insns = (state as { insns: number }).insns; }
}
