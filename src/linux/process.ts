// A Linux process around the CPU: the ExecEnv that turns SVC into system calls, faults and
// exception-generating instructions into signals, and EL0 system register accesses into what
// arm64 Linux gives user space.
import * as fs from 'node:fs';
import { bigFromPc, UndefinedInstruction, type Cpu, type ExecEnv } from '../cpu/state.js';
import { linuxEl0SysOp } from '../isa/groups/system.js';
import { Access, GuestFault, type Memory } from '../mem/memory.js';
import { StopRun } from '../interp/interpreter.js';
import { AddressSpace, PROT_EXEC, PROT_READ } from './addrspace.js';
import { E, SysError, hostErrno } from './errno.js';
import { FdTable, hostFile, sinkFile, O } from './fds.js';
import {
  BUS_ADRALN, BUS_ADRERR, FRAME_SIZE, ILL_ILLOPC, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTORER, SA_SIGINFO,
  SEGV_ACCERR, SEGV_MAPERR, SIGPIPE, SIG_DFL, SIG_IGN, SIGBUS, SIGILL, SIGKILL, SIGSEGV, SIGTRAP, SS_DISABLE, SS_ONSTACK,
  SignalState, TRAP_BRKPT, UC_OFF, UNBLOCKABLE, bit, buildFrame, defaultIgnores, restoreFrame, signalName, type SigInfo,
} from './signals.js';
import { readSysreg, writeSysreg } from './sysregs.js';
import { SYSCALLS, NO_RESULT, type SyscallDef, type SysRet } from './syscalls/index.js';
import { formatCall, formatResult, formatSignal } from './strace.js';
import { MMAP_BASE } from './loader.js';
import { Timers } from './timers.js';

export interface ProcessOptions {
  /** Absolute host path of the program (readlink /proc/self/exe). */
  exePath: string;
  argv: string[];
  /** Print every system call to stderr, strace-style. */
  strace?: boolean;
  /** Let the guest create and write host files. */
  allowHostWrites?: boolean;
  /** The guest's working directory (default: the host's). */
  cwd?: string;
  /** Capture guest stdout/stderr instead of writing to host fds 1 and 2. */
  stdout?: (data: Uint8Array) => void;
  stderr?: (data: Uint8Array) => void;
  /** Where --strace and the emulator's own messages go (default: host stderr). */
  log?: (line: string) => void;
  /** Called before each system call (flushes --trace output so it interleaves correctly). */
  beforeSyscall?: () => void;
}

/** The trampoline that returns from a signal handler: mov x8, #139 (rt_sigreturn); svc #0. */
const SIGRETURN_CODE = [0xd2801168, 0xd4000001];

export class LinuxProcess implements ExecEnv {
  readonly sig = new SignalState();
  readonly timers = new Timers(this.sig);
  readonly fds = new FdTable();
  readonly pid = process.pid;
  readonly ppid = process.ppid;
  readonly uid = process.getuid?.() ?? 0;
  readonly gid = process.getgid?.() ?? 0;
  cwd: string;
  /** The thread name (prctl PR_SET_NAME). */
  comm: string;
  umask = 0o022;
  brkStart = 0;
  /** The current program break. */
  brkCur = 0;
  sigpage = 0;
  tidAddress = 0n;
  /** Resource limits set by the guest (prlimit64), by resource number. */
  readonly rlimits = new Map<number, [bigint, bigint]>();
  /** Set by a handler that changes where execution continues (rt_sigreturn). */
  nextPc = 0;
  /** The refused-write warning was printed (it is printed once). */
  private warnedWrite = false;

  constructor(readonly cpu: Cpu, readonly mem: Memory, readonly as: AddressSpace, readonly opts: ProcessOptions) {
    this.cwd = opts.cwd ?? process.cwd();
    this.comm = (opts.argv[0] ?? opts.exePath).split('/').pop()!.slice(0, 15);
    const std = (fd: number, sink?: (d: Uint8Array) => void) =>
      sink ? sinkFile(fd === 1 ? 'stdout' : 'stderr', sink, O.WRONLY) : hostFile(fd, ['stdin', 'stdout', 'stderr'][fd], fd === 0 ? O.RDONLY : O.WRONLY, false);
    this.fds.add(std(0));
    this.fds.add(std(1, opts.stdout));
    this.fds.add(std(2, opts.stderr));
  }

