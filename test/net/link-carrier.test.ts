// Link status follows the stream backend's peer (VIRTIO_NET_F_STATUS, virtio 1.2 §5.1.4: the
// status field's VIRTIO_NET_S_LINK_UP, changes announced by a configuration change interrupt).
// Real sockets, in-process: a NIC on a stream server loses its link when the peer goes and gets
// it back when the next peer connects; a NIC on a stream client loses it when the connection
// ends and gets it back when its reconnect succeeds.
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { StreamNet } from '../../devices/net/stream.js';
import { INT_CONFIG, MMIO } from '../../devices/virtio/mmio.js';
import { NET_S_LINK_UP } from '../../devices/virtio/net.js';
import { BUF, ethFrame, F, nicRig } from '../devices/virtio-net-driver.js';

const until = async (cond: () => boolean, what: string, ms = 5000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => { for (const c of cleanup.splice(0)) await c(); });

const FEATURES = [F.MAC, F.STATUS, F.MRG_RXBUF, F.VERSION_1];

/** A NIC on `backend`, initialised like Linux; status() reads the config status field, and
 *  configIrq() whether a config-change interrupt is pending (acknowledging it). */
function nicOn(backend: StreamNet) {
  const m = nicRig(backend);
  m.drv.init(FEATURES);
  return {
    m,
    linkUp: () => (m.drv.config16(6) & NET_S_LINK_UP) !== 0,
    generation: () => m.r(MMIO.CONFIG_GENERATION),
    configIrq: () => {
      const s = m.r(MMIO.INTERRUPT_STATUS);
      m.w(MMIO.INTERRUPT_ACK, s);
      return (s & INT_CONFIG) !== 0;
    },
  };
}

describe('link status follows the stream peer', () => {
  it('server: down with no peer, up when one connects, down when it leaves, up for the next', async () => {
    const server = await StreamNet.open({ server: true, addr: { kind: 'tcp', host: '127.0.0.1', port: 0 }, log: () => {} });
    cleanup.push(() => server.close());
    const n = nicOn(server);
    expect(n.linkUp()).toBe(false);
    expect(n.m.net.link).toBe(false);

    const g0 = n.generation();
    const peer1 = net.connect({ host: '127.0.0.1', port: server.port! });
    cleanup.push(() => { peer1.destroy(); });
    await until(() => n.linkUp(), 'link up');
    expect(n.configIrq()).toBe(true);
    expect(n.generation()).not.toBe(g0);
    expect(n.m.irq.level).toBe(false); // acknowledged

    peer1.destroy();
    await until(() => !n.linkUp(), 'link down');
    expect(n.configIrq()).toBe(true);

    const peer2 = net.connect({ host: '127.0.0.1', port: server.port! });
    cleanup.push(() => { peer2.destroy(); });
    await until(() => n.linkUp(), 'link up again');
    expect(n.configIrq()).toBe(true);
    expect(n.m.logs).toEqual([]);
  });

  it('client: up when connected, down when the server drops it, up when the reconnect succeeds', async () => {
    const accepted: net.Socket[] = [];
    const srv = net.createServer((s) => accepted.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => { for (const s of accepted) s.destroy(); srv.close(() => r()); }));
    const port = (srv.address() as net.AddressInfo).port;
    const client = await StreamNet.open({ server: false, addr: { kind: 'tcp', host: '127.0.0.1', port }, reconnectMs: 50, log: () => {} });
    cleanup.push(() => client.close());
    const n = nicOn(client);
    await until(() => n.linkUp() && accepted.length === 1, 'first connection');
    n.configIrq();

    accepted[0].destroy(); // the peer goes away
    await until(() => !n.linkUp(), 'link down');
    expect(n.configIrq()).toBe(true);
    await until(() => n.linkUp() && accepted.length === 2, 'reconnect');
    expect(n.configIrq()).toBe(true);
  });

  it('client without reconnect (reconnect=0): the link stays down', async () => {
    const accepted: net.Socket[] = [];
    const srv = net.createServer((s) => accepted.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => { for (const s of accepted) s.destroy(); srv.close(() => r()); }));
    const port = (srv.address() as net.AddressInfo).port;
    const client = await StreamNet.open({ server: false, addr: { kind: 'tcp', host: '127.0.0.1', port }, reconnectMs: 0, log: () => {} });
    cleanup.push(() => client.close());
    const n = nicOn(client);
    await until(() => n.linkUp(), 'connection');
    accepted[0].destroy();
    await until(() => !n.linkUp(), 'link down');
    await new Promise((r) => setTimeout(r, 200));
    expect(n.linkUp()).toBe(false);
    expect(accepted.length).toBe(1);
  });

  it('while the link is down frames are not sent; the host\'s setLink(false) holds it down even with a peer', async () => {
    const server = await StreamNet.open({ server: true, addr: { kind: 'tcp', host: '127.0.0.1', port: 0 }, log: () => {} });
    cleanup.push(() => server.close());
    const n = nicOn(server);
    const peer = net.connect({ host: '127.0.0.1', port: server.port! });
    cleanup.push(() => { peer.destroy(); });
    await until(() => n.linkUp(), 'link up');
    n.m.net.setLink(false);
    expect(n.linkUp()).toBe(false);
    n.m.net.setLink(true);
    expect(n.linkUp()).toBe(true);
    peer.destroy();
    await until(() => !n.linkUp(), 'link down');
    n.m.net.setLink(true);
    expect(n.linkUp()).toBe(false); // no carrier
    // A frame the guest transmits now is dropped (counted), its chain completed.
    const frame = ethFrame([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0x52, 0x54, 0, 0x12, 0x34, 0x56], 0x0800, 50);
    n.m.bytes.fill(0, BUF, BUF + 12); n.m.bytes.set(frame, BUF + 12);
    n.m.drv.chain(1, [[BUF, 12 + frame.length, false]]);
    n.m.drv.notify(1);
    expect(n.m.drv.usedIdx(1)).toBe(1);
    expect(n.m.net.stats).toMatchObject({ txDropped: 1, txFrames: 0 });
    expect(server.stats.sent).toBe(0);
  });
});
