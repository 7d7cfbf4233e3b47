// Inline TLB tests remember the last page they hit in unit locals (UnitState.tlbSites). Such a
// remembered translation must be dropped when a helper that may change translations runs inside
// the unit: here the environment's DC CVAC handler moves a virtual page to another physical page
// and flushes the TLB, as a system environment does after a page-table change. Both engines must
// then load from and store to the new physical page.
import { describe, it, expect } from 'vitest';
import { machine, load, runToStop, state, type Machine } from './harness.js';
import type { JitEngine } from '../../jit/engine.js';

const CODE = 0x1000, VDATA = 0x40000, OLD = 0x50000, NEW = 0x60000;
const N = 60, SWITCH_AT = 25;        // iterations; the DC CVAC call after which the page moves
const LOOP = [
  0xf9400043, // ldr  x3, [x2]       x2 = VDATA
  0x8b030084, // add  x4, x4, x3
  0xf90004a4, // str  x4, [x5, #8]   x5 = VDATA
  0xd50b7a26, // dc   cvac, x6       the environment may remap VDATA here
  0xf1000400, // subs x0, x0, #1
  0x54ffff61, // b.ne 0x1000
  0xd4200000, // brk  #0
];

function run(engine: 'interp' | 'jit'): Machine {
  const remap = new Map([[VDATA >> 12, OLD >> 12]]);
  const m = machine({ engine, jitThreshold: 4, remap });
  let calls = 0;
  m.cpu.env.sysOp = () => {
    if (++calls === SWITCH_AT) { remap.set(VDATA >> 12, NEW >> 12); m.mem.flushTlb(); }
  };
  load(m, CODE, LOOP);
  m.mem.dv.setBigUint64(OLD, 3n, true);
  m.mem.dv.setBigUint64(NEW, 1000n, true);
  m.cpu.setX(0, BigInt(N)); m.cpu.setX(2, BigInt(VDATA)); m.cpu.setX(5, BigInt(VDATA));
  m.cpu.pc = CODE;
  runToStop(m);
  return m;
}

describe('JIT: remembered TLB pages', () => {
  it('a translation changed by a helper inside the unit is seen by the next access at every site', () => {
    const sum = (k: number, v: bigint) => BigInt(k) * v;
    // Iterations 1..SWITCH_AT load 3 from OLD; the rest load 1000 from NEW.
    const atSwitch = sum(SWITCH_AT, 3n), final = atSwitch + sum(N - SWITCH_AT, 1000n);
    for (const engine of ['interp', 'jit'] as const) {
      const m = run(engine);
      expect(m.stop?.message).toContain('brk');
      expect(m.cpu.getX(4)).toBe(final);
      // The stores followed the page: OLD keeps the sum at the switch, NEW the final one.
      expect(m.mem.dv.getBigUint64(OLD + 8, true)).toBe(atSwitch);
      expect(m.mem.dv.getBigUint64(NEW + 8, true)).toBe(final);
      if (engine === 'jit') expect((m.engine as JitEngine).stats().unitsCompiled).toBeGreaterThan(0);
    }
    expect(state(run('jit'), [[OLD, 16], [NEW, 16]])).toEqual(state(run('interp'), [[OLD, 16], [NEW, 16]]));
  });

  it('an access to the page a site remembers when it has none faults instead of reaching RAM', () => {
    // A site emptied by a state helper keeps the low word of its last page and compares equal for
    // an address in that page with the high word 0x7ffffffe (no RAM there); the access must still
    // go to the accessor, which faults. Each iteration starts with a state helper (DC CVAC), and
    // iteration K loads from VDATA + 0x10 with that high word.
    const BAD = (0x7ffffffen << 32n) | BigInt(VDATA + 0x10), K = 7;
    const code = [
      0xd50b7a26, // dc   cvac, x6
      0xf1001c1f, // cmp  x0, #7
      0x9a89010a, // csel x10, x8, x9, eq
      0xf9400143, // ldr  x3, [x10]
      0x8b030084, // add  x4, x4, x3
      0xf1000400, // subs x0, x0, #1
      0x54ffff41, // b.ne 0x1000
      0xd4200000, // brk  #0
    ];
    const results = (['interp', 'jit'] as const).map((engine) => {
      const m = machine({ engine, jitThreshold: 4 });
      load(m, CODE, code);
      m.mem.dv.setBigUint64(VDATA, 5n, true);
      m.mem.dv.setBigUint64(0x10, 0xdeadn, true);     // what a RAM access at the empty site's base + 0x10 would read
      m.cpu.setX(0, BigInt(N)); m.cpu.setX(8, BAD); m.cpu.setX(9, BigInt(VDATA));
      m.cpu.pc = CODE;
      runToStop(m);
      // (the harness reports a translation fault at the page of the address's low word)
      expect(m.faults).toEqual([['translation', BigInt(VDATA), CODE + 12]]);
      expect(m.cpu.getX(4)).toBe(BigInt(N - K) * 5n);
      if (engine === 'jit') expect((m.engine as JitEngine).stats().unitsCompiled).toBeGreaterThan(0);
      return state(m);
    });
    expect(results[1]).toEqual(results[0]);
  });
});
