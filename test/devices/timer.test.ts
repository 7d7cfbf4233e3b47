import { describe, it, expect } from 'vitest';
import { GenericTimer, TIMER_REG as R, TIMER_PPI, sysregEnc, type TimerKind } from '../../devices/timer.js';
import { IcountClock, WallClock, PI4_CNTFRQ } from '../../devices/timesource.js';
import { Gic400 } from '../../devices/gic400.js';
import { LevelLine } from '../../devices/device.js';
import { sysregEnc as cpuSysregEnc } from '../../src/isa/groups/system.js';

function setup(cpus = 1, nsPerInsn = 1) {
  const clock = new IcountClock(PI4_CNTFRQ, nsPerInsn);
  const lines = new Map<string, LevelLine>();
  const timer = new GenericTimer({
    cpus, clock,
    irq: (c, p) => { const l = new LevelLine(); lines.set(`${c}:${p}`, l); return l; },
  });
  const line = (c: number, k: TimerKind) => lines.get(`${c}:${TIMER_PPI[k]}`)!;
  return { clock, timer, line };
}
const sext32 = (v: bigint) => Number(BigInt.asIntN(32, v));

describe('generic timer registers', () => {
  it('encodings match the CPU decoder packing (op0:op1:CRn:CRm:op2)', () => {
    expect(R.CNTV_CTL_EL0).toBe(cpuSysregEnc(3, 3, 14, 3, 1));
    expect(R.CNTV_CTL_EL0).toBe(0xdf19);
    expect(R.CNTP_CVAL_EL0).toBe(cpuSysregEnc(3, 3, 14, 2, 2));
    expect(R.CNTVOFF_EL2).toBe(sysregEnc(3, 4, 14, 0, 3));
    expect(R.CNTPS_CTL_EL1).toBe(cpuSysregEnc(3, 7, 14, 2, 1));
  });

  it('CNTFRQ is 54 MHz; CNTPCT follows the instruction count; CNTVCT subtracts CNTVOFF', () => {
    const { clock, timer } = setup();
    expect(timer.read(0, R.CNTFRQ_EL0)).toBe(54_000_000n);
    clock.advance(1_000_000); // 1 ms of guest time at 1 ns per instruction
    expect(timer.read(0, R.CNTPCT_EL0)).toBe(54_000n);
    timer.write(0, R.CNTVOFF_EL2, 4_000n);
    expect(timer.read(0, R.CNTVCT_EL0)).toBe(50_000n);
    expect(timer.read(0, 0x1234)).toBeUndefined();
    expect(timer.write(0, 0x1234, 0n)).toBe(false);
    expect(timer.write(0, R.CNTPCT_EL0, 5n)).toBe(false); // read-only
  });

  it('ISTATUS / IMASK / ENABLE truth table, per the Arm ARM', () => {
    for (const kind of ['phys', 'virt', 'hyp', 'sec'] as TimerKind[]) {
      const regs = {
        phys: [R.CNTP_CTL_EL0, R.CNTP_CVAL_EL0], virt: [R.CNTV_CTL_EL0, R.CNTV_CVAL_EL0],
        hyp: [R.CNTHP_CTL_EL2, R.CNTHP_CVAL_EL2], sec: [R.CNTPS_CTL_EL1, R.CNTPS_CVAL_EL1],
      }[kind];
      for (const enable of [0, 1]) for (const imask of [0, 1]) for (const met of [false, true]) {
        const { clock, timer, line } = setup();
        clock.advance(1_000_000);                          // count 54000
        timer.write(0, regs[1], met ? 54_000n : 54_001n);  // condition: count >= CVAL
        timer.write(0, regs[0], BigInt(enable | (imask << 1)));
        const ctl = Number(timer.read(0, regs[0]));
        const istatus = enable === 1 && met;
        expect(ctl, `${kind} E${enable} M${imask} met=${met}`).toBe(enable | (imask << 1) | (istatus ? 4 : 0));
        expect(line(0, kind).level).toBe(istatus && imask === 0);
        expect(timer.output(0, kind)).toBe(istatus && imask === 0);
      }
    }
  });

  it('writes to ISTATUS are ignored; the output follows time once update() runs', () => {
    const { clock, timer, line } = setup();
    timer.write(0, R.CNTV_CVAL_EL0, 540n);
    timer.write(0, R.CNTV_CTL_EL0, 5n);
    expect(timer.read(0, R.CNTV_CTL_EL0)).toBe(1n);
    clock.advance(10_000);
    expect(timer.read(0, R.CNTV_CTL_EL0)).toBe(5n); // register reads see the condition at once
    expect(line(0, 'virt').level).toBe(false);      // the wire changes when the run loop updates
    timer.update();
    expect(line(0, 'virt').level).toBe(true);
    timer.write(0, R.CNTV_CTL_EL0, 3n);               // IMASK
    expect(line(0, 'virt').level).toBe(false);
    timer.write(0, R.CNTV_CTL_EL0, 1n);
    timer.write(0, R.CNTV_CVAL_EL0, 1n << 40n);       // reprogramming clears the condition
    expect(line(0, 'virt').level).toBe(false);
  });

  it('TVAL is a signed 32-bit down-counter view of CVAL', () => {
    const { clock, timer } = setup();
    clock.advance(1_000_000);                            // count 54000
    timer.write(0, R.CNTP_TVAL_EL0, 100n);
    expect(timer.read(0, R.CNTP_CVAL_EL0)).toBe(54_100n);
    expect(timer.read(0, R.CNTP_TVAL_EL0)).toBe(100n);
    clock.advance(3_000_000);                            // count 216000: 161900 past CVAL
    const tval = timer.read(0, R.CNTP_TVAL_EL0)!;
    expect(tval >> 32n).toBe(0n);                        // bits 63:32 are RES0
    expect(sext32(tval)).toBe(-161_900);
    timer.write(0, R.CNTP_TVAL_EL0, 0xfffffffbn);        // −5: already expired
    expect(timer.read(0, R.CNTP_CVAL_EL0)).toBe(216_000n - 5n);
    timer.write(0, R.CNTP_CTL_EL0, 1n);
    expect(timer.read(0, R.CNTP_CTL_EL0)! & 4n).toBe(4n);
    timer.write(0, R.CNTP_TVAL_EL0, 0x1_0000_0010n);     // only the low 32 bits count
    expect(timer.read(0, R.CNTP_CVAL_EL0)).toBe(216_016n);
    timer.write(0, R.CNTV_CVAL_EL0, 0n);                 // CVAL far behind: TVAL wraps in 32 bits
    clock.advance(2 ** 40);
    expect(timer.read(0, R.CNTV_TVAL_EL0)).toBe((0n - timer.read(0, R.CNTVCT_EL0)!) & 0xffffffffn);
  });

  it('the virtual timer compares against CNTVCT (CNTVOFF applies)', () => {
    const { clock, timer, line } = setup();
    timer.write(0, R.CNTVOFF_EL2, 1000n);
    clock.advance(100_000);                 // CNTPCT 5400, CNTVCT 4400
    timer.write(0, R.CNTV_CVAL_EL0, 5000n);
    timer.write(0, R.CNTV_CTL_EL0, 1n);
    expect(line(0, 'virt').level).toBe(false);
    timer.write(0, R.CNTVOFF_EL2, 0n);      // CNTVCT jumps to 5400
    expect(line(0, 'virt').level).toBe(true);
    expect(timer.read(0, R.CNTV_TVAL_EL0)).toBe(BigInt.asUintN(32, -400n));
  });

  it('each CPU has its own timers and PPIs into the GIC', () => {
    const gic = new Gic400({ cpus: 2 });
    const clock = new IcountClock();
    const timer = new GenericTimer({ cpus: 2, clock, irq: (c, p) => gic.ppi(c, p) });
    timer.write(1, R.CNTP_CVAL_EL0, 0n);
    timer.write(1, R.CNTP_CTL_EL0, 1n);
    expect(gic.pending(30, 1)).toBe(true);   // non-secure physical timer: ID 30
    expect(gic.pending(30, 0)).toBe(false);
    timer.write(0, R.CNTV_CTL_EL0, 1n);
    expect(gic.pending(27, 0)).toBe(true);   // virtual timer: ID 27
    timer.write(0, R.CNTHP_CTL_EL2, 1n);
    timer.write(0, R.CNTPS_CTL_EL1, 1n);
    expect(gic.pending(26, 0) && gic.pending(29, 0)).toBe(true);
    timer.write(0, R.CNTV_CTL_EL0, 0n);
    expect(gic.pending(27, 0)).toBe(false);  // level: gone when the timer is disabled
  });

  it('EL0 access follows CNTKCTL_EL1', () => {
    const { timer } = setup();
    expect(timer.el0Allowed(0, R.CNTVCT_EL0, false)).toBe(false);
    timer.write(0, R.CNTKCTL_EL1, 0b10n);                  // EL0VCTEN
    expect(timer.el0Allowed(0, R.CNTVCT_EL0, false)).toBe(true);
    expect(timer.el0Allowed(0, R.CNTFRQ_EL0, false)).toBe(true);
    expect(timer.el0Allowed(0, R.CNTPCT_EL0, false)).toBe(false);
    expect(timer.el0Allowed(0, R.CNTV_CTL_EL0, true)).toBe(false);
    timer.write(0, R.CNTKCTL_EL1, 0x100n);                 // EL0VTEN
    expect(timer.el0Allowed(0, R.CNTV_CTL_EL0, true)).toBe(true);
    expect(timer.el0Allowed(0, R.CNTP_CTL_EL0, true)).toBe(false);
    expect(timer.el0Allowed(0, R.CNTVOFF_EL2, false)).toBe(false);
  });
});

