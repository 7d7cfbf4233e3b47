// Turns an instruction's IR into an interpreter handler: a JS function specialised for one
// instruction shape, taking the run-time operands as an array (compileHandler) or in the fields
// of the interpreter's decoded entry (compileFieldHandler: what the run loop uses). Each
// distinct (entry, shape) is compiled once and shared by every instruction word with that shape.
import { generate } from 'astring';
import type * as E from 'estree';
import { Builder, type Val } from '../ir/ir.js';
import { InsnCodegen } from '../ir/codegen.js';
import { H } from '../ir/helpers.js';
import { constDecl, id, index, member, num, type Expr } from '../ir/estree.js';
import type { Cpu } from '../cpu/state.js';
import type { InsnDef, Decoded } from '../isa/table.js';

/** Runs one instruction whose pc the caller put in PC[0]: returns 0 to go on with the next
 *  instruction (pc + 4), 1 to go to PC[0] (a jump taken, or the pc an exit helper chose).
 *  Its run-time operands come as an array (compileHandler). */
export type Handler = (cpu: Cpu, o: number[]) => number;

/** Run-time operands held in fields (the interpreter's decoded entries): operand k in `ak`,
 *  from the ninth on in `x`. One object per instruction word, where an array would add two
 *  dependent loads (the array, its elements) to every instruction of cold code. */
export interface FieldOperands {
  a0: number; a1: number; a2: number; a3: number; a4: number; a5: number; a6: number; a7: number;
  x: number[];
}
export const OPERAND_FIELDS = 8;
/** A handler taking FieldOperands (compileFieldHandler). */
export type FieldHandler = (cpu: Cpu, o: FieldOperands) => number;

/** Reads operand k from FieldOperands instead of an array. */
class FieldOperandCodegen extends InsnCodegen {
  override opnd(name: string, names: string[]): Expr {
    const k = names.indexOf(name);
    return k < OPERAND_FIELDS ? member(id('o'), `a${k}`) : index(member(id('o'), 'x'), num(k - OPERAND_FIELDS));
  }
}
/** The pc slot handlers read and write (one for all CPUs: engines run one at a time and set
 *  it before every handler call). A typed-array slot keeps pcs unboxed. */
export const PC = new Float64Array(1);

/** Runs an entry's `sem` on a fresh Builder with its operands as IR values. */
export function buildIR(def: InsnDef, d: Decoded): Builder {
  const b = new Builder();
  const o: Record<string, Val> = {};
  for (const name of Object.keys(d.o)) o[name] = b.opnd(name);
  def.sem(b, o, d.s ?? {});
  return b;
}

/** JS source of the handler for `def` in shape `d.s` (operands in an array, or in fields). */
export function handlerSource(def: InsnDef, d: Decoded, fields = false): string {
  const b = buildIR(def, d);
  const cg = fields ? new FieldOperandCodegen() : new InsnCodegen();
  cg.compile(b.stmts, Object.keys(d.o));
  const fn: E.FunctionDeclaration = {
    type: 'FunctionDeclaration',
    id: id(def.name),
    params: [id('cpu'), id('o')],
    body: {
      type: 'BlockStatement',
      body: [constDecl('R', member(id('cpu'), 'R')), constDecl('M', member(id('cpu'), 'mem')),
        ...(cg.usesPc ? [constDecl('pc', index(id('PC'), num(0)))] : []), ...cg.out],
    },
  };
  return generate(fn);
}

export function compileHandler(def: InsnDef, d: Decoded): Handler {
  return instantiate(def, handlerSource(def, d)) as Handler;
}

/** The handler for the interpreter's entries: the same code, operands read from fields. */
export function compileFieldHandler(def: InsnDef, d: Decoded): FieldHandler {
  return instantiate(def, handlerSource(def, d, true)) as FieldHandler;
}

function instantiate(def: InsnDef, src: string): unknown {
  return new Function('H', 'PC', `${src}\nreturn ${def.name};`)(H, PC);
}
