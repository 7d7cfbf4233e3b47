// Runtime helpers of the ldst group (merged into H; called from generated code as H.name(cpu, …)).
import type { Cpu } from '../../cpu/state.js';
import { GuestFault, vaToBig, type Access } from '../../mem/memory.js';

export const ldstHelpers: Record<string, (cpu: Cpu, ...args: number[]) => number | void> = {
  /** Alignment fault unless (lo & mask) is 0: exclusives and acquire/release need natural
   *  alignment. `access` is Access.Read or Access.Write. */
  ldst_align(_cpu: Cpu, lo: number, hi: number, mask: number, access: number): void {
    if (lo & mask) throw new GuestFault('alignment', vaToBig(lo, hi), access as Access);
  },
};
