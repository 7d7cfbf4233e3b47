// The shape of an entry of the instruction table. Every encoding is described once: its bit
// pattern, how its fields become operands, its meaning in IR, and its disassembly. The decoder,
// the disassembler, the interpreter and the JIT are all built from these entries.
import type { Builder, Val } from '../ir/ir.js';
import type { Fields } from './pattern.js';

/** Decoded operands. `s` ("shape") values are fixed per generated handler (width, opcode
 *  variant, condition…); `o` values are passed at run time (registers, immediates). */
export interface Decoded {
  s?: Record<string, number>;
  o: Record<string, number>;
}

export interface InsnDef {
  /** Unique name of the encoding, e.g. "ADD_imm". */
  name: string;
  pattern: string;
  /** Operands for this instruction word, or null when the encoding is unallocated (UNDEFINED).
   *  Never depends on the pc: decoded instructions are cached per physical page, and one page
   *  can be mapped at several addresses. Use b.pcRel() in `sem` instead. */
  decode(f: Fields, insn: number): Decoded | null;
  /** The meaning: IR for one instruction, given its operands as IR values and its shape. */
  sem(b: Builder, o: Record<string, Val>, s: Record<string, number>): void;
  /** objdump-compatible text "mnemonic\toperands" (and "\t// comment" where objdump has one). */
  disasm(f: Fields, pc: number, insn: number): string;
  /** Ends a basic block (branches, exception generation). Inferred from `sem` when absent. */
  branch?: boolean;
}
