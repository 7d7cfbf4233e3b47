// The Arm generic timer (Arm ARM D11/D12): the system counter and, per CPU, the EL1 physical
// (CNTP_*), virtual (CNTV_*), EL2 physical (CNTHP_*) and secure physical (CNTPS_*) timers.
// Software reaches it through system registers, so instead of MMIO it offers read/write by the
// register's 16-bit op0:op1:CRn:CRm:op2 number (the `enc` MRS/MSR pass to ExecEnv).
//
// Each timer's output is a level PPI: asserted while ENABLE = 1, IMASK = 0 and the condition
// (count >= CVAL, unsigned 64-bit) holds. Time passes without register accesses, so the run
// loop calls update() when nextDeadline() says an event is due (or whenever it likes).
//
// Not checked here: which exception level may access what (CNTKCTL_EL1, CNTHCTL_EL2 traps) —
// the CPU decides that before calling; el0Allowed() helps with the CNTKCTL part.
// The EL1 event stream (CNTKCTL_EL1.EVNTEN/EVNTDIR/EVNTI, Arm ARM D11.2.3 "Event streams"): an
// event whenever bit EVNTI of CNTVCT makes the chosen transition; eventStreamNext() says when.
import { type Device, type IrqLine, NO_IRQ } from './device.js';
import { PI4_CNTFRQ, type TimeSource } from './timesource.js';

// Registers are named by their MRS/MSR encoding, packed by the instruction table's sysregEnc.
import { sysregEnc } from '../src/isa/groups/system.js';
export { sysregEnc };

export const TIMER_REG = {
  CNTFRQ_EL0: sysregEnc(3, 3, 14, 0, 0),
  CNTPCT_EL0: sysregEnc(3, 3, 14, 0, 1),
  CNTVCT_EL0: sysregEnc(3, 3, 14, 0, 2),
  CNTKCTL_EL1: sysregEnc(3, 0, 14, 1, 0),
  CNTP_TVAL_EL0: sysregEnc(3, 3, 14, 2, 0),
  CNTP_CTL_EL0: sysregEnc(3, 3, 14, 2, 1),
  CNTP_CVAL_EL0: sysregEnc(3, 3, 14, 2, 2),
  CNTV_TVAL_EL0: sysregEnc(3, 3, 14, 3, 0),
  CNTV_CTL_EL0: sysregEnc(3, 3, 14, 3, 1),
  CNTV_CVAL_EL0: sysregEnc(3, 3, 14, 3, 2),
  CNTVOFF_EL2: sysregEnc(3, 4, 14, 0, 3),
  CNTHCTL_EL2: sysregEnc(3, 4, 14, 1, 0),
  CNTHP_TVAL_EL2: sysregEnc(3, 4, 14, 2, 0),
  CNTHP_CTL_EL2: sysregEnc(3, 4, 14, 2, 1),
  CNTHP_CVAL_EL2: sysregEnc(3, 4, 14, 2, 2),
  CNTPS_TVAL_EL1: sysregEnc(3, 7, 14, 2, 0),
  CNTPS_CTL_EL1: sysregEnc(3, 7, 14, 2, 1),
  CNTPS_CVAL_EL1: sysregEnc(3, 7, 14, 2, 2),
} as const;

/** The four timers of a CPU, in the order of the DT binding's interrupts. */
export type TimerKind = 'sec' | 'phys' | 'virt' | 'hyp';
export const TIMER_KINDS: readonly TimerKind[] = ['sec', 'phys', 'virt', 'hyp'];
/** PPI numbers (interrupt ID − 16) of the timer outputs on the Pi 4 (IDs 29, 30, 27, 26). */
export const TIMER_PPI: Readonly<Record<TimerKind, number>> = { sec: 13, phys: 14, virt: 11, hyp: 10 };

export const CTL_ENABLE = 1, CTL_IMASK = 2, CTL_ISTATUS = 4;
const U64 = (1n << 64n) - 1n;

