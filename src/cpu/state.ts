// The guest CPU state shared by both engines. General registers live in one Int32Array as
// int32 lo/hi pairs: slot i occupies R[2i] (low word) and R[2i+1] (high word).
//   slots 0..30  X0..X30
//   slot 31      reads as zero (XZR/WZR as a source) — never written
//   slot 32      write sink (XZR/WZR as a destination)
//   slot 33      SP (the current stack pointer)
// Decoders turn register fields into slot offsets (2 × slot), so that "31 means SP or ZR" is
// settled once at decode time and handlers never branch on it.
import type { Memory } from '../mem/memory.js';

export const SLOT_ZR = 31;
export const SLOT_SINK = 32;
export const SLOT_SP = 33;
export const FLAG_INDEX = { n: 70, z: 71, c: 72, v: 73 } as const;
/** TPIDR_EL0 lives in the register file (R[74], R[75]) so that MRS/MSR of it are plain
 *  register moves in generated code: glibc reads it for every TLS access. */
export const SLOT_TPIDR_EL0 = 37;
export const REG_WORDS = 76;

/** Register operand for a source register where 31 means XZR. */
export const rz = (r: number) => 2 * r;
/** Register operand for a destination where 31 means XZR (writes are discarded). */
export const wz = (r: number) => 2 * (r === 31 ? SLOT_SINK : r);
/** Register operand where 31 means SP (source or destination). */
export const rsp = (r: number) => 2 * (r === 31 ? SLOT_SP : r);

/** What the CPU's surroundings do with exceptions and system state: a Linux process in user mode,
 *  the exception model of the machine in system mode. Methods that end an instruction return the
 *  pc to continue at. */
export interface ExecEnv {
  svc(pc: number, imm: number): number;
  hvc(pc: number, imm: number): number;
  smc(pc: number, imm: number): number;
  brk(pc: number, imm: number): number;
  hlt(pc: number, imm: number): number;
  undefinedInsn(pc: number): number;
  /** ERET at the current EL: restore PSTATE from SPSR, return ELR. Absent: ERET is UNDEFINED. */
  eret?(pc: number): number;
  /** A memory access at `pc` faulted. */
  fault(f: import('../mem/memory.js').GuestFault, pc: number): number;
  readSysreg(enc: number, pc: number): bigint;
  writeSysreg(enc: number, v: bigint, pc: number): void;
  /** SYS-space operations (barriers are no-ops; IC/DC/TLBI maintenance, WFI, …). */
  sysOp(op: number, v: bigint, pc: number): void;
}

/** Thrown by helpers for an instruction that is UNDEFINED in the current state (e.g. an MRS of a
 *  register EL0 may not read); the run loop turns it into the Undefined Instruction exception. */
export class UndefinedInstruction {}

/** Thrown by an environment call that changed how instructions are fetched (MMU on/off,
 *  TTBR/ASID, TLB invalidation, ISB) after the instruction completed: engines continue at `pc`
 *  and translate the code page afresh. */
export class Refetch {
  constructor(readonly pc: number) {}
}

export class Cpu {
  env!: ExecEnv;
  readonly R = new Int32Array(REG_WORDS);
  /** FP/SIMD registers V0..V31, 128 bits each, little-endian: Vn occupies bytes 16n..16n+15. */
  readonly V = new Int32Array(32 * 4);
  readonly V8 = new Uint8Array(this.V.buffer);
  readonly V16 = new Uint16Array(this.V.buffer);
  readonly V32 = new Uint32Array(this.V.buffer);
  readonly VF32 = new Float32Array(this.V.buffer);
  readonly VF64 = new Float64Array(this.V.buffer);
  readonly Vdv = new DataView(this.V.buffer);
  pc = 0;
  /** High word of the last i64 helper result. */
  hi = 0;
  /** Guest instructions retired (kept by the run loops). */
  icount = 0;
  // System registers user code may touch.
  /** TPIDR_EL0, kept in R[2 * SLOT_TPIDR_EL0 …] (see SLOT_TPIDR_EL0). */
  get tpidr_el0(): bigint {
    const R = this.R, i = 2 * SLOT_TPIDR_EL0;
    return (BigInt(R[i + 1] >>> 0) << 32n) | BigInt(R[i] >>> 0);
  }
  set tpidr_el0(v: bigint) {
    const i = 2 * SLOT_TPIDR_EL0;
    this.R[i] = Number(v & 0xffffffffn) | 0;
    this.R[i + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
  }
  tpidrro_el0 = 0n;
  fpcr = 0;
  fpsr = 0;
  // Exclusive monitor: armed address (as a Number) and size, or -1.
  exclAddr = -1;
  exclSize = 0;

  constructor(readonly mem: Memory) {}

  getX(r: number): bigint {
    const s = r === 31 ? SLOT_SP : r;
    return (BigInt(this.R[2 * s + 1] >>> 0) << 32n) | BigInt(this.R[2 * s] >>> 0);
  }
  setX(r: number, v: bigint): void {
    const s = r === 31 ? SLOT_SP : r;
    this.R[2 * s] = Number(v & 0xffffffffn) | 0;
    this.R[2 * s + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
  }
  get sp(): bigint { return this.getX(31); }
  set sp(v: bigint) { this.setX(31, v); }
  get nzcv(): number {
    const R = this.R;
    return (R[FLAG_INDEX.n] << 31) | (R[FLAG_INDEX.z] << 30) | (R[FLAG_INDEX.c] << 29) | (R[FLAG_INDEX.v] << 28);
  }
  set nzcv(x: number) {
    const R = this.R;
    R[FLAG_INDEX.n] = (x >>> 31) & 1; R[FLAG_INDEX.z] = (x >>> 30) & 1;
    R[FLAG_INDEX.c] = (x >>> 29) & 1; R[FLAG_INDEX.v] = (x >>> 28) & 1;
  }
}

/** A 64-bit value as a signed Number-valued virtual address (exact for canonical addresses). */
export const pcFromBig = (v: bigint): number => Number(BigInt.asIntN(64, v));
export const bigFromPc = (pc: number): bigint => BigInt.asUintN(64, BigInt(pc));
