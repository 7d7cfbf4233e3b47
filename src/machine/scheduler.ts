// The machine's run loop. CPUs run round-robin in one thread, each for a slice of at most
// `quantum` instructions (in --icount mode also never past the next timer deadline, so timer
// interrupts arrive at exact instruction counts). Between slices: time advances (icount), the
// timer outputs are updated, and a CPU whose GIC IRQ/FIQ output is up takes the interrupt if
// PSTATE unmasks it. A CPU in WFI is skipped until its GIC output rises; when every CPU waits,
// the loop skips (icount) or sleeps (wall clock) to the next timer deadline, or waits for host
// input — it never spins.
//
// Exclusive monitors: only one CPU runs at a time, so a CPU's LDXR…STXR sequence can only be
// broken by another CPU's store if a switch happens in between: the monitor of a CPU leaving
// the processor is cleared (its STXR then fails and the guest retries, as architecture allows).
//
// WFE (Arm ARM D1.16): a CPU whose Event Register was clear waits (state 'wfi', inWfe) until an event —
// SEV by any CPU (Machine.sendEvent), the timer's event stream, or the clearing of its exclusive
// monitor by another CPU's store (LDAXR; WFE, as in Linux's smp_cond_load_acquire: the monitored
// bytes are compared when the waiting CPU's turn comes) — or an interrupt that would be taken.
// The rule lives in src/sys/wfe-wait.ts, shared with the hypervisor core's vCPUs; the scheduler
// only asks each CPU (SchedCpu) whether it wakes and when it would by itself.
import { Refetch } from '../cpu/state.js';
import { StopRun } from '../interp/interpreter.js';
import type { Machine, VCpu } from './machine.js';
import type { RunState } from '../sys/env.js';
import type { IcountClock } from '../../devices/timesource.js';
import type { GenericTimer } from '../../devices/timer.js';
import { MonitorWatch, resumeWaitingCpu, waitDeadline, waitingCpuWakes } from '../sys/wfe-wait.js';

/** What the scheduler asks of a CPU: a bare CPU (BareCpu below) or a VM's vCPU (the hypervisor
 *  core decides for those, hypervisor/host/vm-machine.ts). Both use src/sys/wfe-wait.ts. */
export interface SchedCpu {
  readonly index: number;
  readonly state: RunState;
  /** Instructions retired so far. */
  readonly icount: number;
  /** A waiting CPU ('wfi') wakes now (and is then running); false: it keeps waiting. */
  wakeUp(): boolean;
  /** Whether a waiting CPU would wake now (no side effect). */
  wakeable(): boolean;
  /** Counter value at which a waiting CPU wakes by itself (WFE event stream), or null. */
  idleDeadline(): bigint | null;
  /** Runs the CPU for up to `budget` instructions (taking a due interrupt first); returns how
   *  many retired, and the StopRun that ends the machine if any. */
  runSlice(budget: number): { ran: number; stop?: StopRun };
}

/** What the scheduler runs: Machine, or a VmMachine (`schedCpus` present). */
export interface Schedulable {
  readonly cpus: number;
  readonly icount: IcountClock | undefined;
  readonly timer: GenericTimer;
  stop: StopRun | undefined;
  wake: () => void;
  readonly schedCpus?: SchedCpu[];
}

/** A bare CPU of a Machine. */
class BareCpu implements SchedCpu {
  /** Monitored bytes of a CPU waiting in WFE after LDAXR. */
  private watch: MonitorWatch | undefined;
  constructor(private readonly m: Machine, private readonly v: VCpu) {}
  get index(): number { return this.v.index; }
  get state(): RunState { return this.v.env.state; }
  get icount(): number { return this.v.cpu.icount; }
  wakeable(): boolean { return waitingCpuWakes(this.v.env, this.m, this.watch); }
  wakeUp(): boolean {
    if (!this.wakeable()) return false;
    resumeWaitingCpu(this.v.env);
    this.watch = undefined;
    return true;
  }
  idleDeadline(): bigint | null { return waitDeadline(this.v.env, this.m.timer); }
  runSlice(budget: number): { ran: number; stop?: StopRun } {
    const v = this.v, cpu = v.cpu, env = v.env, start = cpu.icount;
    cpu.pc = env.takeInterrupt(cpu.pc);
    let stop: StopRun | undefined;
    for (;;) {
      const left = budget - (cpu.icount - start);
      if (left <= 0) break;
      try {
        v.engine.run(left);
      } catch (x) {
        if (x instanceof Refetch) { cpu.pc = x.pc; continue; } // an engine that lets it escape
        if (!(x instanceof StopRun)) throw x;
        if (x.reason === 'halt') {
          if (env.state !== 'off') cpu.pc = env.resumePc;
          break;
        }
        stop = x;
        break;
      }
    }
    if (env.state === 'wfi' && env.inWfe && env.wfeMonitor) this.watch = MonitorWatch.take(v.mem, cpu.exclAddr, cpu.exclSize);
    // Another CPU runs next: this one's LDXR…STXR sequence is broken (see above).
    if (this.m.cpus > 1) { cpu.exclAddr = -1; cpu.exclSize = 0; }
    return { ran: Math.max(cpu.icount - start, 1), stop };
  }
}

export interface RunOptions {
  /** Instructions per CPU slice (default 10,000). */
  quantum?: number;
  /** Stop after this many instructions in total (tests, the hostile-guest check). */
  maxInsns?: number;
  /** How often (ms of host time) to let the event loop run: serial input, Ctrl-A x. */
  yieldMs?: number;
}

