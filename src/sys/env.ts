// The system-mode ExecEnv of one CPU: exception levels EL0/EL1, PSTATE, the two stack pointers,
// exception entry through VBAR_EL1 with ESR/FAR/ELR/SPSR, ERET, WFI/WFE, the SYS operations
// (TLBI, AT, IC, DC) and system register access (sysregs.ts). Interrupts and a pending SError
// (injectSError) are taken by the machine's run loop between slices (takeInterrupt) and, for an
// unmasking instruction (DAIFClr, MSR DAIF, ERET), right after it.
//
// How exceptions leave helpers: an exit helper (SVC, BRK, ERET, MSR, SYS…) returns the vector's
// pc; a trap found inside an MRS/MSR/SYS sets `pendingSyndrome` and throws UndefinedInstruction,
// which both engines hand to undefinedInsn() after writing their registers back.
import { Refetch, UndefinedInstruction, bigFromPc, pcFromBig, type Cpu, type ExecEnv } from '../cpu/state.js';
import { Access, GuestFault, type Memory } from '../mem/memory.js';
import { StopRun } from '../interp/interpreter.js';
import { SYSOP } from '../isa/groups/system.js';
import { EC, FSC, dataAbortIss, insnAbortIss, syndrome, sysregIss, wfxIss } from './esr.js';
import { DAIF_A, DAIF_F, DAIF_I, DAIF_MASK, packSpsr, spsrMode, SPSR_IL, SPSR_SS } from './pstate.js';
import { Mmu, Stage2Fault } from './mmu.js';
import { SCTLR_RESET } from './idregs.js';
import { After, readSysreg, writeSysreg } from './sysregs.js';
import type { GenericTimer } from '../../devices/timer.js';
import { enableFpTraps } from './fpaccess.js';

/** Vector offsets by kind (added to the 0x000/0x200/0x400 group). */
export const VEC = { SYNC: 0x000, IRQ: 0x080, FIQ: 0x100, SERROR: 0x180 } as const;

/** What a CPU's environment needs from the machine around it. */
export interface SysHost {
  readonly cpus: number;
  readonly timer: GenericTimer;
  /** The GIC's IRQ / FIQ output for CPU `i`. */
  irqLine(i: number): boolean;
  fiqLine(i: number): boolean;
  /** HVC #imm at EL1: the firmware (PSCI). Reads and writes x0..x3; may throw StopRun. */
  firmwareCall(env: SysEnv, imm: number): void;
  /** TLBI …IS: every CPU's TLB. */
  flushAllTlbs(): void;
  /** SEV: set every CPU's Event Register (waking CPUs in WFE). Absent: only its own. */
  sendEvent?(): void;
}

/** 'wfi' with SysEnv.inWfe set: waiting in WFE for an event (SEV, a cleared exclusive monitor,
 *  the timer's event stream) or an interrupt that would be taken (scheduler.ts wakes it). */
export type RunState = 'running' | 'wfi' | 'off';

/** Where a CPU running as a VM exits to EL2 (the hypervisor core): stage-2 aborts. */
export interface El2Hooks {
  /** A stage-2 fault of the access at `pc`; returns the pc to continue at. */
  stage2Abort(env: SysEnv, f: Stage2Fault, pc: number): number;
}

const SCTLR_NTWI = 1n << 16n, SCTLR_NTWE = 1n << 18n, SCTLR_UMA = 1n << 9n, SCTLR_UCI = 1n << 26n;
const SCTLR_SA = 1n << 3n, SCTLR_SA0 = 1n << 4n, SCTLR_DZE = 1n << 14n;

export class SysEnv implements ExecEnv {
  // PSTATE (NZCV lives in cpu.R)
  el = 1;
  spsel = 1;
  daif = DAIF_MASK;
  ss = 0;
  il = 0;
  /** The stack pointer that is not in the register file's SP slot. */
  private spOther = 0n;