  log(line: string): void {
    if (this.opts.log) this.opts.log(line);
    else writeAllSync(2, Buffer.from(line + '\n'));
  }

  /** Maps the signal-return trampoline page (our stand-in for the vDSO's sigreturn). */
  mapSigpage(): void {
    const a = this.as.findFree(4096, 0x10000, MMAP_BASE)!;
    this.as.map(a, 4096, PROT_READ | PROT_EXEC, { name: '[sigpage]' });
    const code = new Uint8Array(8);
    const dv = new DataView(code.buffer);
    SIGRETURN_CODE.forEach((w, i) => dv.setUint32(4 * i, w, true));
    this.as.poke(a, code);
    this.sigpage = a;
  }

  // ----- ExecEnv: system calls
  svc(pc: number, _imm: number): number {
    this.opts.beforeSyscall?.();
    const cpu = this.cpu;
    const nr = Number(cpu.getX(8) & 0xffffffffn);
    const args = [cpu.getX(0), cpu.getX(1), cpu.getX(2), cpu.getX(3), cpu.getX(4), cpu.getX(5)];
    const def: SyscallDef | undefined = SYSCALLS[nr];
    this.nextPc = pc + 4;
    let ret: SysRet;
    try {
      ret = def ? def.fn(this, args) : -E.ENOSYS;
    } catch (x) {
      if (x instanceof SysError) ret = -x.errno;
      else if (x instanceof GuestFault) ret = -E.EFAULT;
      else {
        const e = hostErrno(x);
        if (e === undefined) throw x;
        ret = -e;
      }
    }
    if (ret !== NO_RESULT) cpu.setX(0, BigInt.asUintN(64, BigInt(ret)));
    if (this.opts.strace) this.log(`${formatCall(this, nr, def, args, ret)} = ${ret === NO_RESULT ? formatResult(this.cpu.getX(0), def) : formatResult(ret, def)}`);
    const next = this.deliverPending(this.nextPc);
    if (this.sig.suspendMask !== undefined) { this.sig.blocked = this.sig.suspendMask; this.sig.suspendMask = undefined; }
    return next;
  }
  /** Prints a system call that does not return (exit, exit_group) before it ends the run. */
  straceNoReturn(nr: number, args: bigint[]): void {
    if (this.opts.strace) this.log(`${formatCall(this, nr, SYSCALLS[nr], args, 0)} = ?`);
  }

  // ----- ExecEnv: exceptions
  hvc(pc: number): number { return this.undefinedInsn(pc); }
  smc(pc: number): number { return this.undefinedInsn(pc); }
  brk(pc: number, imm: number): number {
    return this.forceSignal({ signo: SIGTRAP, code: TRAP_BRKPT, addr: bigFromPc(pc), esr: (0x3c << 26) | (1 << 25) | (imm & 0xffff) }, pc);
  }
  /** HLT at EL0 with halting debug disabled is UNDEFINED: SIGILL, as on Linux. */
  hlt(pc: number): number { return this.undefinedInsn(pc); }
  undefinedInsn(pc: number): number {
    return this.forceSignal({ signo: SIGILL, code: ILL_ILLOPC, addr: bigFromPc(pc), esr: 1 << 25 }, pc);
  }
  fault(f: GuestFault, pc: number): number {
    const write = f.access === Access.Write, exec = f.access === Access.Exec;
    if (f.kind === 'alignment') return this.forceSignal({ signo: SIGBUS, code: BUS_ADRALN, addr: f.addr, esr: (exec ? 0x22 << 26 : 0x24 << 26) | (1 << 25) | 0x21 }, pc);
    if (f.kind === 'external') return this.forceSignal({ signo: SIGBUS, code: BUS_ADRERR, addr: f.addr }, pc);
    // ESR: instruction or data abort from EL0, translation or permission fault at level 3.
    const fsc = f.kind === 'translation' ? 0x07 : 0x0f;
    const esr = (exec ? 0x20 << 26 : (0x24 << 26) | (write ? 1 << 6 : 0)) | (1 << 25) | fsc;
    return this.forceSignal({ signo: SIGSEGV, code: f.kind === 'translation' ? SEGV_MAPERR : SEGV_ACCERR, addr: f.addr, esr }, pc);
  }
  readSysreg(enc: number): bigint { return readSysreg(this.cpu, enc); }
  writeSysreg(enc: number, v: bigint): void { writeSysreg(this.cpu, enc, v); }
  /** What arm64 Linux lets EL0 do (cache maintenance to the point of coherency, IC IVAU, WFE,
   *  ISB) has no effect here: stores to code already drop stale code. The rest is SIGILL. */
  sysOp(op: number): void {
    if (!linuxEl0SysOp(op)) throw new UndefinedInstruction();
  }

