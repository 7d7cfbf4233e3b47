// Condition codes: ConditionHolds from the Arm ARM, shared by every instruction that tests one
// (B.cond, CSEL and friends, CCMP/CCMN, FCSEL, FCCMP).
import type { Builder, Val } from '../ir/ir.js';

/** ConditionHolds(cond) from the Arm ARM, as a bool built from the current flags. */
export function condHolds(b: Builder, cond: number): Val {
  const [c, inverted] = condBase(b, cond);
  return inverted ? b.xor(c, b.bool(1)) : c;
}

/** ConditionHolds as a value and whether it still needs inverting: for EQ..VC the odd
 *  condition is the flag inverted, which a select can absorb by swapping its arms. */
export function condBase(b: Builder, cond: number): [Val, boolean] {
  const inv = (cond & 1) === 1;
  switch (cond >> 1) {
    case 0: return [b.flag('z'), inv];                               // EQ / NE
    case 1: return [b.flag('c'), inv];                               // CS / CC
    case 2: return [b.flag('n'), inv];                               // MI / PL
    case 3: return [b.flag('v'), inv];                               // VS / VC
    case 4: {                                                        // HI: C > Z; LS: C <= Z
      const c = b.flag('c'), z = b.flag('z');
      return [inv ? b.cmp('ule', c, z) : b.cmp('ult', z, c), false];
    }
    case 5: return [b.cmp(inv ? 'ne' : 'eq', b.flag('n'), b.flag('v')), false];   // GE / LT
    case 6: {                                                        // GT: (N != V | Z) == 0; LE
      const bad = b.or(b.xor(b.flag('n'), b.flag('v')), b.flag('z'));
      return [b.cmp(inv ? 'ne' : 'eq', bad, b.bool(0)), false];
    }
    default: return [b.bool(1), false];                              // AL, NV
  }
}
