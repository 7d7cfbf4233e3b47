// The legacy virtio-mmio interface (version 1) with the bundled Linux guest: VM a has its NIC on
// `transport=legacy`, VM b a modern one, both on one in-process switch. Linux's virtio_mmio
// reads Version 1 and takes its legacy path (GuestPageSize, QueuePFN, no VERSION_1, the 10/12
// byte legacy header); the two ping each other. The guest's own view of the negotiation is the
// proof that the path was taken: /sys/bus/virtio/devices/virtio0/features lists the negotiated
// bits as '0'/'1' from bit 0, so character 33 is VERSION_1 (bit 32): 0 on a, 1 on b.
// The legacy guest runs in both engines with --mode bare, and under the hypervisor core with
// --mode kvm (its DMA through the core's view of the VM); --mode krustvm refuses legacy NICs,
// which test/net/net-args.test.ts checks. The modern peer is a bare JIT VM.
import { describe, expect, it } from 'vitest';
import { bootVms, pingCounts, retry, waitPing } from './run_vms.js';

const A = '10.0.0.1', B = '10.0.0.2';
const MAC_A = '52:54:00:00:00:01', MAC_B = '52:54:00:00:00:02';

const features = `echo "FEATURES $(cat /sys/bus/virtio/devices/virtio0/features)"`;
const scriptA = [features, waitPing(B), `ping -c 3 ${B}`, 'timeout 300 nc -l -p 9 > /dev/null'].join('\n');
const scriptB = [features, waitPing(A), `ping -c 3 ${A}`, retry(`echo done | nc ${A} 9`)].join('\n');

/** The negotiated feature bits a guest printed. */
function negotiated(out: string): Set<number> {
  const m = /^FEATURES ([01]+)$/m.exec(out);
  expect(m, 'features line').not.toBeNull();
  return new Set([...m![1]].flatMap((c, i) => (c === '1' ? [i] : [])));
}

describe.each([['jit', 'bare'], ['interp', 'bare'], ['jit', 'kvm']] as const)('a legacy NIC (%s, --mode %s) and a modern NIC on one switch', (engineA, modeA) => {
  it('Linux takes the legacy path on a (no VERSION_1) and the modern one on b; ping both ways', async () => {
    const lan = `lan-legacy-${engineA}-${modeA}`;
    const r = await bootVms([
      { name: 'a', net: [`switch,name=${lan},mac=${MAC_A},transport=legacy`], cmd: scriptA, engine: engineA, mode: modeA },
      { name: 'b', net: [`switch,name=${lan},mac=${MAC_B}`], cmd: scriptB, engine: 'jit', mode: 'bare' },
    ]);
    const { a, b } = r.consoles;
    try {
      expect(r.status).toBe(0);
      const fa = negotiated(a), fb = negotiated(b);
      expect(fa.has(32)).toBe(false); // VERSION_1
      expect(fb.has(32)).toBe(true);
      // Both drivers took the features they were offered (CTRL_GUEST_OFFLOADS 2, MAC 5,
      // MRG_RXBUF 15, STATUS 16, CTRL_VQ 17); only the legacy one sees ANY_LAYOUT (27).
      for (const bit of [2, 5, 15, 16, 17]) { expect(fa.has(bit), `a bit ${bit}`).toBe(true); expect(fb.has(bit), `b bit ${bit}`).toBe(true); }
      expect(fa.has(27)).toBe(true);
      expect(fb.has(27)).toBe(false);
      expect(pingCounts(a, B)).toEqual({ sent: 3, received: 3 });
      expect(pingCounts(b, A)).toEqual({ sent: 3, received: 3 });
    } catch (x) {
      console.error(`--- a:\n${a}\n--- b:\n${b}`);
      throw x;
    }
  }, 900_000);
});