  // ----- signals
  /** A synchronous signal: a blocked or ignored one kills, as Linux's force_sig does. */
  private forceSignal(info: SigInfo, pc: number): number {
    if (this.opts.strace) this.log(formatSignal(info));
    const act = this.sig.actions[info.signo];
    if ((this.sig.blocked & bit(info.signo)) !== 0n || act.handler === SIG_IGN || act.handler === SIG_DFL) this.die(info, pc);
    return this.setupFrame(info, pc, info.addr ?? 0n);
  }

  /** True if a pending signal would be acted on now (delivered to a handler, or kill us). */
  hasDeliverable(): boolean {
    return this.sig.pending.some((s) => {
      if ((this.sig.blocked & bit(s.signo)) !== 0n) return false;
      const h = this.sig.actions[s.signo].handler;
      return h !== SIG_IGN && !(h === SIG_DFL && defaultIgnores(s.signo));
    });
  }

  /** Between chunks of the run loop: raises expired timers' signals and delivers what is
   *  pending at the current pc (asynchronous signals arrive at instruction boundaries). */
  asyncSignals(): void {
    this.timers.poll();
    if (this.hasDeliverable()) this.cpu.pc = this.deliverPending(this.cpu.pc);
  }

  /** Delivers pending unblocked signals before resuming at `pc`; returns where to continue. */
  deliverPending(pc: number): number {
    for (;;) {
      const info = this.sig.takeDeliverable();
      if (!info) return pc;
      const act = this.sig.actions[info.signo];
      if (info.signo === SIGKILL) this.die(info, pc);
      if (this.opts.strace && act.handler !== SIG_IGN) this.log(formatSignal(info));
      if (act.handler === SIG_IGN) continue;
      if (act.handler === SIG_DFL) {
        if (defaultIgnores(info.signo)) continue;
        this.die(info, pc);
      }
      pc = this.setupFrame(info, pc, 0n);
    }
  }

  /** Ends the process by signal `info` (its default action). */
  die(info: SigInfo, pc: number): never {
    const name = signalName(info.signo);
    let detail = '';
    if (info.signo === SIGSEGV || info.signo === SIGBUS) detail = ` (fault address 0x${BigInt.asUintN(64, info.addr ?? 0n).toString(16)}, pc 0x${hex(pc)})`;
    else if (info.signo === SIGILL) detail = ` (${this.insnAt(pc)} at pc 0x${hex(pc)})`;
    else if (info.signo === SIGTRAP) detail = ` (breakpoint at pc 0x${hex(pc)})`;
    if (this.opts.strace) this.log(`+++ killed by ${name} +++`);
    // Like a shell, say nothing about SIGPIPE: it is how pipelines normally end.
    throw new StopRun('signal', info.signo, info.signo === SIGPIPE ? '' : `guest killed by ${name}${detail}`);
  }
  private insnAt(pc: number): string {
    try {
      if (!this.as.accessible(pc, 4, Access.Read)) return 'unmapped instruction';
      return `illegal instruction 0x${(this.mem.read32(pc) >>> 0).toString(16).padStart(8, '0')}`;
    } catch { return 'illegal instruction'; }
  }

