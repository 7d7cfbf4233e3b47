// The IR in which every instruction's meaning is written, once. An instruction's `sem` function
// calls the Builder below; the result is a short straight-line SSA list. Both engines consume it:
// the interpreter compiles it (with operands as parameters) into one handler per instruction
// shape, the JIT compiles it (with operands as constants) inline into block functions.
//
// Types: i32 and i64 are integers (i64 is carried as an int32 lo/hi pair in generated code),
// `bool` is an int32 that is 0 or 1, `pc` is a JS Number holding a canonical virtual address
// as a signed value (exact for every 48-bit canonical address). `f64` is a JS double: the value
// of a single- or double-precision FP/SIMD lane (single lanes widen exactly; a single result is
// rounded by `fround`). Float values only come from and go to V register lanes (getVF / setVF) and
// pure float helpers: guest FP semantics (FPCR, FPSR, NaNs) stay with the `sem` that uses them,
// which takes a float fast path only under a guard it proves exact (see `orSlow`).

export type Ty = 'i32' | 'i64' | 'bool' | 'pc' | 'f64';

export interface Val { readonly id: number; readonly ty: Ty }

export type BinOp =
  | 'add' | 'sub' | 'and' | 'or' | 'xor' | 'mul'
  | 'shl' | 'lsr' | 'asr' | 'ror'           // amount is an i32 already reduced below the width
  | 'umulh' | 'smulh' | 'udiv' | 'sdiv';
export type UnOp = 'not' | 'neg' | 'clz' | 'cls' | 'rbit' | 'rev' | 'rev16' | 'rev32';
export type CmpOp = 'eq' | 'ne' | 'ult' | 'ule' | 'slt' | 'sle';
export type FlagName = 'n' | 'z' | 'c' | 'v';
/** IEEE double operations (JS semantics: round to nearest even, NaN and infinities as IEEE). */
export type FBinOp = 'fadd' | 'fsub' | 'fmul' | 'fdiv' | 'fmax' | 'fmin';   // fmax/fmin: Math.max/min
export type FUnOp = 'fsqrt' | 'fround' | 'fabs' | 'fneg';
export type FCmpOp = 'flt' | 'fle' | 'feq';

export interface MemAttrs { unpriv?: boolean; acquire?: boolean; release?: boolean }

export type Node =
  | { k: 'opnd'; name: string }
  | { k: 'const'; lo: number; hi: number }            // hi ignored for i32/bool
  | { k: 'pcrel'; off: number }                       // ty pc: address of this insn + off
  | { k: 'pcadd'; a: Val }                            // ty pc: address of this insn + an i32 (signed)
  | { k: 'getReg'; slot: Val }                        // slot is an operand (2 × register slot); i32-typed reads only the low word
  | { k: 'getFlag'; flag: FlagName }
  | { k: 'bin'; op: BinOp; a: Val; b: Val }
  | { k: 'un'; op: UnOp; a: Val }
  | { k: 'cmp'; op: CmpOp; a: Val; b: Val }
  | { k: 'select'; c: Val; a: Val; b: Val }
  | { k: 'pair'; a: Val; b: Val }                     // i64 from i32 lo (a) and hi (b)
  | { k: 'zext'; a: Val }                             // i32 → i64
  | { k: 'sext'; a: Val }                             // i32 → i64
  | { k: 'trunc'; a: Val }                            // i64 → i32
  | { k: 'sextBits'; a: Val; bits: number }           // sign-extend the low `bits` within the type
  | { k: 'zextBits'; a: Val; bits: number }           // keep the low `bits`
  | { k: 'toPc'; a: Val }                             // i64 → pc
  | { k: 'fromPc'; a: Val }                           // pc → i64
  | { k: 'adc'; a: Val; b: Val; cin: Val }            // add with carry, result
  | { k: 'adcFlag'; flag: 'c' | 'v'; a: Val; b: Val; cin: Val; r: Val } // carry/overflow out of that add
  | { k: 'load'; addr: Val; size: 1 | 2 | 4 | 8; attrs: MemAttrs }
  | { k: 'getV'; r: Val; i: number }                 // i32 word i (0..3) of SIMD register V[r]; r is an operand
  | { k: 'getVF'; r: Val; i: number; lg: 2 | 3 }      // f64: single (lg 2) or double (lg 3) lane i of V[r]
  | { k: 'fconst'; x: number }                        // f64 constant
  | { k: 'fbin'; op: FBinOp; a: Val; b: Val }         // f64 op f64 → f64
  | { k: 'fun'; op: FUnOp; a: Val }                   // f64 → f64
  | { k: 'fcmp'; op: FCmpOp; a: Val; b: Val }         // f64, f64 → bool (false when either is NaN)
  | { k: 'fpState'; fpcrClear: number; fpsrSet: number } // bool: FPCR & fpcrClear is 0 and FPSR has every fpsrSet bit
  | { k: 'frange'; a: Val; lo: number; hi: number }   // bool: lo < |a| <= hi (false for NaN)
  | { k: 'call'; fn: string; args: Val[] };          // runtime helper; may fault or read state

