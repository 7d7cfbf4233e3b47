// The shape of an entry of the instruction table. Every encoding is described once: its bit
// pattern, how its fields become operands, its meaning in IR, and its disassembly. The decoder,
// the disassembler, the interpreter and the JIT are all built from these entries.
import type { Builder, Val } from '../ir/ir.js';
import type { Fields } from './pattern.js';
import { fpTrapsPossible } from '../sys/fpaccess.js';

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

/** `def` with a system-mode check in front of its semantics (one the pseudocode makes before the
 *  instruction's own effects): where `applies` holds for a decoded instruction, and only once
 *  system mode exists in the process (fpTrapsPossible), decode adds the shape value `key` and
 *  sem then begins with `check`. User-mode IR stays as it was. */
export function withSystemCheck(def: InsnDef, key: string, applies: (f: Fields, d: Decoded) => boolean,
  check: (b: Builder, o: Record<string, Val>) => void): InsnDef {
  const { decode, sem } = def;
  return {
    ...def,
    decode(f, insn) {
      const d = decode.call(def, f, insn);
      if (d && fpTrapsPossible && applies(f, d)) d.s = { ...d.s, [key]: 1 };
      return d;
    },
    sem(b, o, s) {
      if (s[key]) check(b, o);
      sem.call(def, b, o, s);
    },
  };
}
