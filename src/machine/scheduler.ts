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
// bytes are compared after every other CPU's slice) — or an interrupt that would be taken.
import { Refetch } from '../cpu/state.js';
import { StopRun } from '../interp/interpreter.js';
import type { Machine, VCpu } from './machine.js';
import type { SysEnv } from '../sys/env.js';

/** A CPU waiting in WFE with its exclusive monitor armed: the monitored address and bytes. */
interface Watch { addr: number; size: number; bytes: string | null }

/** The bytes an exclusive monitor watches, as the waiting CPU reads them now (a fault: null). */
function monitoredBytes(v: VCpu, a: number, exclSize: number): string | null {
  const size = Math.max(4, Math.min(exclSize, 16));
  try {
    let out = '';
    const base = a - (a % 4);
    for (let off = 0; off < size; off += 4) {
      const addr = base + off;
      out += `${v.mem.r32(addr % 2 ** 32 | 0, Math.floor(addr / 2 ** 32) | 0) >>> 0},`;
    }
    return out;
  } catch {
    return null;
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
  /** For CPUs waiting in WFE after LDAXR: the monitored bytes when they started waiting. */
  private readonly watched = new Map<number, Watch>();

  constructor(readonly m: Machine, readonly inputPossible = false) {
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
    for (const v of m.vcpus) {
      const env = v.env;
      if (env.state === 'off') continue;
      if (env.state === 'wfi') {
        if (!this.wakes(env)) continue;
        env.state = 'running';
        if (env.inWfe) {
          env.inWfe = false;
          env.event = false; // the event that woke WFE is consumed by it
          env.wfeMonitor = false;
          this.watched.delete(v.index);
        }
      }
      v.cpu.pc = env.takeInterrupt(v.cpu.pc);
      env.wfeCount = 0;
      let budget = Math.min(quantum, limit - this.insns);
      if (m.icount) {
        const d = m.timer.nextDeadline();
        if (d && d.unit === 'insns') budget = Math.max(1, Math.min(budget, d.wait));
      }
      const n = this.slice(v, budget);
      if (env.inWfe && env.wfeMonitor) {
        const { exclAddr: addr, exclSize: size } = v.cpu;
        this.watched.set(v.index, { addr, size, bytes: monitoredBytes(v, addr, size) });
      }
      if (this.watched.size) this.checkMonitors(v);
      total += n;
      this.insns += n;
      m.icount?.advance(n);
      m.timer.update();
      if (m.cpus > 1) { v.cpu.exclAddr = -1; v.cpu.exclSize = 0; }
      if (m.stop || this.insns >= limit) break;
    }
    return total;
  }

  /** Whether a waiting CPU wakes now: WFI on its GIC IRQ/FIQ output (whatever PSTATE masks),
   *  WFE as wfeWakes says. */
  private wakes(env: SysEnv): boolean {
    if (env.inWfe) return this.wfeWakes(env);
    return this.m.irqLine(env.index) || this.m.fiqLine(env.index);
  }

  /** Whether a CPU waiting in WFE wakes now: its Event Register, an interrupt that would be
   *  taken, or an event-stream event since it began waiting. */
  private wfeWakes(env: SysEnv): boolean {
    if (env.event || env.interruptDue()) return true;
    const next = this.m.timer.eventStreamNext(env.index, env.wfeSince);
    return next !== null && next <= this.m.timer.counter();
  }

  /** After CPU `ran`'s slice: a CPU waiting in WFE whose monitored bytes changed had its
   *  exclusive monitor cleared by a store, which is a WFE wake-up event (global monitor rule). */
  private checkMonitors(ran: VCpu): void {
    for (const [i, watch] of this.watched) {
      if (i === ran.index) continue;
      const w = this.m.vcpus[i];
      if (w.env.state !== 'wfi' || !w.env.inWfe) { this.watched.delete(i); continue; }
      if (watch.bytes !== null && monitoredBytes(w, watch.addr, watch.size) === watch.bytes) continue;
      w.env.signalEvent();
      w.cpu.exclAddr = -1; w.cpu.exclSize = 0;
      this.watched.delete(i);
    }
  }

  /** Runs one CPU for up to `budget` instructions; returns how many retired. */
  private slice(v: VCpu, budget: number): number {
    const cpu = v.cpu, start = cpu.icount;
    for (;;) {
      const left = budget - (cpu.icount - start);
      if (left <= 0) break;
      try {
        v.engine.run(left);
      } catch (x) {
        if (x instanceof Refetch) { cpu.pc = x.pc; continue; } // an engine that lets it escape
        if (!(x instanceof StopRun)) throw x;
        if (x.reason === 'halt') {
          if (v.env.state !== 'off') cpu.pc = v.env.resumePc;
          break;
        }
        this.m.stop = x;
        break;
      }
    }
    return Math.max(cpu.icount - start, 1);
  }

  /** Every CPU waits (or is off): skip or sleep to the next event. */
  private async idle(): Promise<RunResult | undefined> {
    const m = this.m;
    if (m.vcpus.every((v) => v.env.state === 'off')) return this.result('off', 0, 'every CPU is powered off');
    // On the wall clock time moved on since the timer outputs were last updated (end of the last
    // slice): a deadline may have passed meanwhile. nextDeadline() only lists timers still to
    // fire, so without this update a timer that fired in between is neither a deadline nor an
    // interrupt, and the run ends as 'stuck' (seen: `boot --cmd 'sleep 2'`, about 1 run in 3).
    m.timer.update();
    if (m.vcpus.some((v) => v.env.state === 'wfi' && this.wakes(v.env))) return undefined;
    const d = m.timer.nextDeadline();
    let wait = d ? d.wait : Infinity;
    // The event stream of a CPU in WFE is a deadline too.
    for (const v of m.vcpus) {
      if (v.env.state !== 'wfi' || !v.env.inWfe) continue;
      const at = m.timer.eventStreamNext(v.index, v.env.wfeSince);
      if (at !== null) wait = Math.min(wait, m.timer.clock.until(at));
    }
    if (wait !== Infinity) {
      if (m.icount) m.icount.advance(Math.max(1, wait));
      else await this.sleep(wait / 1e6);
      m.timer.update();
      return undefined;
    }
    if (!this.inputPossible) return this.result('stuck', 1, 'every CPU waits for an interrupt or event (WFI/WFE) and no timer or input can raise one');
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
