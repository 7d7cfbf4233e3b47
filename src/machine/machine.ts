// The Pi 4-shaped machine in system mode: RAM, the devices of src/board/machine.ts, and 1..8
// Cortex-A72 CPUs, each with its own Cpu, SysEnv (exception model + MMU), Memory view over the
// one RAM buffer (its own soft TLB) and engine. The machine is the CPUs' SysHost (GIC lines,
// timer, TLB broadcast) and PSCI host (CPU_ON/OFF, SYSTEM_OFF). scheduler.ts runs it.
import { Cpu } from '../cpu/state.js';
import { Memory, type MmioPort, type Translator, GuestFault, vaToBig, Access } from '../mem/memory.js';
import { StopRun } from '../interp/interpreter.js';
import { createEngine, type Engine } from '../engine.js';
import { getDecoder } from '../isa/index.js';
import { attachDeviceMemory, createPi4Devices, type NicConfig, type Pi4Devices } from '../board/machine.js';
import { IcountClock, WallClock, PI4_CNTFRQ } from '../../devices/timesource.js';
import type { SerialBackend } from '../../devices/serial/backend.js';
import type { GenericTimer } from '../../devices/timer.js';
import { SysEnv, type SysHost } from '../sys/env.js';
import { psciCall, PSCI_RET, type PsciHost } from '../sys/psci.js';
import { FSC } from '../sys/esr.js';

/** Our Memory keeps RAM in one ArrayBuffer: at most 2 GiB, from physical address 0. */
export const MAX_RAM = 2 * 2 ** 30;

export interface MachineOptions {
  ramBytes: number;
  cpus?: number;
  engine?: 'interp' | 'jit';
  /** Deterministic time: the counter advances `nsPerInsn` ns per retired instruction. */
  icount?: boolean;
  nsPerInsn?: number;
  serial?: SerialBackend;
  jitThreshold?: number;
  /** --check-jit: every compiled unit checked against the interpreter. */
  checkJit?: boolean;
  /** Network cards (virtio-net in virtio slots 0, 1, …). */
  nics?: NicConfig[];
}

export interface VCpu {
  readonly index: number;
  readonly cpu: Cpu;
  readonly env: SysEnv;
  readonly mem: Memory;
  readonly engine: Engine;
}

const unmapped: Translator = { translate: () => 0 };

export class Machine implements SysHost, PsciHost {
  readonly cpus: number;
  readonly ramBytes: number;
  readonly dev: Pi4Devices;
  readonly vcpus: VCpu[] = [];
  readonly icount: IcountClock | undefined;
  /** Set when a CPU's environment ends the run (SYSTEM_OFF…). */
  stop: StopRun | undefined;
  /** Called when something the idle loop may be waiting for happens (host input). */
  wake: () => void = () => {};

  constructor(opts: MachineOptions) {
    this.cpus = opts.cpus ?? 1;
    this.ramBytes = opts.ramBytes;
    if (!(Number.isInteger(this.cpus) && this.cpus >= 1 && this.cpus <= 8)) throw new Error(`CPU count must be 1..8 (got ${this.cpus})`);
    if (!(this.ramBytes >= 1 << 20 && this.ramBytes <= MAX_RAM && this.ramBytes % 4096 === 0)) throw new Error('RAM size must be 1M..2G, a multiple of 4K');
    this.icount = opts.icount ? new IcountClock(PI4_CNTFRQ, opts.nsPerInsn ?? 1) : undefined;
    const serial = opts.serial && this.wakingSerial(opts.serial);
    this.dev = createPi4Devices({ cpus: this.cpus, ramBytes: this.ramBytes, clock: this.icount ?? new WallClock(PI4_CNTFRQ), serial, nics: opts.nics, wake: () => this.wake() });
    const decoder = getDecoder();
    let first: Memory | undefined;
    for (let i = 0; i < this.cpus; i++) {
      const mem: Memory = new Memory(this.ramBytes, unmapped, first);
      first ??= mem;
      const cpu = new Cpu(mem);
      const env = new SysEnv(cpu, mem, i, this);
      cpu.env = env;
      mem.mmio = this.port(i, env);
      const engine = createEngine(cpu, decoder, { engine: opts.engine ?? 'interp', jitThreshold: opts.jitThreshold, checkJit: opts.checkJit });
      this.vcpus.push({ index: i, cpu, env, mem, engine });
      if (i > 0) env.state = 'off';
    }
    // A store by any CPU to a page holding code drops that code in every CPU's engine.
    for (const v of this.vcpus) v.mem.onCodeWrite = (p) => { for (const w of this.vcpus) w.engine.invalidatePage(p); };
    attachDeviceMemory(this.dev, this.ram, this.vcpus[0].mem);
  }