export type Stmt =
  | { k: 'let'; v: Val; node: Node }
  | { k: 'setReg'; slot: Val; v: Val }                // i32 value writes W (upper half zeroed)
  | { k: 'setFlags'; n: Val; z: Val; c: Val; v: Val }
  | { k: 'store'; addr: Val; v: Val; size: 1 | 2 | 4 | 8; attrs: MemAttrs }
  | { k: 'effect'; fn: string; args: Val[] }          // helper called for its effect only
  | { k: 'setV'; r: Val; i: number; v: Val }          // writes i32 word i (0..3) of V[r]
  | { k: 'setVF'; r: Val; i: number; lg: 2 | 3; v: Val } // writes f64 v to single/double lane i of V[r]
  | { k: 'orSlow'; ok: Val; fn: string; args: Val[] }  // unless ok: helper fn instead of the statements after
  | { k: 'jump'; target: Val; cond?: Val }            // cond absent: unconditional; ends the insn
  | { k: 'exit'; fn: string; args: Val[] };           // helper that returns the next pc (svc, brk, udf…)

/** Nodes whose evaluation can fault or depends on state other than their inputs. */
export function hasEffect(n: Node): boolean {
  return n.k === 'load' || n.k === 'call';
}

export class Builder {
  readonly stmts: Stmt[] = [];
  private nextId = 0;
  ended = false;

  private def(ty: Ty, node: Node): Val {
    const v = { id: this.nextId++, ty };
    this.stmts.push({ k: 'let', v, node });
    return v;
  }

  // --- sources
  opnd(name: string): Val { return this.def('i32', { k: 'opnd', name }); }
  c32(x: number): Val { return this.def('i32', { k: 'const', lo: x | 0, hi: 0 }); }
  c64(lo: number, hi: number): Val { return this.def('i64', { k: 'const', lo: lo | 0, hi: hi | 0 }); }
  bool(x: boolean | number): Val { return this.def('bool', { k: 'const', lo: x ? 1 : 0, hi: 0 }); }
  pcRel(off: number): Val { return this.def('pc', { k: 'pcrel', off }); }
  /** This instruction's address plus a signed i32 (a branch offset operand). */
  pcPlus(off: Val): Val { return this.def('pc', { k: 'pcadd', a: off }); }
  /** Reads X[slot] (i64) or W[slot] (i32); `slot` is a register operand. */
  x(slot: Val): Val { return this.def('i64', { k: 'getReg', slot }); }
  w(slot: Val): Val { return this.def('i32', { k: 'getReg', slot }); }
  reg(slot: Val, ty: 'i32' | 'i64'): Val { return ty === 'i64' ? this.x(slot) : this.w(slot); }
  flag(f: FlagName): Val { return this.def('bool', { k: 'getFlag', flag: f }); }

