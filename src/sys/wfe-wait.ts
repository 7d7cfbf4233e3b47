// When a waiting CPU wakes: the one rule bare CPUs (src/machine/scheduler.ts) and a VM's vCPUs
// (hypervisor/core/core.ts) share, so the two cannot drift apart.
//
// WFI (Arm ARM D1.16.2): the CPU's IRQ/FIQ input is up, whatever PSTATE masks.
// WFE (D1.16.1): the Event Register (SEV by any CPU, SEVL), an interrupt that would be taken,
// an event-stream event since the wait began, or the CPU's exclusive monitor cleared by another
// CPU's store. Only one CPU runs at a time, so that last one is seen as the monitored bytes
// changing between the CPU's own slices (LDAXR; WFE, as Linux's smp_cond_load_acquire).
import type { Memory } from '../mem/memory.js';
import type { SysEnv } from './env.js';
import type { GenericTimer } from '../../devices/timer.js';

/** The bytes a CPU's exclusive monitor covers, as they were when it began waiting in WFE. */
export class MonitorWatch {
  private constructor(readonly addr: number, readonly size: number, readonly bytes: string | null) {}

  /** Snapshot of the monitored bytes of a CPU that just began waiting with its monitor armed. */
  static take(mem: Memory, addr: number, exclSize: number): MonitorWatch {
    const size = Math.max(4, Math.min(exclSize, 16));
    return new MonitorWatch(addr, size, MonitorWatch.read(mem, addr, size));
  }

  /** Whether a store changed the bytes since (an unreadable address counts as changed). */
  changed(mem: Memory): boolean {
    return this.bytes === null || MonitorWatch.read(mem, this.addr, this.size) !== this.bytes;
  }

  private static read(mem: Memory, a: number, size: number): string | null {
    try {
      let out = '';
      const base = a - (a % 4);
      for (let off = 0; off < size; off += 4) {
        const addr = base + off;
        out += `${mem.r32(addr % 2 ** 32 | 0, Math.floor(addr / 2 ** 32) | 0) >>> 0},`;
      }
      return out;
    } catch {
      return null;
    }
  }
}

/** The lines a waiting CPU listens to. */
export interface WaitLines {
  irqLine(i: number): boolean;
  fiqLine(i: number): boolean;
  readonly timer: GenericTimer;
}

/** Whether CPU `env` (state 'wfi') wakes now. A wake through a changed monitor also clears the
 *  monitor (the store cleared it). */
export function waitingCpuWakes(env: SysEnv, lines: WaitLines, watch: MonitorWatch | undefined): boolean {
  if (!env.inWfe) return lines.irqLine(env.index) || lines.fiqLine(env.index);
  if (env.event || env.interruptDue()) return true;
  const next = lines.timer.eventStreamNext(env.index, env.wfeSince);
  if (next !== null && next <= lines.timer.counter()) return true;
  if (watch && env.wfeMonitor && watch.changed(env.mem)) { env.cpu.exclAddr = -1; env.cpu.exclSize = 0; return true; }
  return false;
}

/** A waiting CPU resumes: the event that woke a WFE is consumed by it. */
export function resumeWaitingCpu(env: SysEnv): void {
  env.state = 'running';
  if (env.inWfe) { env.inWfe = false; env.event = false; env.wfeMonitor = false; }
}

/** The counter value at which a CPU waiting in WFE wakes by itself (its event stream), or null. */
export function waitDeadline(env: SysEnv, timer: GenericTimer): bigint | null {
  if (env.state !== 'wfi' || !env.inWfe) return null;
  return timer.eventStreamNext(env.index, env.wfeSince);
}
