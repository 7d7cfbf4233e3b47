// Signals of a Linux process: numbers and names, dispositions, the blocked mask, pending
// signals, the alternate stack, and the arm64 signal frame that handlers run on.
//
// The frame is the one arm64 Linux builds (arch/arm64/kernel/signal.c; layouts from the uapi
// headers asm/sigcontext.h, asm/ucontext.h, asm-generic/siginfo.h):
//   struct rt_sigframe { siginfo_t info (128 bytes); struct ucontext uc; }   — 4688 bytes
//   ucontext: uc_flags @0, uc_link @8, uc_stack @16 (ss_sp, ss_flags, ss_size), uc_sigmask @40,
//             padding to 1024 bits, uc_mcontext @176 (struct sigcontext, 16-aligned)
//   sigcontext: fault_address @0, regs[31] @8, sp @256, pc @264, pstate @272,
//               __reserved[4096] @288 holding records {u32 magic, u32 size, …}:
//               fpsimd_context (magic 0x46508001, size 528: fpsr, fpcr, vregs[32]),
//               esr_context (0x45535201, size 16) for faults, then a {0, 0} terminator.
// Above the frame sits a frame record {x29, x30} that x29 points at, as the kernel sets it up.
import type { Cpu } from '../cpu/state.js';

export const SIGNALS = [
  '', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGSTKFLT', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP',
  'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
];
export const NSIG = 64;
export const SIGPIPE = 13, SIGILL = 4, SIGTRAP = 5, SIGABRT = 6, SIGBUS = 7, SIGFPE = 8, SIGKILL = 9, SIGSEGV = 11, SIGSTOP = 19,
  SIGCHLD = 17, SIGCONT = 18, SIGURG = 23, SIGWINCH = 28, SIGTSTP = 20, SIGTTIN = 21, SIGTTOU = 22;
export const signalName = (n: number) => SIGNALS[n] ?? (n >= 32 && n <= 64 ? `SIGRT_${n - 32}` : `signal ${n}`);

export const SA_SIGINFO = 4n, SA_ONSTACK = 0x08000000n, SA_RESTART = 0x10000000n, SA_NODEFER = 0x40000000n,
  SA_RESETHAND = 0x80000000n, SA_RESTORER = 0x04000000n;
export const SS_ONSTACK = 1, SS_DISABLE = 2;
export const SIG_DFL = 0n, SIG_IGN = 1n;

// si_code values (asm-generic/siginfo.h).
export const SI_USER = 0, SI_TKILL = -6;
export const SEGV_MAPERR = 1, SEGV_ACCERR = 2, BUS_ADRALN = 1, BUS_ADRERR = 2, ILL_ILLOPC = 1, TRAP_BRKPT = 1;

export interface SigInfo {
  signo: number;
  code: number;
  /** si_addr (faults), or undefined for kill-style signals. */
  addr?: bigint;
  pid?: number;
  uid?: number;
  /** ESR_EL1 for the esr_context record of a synchronous fault. */
  esr?: number;
}

export interface SigAction { handler: bigint; flags: bigint; restorer: bigint; mask: bigint }

/** Signals whose default action is to ignore them (SIGCONT continues: nothing to do here; the
 *  stop signals are ignored too, since a lone emulated process has nobody to continue it). */
const DEFAULT_IGNORE = new Set([SIGCHLD, SIGCONT, SIGURG, SIGWINCH, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU]);
export const defaultIgnores = (sig: number) => DEFAULT_IGNORE.has(sig);

export const bit = (sig: number) => 1n << BigInt(sig - 1);
/** SIGKILL and SIGSTOP can be neither blocked nor caught. */
export const UNBLOCKABLE = bit(SIGKILL) | bit(SIGSTOP);

export class SignalState {
  readonly actions: SigAction[] = [];
  blocked = 0n;
  /** Pending signals, in the order they were raised (one entry per standard signal). */
  pending: SigInfo[] = [];
  altstack = { sp: 0, size: 0, flags: SS_DISABLE };
  /** The mask rt_sigsuspend replaced: the next frame saves it instead of the current one. */
  suspendMask: bigint | undefined;

  constructor() {
    for (let i = 0; i <= NSIG; i++) this.actions.push({ handler: SIG_DFL, flags: 0n, restorer: 0n, mask: 0n });
  }
  /** True if `sp` lies on the alternate signal stack. */
  onAltStack(sp: number): boolean {
    return this.altstack.flags !== SS_DISABLE && sp > this.altstack.sp && sp <= this.altstack.sp + this.altstack.size;
  }
  raise(info: SigInfo): void {
    if (info.signo < 32 && this.pending.some((p) => p.signo === info.signo)) return;
    this.pending.push(info);
  }
  /** Takes the first pending signal that is not blocked. */
  takeDeliverable(): SigInfo | undefined {
    const i = this.pending.findIndex((p) => (this.blocked & bit(p.signo)) === 0n);
    return i < 0 ? undefined : this.pending.splice(i, 1)[0];
  }
  pendingMask(): bigint { return this.pending.reduce((m, p) => m | bit(p.signo), 0n); }
}