  // --- arithmetic
  bin(op: BinOp, a: Val, b: Val): Val {
    if (a.ty !== b.ty && !['shl', 'lsr', 'asr', 'ror'].includes(op)) throw new Error(`ir: ${op} on ${a.ty}/${b.ty}`);
    return this.def(a.ty, { k: 'bin', op, a, b });
  }
  add(a: Val, b: Val) { return this.bin('add', a, b); }
  sub(a: Val, b: Val) { return this.bin('sub', a, b); }
  and(a: Val, b: Val) { return this.bin('and', a, b); }
  or(a: Val, b: Val) { return this.bin('or', a, b); }
  xor(a: Val, b: Val) { return this.bin('xor', a, b); }
  mul(a: Val, b: Val) { return this.bin('mul', a, b); }
  shl(a: Val, n: Val) { return this.bin('shl', a, n); }
  lsr(a: Val, n: Val) { return this.bin('lsr', a, n); }
  asr(a: Val, n: Val) { return this.bin('asr', a, n); }
  ror(a: Val, n: Val) { return this.bin('ror', a, n); }
  un(op: UnOp, a: Val): Val { return this.def(a.ty, { k: 'un', op, a }); }
  not(a: Val) { return this.un('not', a); }
  neg(a: Val) { return this.un('neg', a); }
  cmp(op: CmpOp, a: Val, b: Val): Val { return this.def('bool', { k: 'cmp', op, a, b }); }
  select(c: Val, a: Val, b: Val): Val { return this.def(a.ty, { k: 'select', c, a, b }); }
  pair(lo: Val, hi: Val): Val { return this.def('i64', { k: 'pair', a: lo, b: hi }); }
  zext(a: Val): Val { return a.ty === 'i64' ? a : this.def('i64', { k: 'zext', a }); }
  sext(a: Val): Val { return a.ty === 'i64' ? a : this.def('i64', { k: 'sext', a }); }
  trunc(a: Val): Val { return a.ty === 'i32' ? a : this.def('i32', { k: 'trunc', a }); }
  sextBits(a: Val, bits: number): Val { return this.def(a.ty, { k: 'sextBits', a, bits }); }
  zextBits(a: Val, bits: number): Val { return this.def(a.ty, { k: 'zextBits', a, bits }); }
  /** Extends an i32 or i64 to `ty`, signed or not (narrowing truncates). */
  resize(a: Val, ty: 'i32' | 'i64', signed = false): Val {
    if (ty === 'i32') return this.trunc(a);
    return signed ? this.sext(a) : this.zext(a);
  }
  toPc(a: Val): Val { return this.def('pc', { k: 'toPc', a }); }
  fromPc(a: Val): Val { return this.def('i64', { k: 'fromPc', a }); }

  /** AddWithCarry from the Arm ARM: the sum, and (when asked) the NZCV it defines. */
  addWithCarry(a: Val, b: Val, cin: Val, setFlags: boolean): Val {
    if (!setFlags) return this.def(a.ty, { k: 'adc', a, b, cin });
    const { r, n, z, c, v } = this.addWithCarryNZCV(a, b, cin);
    this.setNZCV(n, z, c, v);
    return r;
  }
  /** AddWithCarry's sum and NZCV as values, without writing the flags (CCMP selects them). */
  addWithCarryNZCV(a: Val, b: Val, cin: Val): { r: Val; n: Val; z: Val; c: Val; v: Val } {
    const r = this.def(a.ty, { k: 'adc', a, b, cin });
    const zero = a.ty === 'i64' ? this.c64(0, 0) : this.c32(0);
    return {
      r,
      n: this.cmp('slt', r, zero),
      z: this.cmp('eq', r, zero),
      c: this.def('bool', { k: 'adcFlag', flag: 'c', a, b, cin, r }),
      v: this.def('bool', { k: 'adcFlag', flag: 'v', a, b, cin, r }),
    };
  }
  /** N and Z from a result, C and V cleared: the flags of ANDS/BICS. */
  setNZ00(r: Val): void {
    const zero = r.ty === 'i64' ? this.c64(0, 0) : this.c32(0);
    this.setNZCV(this.cmp('slt', r, zero), this.cmp('eq', r, zero), this.bool(0), this.bool(0));
  }

