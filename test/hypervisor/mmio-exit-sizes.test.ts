// MMIO exits of every access size carry exactly the access's bytes: a store gives the host the
// low 1/2/4/8 bytes of the register (no more), and a load gives the guest only the low bytes of
// whatever the host answers, zero-extended (a host answering wider values injects nothing more).
// Expected values follow from the A64 STRB/STRH/STR and LDRB/LDRH/LDR definitions (Arm ARM C6).
import { describe, expect, it } from 'vitest';
import type { MmioExit } from '../../hypervisor/core/core.js';
import { A, KEYS, MMIO_IPA, PAGE, makeCore, powerOff, prologue, runToExit } from './fixture.js';
import { signImage } from '../../hypervisor/core/image-verify.js';

const Rn = 9 << 5;
const STRB = (rt: number) => (0x39000000 | Rn | rt) >>> 0, STRH = (rt: number) => (0x79000000 | Rn | rt) >>> 0, STRW = (rt: number) => (0xb9000000 | Rn | rt) >>> 0;
const LDRB = (rt: number) => (0x39400000 | Rn | rt) >>> 0, LDRH = (rt: number) => (0x79400000 | Rn | rt) >>> 0;

const VALUE = 0xfedcba9876543210n, ANSWER = 0xa1b2c3d4e5f60718n;

for (const engine of ['interp', 'jit'] as const) {
  describe(`MMIO exit values by access size (${engine})`, () => {
    it('stores give the low bytes, loads take the low bytes of the host\'s answer', () => {
      const f = makeCore();
      const { core } = f;
      const seen: MmioExit[] = [];
      const r = core.registerVm({
        isolation: 'krustvm', vcpus: 1, ramBytes: 8 * PAGE, engine,
        hooks: {
          timer: f.timer, irqLine: () => false, fiqLine: () => false,
          mmio: (e) => { if (!e.isWrite) e.value = ANSWER; seen.push({ ...e }); return true; },
        },
      });
      if (!r.ok) throw new Error(r.reason);
      expect(core.registerVcpu(r.vm, 0).ok).toBe(true);
      const code = [
        ...prologue(), ...A.mov(3, VALUE),
        STRB(3), STRH(3), STRW(3), A.str(3, 9),
        ...[4, 5, 6, 7].flatMap((x) => A.mov(x, -1n)), // garbage the loads must replace entirely
        LDRB(4), LDRH(5), A.ldrw(6, 9), A.ldr(7, 9),
        A.str(4, 9), A.str(5, 9), A.str(6, 9), A.str(7, 9),
        ...powerOff(0),
      ];
      const image = new Uint8Array(PAGE);
      code.forEach((w, i) => new DataView(image.buffer).setUint32(4 * i, w, true));
      const pfns = core.hostPages().slice(0, 8);
      expect(core.hostView().write(pfns[0] * PAGE, image)).toBe(true);
      const sig = signImage(image, 0, KEYS.privateKeyPem);
      if (!sig.ok) throw new Error(sig.reason);
      for (const x of [core.remapImagePages(r.vm, 0, PAGE, pfns.slice(0, 1), sig.signature), core.mapVmPages(r.vm, PAGE, pfns.slice(1)),
        core.setBootInfo(r.vm, 0, 0n), core.ioremap(r.vm, MMIO_IPA, PAGE), core.verifyImages(r.vm)]) expect(x).toEqual({ ok: true });
      expect(runToExit(f, r.vm)).toMatchObject({ reason: 'system-off' });
      expect(seen.map((e) => [e.isWrite ? 'w' : 'r', e.size, e.isWrite ? e.value : undefined])).toEqual([
        ['w', 1, 0x10n], ['w', 2, 0x3210n], ['w', 4, 0x76543210n], ['w', 8, VALUE],
        ['r', 1, undefined], ['r', 2, undefined], ['r', 4, undefined], ['r', 8, undefined],
        ['w', 8, 0x18n], ['w', 8, 0x0718n], ['w', 8, 0xe5f60718n], ['w', 8, ANSWER],
      ]);
      expect(core.log.get('exits: mmio')).toBe(12);
    });
  });
}