// ----- the frame
export const SIGINFO_SIZE = 128;
export const UC_OFF = SIGINFO_SIZE;
const UC_STACK = 16, UC_SIGMASK = 40, UC_MCONTEXT = 176;
const SC_FAULT = 0, SC_REGS = 8, SC_SP = 256, SC_PC = 264, SC_PSTATE = 272, SC_RESERVED = 288;
export const FRAME_SIZE = SIGINFO_SIZE + UC_MCONTEXT + SC_RESERVED + 4096; // 4688
export const FPSIMD_MAGIC = 0x46508001, ESR_MAGIC = 0x45535201, EXTRA_MAGIC = 0x45585401;
const FPSIMD_SIZE = 528;

/** Machine state the frame saves, gathered by the caller (the pc to resume at, etc.). */
export interface SavedContext { pc: number; faultAddress: bigint; mask: bigint; altstack: { sp: number; size: number; flags: number } }

const u64 = (v: bigint | number) => BigInt.asUintN(64, BigInt(v));

/** Builds the bytes of an rt_sigframe for the current CPU state. */
export function buildFrame(cpu: Cpu, info: SigInfo, withInfo: boolean, ctx: SavedContext): Uint8Array {
  const bytes = new Uint8Array(FRAME_SIZE);
  const dv = new DataView(bytes.buffer);
  if (withInfo) {
    dv.setInt32(0, info.signo, true);
    dv.setInt32(8, info.code, true);
    if (info.addr !== undefined) dv.setBigUint64(16, u64(info.addr), true);
    else if (info.pid !== undefined) { dv.setInt32(16, info.pid, true); dv.setInt32(20, info.uid ?? 0, true); }
  }
  const uc = UC_OFF;
  dv.setBigUint64(uc + UC_STACK, u64(ctx.altstack.sp), true);
  dv.setInt32(uc + UC_STACK + 8, ctx.altstack.flags, true);
  dv.setBigUint64(uc + UC_STACK + 16, u64(ctx.altstack.size), true);
  dv.setBigUint64(uc + UC_SIGMASK, ctx.mask, true);
  const sc = uc + UC_MCONTEXT;
  dv.setBigUint64(sc + SC_FAULT, u64(ctx.faultAddress), true);
  for (let r = 0; r < 31; r++) dv.setBigUint64(sc + SC_REGS + 8 * r, cpu.getX(r), true);
  dv.setBigUint64(sc + SC_SP, cpu.sp, true);
  dv.setBigUint64(sc + SC_PC, u64(ctx.pc), true);
  dv.setBigUint64(sc + SC_PSTATE, BigInt(cpu.nzcv >>> 0), true); // EL0t: only NZCV are set
  let r = sc + SC_RESERVED;
  dv.setUint32(r, FPSIMD_MAGIC, true);
  dv.setUint32(r + 4, FPSIMD_SIZE, true);
  dv.setUint32(r + 8, cpu.fpsr >>> 0, true);
  dv.setUint32(r + 12, cpu.fpcr >>> 0, true);
  bytes.set(cpu.V8, r + 16);
  r += FPSIMD_SIZE;
  if (info.esr !== undefined) {
    dv.setUint32(r, ESR_MAGIC, true);
    dv.setUint32(r + 4, 16, true);
    dv.setBigUint64(r + 8, BigInt(info.esr >>> 0), true);
    r += 16;
  }
  // The {0, 0} terminator is already there (zeroed buffer).
  return bytes;
}

export interface RestoredContext { mask: bigint; pc: number }

/** Restores CPU state from an rt_sigframe's bytes; undefined if the frame is invalid. */
export function restoreFrame(cpu: Cpu, bytes: Uint8Array): RestoredContext | undefined {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sc = UC_OFF + UC_MCONTEXT;
  const pstate = dv.getBigUint64(sc + SC_PSTATE, true);
  // A return to anything but EL0t with interrupts unmasked is refused (valid_user_regs).
  if ((pstate & 0x3cfn) !== 0n || (pstate & 0x10n) !== 0n) return undefined;
  // Find the fpsimd record; an extra_context (or an unknown record) is not supported.
  let r = sc + SC_RESERVED, fp = -1;
  const end = sc + SC_RESERVED + 4096;
  while (r + 8 <= end) {
    const magic = dv.getUint32(r, true), size = dv.getUint32(r + 4, true);
    if (magic === 0) { if (size !== 0) return undefined; break; }
    if (size < 8 || size % 16 !== 0 || r + size > end) return undefined;
    if (magic === FPSIMD_MAGIC) { if (size !== FPSIMD_SIZE) return undefined; fp = r; }
    else if (magic !== ESR_MAGIC) return undefined;
    r += size;
  }
  if (fp < 0) return undefined;
  for (let i = 0; i < 31; i++) cpu.setX(i, dv.getBigUint64(sc + SC_REGS + 8 * i, true));
  cpu.sp = dv.getBigUint64(sc + SC_SP, true);
  cpu.nzcv = Number(pstate & 0xf0000000n) | 0;
  cpu.fpsr = dv.getUint32(fp + 8, true);
  cpu.fpcr = dv.getUint32(fp + 12, true);
  cpu.V8.set(bytes.subarray(fp + 16, fp + 16 + 512));
  const pc = Number(BigInt.asIntN(64, dv.getBigUint64(sc + SC_PC, true)));
  return { mask: dv.getBigUint64(UC_OFF + UC_SIGMASK, true), pc };
}