  // --- memory and helpers
  load(addr: Val, size: 1 | 2 | 4 | 8, attrs: MemAttrs = {}): Val {
    return this.def(size === 8 ? 'i64' : 'i32', { k: 'load', addr, size, attrs });
  }
  store(addr: Val, v: Val, size: 1 | 2 | 4 | 8, attrs: MemAttrs = {}): void {
    this.stmts.push({ k: 'store', addr, v, size, attrs });
  }
  call(fn: string, ty: Ty, ...args: Val[]): Val { return this.def(ty, { k: 'call', fn, args }); }
  effect(fn: string, ...args: Val[]): void { this.stmts.push({ k: 'effect', fn, args }); }
  /** Word i (0..3, little-endian order) of the 128-bit SIMD register V[r]. Both engines emit
   *  these inline (cpu.V), so register moves and lane-wise integer ops need no helper call. */
  vWord(r: Val, i: number): Val { return this.def('i32', { k: 'getV', r, i }); }
  setVWord(r: Val, i: number, v: Val): void {
    if (v.ty !== 'i32') throw new Error(`ir: setVWord of ${v.ty}`);
    this.stmts.push({ k: 'setV', r, i, v });
  }

  // --- float lanes (f64 values; see the header)
  /** Lane i of V[r] as a double: single (lg 2, exact widening) or double (lg 3). */
  vLaneF(r: Val, i: number, lg: 2 | 3): Val { return this.def('f64', { k: 'getVF', r, i, lg }); }
  /** Writes a float lane. `v` must never be a NaN (NaN bits move through the int view): the JIT
   *  relies on it to keep float lanes in locals (jit/vlocals.ts). */
  setVLaneF(r: Val, i: number, lg: 2 | 3, v: Val): void {
    if (v.ty !== 'f64') throw new Error(`ir: setVLaneF of ${v.ty}`);
    this.stmts.push({ k: 'setVF', r, i, lg, v });
  }
  fconst(x: number): Val { return this.def('f64', { k: 'fconst', x }); }
  fbin(op: FBinOp, a: Val, b: Val): Val {
    if (a.ty !== 'f64' || b.ty !== 'f64') throw new Error(`ir: ${op} on ${a.ty}/${b.ty}`);
    return this.def('f64', { k: 'fbin', op, a, b });
  }
  fun(op: FUnOp, a: Val): Val { return this.def('f64', { k: 'fun', op, a }); }
  fcmp(op: FCmpOp, a: Val, b: Val): Val { return this.def('bool', { k: 'fcmp', op, a, b }); }
  /** Whether FPCR has none of the `fpcrClear` bits and FPSR all of the `fpsrSet` bits. */
  fpState(fpcrClear: number, fpsrSet = 0): Val { return this.def('bool', { k: 'fpState', fpcrClear, fpsrSet }); }
  /** Whether lo < |a| <= hi (a range test on a double; false for NaN). */
  frange(a: Val, lo: number, hi: number): Val { return this.def('bool', { k: 'frange', a, lo, hi }); }
  /** The guarded fast path: when `ok` is false the instruction is the helper call `fn(args)`
   *  (which must do everything the instruction does) and the statements after this one are
   *  skipped. Everything before it must be pure (reads and arithmetic), so the helper sees the
   *  state the instruction started from. */
  orSlow(ok: Val, fn: string, ...args: Val[]): void { this.stmts.push({ k: 'orSlow', ok, fn, args }); }

  // --- state updates and control flow
  setReg(slot: Val, v: Val): void {
    if (v.ty !== 'i32' && v.ty !== 'i64') throw new Error(`ir: setReg of ${v.ty}`);
    this.stmts.push({ k: 'setReg', slot, v });
  }
  setNZCV(n: Val, z: Val, c: Val, v: Val): void { this.stmts.push({ k: 'setFlags', n, z, c, v }); }
  jump(target: Val, cond?: Val): void {
    this.stmts.push({ k: 'jump', target, cond });
    if (!cond) this.ended = true;
  }
  exit(fn: string, ...args: Val[]): void { this.stmts.push({ k: 'exit', fn, args }); this.ended = true; }
}