// enc → [timer, field] for the per-timer registers.
const TIMER_FIELDS = new Map<number, [TimerKind, 'tval' | 'ctl' | 'cval']>([
  [TIMER_REG.CNTP_TVAL_EL0, ['phys', 'tval']], [TIMER_REG.CNTP_CTL_EL0, ['phys', 'ctl']], [TIMER_REG.CNTP_CVAL_EL0, ['phys', 'cval']],
  [TIMER_REG.CNTV_TVAL_EL0, ['virt', 'tval']], [TIMER_REG.CNTV_CTL_EL0, ['virt', 'ctl']], [TIMER_REG.CNTV_CVAL_EL0, ['virt', 'cval']],
  [TIMER_REG.CNTHP_TVAL_EL2, ['hyp', 'tval']], [TIMER_REG.CNTHP_CTL_EL2, ['hyp', 'ctl']], [TIMER_REG.CNTHP_CVAL_EL2, ['hyp', 'cval']],
  [TIMER_REG.CNTPS_TVAL_EL1, ['sec', 'tval']], [TIMER_REG.CNTPS_CTL_EL1, ['sec', 'ctl']], [TIMER_REG.CNTPS_CVAL_EL1, ['sec', 'cval']],
]);

interface OneTimer { ctl: number; cval: bigint; out: boolean; line: IrqLine }
interface CpuTimers { frq: bigint; kctl: number; hctl: number; voff: bigint; t: Record<TimerKind, OneTimer> }

export interface Deadline {
  /** Physical count at which the earliest pending timer event happens. */
  counter: bigint;
  cpu: number;
  timer: TimerKind;
  /** How long until then, in `unit` (0: due now). */
  wait: number;
  unit: 'insns' | 'ns';
}

export interface GenericTimerOptions {
  cpus: number;
  clock: TimeSource;
  /** The input wire for CPU `cpu`'s PPI `ppi` (typically `(c, p) => gic.ppi(c, p)`). */
  irq?: (cpu: number, ppi: number) => IrqLine;
  /** Reset value of CNTFRQ_EL0 (what firmware would program): the clock's frequency. */
  freq?: number;
}

export class GenericTimer implements Device {
  readonly name = 'generic-timer';
  readonly cpus: number;
  readonly clock: TimeSource;
  private readonly frq: bigint;
  private readonly st: CpuTimers[] = [];

  constructor(opts: GenericTimerOptions) {
    this.cpus = opts.cpus;
    this.clock = opts.clock;
    this.frq = BigInt(opts.freq ?? opts.clock.freq ?? PI4_CNTFRQ);
    for (let c = 0; c < this.cpus; c++) {
      const t = {} as Record<TimerKind, OneTimer>;
      for (const k of TIMER_KINDS) t[k] = { ctl: 0, cval: 0n, out: false, line: opts.irq ? opts.irq(c, TIMER_PPI[k]) : NO_IRQ };
      this.st.push({ frq: this.frq, kctl: 0, hctl: 0, voff: 0n, t });
    }
  }

  /** CNTPCT: the system counter. */
  counter(): bigint { return this.clock.now() & U64; }
  /** The count a timer compares against (CNTVCT = CNTPCT − CNTVOFF for the virtual timer). */
  private countFor(cpu: number, k: TimerKind, now = this.counter()): bigint {
    return k === 'virt' ? (now - this.st[cpu].voff) & U64 : now;
  }

  private istatus(cpu: number, k: TimerKind, now?: bigint): boolean {
    const t = this.st[cpu].t[k];
    return (t.ctl & CTL_ENABLE) !== 0 && this.countFor(cpu, k, now) >= t.cval;
  }

  /** Re-evaluates one timer's output and drives its PPI. */
  private refresh(cpu: number, k: TimerKind, now?: bigint): void {
    const t = this.st[cpu].t[k];
    const out = !(t.ctl & CTL_IMASK) && this.istatus(cpu, k, now);
    if (out !== t.out) { t.out = out; t.line.set(out); }
  }

  /** Re-evaluates every timer output against the current count. */
  update(): void {
    const now = this.counter();
    for (let c = 0; c < this.cpus; c++) for (const k of TIMER_KINDS) this.refresh(c, k, now);
  }