  // System registers kept here (the rest: timer device, ID tables).
  sctlr = SCTLR_RESET;
  tcr = 0n; ttbr0 = 0n; ttbr1 = 0n; mair = 0n; amair = 0n;
  cpacr = 0; contextidr = 0; vbar = 0n; par = 0n; tpidr1 = 0n;
  elr = 0n; spsr = 0; esr = 0; far = 0n; actlr = 0n; afsr0 = 0; afsr1 = 0;
  csselr = 0; mdscr = 0; oslk = 1; osdlr = 0; pmcr = 0; pmuserenr = 0; mdccint = 0;

  /** Syndrome for the next undefinedInsn() (a trap found inside a helper). */
  pendingSyndrome: number | undefined;
  /** A pending SError (asynchronous abort; ISR_EL1.A) and the ISS of its syndrome: raised by
   *  injectSError, taken when PSTATE.A allows, cleared when taken (the way HCR_EL2.VSE behaves). */
  serrorPending = false;
  serrorIss = 0;
  /** CPACR_EL1.FPEN forbids FP/SIMD at the current EL (see fpaccess.ts). */
  fpTrap = true;
  state: RunState = 'running';
  /** The Event Register (Arm ARM D1.16.1): set by SEV (any CPU), SEVL, a cleared exclusive
   *  monitor of a CPU waiting in WFE and the timer's event stream; WFE consumes it. */
  event = false;
  /** The 'wfi' state is a wait in WFE (woken by events and takeable interrupts, not by any
   *  interrupt line). */
  inWfe = false;
  /** In WFE with the exclusive monitor armed (LDAXR; WFE): any other CPU's run may have cleared
   *  it by a store — the global monitor rule — which is an event (scheduler.ts). */
  wfeMonitor = false;
  /** Physical count when the CPU entered WFE (the event stream counts from there). */
  wfeSince = 0n;
  /** SP alignment checking is on at the current EL (SCTLR_EL1.SA / SA0, Arm ARM D1.8.2). */
  spAlignCheck = false;
  /** Where a CPU that stopped its slice (WFI, WFE) continues. */
  resumePc = 0;
  readonly mmu: Mmu;
  /** Set for a VM's vCPU: the hypervisor core (EL2). */
  el2: El2Hooks | undefined;

  constructor(readonly cpu: Cpu, readonly mem: Memory, readonly index: number, readonly host: SysHost) {
    enableFpTraps();
    this.mmu = new Mmu(mem.dv, () => this.el);
    mem.translator = this.mmu;
    mem.useTlb(this.el === 0 ? 0 : 1);
    this.reset();
  }

  /** Power-on state: EL1h, interrupts masked, MMU off (the state PSCI CPU_ON and the boot
   *  protocol ask for). Registers keep their values unless the caller clears them. */
  reset(): void {
    this.setMode(1, 1);
    this.daif = DAIF_MASK; this.ss = 0; this.il = 0;
    this.sctlr = SCTLR_RESET; this.tcr = 0n; this.ttbr0 = 0n; this.ttbr1 = 0n; this.mair = 0n;
    this.cpacr = 0; this.vbar = 0n; this.oslk = 1;
    this.updateFp();
    this.translationChanged();
    this.state = 'running';
    this.event = false; this.wfeMonitor = false; this.inWfe = false;
    this.serrorPending = false;
  }

  // ----- PSTATE

  private spIsEl1(): boolean { return this.el === 1 && this.spsel === 1; }
  /** Changes EL and SPSel, swapping the stack pointer in the register file. */
  setMode(el: number, spsel: number): void {
    const was1 = this.spIsEl1(), oldEl = this.el;
    this.el = el; this.spsel = spsel;
    if (this.spIsEl1() !== was1) {
      const cur = this.cpu.getX(31);
      this.cpu.setX(31, this.spOther);
      this.spOther = cur;
    }
    // The soft TLB has one set per EL (entries carry the permissions of the level that filled
    // them), so changing level switches sets instead of flushing.
    if (oldEl !== el) { this.mem.useTlb(el === 0 ? 0 : 1); this.updateFp(); }
  }
  get spEl0(): bigint { return this.spIsEl1() ? this.spOther : this.cpu.getX(31); }
  set spEl0(v: bigint) { if (this.spIsEl1()) this.spOther = v; else this.cpu.setX(31, v); }
  get spEl1(): bigint { return this.spIsEl1() ? this.cpu.getX(31) : this.spOther; }
  set spEl1(v: bigint) { if (this.spIsEl1()) this.cpu.setX(31, v); else this.spOther = v; }

