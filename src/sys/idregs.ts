// Identification registers of the modelled Cortex-A72 r0p3. Values are those of the Cortex-A72
// TRM (ARM DDI 0488) as QEMU's cortex-a72 model reports them (read out with MRS under
// qemu-system-aarch64 -cpu cortex-a72), except where this machine differs from a real A72:
//  - AArch64 only at every exception level (design notes), so ID_AA64PFR0_EL1 says EL0/EL1
//    AArch64-only, and no EL2/EL3 yet (as QEMU's virt board without virtualization/secure:
//    the firmware model that answers HVC for PSCI stands outside the architecture). The AArch32
//    ID registers read as zero (UNKNOWN without AArch32).
//  - No performance counters (PMCR_EL0.N = 0) and no debug halting.
import { sysregEnc as E } from '../isa/groups/system.js';

export const MIDR = 0x410fd083n;

/** Read-only identification registers (op0=3, op1=0/1/3) by encoding. */
export const ID_VALUES = new Map<number, bigint>([
  [E(3, 0, 0, 0, 0), MIDR],
  [E(3, 0, 0, 0, 6), 0n],                 // REVIDR_EL1
  [E(3, 0, 0, 4, 0), 0x11n],              // ID_AA64PFR0_EL1: EL0, EL1 AArch64 only; FP, AdvSIMD; no GIC sysregs
  [E(3, 0, 0, 4, 1), 0n],                 // ID_AA64PFR1_EL1
  [E(3, 0, 0, 5, 0), 0x10305106n],        // ID_AA64DFR0_EL1: 6 breakpoints, 4 watchpoints, PMUv3, v8 debug
  [E(3, 0, 0, 5, 1), 0n],
  [E(3, 0, 0, 5, 4), 0n], [E(3, 0, 0, 5, 5), 0n],
  [E(3, 0, 0, 6, 0), 0x11120n],           // ID_AA64ISAR0_EL1: AES+PMULL, SHA1, SHA2, CRC32
  [E(3, 0, 0, 6, 1), 0n],
  [E(3, 0, 0, 7, 0), 0x1124n],            // ID_AA64MMFR0_EL1: 44-bit PA, 16-bit ASID, mixed endian; 4K and 64K granules
  [E(3, 0, 0, 7, 1), 0n], [E(3, 0, 0, 7, 2), 0n],
  [E(3, 1, 0, 0, 1), 0x0a200023n],        // CLIDR_EL1: L1 I+D, L2 unified; LoUU 1, LoC 2
  [E(3, 1, 0, 0, 7), 0n],                 // AIDR_EL1
  [E(3, 3, 0, 0, 1), 0x8444c004n],        // CTR_EL0: 64-byte lines, PIPT I-cache
  [E(3, 3, 0, 0, 7), 4n],                 // DCZID_EL0: 64-byte DC ZVA blocks
]);

/** CCSIDR_EL1 by CSSELR_EL1 (Level << 1 | InD): 32 KB L1 D (2-way... as the TRM), 48 KB L1 I, 1 MB L2. */
export const CCSIDR: Record<number, bigint> = { 0: 0x701fe00an, 1: 0x201fe012n, 2: 0x707fe07an };

/** SCTLR_EL1 at reset (RES1 bits and the A72 reset state, MMU and caches off). */
export const SCTLR_RESET = 0x00c50838n;
/** SCTLR_EL1 bits that read as one in ARMv8.0 (11, 20, 22, 23, 28, 29). */
export const SCTLR_RES1 = 0x30d00800n;
/** SCTLR_EL1 bits this model keeps: M A C SA SA0 CP15BEN ITD SED UMA I DZE UCT nTWI nTWE WXN UCI
 *  (EE and E0E read 0: little-endian only). */
export const SCTLR_MASK = 0x040dd3bfn;

/** PMCR_EL0: IMP 0x41 (Arm), IDCODE 0x02 (A72), N = 0 counters. */
export const PMCR_RO = 0x41020000n;
