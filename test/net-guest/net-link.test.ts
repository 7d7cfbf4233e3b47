// Link status seen by the bundled Linux guest: its NIC is on a stream server (`--net
// stream,server=tcp:…`), and this test is the peer. No peer: Linux reports no carrier; the test
// connects: carrier; it hangs up: no carrier again (the config-change interrupt made virtio_net
// re-read VIRTIO_NET_S_LINK_UP and call netif_carrier_off); it connects again: carrier. The guest
// prints /sys/class/net/eth0/carrier transitions and `ip link` (NO-CARRIER / LOWER_UP), the test
// moves on at each one (after 2 s: the operational state, hence NO-CARRIER, follows the carrier
// through the kernel's link watch, up to a second later). Both engines, --mode bare.
import * as net from 'node:net';
import { describe, expect, it } from 'vitest';
import { bootMain } from '../../src/machine/cli-boot.js';
import type { SerialBackend } from '../../devices/serial/backend.js';

const SCRIPT = [
  'wait_carrier() { i=0; until [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" = "$1" ]; do i=$((i+1)); [ $i -ge 300 ] && { echo "TIMEOUT $1"; exit 1; }; sleep 1; done; sleep 2; echo "CARRIER $1 $(ip -o link show eth0 | grep -o "<[^>]*>")"; }',
  'wait_carrier 0', 'wait_carrier 1', 'wait_carrier 0', 'wait_carrier 1',
].join('\n');

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe.each(['jit', 'interp'] as const)('link status in the Linux guest (%s)', (engine) => {
  it('no peer: NO-CARRIER; peer connects: LOWER_UP; peer hangs up: NO-CARRIER; next peer: LOWER_UP', async () => {
    const port = await freePort();
    let out = '';
    const console: SerialBackend = {
      write: (d) => { out += Buffer.from(d).toString('latin1'); },
      setReceiver: () => {},
      close: async () => {},
    };
    const seen = (line: RegExp) => line.test(out.replace(/\r/g, ''));
    const until = async (line: RegExp) => {
      const t0 = Date.now();
      while (!seen(line)) {
        if (Date.now() - t0 > 400_000) throw new Error(`guest never printed ${line}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const sockets: net.Socket[] = [];
    const connect = () => { const s = net.connect({ host: '127.0.0.1', port }); s.on('error', () => {}); sockets.push(s); };
    const peer = (async () => {
      await until(/^CARRIER 0 /m);
      connect();
      await until(/^CARRIER 1 /m);
      sockets[0].destroy();
      await until(/^CARRIER 0 .*\n(?:.*\n)*CARRIER 0 /m);
      connect();
    })();
    try {
      const status = await bootMain({ cmd: SCRIPT, engine, m: '256M', 'max-insns': 4e10, serialBackend: console, net: [`stream,server=tcp:127.0.0.1:${port}`] });
      await peer;
      const lines = out.replace(/\r/g, '').split('\n').filter((l) => /^(CARRIER|TIMEOUT)/.test(l));
      expect(status, out.slice(-3000)).toBe(0);
      expect(lines.length).toBe(4);
      // ip link flags: LOWER_UP with carrier, NO-CARRIER without (the interface is UP throughout).
      expect(lines[0]).toMatch(/^CARRIER 0 <NO-CARRIER,BROADCAST,MULTICAST,UP>$/);
      expect(lines[1]).toMatch(/^CARRIER 1 <BROADCAST,MULTICAST,UP,LOWER_UP>$/);
      expect(lines[2]).toMatch(/^CARRIER 0 <NO-CARRIER,BROADCAST,MULTICAST,UP>$/);
      expect(lines[3]).toMatch(/^CARRIER 1 <BROADCAST,MULTICAST,UP,LOWER_UP>$/);
    } finally {
      for (const s of sockets) s.destroy();
    }
  }, 900_000);
});
