// Runtime helpers of the ldst group (merged into H; called from generated code as H.name(cpu, …)).
import { UndefinedInstruction, type Cpu } from '../../cpu/state.js';
import { GuestFault, vaToBig, type Access } from '../../mem/memory.js';
import { EC, syndrome } from '../../sys/esr.js';

/** The part of a system-mode environment the SP alignment check reads (sys/env.ts). */
interface SpAlignEnv { spAlignCheck?: boolean; pendingSyndrome?: number }

export const ldstHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {
  /** Alignment fault unless (lo & mask) is 0: exclusives and acquire/release need natural
   *  alignment. `access` is Access.Read or Access.Write. */
  ldst_align(_cpu: Cpu, lo: number, hi: number, mask: number, access: number): void {
    if (lo & mask) throw new GuestFault('alignment', vaToBig(lo, hi), access as Access);
  },
  /** SP alignment check (Arm ARM D1.8.2) of a load/store based on SP, whose low word is `sp`:
   *  with SCTLR_EL1.SA (EL1) / SA0 (EL0) set and SP not 16-byte aligned, the SP alignment fault
   *  (EC 0x26, ISS 0) is taken before the access, through the UndefinedInstruction route. */
  ldst_sp_check(cpu: Cpu, sp: number): void {
    if ((sp & 15) === 0) return;
    const env = cpu.env as unknown as SpAlignEnv;
    if (env.spAlignCheck !== true) return;
    env.pendingSyndrome = syndrome(EC.SP_ALIGN, 0);
    throw new UndefinedInstruction();
  },
};