  /** Whether the register is one of the timer's. */
  handles(enc: number): boolean {
    return TIMER_FIELDS.has(enc) || enc === TIMER_REG.CNTFRQ_EL0 || enc === TIMER_REG.CNTPCT_EL0 ||
      enc === TIMER_REG.CNTVCT_EL0 || enc === TIMER_REG.CNTKCTL_EL1 || enc === TIMER_REG.CNTVOFF_EL2 ||
      enc === TIMER_REG.CNTHCTL_EL2;
  }

  /** MRS of a timer register by CPU `cpu`; undefined if `enc` is not a timer register. */
  read(cpu: number, enc: number): bigint | undefined {
    const s = this.st[cpu];
    const f = TIMER_FIELDS.get(enc);
    if (f) {
      const [k, field] = f, t = s.t[k];
      if (field === 'cval') return t.cval;
      if (field === 'ctl') return BigInt(t.ctl | (this.istatus(cpu, k) ? CTL_ISTATUS : 0));
      // TVAL: (CVAL − count)[31:0]; bits 63:32 are RES0, software reads the low word as signed.
      return (t.cval - this.countFor(cpu, k)) & 0xffffffffn;
    }
    switch (enc) {
      case TIMER_REG.CNTFRQ_EL0: return s.frq;
      case TIMER_REG.CNTPCT_EL0: return this.counter();
      case TIMER_REG.CNTVCT_EL0: return this.countFor(cpu, 'virt');
      case TIMER_REG.CNTKCTL_EL1: return BigInt(s.kctl);
      case TIMER_REG.CNTVOFF_EL2: return s.voff;
      case TIMER_REG.CNTHCTL_EL2: return BigInt(s.hctl);
    }
    return undefined;
  }

  /** MSR to a timer register by CPU `cpu`; false if `enc` is not a writable timer register. */
  write(cpu: number, enc: number, value: bigint): boolean {
    const s = this.st[cpu], v = value & U64;
    const f = TIMER_FIELDS.get(enc);
    if (f) {
      const [k, field] = f, t = s.t[k];
      if (field === 'cval') t.cval = v;
      else if (field === 'ctl') t.ctl = Number(v & 3n);
      else t.cval = (this.countFor(cpu, k) + BigInt.asIntN(32, v)) & U64; // TVAL: sign-extended offset from now
      this.refresh(cpu, k);
      return true;
    }
    switch (enc) {
      case TIMER_REG.CNTFRQ_EL0: s.frq = v & 0xffffffffn; return true;
      case TIMER_REG.CNTKCTL_EL1: s.kctl = Number(v & 0x3ffn); return true;
      case TIMER_REG.CNTHCTL_EL2: s.hctl = Number(v & 0xffn); return true;
      case TIMER_REG.CNTVOFF_EL2: s.voff = v; this.refresh(cpu, 'virt'); return true;
    }
    return false;
  }

  /** Whether EL0 may access `enc` under CPU `cpu`'s CNTKCTL_EL1 (Arm ARM D11.2.2). CNTFRQ is
   *  readable when either counter is; writes from EL0 are only to the EL0 timer registers. */
  el0Allowed(cpu: number, enc: number, isWrite: boolean): boolean {
    const k = this.st[cpu].kctl;
    const pcten = (k & 1) !== 0, vcten = (k & 2) !== 0, vten = (k & 0x100) !== 0, pten = (k & 0x200) !== 0;
    switch (enc) {
      case TIMER_REG.CNTFRQ_EL0: return !isWrite && (pcten || vcten);
      case TIMER_REG.CNTPCT_EL0: return !isWrite && pcten;
      case TIMER_REG.CNTVCT_EL0: return !isWrite && vcten;
      case TIMER_REG.CNTP_TVAL_EL0: case TIMER_REG.CNTP_CTL_EL0: case TIMER_REG.CNTP_CVAL_EL0: return pten;
      case TIMER_REG.CNTV_TVAL_EL0: case TIMER_REG.CNTV_CTL_EL0: case TIMER_REG.CNTV_CVAL_EL0: return vten;
    }
    return false;
  }