  spsrNow(): number { return packSpsr(this, this.cpu.nzcv); }

  updateFp(): void {
    const fpen = (this.cpacr >>> 20) & 3;
    this.fpTrap = this.el === 0 ? fpen !== 3 : (fpen & 1) === 0;
    this.spAlignCheck = (this.sctlr & (this.el === 0 ? SCTLR_SA0 : SCTLR_SA)) !== 0n;
  }

  /** Called after SCTLR/TCR/TTBR/MAIR change. */
  translationChanged(): void {
    this.updateFp(); // SCTLR.SA/SA0
    this.mmu.configure(this);
    this.mem.flushTlb();
    this.mmu.highNonGlobal = false;
  }

  /** TTBR0_EL1 or TTBR1_EL1 was written (`was`: TTBR1's old value). A real TLB tags non-global
   *  entries with their ASID and keeps global ones across an ASID switch; ours has no ASID tags,
   *  so it drops the lower half's entries (TTBR0's region: non-global, as Linux maps user space)
   *  and keeps the upper half's while they are all global and TTBR1's table base is unchanged —
   *  Linux changes ASID through TTBR1 at every context switch, which emptied the whole TLB. */
  tableBaseChanged(which: 0 | 1, was = 0n): void {
    const baseMask = 0xfffffffffffen;   // BADDR; bits 63:48 are the ASID
    const upperMoved = which === 1 && ((was ^ this.ttbr1) & baseMask) !== 0n;
    if (upperMoved || this.mmu.highNonGlobal) { this.translationChanged(); return; }
    this.mmu.configure(this);
    this.mem.flushTlbLowerHalf();
  }

  // ----- exception entry

  /** Takes an exception to EL1; returns the vector address. `esr`/`far` undefined: unchanged. */
  takeException(kind: number, returnPc: number, esr?: number, far?: bigint): number {
    this.spsr = this.spsrNow();
    this.elr = bigFromPc(returnPc);
    if (esr !== undefined) this.esr = esr;
    if (far !== undefined) this.far = far;
    const group = this.el === 0 ? 0x400 : this.spsel ? 0x200 : 0;
    this.setMode(1, 1);
    this.daif = DAIF_MASK; this.ss = 0; this.il = 0;
    this.cpu.exclAddr = -1; this.cpu.exclSize = 0;
    return pcFromBig(this.vbar) + group + kind;
  }
  private sync(ec: number, iss: number, returnPc: number, far?: bigint): number {
    return this.takeException(VEC.SYNC, returnPc, syndrome(ec, iss), far);
  }

