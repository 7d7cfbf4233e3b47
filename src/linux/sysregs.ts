// System registers as EL0 code sees them under arm64 Linux: the EL0 registers themselves, and
// the ID registers whose EL0 reads Linux traps and emulates (HWCAP_CPUID; see the kernel's
// Documentation/arm64/cpu-feature-registers.rst). Values describe a Cortex-A72 with the crypto
// extensions, matching AT_HWCAP. Anything else is UNDEFINED at EL0 (SIGILL). NZCV, FPCR, FPSR
// and TPIDR_EL0 live in the CPU and are read and written by the system group directly.
import { UndefinedInstruction, type Cpu } from '../cpu/state.js';
import { SYSREG } from '../isa/groups/system.js';

const { TPIDRRO_EL0, CTR_EL0, DCZID_EL0, CNTFRQ_EL0, CNTPCT_EL0, CNTVCT_EL0, MIDR_EL1, MPIDR_EL1, REVIDR_EL1, ID_AA64PFR0_EL1, ID_AA64ISAR0_EL1 } = SYSREG;

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
    case TPIDRRO_EL0: return cpu.tpidrro_el0;
    case CTR_EL0: return 0x8444c004n; // Cortex-A72: 64-byte I and D lines, PIPT I-cache
    case DCZID_EL0: return 4n;        // DC ZVA allowed, 64-byte blocks
    case CNTFRQ_EL0: return CNTFRQ;
    case CNTPCT_EL0: case CNTVCT_EL0: return ((process.hrtime.bigint() - start) * CNTFRQ) / 1_000_000_000n;
  }
  // The ID register space (op0=3, op1=0, CRn=0, CRm=0..7): emulated, unknown ones read as zero.
  if (enc >>> 7 === MIDR_EL1 >>> 7 && ((enc >>> 3) & 15) <= 7) return ID_REGS.get(enc) ?? 0n;
  throw new UndefinedInstruction();
}

/** NZCV, FPCR, FPSR and TPIDR_EL0 are handled by the system instruction group itself and never
 *  reach the environment; every other MSR is UNDEFINED at EL0. */
export function writeSysreg(_cpu: Cpu, _enc: number, _v: bigint): void {
  throw new UndefinedInstruction();
}
