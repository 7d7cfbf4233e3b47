// Constant folding and small algebraic simplification of generated expressions. In the JIT every
// decoded operand is a literal, so much of an instruction's IR (masks, shift amounts, pc-relative
// targets) folds away at compile time; V8 would fold some of it too, but only in optimised code,
// and cold units run in the bytecode interpreter where every operation costs.
import type * as E from 'estree';
import { num, type Expr } from '../src/ir/estree.js';

type Value = number | boolean;

const MATH: Record<string, (...a: number[]) => number> = { floor: Math.floor, imul: Math.imul, clz32: Math.clz32 };

/** The value of an expression made only of literals and pure operators, or undefined. */
export function constValue(e: Expr): Value | undefined {
  switch (e.type) {
    case 'Literal': return typeof e.value === 'number' || typeof e.value === 'boolean' ? e.value : undefined;
    case 'UnaryExpression': {
      const a = constValue(e.argument as Expr);
      if (a === undefined) return undefined;
      switch (e.operator) {
        case '-': return -a;
        case '~': return ~a;
        case '!': return !a;
        default: return undefined;
      }
    }
    case 'BinaryExpression': {
      const a = constValue(e.left as Expr);
      if (a === undefined) return undefined;
      const b = constValue(e.right);
      if (b === undefined) return undefined;
      return binValue(e.operator, a as number, b as number);
    }
    case 'LogicalExpression': {
      const a = constValue(e.left);
      if (a === undefined) return undefined;
      const b = constValue(e.right);
      if (b === undefined) return undefined;
      return e.operator === '&&' ? a && b : e.operator === '||' ? a || b : undefined;
    }
    case 'ConditionalExpression': {
      const t = constValue(e.test);
      if (t === undefined) return undefined;
      return constValue(t ? e.consequent : e.alternate);
    }
    case 'CallExpression': {
      const f = mathFn(e);
      if (!f) return undefined;
      const args: number[] = [];
      for (const a of e.arguments) { const v = constValue(a as Expr); if (typeof v !== 'number') return undefined; args.push(v); }
      return f(...args);
    }
    default: return undefined;
  }
}

function binValue(op: E.BinaryOperator, a: number, b: number): Value | undefined {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '|': return a | b;
    case '&': return a & b;
    case '^': return a ^ b;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '>>>': return a >>> b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '===': case '==': return a === b;
    case '!==': case '!=': return a !== b;
    default: return undefined;
  }
}

function mathFn(e: E.CallExpression): ((...a: number[]) => number) | undefined {
  const c = e.callee;
  if (c.type !== 'MemberExpression' || c.computed || c.object.type !== 'Identifier' || c.object.name !== 'Math') return undefined;
  return c.property.type === 'Identifier' ? MATH[c.property.name] : undefined;
}

export function lit(v: Value): Expr {
  return typeof v === 'boolean' ? { type: 'Literal', value: v } : num(v);
}

/** Whether `e` certainly evaluates to an int32 (so `e | 0`, `e & -1`, `e >> 0` are `e`). */
export function isInt32(e: Expr, names: ReadonlySet<string>): boolean {
  switch (e.type) {
    case 'Literal': return typeof e.value === 'number' && (e.value | 0) === e.value && !Object.is(e.value, -0);
    case 'Identifier': return names.has(e.name);
    case 'UnaryExpression': {
      if (e.operator === '~') return true;
      const v = constValue(e);
      return typeof v === 'number' && (v | 0) === v && !Object.is(v, -0);
    }
    case 'BinaryExpression': return ['|', '&', '^', '<<', '>>'].includes(e.operator);
    case 'ConditionalExpression': return isInt32(e.consequent, names) && isInt32(e.alternate, names);
    case 'CallExpression': {
      const c = e.callee;
      if (c.type !== 'MemberExpression' || c.computed || c.object.type !== 'Identifier' || c.property.type !== 'Identifier') return false;
      if (c.object.name === 'Math') return c.property.name === 'imul' || c.property.name === 'clz32';
      return false;
    }
    case 'MemberExpression': return false;
    default: return false;
  }
}

/** Folds constants bottom-up and applies identities that hold for every input. */
export function simplify(e: Expr, names: ReadonlySet<string>): Expr {
  switch (e.type) {
    case 'UnaryExpression': {
      const a = simplify(e.argument as Expr, names);
      const r: Expr = a === e.argument ? e : { ...e, argument: a };
      const v = constValue(r);
      return v !== undefined && typeof v === 'number' ? lit(v) : r;
    }
    case 'BinaryExpression': {
      const l = simplify(e.left as Expr, names), rt = simplify(e.right, names);
      const r: E.BinaryExpression = l === e.left && rt === e.right ? e : { ...e, left: l, right: rt };
      const v = constValue(r);
      if (typeof v === 'number') return lit(v);
      return identity(r, names) ?? r;
    }
    case 'LogicalExpression': {
      const l = simplify(e.left, names), rt = simplify(e.right, names);
      const lv = constValue(l);
      // Only boolean-valued operands reach here (comparisons), so a constant side decides.
      if (lv !== undefined && typeof lv === 'boolean') {
        if (e.operator === '&&') return lv ? rt : lit(false);
        if (e.operator === '||') return lv ? lit(true) : rt;
      }
      return l === e.left && rt === e.right ? e : { ...e, left: l, right: rt };
    }
    case 'ConditionalExpression': {
      const t = simplify(e.test, names);
      const tv = constValue(t);
      if (tv !== undefined) return simplify(tv ? e.consequent : e.alternate, names);
      const a = simplify(e.consequent, names), b = simplify(e.alternate, names);
      if (a.type === 'Identifier' && b.type === 'Identifier' && a.name === b.name) return a;
      const av = constValue(a), bv = constValue(b);
      if (av !== undefined && av === bv) return a;
      return { ...e, test: t, consequent: a, alternate: b };
    }
    case 'CallExpression': {
      const args = e.arguments.map((a) => simplify(a as Expr, names));
      const r: Expr = { ...e, arguments: args };
      const v = mathFn(e) ? constValue(r) : undefined;
      return typeof v === 'number' ? lit(v) : r;
    }
    default: return e;
  }
}

function identity(e: E.BinaryExpression, names: ReadonlySet<string>): Expr | undefined {
  const l = e.left as Expr, r = e.right;
  const lv = constValue(l), rv = constValue(r);
  switch (e.operator) {
    case '|': case '^':
      if (rv === 0 && isInt32(l, names)) return l;
      if (lv === 0 && isInt32(r, names)) return r;
      if (e.operator === '|' && (rv === -1 || lv === -1)) return num(-1);
      break;
    case '&':
      if (rv === 0 || lv === 0) return num(0);
      if (rv === -1 && isInt32(l, names)) return l;
      if (lv === -1 && isInt32(r, names)) return r;
      break;
    case '<<': case '>>':
      if (rv === 0 && isInt32(l, names)) return l;
      break;
    case '+':
      if (rv === 0 && isInt32(l, names)) return l;
      break;
  }
  return undefined;
}