describe('time sources and deadlines', () => {
  it('icount: floor(insns × ns/insn × 54e6 / 1e9), until() is the exact instruction count', () => {
    const c = new IcountClock(PI4_CNTFRQ, 1);
    c.advance(18);
    expect(c.now()).toBe(0n);   // 18 ns = 0.972 ticks
    c.advance(1);
    expect(c.now()).toBe(1n);
    const target = 1000n, n = c.until(target);
    c.advance(n - 1);
    expect(c.now()).toBeLessThan(target);
    c.advance(1);
    expect(c.now()).toBe(target);
    expect(c.until(target)).toBe(0);
    expect(() => new IcountClock(PI4_CNTFRQ, 0.5)).toThrow();
  });

  it('wall clock: host nanoseconds scaled to 54 MHz, waits rounded up', () => {
    let ns = 5_000_000_000n;
    const c = new WallClock(PI4_CNTFRQ, () => ns);
    expect(c.now()).toBe(0n);
    ns += 1_000_000_000n;
    expect(c.now()).toBe(54_000_000n);
    expect(c.until(54_000_001n)).toBe(19); // 1 tick = 18.5 ns
    const s = c.save();
    const d = new WallClock(PI4_CNTFRQ, () => 0n);
    d.restore(s);
    expect(d.now()).toBe(54_000_000n);     // restored counts continue where they were
  });

  it('nextDeadline: earliest enabled, unmasked, not-yet-fired timer over all CPUs', () => {
    const { clock, timer } = setup(2);
    expect(timer.nextDeadline()).toBeNull();
    clock.advance(1_000_000);                                  // count 54000
    timer.write(0, R.CNTP_CVAL_EL0, 60_000n); timer.write(0, R.CNTP_CTL_EL0, 1n);
    timer.write(1, R.CNTV_CVAL_EL0, 55_000n); timer.write(1, R.CNTV_CTL_EL0, 3n); // masked: ignored
    timer.write(1, R.CNTHP_CVAL_EL2, 50_000n); timer.write(1, R.CNTHP_CTL_EL2, 1n); // already fired
    let d = timer.nextDeadline()!;
    expect([d.cpu, d.timer, d.counter, d.unit]).toEqual([0, 'phys', 60_000n, 'insns']);
    expect(d.wait).toBe(clock.until(60_000n));
    expect(d.wait).toBe(111_112);                              // 6000 ticks at 0.054 per instruction
    timer.write(1, R.CNTVOFF_EL2, 100n);
    timer.write(1, R.CNTV_CTL_EL0, 1n);                        // virtual at CNTVCT 55000 = CNTPCT 55100
    d = timer.nextDeadline()!;
    expect([d.cpu, d.timer, d.counter]).toEqual([1, 'virt', 55_100n]);
    clock.advance(d.wait);
    timer.update();
    expect(timer.output(1, 'virt')).toBe(true);
    expect(timer.nextDeadline()!.timer).toBe('phys');
  });

  it('nextDeadline: a timer whose condition came true after the last update() is due now, not lost', () => {
    // On the wall clock time moves between update() and nextDeadline(); a timer crossing its
    // compare value in between was once neither an asserted output nor a deadline, and an
    // idle Linux guest in `sleep 1` ended as 'stuck' (about 1 run in 300).
    let ns = 0n;
    const timer = new GenericTimer({ cpus: 1, clock: new WallClock(PI4_CNTFRQ, () => ns) });
    timer.write(0, R.CNTV_CVAL_EL0, 54_000n); timer.write(0, R.CNTV_CTL_EL0, 1n); // fires at 1 ms
    ns = 999_000n; timer.update();
    expect(timer.output(0, 'virt')).toBe(false);
    ns = 1_000_001n;                                           // crosses before the next update()
    const d = timer.nextDeadline();
    expect(d && [d.timer, d.wait]).toEqual(['virt', 0]);
    timer.update();
    expect(timer.output(0, 'virt')).toBe(true);
    expect(timer.nextDeadline()).toBeNull();                   // asserted: an interrupt, not a deadline
  });

  it('icount runs are deterministic', () => {
    const run = () => {
      const { clock, timer, line } = setup(1);
      const log: string[] = [];
      timer.write(0, R.CNTV_TVAL_EL0, 1000n); timer.write(0, R.CNTV_CTL_EL0, 1n);
      for (let step = 0; step < 200; step++) {
        clock.advance(977);                      // a run loop slice
        timer.update();
        if (line(0, 'virt').level) {
          log.push(`${step}:${timer.read(0, R.CNTVCT_EL0)}`);
          timer.write(0, R.CNTV_TVAL_EL0, 1000n); // the guest's tick handler re-arms
        }
      }
      return log;
    };
    const a = run();
    expect(a.length).toBeGreaterThan(5);
    expect(run()).toEqual(a);
  });

  it('save/restore as JSON, reset', () => {
    const { clock, timer } = setup(2);
    clock.advance(123_456);
    timer.write(1, R.CNTV_CVAL_EL0, 2n ** 63n + 5n);
    timer.write(1, R.CNTV_CTL_EL0, 1n);
    timer.write(0, R.CNTVOFF_EL2, 77n);
    const snap = JSON.parse(JSON.stringify(timer.save()));
    const b = setup(2);
    b.timer.restore(snap);
    expect(b.timer.read(1, R.CNTV_CVAL_EL0)).toBe(2n ** 63n + 5n);
    expect(b.timer.read(0, R.CNTVOFF_EL2)).toBe(77n);
    expect(b.timer.read(0, R.CNTPCT_EL0)).toBe(timer.read(0, R.CNTPCT_EL0));
    b.timer.reset();
    expect(b.timer.read(1, R.CNTV_CTL_EL0)).toBe(0n);
    expect(b.timer.read(0, R.CNTFRQ_EL0)).toBe(54_000_000n);
  });
});
