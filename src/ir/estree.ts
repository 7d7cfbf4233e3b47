// Small constructors for the ESTree nodes the code generators build (printed with astring).
import type * as E from 'estree';

export type Expr = E.Expression;
export type St = E.Statement;

export const id = (name: string): E.Identifier => ({ type: 'Identifier', name });
export function num(x: number): Expr {
  if (Object.is(x, -0) || x < 0) return { type: 'UnaryExpression', operator: '-', prefix: true, argument: { type: 'Literal', value: -x } };
  return { type: 'Literal', value: x };
}
export const bin = (operator: E.BinaryOperator, left: Expr, right: Expr): Expr => ({ type: 'BinaryExpression', operator, left, right });
export const logic = (operator: E.LogicalOperator, left: Expr, right: Expr): Expr => ({ type: 'LogicalExpression', operator, left, right });
export const unary = (operator: E.UnaryOperator, argument: Expr): Expr => ({ type: 'UnaryExpression', operator, prefix: true, argument });
export const cond = (test: Expr, consequent: Expr, alternate: Expr): Expr => ({ type: 'ConditionalExpression', test, consequent, alternate });
export const index = (object: Expr, property: Expr): E.MemberExpression => ({ type: 'MemberExpression', object, property, computed: true, optional: false });
export const member = (object: Expr, name: string): E.MemberExpression => ({ type: 'MemberExpression', object, property: id(name), computed: false, optional: false });
export const call = (callee: Expr, args: Expr[]): Expr => ({ type: 'CallExpression', callee, arguments: args, optional: false });
export const assign = (left: E.Pattern, right: Expr, operator: E.AssignmentOperator = '='): St =>
  ({ type: 'ExpressionStatement', expression: { type: 'AssignmentExpression', operator, left, right } });
export const exprSt = (expression: Expr): St => ({ type: 'ExpressionStatement', expression });
export const constDecl = (name: string, init: Expr, kind: 'const' | 'let' = 'const'): St =>
  ({ type: 'VariableDeclaration', kind, declarations: [{ type: 'VariableDeclarator', id: id(name), init }] });
export const ret = (argument: Expr): St => ({ type: 'ReturnStatement', argument });
export const block = (body: St[]): E.BlockStatement => ({ type: 'BlockStatement', body });
export const ifSt = (test: Expr, consequent: St, alternate?: St): St => ({ type: 'IfStatement', test, consequent, alternate: alternate ?? null });
export const comment = (st: St, text: string): St => ({ ...st, leadingComments: [{ type: 'Line', value: ' ' + text }] } as St);

export const isLit = (e: Expr): e is E.Literal & { value: number } => e.type === 'Literal' && typeof e.value === 'number';
/** The numeric value of a literal (possibly negated) expression, or undefined. */
export function litValue(e: Expr): number | undefined {
  if (isLit(e)) return e.value;
  if (e.type === 'UnaryExpression' && e.operator === '-' && isLit(e.argument as Expr)) return -(e.argument as E.Literal & { value: number }).value;
  return undefined;
}
export const isSimple = (e: Expr): boolean => e.type === 'Identifier' || litValue(e) !== undefined;