  /** The first physical count after `since` at which CPU `cpu`'s EL1 event stream generates an
   *  event, or null when CNTKCTL_EL1.EVNTEN = 0. The stream watches bit EVNTI (bits 7:4) of the
   *  virtual count: a 0→1 transition when EVNTDIR (bit 3) = 0, 1→0 when it is 1 — one event
   *  every 2^(EVNTI+1) ticks. */
  eventStreamNext(cpu: number, since: bigint): bigint | null {
    const s = this.st[cpu], k = s.kctl;
    if (!(k & 4)) return null;
    const bit = BigInt((k >>> 4) & 15), period = 2n << bit;
    const target = k & 8 ? 0n : 1n << bit; // the value of count mod period right after the transition
    const v = (since - s.voff) & U64;
    let next = v - (v % period) + target;
    if (next <= v) next += period;
    return next + s.voff;
  }

  /** The enabled timers' state, for a diagnostic line: `cpu0.virt ctl=1 fires-in=…|fired out=1`. */
  describe(): string {
    const now = this.counter(), parts: string[] = [];
    for (let c = 0; c < this.cpus; c++) {
      for (const k of TIMER_KINDS) {
        const t = this.st[c].t[k];
        if (!(t.ctl & CTL_ENABLE)) continue;
        const left = t.cval - this.countFor(c, k, now);
        parts.push(`cpu${c}.${k} ctl=${t.ctl} ${left > 0n ? `fires-in=${left}` : 'fired'} out=${t.out ? 1 : 0}`);
      }
    }
    return parts.length ? parts.join(', ') : 'no timer enabled';
  }

  /** Whether a timer's interrupt output is asserted (tests, debug). */
  output(cpu: number, k: TimerKind): boolean { return this.st[cpu].t[k].out; }

  /** The next moment an enabled, unmasked timer whose output is not yet asserted will fire, so a
   *  run loop whose CPUs all wait (WFI) knows how long it may sleep or skip; null if none.
   *  A timer whose condition came true after the last update() (on the wall clock, time moves
   *  between calls) is a deadline due now (wait 0), not an asserted output: skipping it would
   *  leave neither an interrupt nor a deadline, and an idle machine would look stuck. */
  nextDeadline(): Deadline | null {
    let best: Deadline | null = null;
    for (let c = 0; c < this.cpus; c++) {
      for (const k of TIMER_KINDS) {
        const t = this.st[c].t[k];
        if ((t.ctl & (CTL_ENABLE | CTL_IMASK)) !== CTL_ENABLE || t.out) continue;
        // The physical count at which the condition becomes true.
        const at = k === 'virt' ? t.cval + this.st[c].voff : t.cval;
        if (at > U64) continue; // wraps past 2^64: never, for practical purposes
        if (!best || at < best.counter) best = { counter: at, cpu: c, timer: k, wait: 0, unit: this.clock.unit };
      }
    }
    if (best) best.wait = this.clock.until(best.counter);
    return best;
  }

  reset(): void {
    for (const s of this.st) {
      s.frq = this.frq; s.kctl = 0; s.hctl = 0; s.voff = 0n;
      for (const k of TIMER_KINDS) { s.t[k].ctl = 0; s.t[k].cval = 0n; }
    }
    this.update();
  }

  save(): unknown {
    return {
      clock: this.clock.save(),
      cpus: this.st.map((s) => ({
        frq: s.frq.toString(), kctl: s.kctl, hctl: s.hctl, voff: s.voff.toString(),
        timers: TIMER_KINDS.map((k) => ({ ctl: s.t[k].ctl, cval: s.t[k].cval.toString() })),
      })),
    };
  }

  restore(state: unknown): void {
    const st = state as { clock: unknown; cpus: { frq: string; kctl: number; hctl: number; voff: string; timers: { ctl: number; cval: string }[] }[] };
    if (!st || !Array.isArray(st.cpus) || st.cpus.length !== this.cpus) throw new Error('generic timer: saved state is for a different CPU count');
    this.clock.restore(st.clock);
    st.cpus.forEach((c, i) => {
      const s = this.st[i];
      s.frq = BigInt(c.frq); s.kctl = c.kctl; s.hctl = c.hctl; s.voff = BigInt(c.voff);
      TIMER_KINDS.forEach((k, j) => { s.t[k].ctl = c.timers[j].ctl; s.t[k].cval = BigInt(c.timers[j].cval); });
    });
    this.update();
  }
}
