// The scheduler's yield to a woken machine (src/machine/scheduler.ts): two machines in one event
// loop, A busy, B idle in WFI. A wakes B in the middle of its 20 ms window (as a frame through
// the in-process switch does); B must run right after A's current slice, not after A's window.
// The machines are stand-ins with just what Scheduler touches; A's slices take ~1 ms each.
import { describe, expect, it } from 'vitest';
import { Scheduler, yieldToWoken } from '../../src/machine/scheduler.js';
import type { Machine } from '../../src/machine/machine.js';

interface Stub { m: Machine; irq: boolean; slices: number; onRun?: () => void }

function stubMachine(state: 'running' | 'wfi', sliceMs: number): Stub {
  const s: Stub = { m: undefined as unknown as Machine, irq: false, slices: 0 };
  const cpu = { pc: 0, icount: 0, exclAddr: -1, exclSize: 0 };
  const env = { state, resumePc: 0, takeInterrupt: (pc: number) => pc };
  const engine = {
    run: (n: number) => {
      const end = Date.now() + sliceMs;
      while (Date.now() < end) { /* a busy guest */ }
      cpu.icount += n; s.slices++;
      s.onRun?.();
    },
  };
  s.m = {
    stop: undefined, cpus: 1, icount: undefined, vcpus: [{ index: 0, cpu, env, engine }],
    irqLine: () => s.irq, fiqLine: () => false,
    timer: { nextDeadline: () => null, update: () => {} },
    wake: () => {},
  } as unknown as Machine;
  return s;
}

/** A's slices run after the one in which it woke B, before B ran. */
async function slicesBeforeWokenRuns(): Promise<number> {
  const a = stubMachine('running', 1), b = stubMachine('wfi', 0);
  let aAtB = -1;
  a.onRun = () => {
    if (a.slices === 3) { b.irq = true; b.m.wake(); }
    if (a.slices >= 200) (a.m as { stop: unknown }).stop = { code: 0, message: '' };
  };
  b.onRun = () => {
    aAtB = a.slices;
    (b.m as { stop: unknown }).stop = { code: 0, message: '' };
    (a.m as { stop: unknown }).stop = { code: 0, message: '' };
  };
  const sa = new Scheduler(a.m), sb = new Scheduler(b.m, true);
  await Promise.all([sb.run({ quantum: 1000 }), sa.run({ quantum: 1000 })]);
  expect(aAtB).toBeGreaterThanOrEqual(3);
  return aAtB - 3;
}

describe('Scheduler: yield to a machine woken by another', () => {
  it('on (the default): the woken machine runs right after the waker\'s current slice', async () => {
    expect(yieldToWoken.enabled).toBe(true);
    expect(await slicesBeforeWokenRuns()).toBe(0);
  });
  it('off: the waker finishes its 20 ms window first (what it fixes)', async () => {
    yieldToWoken.enabled = false;
    try {
      expect(await slicesBeforeWokenRuns()).toBeGreaterThanOrEqual(5);
    } finally {
      yieldToWoken.enabled = true;
    }
  });
});
