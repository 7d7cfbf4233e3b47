// System registers as EL0 code sees them under arm64 Linux: the EL0 registers themselves, and
// the ID registers whose EL0 reads Linux traps and emulates (HWCAP_CPUID; see the kernel's
// Documentation/arm64/cpu-feature-registers.rst). Values describe a Cortex-A72 with the crypto
// extensions, matching AT_HWCAP. Anything else is UNDEFINED at EL0 (SIGILL).
import { UndefinedInstruction, type Cpu } from '../cpu/state.js';

/** op0:op1:CRn:CRm:op2 packed the way MRS/MSR pass it (16 bits). */
export const sysreg = (op0: number, op1: number, crn: number, crm: number, op2: number) =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

export const NZCV = sysreg(3, 3, 4, 2, 0), FPCR = sysreg(3, 3, 4, 4, 0), FPSR = sysreg(3, 3, 4, 4, 1);
export const TPIDR_EL0 = sysreg(3, 3, 13, 0, 2), TPIDRRO_EL0 = sysreg(3, 3, 13, 0, 3);
export const CTR_EL0 = sysreg(3, 3, 0, 0, 1), DCZID_EL0 = sysreg(3, 3, 0, 0, 7);
export const CNTFRQ_EL0 = sysreg(3, 3, 14, 0, 0), CNTPCT_EL0 = sysreg(3, 3, 14, 0, 1), CNTVCT_EL0 = sysreg(3, 3, 14, 0, 2);
export const MIDR_EL1 = sysreg(3, 0, 0, 0, 0), MPIDR_EL1 = sysreg(3, 0, 0, 0, 5), REVIDR_EL1 = sysreg(3, 0, 0, 0, 6);
export const ID_AA64PFR0_EL1 = sysreg(3, 0, 0, 4, 0), ID_AA64ISAR0_EL1 = sysreg(3, 0, 0, 6, 0);

/** The generic timer frequency of the Raspberry Pi 4 (54 MHz). */
export const CNTFRQ = 54_000_000n;
const start = process.hrtime.bigint();

/** The emulated ID register values (user-visible fields only, as Linux sanitises them). */
const ID_REGS = new Map<number, bigint>([
  [MIDR_EL1, 0x410fd083n],          // Arm Cortex-A72 r0p3
  [MPIDR_EL1, 0x80000000n],         // Linux reports only bit 31 (RES1)
  [REVIDR_EL1, 0n],
  [ID_AA64PFR0_EL1, 0x11n],         // FP and AdvSIMD implemented (0), EL0 and EL1 AArch64
  [ID_AA64ISAR0_EL1, 0x11120n],     // AES+PMULL (2), SHA1 (1), SHA2 (1), CRC32 (1)
]);

export function readSysreg(cpu: Cpu, enc: number): bigint {
  switch (enc) {
    case NZCV: return BigInt(cpu.nzcv >>> 0);
    case FPCR: return BigInt(cpu.fpcr >>> 0);
    case FPSR: return BigInt(cpu.fpsr >>> 0);
    case TPIDR_EL0: return cpu.tpidr_el0;
    case TPIDRRO_EL0: return cpu.tpidrro_el0;
    case CTR_EL0: return 0x8444c004n; // Cortex-A72: 64-byte I and D lines, PIPT I-cache
    case DCZID_EL0: return 4n;        // DC ZVA allowed, 64-byte blocks
    case CNTFRQ_EL0: return CNTFRQ;
    case CNTPCT_EL0: case CNTVCT_EL0: return ((process.hrtime.bigint() - start) * CNTFRQ) / 1_000_000_000n;
  }
  // The ID register space (op0=3, op1=0, CRn=0, CRm=0..7): emulated, unknown ones read as zero.
  if (enc >>> 7 === sysreg(3, 0, 0, 0, 0) >>> 7 && ((enc >>> 3) & 15) <= 7) return ID_REGS.get(enc) ?? 0n;
  throw new UndefinedInstruction();
}

export function writeSysreg(cpu: Cpu, enc: number, v: bigint): void {
  switch (enc) {
    case NZCV: cpu.nzcv = Number(v & 0xf0000000n) | 0; return;
    case FPCR: cpu.fpcr = Number(v & 0x07f70000n); return;
    case FPSR: cpu.fpsr = Number(v & 0xf800009fn) | 0; return;
    case TPIDR_EL0: cpu.tpidr_el0 = BigInt.asUintN(64, v); return;
  }
  throw new UndefinedInstruction();
}