export interface RunResult {
  /** 'exit': the guest powered off (or reset); 'limit': maxInsns reached; 'quit': stopped from
   *  the host; 'stuck': every CPU waits with nothing that could wake it; 'off': every CPU is off. */
  reason: 'exit' | 'limit' | 'quit' | 'stuck' | 'off';
  exitCode: number;
  message: string;
  insns: number;
}

// Several machines may share one event loop (src/machine/multi-vm.ts), each holding it for up
// to yieldMs. When a machine is woken while another holds the loop (a frame through the
// in-process switch, Machine.wake), the holder gives the loop up at its next slice boundary, so
// the woken one runs after at most one slice (~1 ms here) rather than up to a whole window.
// A machine waking itself, or a single machine, never sets the flag: no cost without peers.
let loopHolder: Scheduler | undefined;
let otherWoken = false;
/** Process-wide settings for the above: off (benchmarks compare in one process), or yield
 *  only once the holder has had the loop for `afterMs`. */
export const yieldToWoken = { enabled: true, afterMs: 0 };

export class Scheduler {
  private insns = 0;
  private quitRequested = false;
  private sleeper: (() => void) | undefined;
  /** The machine run (a VmMachine passes as one: tests reach its devices through here). */
  readonly m: Machine;
  private readonly list: SchedCpu[];

  constructor(m: Machine | Schedulable, readonly inputPossible = false) {
    this.m = m as Machine;
    const cpus = (m as Schedulable).schedCpus;
    this.list = cpus ?? (m as Machine).vcpus.map((v) => new BareCpu(m as Machine, v));
    m.wake = () => { if (loopHolder !== this && yieldToWoken.enabled) otherWoken = true; const s = this.sleeper; this.sleeper = undefined; s?.(); };
  }

  /** Ends the run at the next slice boundary (Ctrl-A x). */
  quit(): void { this.quitRequested = true; this.m.wake(); }

  async run(opts: RunOptions = {}): Promise<RunResult> {
    const quantum = opts.quantum ?? 10_000, yieldMs = opts.yieldMs ?? 20;
    const limit = opts.maxInsns ?? Infinity;
    let lastYield = Date.now();
    for (;;) {
      loopHolder = this;
      if (this.m.stop) return this.result('exit', this.m.stop.code, this.m.stop.message);
      if (this.quitRequested) return this.result('quit', 0, 'stopped from the host (Ctrl-A x)');
      if (this.insns >= limit) return this.result('limit', 0, `instruction limit (${limit}) reached`);
      const ran = this.round(quantum, limit);
      if (this.m.stop) continue;
      if (ran === 0) {
        const r = await this.idle();
        if (r) return r;
      }
      const held = Date.now() - lastYield;
      if ((otherWoken && held >= yieldToWoken.afterMs) || held >= yieldMs) {
        otherWoken = false;
        await new Promise<void>((res) => setImmediate(res));
        lastYield = Date.now();
      }
    }
  }

  private result(reason: RunResult['reason'], exitCode: number, message: string): RunResult {
    return { reason, exitCode, message, insns: this.insns };
  }

  /** One round over the CPUs; returns the instructions run. */
  private round(quantum: number, limit: number): number {
    const m = this.m;
    let total = 0;
    for (const c of this.list) {
      if (c.state === 'off') continue;
      if (c.state === 'wfi' && !c.wakeUp()) continue;
      let budget = Math.min(quantum, limit - this.insns);
      if (m.icount) {
        const d = m.timer.nextDeadline();
        if (d && d.unit === 'insns') budget = Math.max(1, Math.min(budget, d.wait));
      }
      const { ran: n, stop } = c.runSlice(budget);
      if (stop) m.stop = stop;
      total += n;
      this.insns += n;
      m.icount?.advance(n);
      m.timer.update();
      if (m.stop || this.insns >= limit) break;
    }
    return total;
  }

  /** Every CPU waits (or is off): skip or sleep to the next event. */
  private async idle(): Promise<RunResult | undefined> {
    const m = this.m;
    if (this.list.every((c) => c.state === 'off')) return this.result('off', 0, 'every CPU is powered off');
    // On the wall clock time moved on since the timer outputs were last updated (end of the last
    // slice): a deadline may have passed meanwhile. nextDeadline() only lists timers still to
    // fire, so without this update a timer that fired in between is neither a deadline nor an
    // interrupt, and the run ends as 'stuck' (seen: `boot --cmd 'sleep 2'`, about 1 run in 3).
    m.timer.update();
    if (this.list.some((c) => c.state === 'wfi' && c.wakeable())) return undefined;
    const d = m.timer.nextDeadline();
    let wait = d ? d.wait : Infinity;
    // The event stream of a CPU in WFE is a deadline too.
    for (const c of this.list) {
      const at = c.state === 'wfi' ? c.idleDeadline() : null;
      if (at !== null) wait = Math.min(wait, m.timer.clock.until(at));
    }
    if (wait !== Infinity) {
      if (m.icount) m.icount.advance(Math.max(1, wait));
      else await this.sleep(wait / 1e6);
      m.timer.update();
      return undefined;
    }
    if (!this.inputPossible) return this.result('stuck', 1, `every CPU waits for an interrupt or event (WFI/WFE) and no timer or input can raise one (timers: ${m.timer.describe()})`);
    await this.sleep(1000);
    return undefined;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      const t = setTimeout(() => { this.sleeper = undefined; res(); }, Math.max(0, Math.min(ms, 1000)));
      this.sleeper = () => { clearTimeout(t); res(); };
    });
  }
}