  /** IRQ or FIQ pending and unmasked for this CPU. */
  interruptDue(): 'irq' | 'fiq' | 'serror' | null {
    if (!(this.daif & DAIF_F) && this.host.fiqLine(this.index)) return 'fiq';
    if (!(this.daif & DAIF_I) && this.host.irqLine(this.index)) return 'irq';
    if (this.serrorPending && !(this.daif & DAIF_A)) return 'serror';
    return null;
  }
  /** Takes a due interrupt with `pc` as the return address; returns the new pc (or `pc`). */
  takeInterrupt(pc: number): number {
    const k = this.interruptDue();
    if (!k) return pc;
    if (k === 'serror') {
      // Arm ARM D1.14 (asynchronous exceptions): the SError vector, ESR_EL1.EC 0x2F, FAR_EL1 unchanged.
      this.serrorPending = false;
      return this.takeException(VEC.SERROR, pc, syndrome(EC.SERROR, this.serrorIss));
    }
    return this.takeException(k === 'irq' ? VEC.IRQ : VEC.FIQ, pc);
  }
  /** Makes an SError pending (ISR_EL1.A): the hypervisor core's virtual SError, or the machine's
   *  report of an error it detected asynchronously. `iss`: ESR_EL1.ISS when it is taken (0: IDS = 0,
   *  uncategorized, what an ARMv8.0 CPU without RAS and QEMU's virtual SError report). Taken at the
   *  next instruction boundary the engines check (a slice start, an unmasking instruction, ERET). */
  injectSError(iss = 0): void {
    this.serrorPending = true;
    this.serrorIss = iss & 0x1ffffff;
    if (this.state === 'wfi' && !this.inWfe) this.state = 'running';   // WFI wakes on any pending asynchronous exception
  }
  /** After an instruction unmasked interrupts: take one now (the engines continue at the vector). */
  private afterUnmask(nextPc: number): void {
    if (this.interruptDue()) throw new Refetch(this.takeInterrupt(nextPc));
  }

  // ----- ExecEnv: exception-generating instructions

  svc(pc: number, imm: number): number { return this.sync(EC.SVC64, imm, pc + 4); }
  hvc(pc: number, imm: number): number {
    if (this.el === 0) return this.undefinedInsn(pc);
    this.resumePc = pc + 4; // where a call that waits (CPU_SUSPEND) continues
    this.host.firmwareCall(this, imm);
    return pc + 4;
  }
  /** No EL3: SMC is UNDEFINED. */
  smc(pc: number): number { return this.undefinedInsn(pc); }
  brk(pc: number, imm: number): number { return this.sync(EC.BRK64, imm, pc); }
  /** Halting debug is disabled: HLT is UNDEFINED. */
  hlt(pc: number): number { return this.undefinedInsn(pc); }
  undefinedInsn(pc: number): number {
    const esr = this.pendingSyndrome ?? syndrome(EC.UNKNOWN);
    this.pendingSyndrome = undefined;
    return this.takeException(VEC.SYNC, pc, esr);
  }

  fault(f: GuestFault, pc: number): number {
    if (f instanceof Stage2Fault && this.el2) return this.el2.stage2Abort(this, f, pc);
    const lower = this.el === 0;
    if (f.access === Access.Exec) {
      if (f.kind === 'alignment') return this.sync(EC.PC_ALIGN, 0, pc, bigFromPc(pc));
      return this.sync(lower ? EC.IABT_LOWER : EC.IABT_SAME, insnAbortIss(faultStatus(f), f.kind === 'external'), pc, bigFromPc(pc));
    }
    const iss = dataAbortIss(faultStatus(f), f.access === Access.Write, f.kind === 'external');
    return this.sync(lower ? EC.DABT_LOWER : EC.DABT_SAME, iss, pc, f.addr);
  }

  eret(pc: number): number {
    if (this.el === 0) return this.undefinedInsn(pc);
    const spsr = this.spsr, target = pcFromBig(this.elr);
    const mode = spsrMode(spsr);
    this.cpu.nzcv = spsr & 0xf0000000;
    this.daif = spsr & DAIF_MASK;
    this.cpu.exclAddr = -1; this.cpu.exclSize = 0;
    if (!mode) {
      // Illegal exception return (Arm ARM D1.11.2): PSTATE.IL set, EL and SP unchanged; the
      // instruction at the target then takes the Illegal Execution state exception — taken here
      // at once, with the same result.
      this.il = 1;
      return this.sync(EC.ILLEGAL_STATE, 0, target);
    }
    const elChanged = mode.el !== this.el;
    this.ss = spsr & SPSR_SS ? 1 : 0;
    this.il = spsr & SPSR_IL ? 1 : 0;
    this.setMode(mode.el, mode.spsel);
    if (this.il) return this.sync(EC.ILLEGAL_STATE, 0, target);
    if (this.interruptDue()) return this.takeInterrupt(target);
    // A new EL may see the code page differently (EL0 permissions): translate it again.
    if (elChanged) throw new Refetch(target);
    return target;
  }

