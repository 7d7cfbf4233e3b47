// The run loop on the wall clock: when every CPU waits (WFI) and the timer deadline passed after
// the timer outputs were last updated, the loop must update them and wake the CPU — not end the
// run as 'stuck'. (The bundled guest hit this in `boot --cmd 'sleep 2'`, about 1 run in 3:
// nextDeadline() only lists timers still to fire, so a timer that fired in between was neither a
// deadline nor an interrupt.)
import { describe, expect, it } from 'vitest';
import { Machine } from '../../src/machine/machine.js';
import { Scheduler } from '../../src/machine/scheduler.js';
import { TIMER_REG } from '../../devices/timer.js';

describe('scheduler idle (wall clock)', () => {
  it('wakes a WFI CPU whose timer fired since the last update', async () => {
    const m = new Machine({ ramBytes: 1 << 20, engine: 'interp' });
    const d = m.dev.gic.distributor, c = m.dev.gic.cpuInterface;
    d.write(0x000, 4, 1, 0);           // GICD_CTLR: enable
    d.write(0x100, 4, 1 << 27, 0);     // GICD_ISENABLER0: the virtual timer's PPI (ID 27)
    d.write(0x418, 4, 0, 0);           // GICD_IPRIORITYR6: IDs 24..27 priority 0
    c.write(0x004, 4, 0xf0, 0);        // GICC_PMR
    c.write(0x000, 4, 1, 0);           // GICC_CTLR: enable
    // The virtual timer fires 1 ms from now; nobody calls timer.update() before the loop.
    m.timer.write(0, TIMER_REG.CNTV_CVAL_EL0, m.timer.counter() + 54_000n);
    m.timer.write(0, TIMER_REG.CNTV_CTL_EL0, 1n);
    expect(m.irqLine(0)).toBe(false);
    await new Promise((r) => setTimeout(r, 20));  // the deadline passes
    m.vcpus[0].env.state = 'wfi';
    const r = await new Scheduler(m).run({ maxInsns: 1 });
    expect(r.reason, r.message).toBe('limit');       // woke up and ran, not 'stuck'
    expect(m.irqLine(0)).toBe(true);
  });
});
