// A hostile VM: random hypercall numbers and arguments (grant/revoke storms over random ranges,
// pKVM calls, PSCI), loads and stores to every kind of IPA (its RAM, past its RAM, the IPAs equal
// to the core's physical pages, the device windows, random 40- and 64-bit addresses), random
// words and jumps — on 2 vCPUs, both engines, kvm and krustvm isolation. No JS exception may
// escape, and the ownership invariants hold afterwards: core pages are still the core's, the VM
// owns exactly its RAM pages, no share count passes the cap, the host still cannot read
// ungranted VM pages.
import { describe, expect, it } from 'vitest';
import { BufferBackend } from '../../devices/serial/backend.js';
import { layout, parseKernel } from '../../src/machine/loader.js';
import { Scheduler } from '../../src/machine/scheduler.js';
import type { Machine } from '../../src/machine/machine.js';
import { VmMachine, kernelImage } from '../../hypervisor/host/vm-machine.js';
import { OWNER_CORE, OWNER_HOST, SHARE_CAP } from '../../hypervisor/core/core.js';
import { signImage } from '../../hypervisor/core/image-verify.js';
import { KEYS } from './fixture.js';
import { CODE, RAM, hostileCode, rng } from './hostile-code.js';

const HOSTILE_INSNS = Number(process.env.HOSTILE_INSNS ?? 10_000_000);

describe('hostile VM', () => {
  for (const engine of ['interp', 'jit'] as const) {
    for (const isolation of ['kvm', 'krustvm'] as const) {
      it(`random hypercalls, storms and accesses to every IPA: no exception, invariants hold (${engine}, ${isolation})`, async () => {
        const next = rng(engine === 'jit' ? 777 : 4242);
        const physGuess = RAM + Math.ceil(RAM / 512 / 4096) * 4096 + 128 * 4096;
        const code = hostileCode(CODE / 4, next, physGuess);
        const bytes = new Uint8Array(code.buffer);
        const l = layout(parseKernel('hostile', bytes, RAM, 0), { ramBytes: RAM, cpus: 2 });
        const k = kernelImage(l);
        const sig = signImage(k.bytes, k.ipa, KEYS.privateKeyPem);
        if (!sig.ok) throw new Error(sig.reason);
        const m = VmMachine.create({ isolation, ramBytes: RAM, cpus: 2, engine, icount: true, serial: new BufferBackend(), publicKeyPem: KEYS.publicKeyPem },
          { layout: { ...l, kernel: { ...l.kernel, entry: 0x1000 } }, kernelSignature: sig.signature });
        if ('error' in m) throw new Error(m.error);
        const r = await new Scheduler(m as unknown as Machine).run({ maxInsns: HOSTILE_INSNS, quantum: 5000 });
        expect(['limit', 'exit', 'stuck', 'off']).toContain(r.reason);
        const core = m.core;
        if (process.env.HOSTILE_DEBUG) console.log(r, [...core.log.counters], core.log.entries.slice(0, 5));
        expect(core.log.get('hypercalls')).toBeGreaterThan(100);
        expect(core.log.get('stage-2 faults')).toBeGreaterThan(10);
        let vmPages = 0, corePages = 0;
        for (let p = 0; p < core.pageCount; p++) {
          const info = core.pageInfo(p);
          expect(info.shareCount).toBeLessThanOrEqual(SHARE_CAP);
          if (info.owner === m.vm) vmPages++;
          else if (info.owner === OWNER_CORE) corePages++;
          else expect(info.owner).toBe(OWNER_HOST);
          if (info.owner === m.vm && isolation === 'krustvm') {
            const readable = core.hostView().read(p * 4096, 1) !== null;
            expect(readable).toBe(info.shareCount > 0);
          }
        }
        // The VM's state may be POWERED_OFF (garbage can call PSCI); its pages are all still its own.
        expect(vmPages).toBe(RAM / 4096);
        expect(corePages).toBe(core.pageCount - core.hostPages().length - vmPages);
        expect(corePages).toBeGreaterThan(0);
      }, 300_000);
    }
  }
});