  // ----- system registers

  readSysreg(enc: number, pc: number): bigint { return readSysreg(this, enc, pc); }
  writeSysreg(enc: number, v: bigint, pc: number): void {
    const after = writeSysreg(this, enc, v, pc);
    if (after === After.Unmasked) this.afterUnmask(pc + 4);
    else if (after === After.Refetch) throw new Refetch(pc + 4);
  }

  /** Traps the current MRS/MSR/SYS with EC 0x18 (the caller then throws UndefinedInstruction). */
  trapSysreg(enc: number, pc: number, read: boolean): UndefinedInstruction {
    this.pendingSyndrome = syndrome(EC.SYSREG, sysregIss(enc, this.rtAt(pc), read));
    return new UndefinedInstruction();
  }
  /** Rt of the instruction at `pc` (it was just fetched, so the fetch cannot fault). */
  private rtAt(pc: number): number {
    try { return this.mem.read32(pc) & 31; } catch { return 31; }
  }

  // ----- SYS operations, hints, PSTATE writes

  sysOp(op: number, v: bigint, pc: number): void {
    const el0 = this.el === 0;
    switch (op) {
      case SYSOP.ISB: return;
      case SYSOP.WFI:
        if (el0 && !(this.sctlr & SCTLR_NTWI)) throw this.wfxTrap(false);
        if (this.host.irqLine(this.index) || this.host.fiqLine(this.index) || this.serrorPending) return;
        this.state = 'wfi'; this.inWfe = false;
        this.resumePc = pc + 4;
        throw new StopRun('halt');
      case SYSOP.WFE:
        // Arm ARM C6.2 WFE pseudocode: a set Event Register is cleared and WFE completes (no
        // trap); otherwise the EL0 trap (SCTLR_EL1.nTWE = 0 → EC 0x01) comes before the wait.
        if (this.event) { this.event = false; return; }
        if (el0 && !(this.sctlr & SCTLR_NTWE)) throw this.wfxTrap(true);
        return this.waitForEvent(pc);
      case SYSOP.SEV: this.host.sendEvent?.(); this.event = true; return;
      case SYSOP.SEVL: this.event = true; return;
      case SYSOP.DC_ZVA: // only the EL0 check comes here (H.dczva zeroes)
        if (el0 && !(this.sctlr & SCTLR_DZE)) throw this.trapSysreg(op, pc, false);
        return;
      case SYSOP.MSR_SPSEL:
        if (el0) throw new UndefinedInstruction();
        this.setMode(this.el, Number(v & 1n));
        return;
      case SYSOP.MSR_DAIFSET: case SYSOP.MSR_DAIFCLR: {
        if (el0 && !(this.sctlr & SCTLR_UMA)) throw this.trapSysreg(op | (Number(v & 15n) << 3), pc, false);
        const bits = (Number(v) & 15) << 6;
        if (op === SYSOP.MSR_DAIFSET) this.daif |= bits;
        else { this.daif &= ~bits; this.afterUnmask(pc + 4); }
        return;
      }
    }
    const f = { op0: op >>> 14, op1: (op >>> 11) & 7, crn: (op >>> 7) & 15, crm: (op >>> 3) & 15, op2: op & 7 };
    if (f.op0 !== 1) throw new UndefinedInstruction();
    // EL0 may do DC CVAC/CVAU/CIVAC and IC IVAU when SCTLR_EL1.UCI = 1 (else they trap).
    const el0Cache = op === SYSOP.DC_CVAC || op === SYSOP.DC_CVAU || op === SYSOP.DC_CIVAC || op === SYSOP.IC_IVAU;
    if (el0Cache) {
      if (el0 && !(this.sctlr & SCTLR_UCI)) throw this.trapSysreg(op, pc, false);
      return; // caches are not modelled; stores to code already drop stale code
    }
    if (el0 || f.op1 !== 0) throw new UndefinedInstruction();
    if (f.crn === 7) {
      if (op === SYSOP.IC_IALLU || op === SYSOP.IC_IALLUIS || op === SYSOP.DC_IVAC || op === SYSOP.DC_ISW ||
        op === SYSOP.DC_CSW || op === SYSOP.DC_CISW) return;
      if (f.crm === 8 && f.op2 <= 3) { this.at(v, f.op2); return; }
      throw new UndefinedInstruction();
    }
    if (f.crn === 8 && (f.crm === 3 || f.crm === 7) && TLBI_OPS.has(f.op2 | (f.crm << 3))) {
      // Correct first: every TLBI drops the whole soft TLB (the IS forms on every CPU).
      if (f.crm === 3) this.host.flushAllTlbs(); else this.mem.flushTlb();
      throw new Refetch(pc + 4);
    }
    throw new UndefinedInstruction();
  }