  /** Builds the arm64 signal frame and enters the handler; returns the handler's pc. */
  private setupFrame(info: SigInfo, resumePc: number, faultAddress: bigint): number {
    const cpu = this.cpu, st = this.sig, act = st.actions[info.signo];
    let sp = Number(BigInt.asIntN(64, cpu.sp));
    const onAlt = st.onAltStack(sp);
    if ((act.flags & SA_ONSTACK) !== 0n && st.altstack.flags !== SS_DISABLE && !onAlt) sp = st.altstack.sp + st.altstack.size;
    const record = Math.floor((sp - 16) / 16) * 16;
    const frame = record - FRAME_SIZE;
    const altstack = { sp: st.altstack.sp, size: st.altstack.size, flags: st.altstack.flags === SS_DISABLE ? SS_DISABLE : onAlt ? SS_ONSTACK : 0 };
    const mask = st.suspendMask ?? st.blocked;
    st.suspendMask = undefined;
    const bytes = buildFrame(cpu, info, (act.flags & SA_SIGINFO) !== 0n, { pc: resumePc, faultAddress, mask, altstack });
    if (!this.as.accessible(frame, FRAME_SIZE + 16, Access.Write)) {
      // No room for the frame (stack overflow): Linux kills with SIGSEGV.
      this.die({ signo: SIGSEGV, code: SEGV_MAPERR, addr: BigInt(frame) }, resumePc);
    }
    this.mem.write(frame, bytes);
    this.mem.write64(record, cpu.getX(29));
    this.mem.write64(record + 8, cpu.getX(30));
    cpu.setX(0, BigInt(info.signo));
    if ((act.flags & SA_SIGINFO) !== 0n) {
      cpu.setX(1, BigInt(frame));
      cpu.setX(2, BigInt(frame + UC_OFF));
    }
    cpu.sp = BigInt(frame);
    cpu.setX(29, BigInt(record));
    cpu.setX(30, (act.flags & SA_RESTORER) !== 0n ? act.restorer : BigInt(this.sigpage));
    st.blocked = (st.blocked | act.mask | ((act.flags & SA_NODEFER) !== 0n ? 0n : bit(info.signo))) & ~UNBLOCKABLE;
    const handler = act.handler;
    if ((act.flags & SA_RESETHAND) !== 0n) { act.handler = SIG_DFL; act.flags &= ~SA_SIGINFO; }
    return Number(BigInt.asIntN(64, handler));
  }

  /** rt_sigreturn: restores the state saved in the frame at sp. */
  sigreturn(pc: number): void {
    const sp = Number(BigInt.asIntN(64, this.cpu.sp));
    const badFrame = () => this.die({ signo: SIGSEGV, code: 0, addr: 0n }, pc);
    if (sp % 16 !== 0 || !this.as.accessible(sp, FRAME_SIZE, Access.Read)) badFrame();
    const r = restoreFrame(this.cpu, this.mem.read(sp, FRAME_SIZE));
    if (!r) badFrame();
    this.sig.blocked = r!.mask & ~UNBLOCKABLE;
    this.nextPc = r!.pc;
  }

  // ----- helpers for system calls
  /** Complains once that a host write was refused (so the reason is not a mystery). */
  refuseWrite(path: string): never {
    if (!this.warnedWrite) {
      this.warnedWrite = true;
      this.log(`krustvm: refused guest write access to host file ${path}; pass --allow-host-writes to permit it`);
    }
    throw new SysError(E.EROFS);
  }
}

const hex = (pc: number) => BigInt.asUintN(64, BigInt(pc)).toString(16);

/** fs.writeSync until everything is written (non-blocking pipes may take it in parts). */
export function writeAllSync(fd: number, data: Uint8Array): number {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (x) {
      if ((x as { code?: string }).code === 'EAGAIN') { sleepMs(1); continue; }
      throw x;
    }
  }
  return off;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
/** Blocks the thread (guest sleeps are real sleeps). */
export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}
