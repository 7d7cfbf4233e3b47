// Runtime helpers of the system group (merged into H; called from generated code as H.name(cpu, …)).
import type { Cpu } from '../../cpu/state.js';

/** Writable FPCR bits: AHP, DN, FZ, RMode, Stride, Len. The trap enables (IDE, IXE, UFE, OFE,
 *  DZE, IOE) are RAZ/WI on a core without FP exception trapping (Cortex-A72), and FZ16 needs
 *  FEAT_FP16. Same mask as qemu-aarch64 -cpu cortex-a72 (write ~0, read back 0x07f70000). */
export const FPCR_MASK = 0x07f70000;
/** Writable FPSR bits: N, Z, C, V, QC, IDC, IXC, UFC, OFC, DZC, IOC (qemu reads back 0xf800009f). */
export const FPSR_MASK = 0xf800009f | 0;

const big = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

export const systemHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {
  sysFpcrGet(cpu: Cpu): number { return cpu.fpcr | 0; },
  sysFpsrGet(cpu: Cpu): number { return cpu.fpsr | 0; },
  sysFpcrSet(cpu: Cpu, v: number): void { cpu.fpcr = v & FPCR_MASK; },
  sysFpsrSet(cpu: Cpu, v: number): void { cpu.fpsr = v & FPSR_MASK; },
  /** A SYS operation, hint or PSTATE write that may change how execution continues (IC, TLBI,
   *  WFI, ISB, DAIFClr…): the environment performs it (or throws UndefinedInstruction), and
   *  the instruction ends the block so that the run loop sees the new state. */
  sysOpExit(cpu: Cpu, pc: number, op: number, lo: number, hi: number): number {
    cpu.env.sysOp(op, big(lo, hi), pc);
    return pc + 4;
  },
  /** MSR to a system register the environment keeps; ends the block for the same reason. */
  sysMsrExit(cpu: Cpu, pc: number, enc: number, lo: number, hi: number): number {
    cpu.env.writeSysreg(enc, big(lo, hi), pc);
    return pc + 4;
  },
};