  /** WFE with the Event Register clear (Arm ARM D1.16.2): wait unless an interrupt would be
   *  taken now; the scheduler wakes the CPU (state 'wfe') on an event or such an interrupt. */
  private waitForEvent(pc: number): void {
    if (this.interruptDue()) throw new Refetch(this.takeInterrupt(pc + 4));
    this.resumePc = pc + 4;
    // Bare CPUs and a VM's vCPUs alike (the hypervisor core waits as the scheduler does:
    // src/sys/wfe-wait.ts).
    this.wfeMonitor = this.cpu.exclAddr !== -1;
    this.wfeSince = this.host.timer.counter();
    this.state = 'wfi'; this.inWfe = true;
    throw new StopRun('halt');
  }

  /** An event for this CPU (SEV by another CPU, a cleared monitor, the event stream). */
  signalEvent(): void { this.event = true; }

  private wfxTrap(wfe: boolean): UndefinedInstruction {
    this.pendingSyndrome = syndrome(EC.WFX, wfxIss(wfe));
    return new UndefinedInstruction();
  }

  /** AT S1E1R (0), S1E1W (1), S1E0R (2), S1E0W (3): the walk's result into PAR_EL1. */
  private at(va: bigint, op2: number): void {
    const lo = Number(va & 0xffffffffn) | 0, hi = Number((va >> 32n) & 0xffffffffn) | 0;
    const w = this.mmu.walk(lo, hi, op2 & 1 ? Access.Write : Access.Read, op2 >= 2 ? 0 : 1);
    if (w.fault) this.par = BigInt(1 | (w.fsc << 1));
    else this.par = (BigInt(w.attr) << 56n) | (BigInt(w.pa) & 0xfffffffff000n) | BigInt(w.sh << 7);
  }
}

/** The DFSC/IFSC of a fault: translation and permission faults come from the MMU with their
 *  exact code in `detail`; external aborts carry one only when they hit a table walk. */
function faultStatus(f: GuestFault): number {
  switch (f.kind) {
    case 'alignment': return FSC.ALIGNMENT;
    case 'external': return f.detail || FSC.EXTERNAL;
    default: return f.detail;
  }
}

/** TLBI operations by op2 | CRm << 3 (CRm 3: Inner Shareable, 7: local): VMALLE1(IS), VAE1,
 *  ASIDE1, VAAE1, VALE1, VAALE1. */
const TLBI_OPS = new Set([
  0 | (3 << 3), 1 | (3 << 3), 2 | (3 << 3), 3 | (3 << 3), 5 | (3 << 3), 7 | (3 << 3),
  0 | (7 << 3), 1 | (7 << 3), 2 | (7 << 3), 3 | (7 << 3), 5 | (7 << 3), 7 | (7 << 3),
]);