  get ram(): Uint8Array { return this.vcpus[0].mem.u8; }
  get timer(): GenericTimer { return this.dev.timer; }

  /** Host input wakes an idle machine. */
  private wakingSerial(s: SerialBackend): SerialBackend {
    return {
      write: (d) => s.write(d),
      close: () => s.close(),
      setReceiver: (rx, onBreak) => s.setReceiver(rx && ((d) => { rx(d); this.wake(); }), onBreak && (() => { onBreak(); this.wake(); })),
    };
  }

  /** CPU `i`'s view of the device bus. Device (and misaligned) accesses are checked here. */
  private port(i: number, env: SysEnv): MmioPort {
    const bus = this.dev.bus;
    const align = (pa: number, size: number, access: Access) => {
      // Device memory: a misaligned access is an alignment fault, whatever SCTLR_EL1.A says.
      if (pa % size !== 0) throw new GuestFault('alignment', vaToBig(env.mmu.lastLo, env.mmu.lastHi), access, FSC.ALIGNMENT);
    };
    const p: MmioPort = {
      hi: 0,
      read(pa, size) {
        align(pa, size, Access.Read);
        const v = bus.read(pa, size, i);
        if (size === 8) p.hi = bus.hi;
        return v;
      },
      write(pa, size, lo, hi) {
        align(pa, size, Access.Write);
        return bus.write(pa, size, lo, i, hi);
      },
    };
    return p;
  }

  // ----- SysHost
  irqLine(i: number): boolean { return this.dev.gic.irqAsserted(i); }
  fiqLine(i: number): boolean { return this.dev.gic.fiqAsserted(i); }
  firmwareCall(env: SysEnv): void { psciCall(env, this); }
  flushAllTlbs(): void { for (const v of this.vcpus) v.mem.flushTlb(); }
  /** SEV (Arm ARM D1.16.1): every CPU's Event Register; CPUs waiting in WFE wake at their turn. */
  sendEvent(): void { for (const v of this.vcpus) v.env.signalEvent(); }

  // ----- PsciHost
  cpuOn(t: number, entry: bigint, context: bigint): number {
    const v = this.vcpus[t];
    if (v.env.state !== 'off') return PSCI_RET.ALREADY_ON;
    if (entry >= BigInt(this.ramBytes) || (entry & 3n) !== 0n) return PSCI_RET.INVALID_ADDRESS;
    this.powerOn(t, Number(entry), context);
    return PSCI_RET.SUCCESS;
  }
  /** Starts CPU `t` at `pc` in the boot state (EL1h, MMU off, interrupts masked), x0 = `x0`. */
  powerOn(t: number, pc: number, x0: bigint, x1 = 0n): void {
    const v = this.vcpus[t];
    v.cpu.R.fill(0);
    v.env.reset();
    v.cpu.setX(31, 0n);
    v.cpu.setX(0, x0);
    v.cpu.setX(1, x1);
    v.cpu.pc = pc;
    v.cpu.exclAddr = -1;
    v.env.state = 'running';
  }
  cpuOff(env: SysEnv): never {
    env.state = 'off';
    throw new StopRun('halt');
  }
  affinityInfo(t: number): number { return this.vcpus[t].env.state === 'off' ? 1 : 0; }
  suspend(env: SysEnv): void {
    if (this.irqLine(env.index) || this.fiqLine(env.index)) return;
    env.state = 'wfi'; env.inWfe = false;
    throw new StopRun('halt');
  }
  systemOff(status: number): never { throw new StopRun('exit', status, 'guest powered off'); }
  systemReset(): never { throw new StopRun('exit', 0, 'guest requested a system reset'); }
}
