import { describe, it, expect, vi } from 'vitest';
import { formatMac } from '../../devices/net/backend.js';
import { namedSwitch } from '../../devices/net/switch.js';
import { NetArgError, defaultMac, openNetwork, parseNetArgs, parseNetSpecs } from '../../src/machine/net-args.js';
import { bootMain } from '../../src/machine/cli-boot.js';

describe('--net parsing', () => {
  it('none, switch, stream in our spelling and in QEMU\'s', () => {
    expect(parseNetSpecs([])).toEqual([]);
    expect(parseNetSpecs(['none'])).toEqual([]);
    expect(parseNetSpecs(['switch'])).toEqual([{ kind: 'switch', name: 'lan0', mac: undefined }]);
    const [s] = parseNetSpecs(['switch,name=lab,mac=02:00:00:00:00:09,id=n0']);
    expect(s.kind === 'switch' && s.name).toBe('lab');
    expect(formatMac(s.mac!)).toBe('02:00:00:00:00:09');
    expect(parseNetSpecs(['stream,server=tcp:127.0.0.1:5555'])).toEqual([{ kind: 'stream', server: true, addr: { kind: 'tcp', host: '127.0.0.1', port: 5555 }, reconnectMs: 1000, mac: undefined }]);
    expect(parseNetSpecs(['stream,connect=[::1]:80,reconnect=3'])[0]).toMatchObject({ server: false, addr: { kind: 'tcp', host: '::1', port: 80 }, reconnectMs: 3000 });
    expect(parseNetSpecs(['stream,connect=unix:/tmp/s'])[0]).toMatchObject({ server: false, addr: { kind: 'unix', path: '/tmp/s' } });
    // QEMU: -netdev stream,id=n0,server=on,addr.type=inet,addr.host=localhost,addr.port=1234
    expect(parseNetSpecs(['stream,id=n0,server=on,addr.type=inet,addr.host=localhost,addr.port=1234'])[0]).toMatchObject({ server: true, addr: { kind: 'tcp', host: 'localhost', port: 1234 } });
    expect(parseNetSpecs(['stream,server=off,addr.type=unix,addr.path=/tmp/q.sock,reconnect-ms=250'])[0]).toMatchObject({ server: false, addr: { kind: 'unix', path: '/tmp/q.sock' }, reconnectMs: 250 });
  });

  it('mistakes are one-line errors naming the option', () => {
    const err = (specs: string[]) => { try { parseNetSpecs(specs); } catch (x) { expect(x).toBeInstanceOf(NetArgError); return (x as Error).message; } return 'no error'; };
    expect(err(['bogus'])).toBe('--net bogus: unknown backend "bogus": give switch, stream,server=…, stream,connect=… or none');
    expect(err(['switch,mac=01:00:00:00:00:01'])).toMatch(/multicast address/);
    expect(err(['switch,mac=zz'])).toMatch(/not an address/);
    expect(err(['switch,colour=red'])).toBe('--net switch,colour=red: unknown option colour');
    expect(err(['stream'])).toMatch(/give server=tcp:HOST:PORT/);
    expect(err(['stream,connect=tcp:1.2.3.4:0'])).toMatch(/port 0 is not 1\.\.65535/);
    expect(err(['stream,server=tcp:nowhere'])).toMatch(/not tcp:HOST:PORT or unix:PATH/);
    expect(err(['switch,mac=02:00:00:00:00:01', 'switch,mac=02:00:00:00:00:01'])).toMatch(/two NICs with MAC 02:00:00:00:00:01/);
    expect(err(['none', 'switch'])).toMatch(/none cannot be combined/);
    expect(err(['stream,addr.type=inet,addr.port=1,server=maybe'])).toMatch(/server=on or off/);
  });
});

describe('--net transport=legacy', () => {
  it('any backend takes transport=legacy|modern; the NIC config carries legacy', async () => {
    expect(parseNetSpecs(['switch,transport=legacy'])[0]).toEqual({ kind: 'switch', name: 'lan0', mac: undefined, legacy: true });
    expect(parseNetSpecs(['switch,transport=modern'])[0]).toEqual({ kind: 'switch', name: 'lan0', mac: undefined });
    expect(parseNetSpecs(['stream,connect=tcp:127.0.0.1:9,transport=legacy'])[0]).toMatchObject({ kind: 'stream', legacy: true });
    expect(() => parseNetSpecs(['switch,transport=v1'])).toThrow('--net switch,transport=v1: transport=v1: give legacy (virtio-mmio version 1) or modern (version 2, the default)');
    const n = await openNetwork(parseNetSpecs(['switch,name=legacy-args,transport=legacy', 'switch,name=legacy-args']));
    expect(n.nics.map((x) => x.legacy ?? false)).toEqual([true, false]);
    await n.close();
  });

  it('--mode krustvm refuses a legacy NIC (no ACCESS_PLATFORM); kvm and bare take it', () => {
    const usage = (m: string) => new Error(`usage: ${m}`);
    expect(() => parseNetArgs({ net: ['switch', 'switch,transport=legacy'], mode: 'krustvm' }, usage))
      .toThrow("usage: --net switch,transport=legacy: --mode krustvm needs VIRTIO_F_ACCESS_PLATFORM (the NIC reaches only the VM's shared I/O window), which the legacy interface cannot offer; use transport=modern, or --mode kvm or bare");
    for (const mode of ['kvm', 'bare', undefined]) expect(parseNetArgs({ net: ['switch,transport=legacy'], mode }, usage)).toHaveLength(1);
    expect(parseNetArgs({ net: ['switch'], mode: 'krustvm' }, usage)).toHaveLength(1);
  });
});

describe('opening NICs', () => {
  it('default MACs: 52:54:00:12:34:56 + n; on a shared switch the addresses taken are skipped', async () => {
    expect(formatMac(defaultMac(0))).toBe('52:54:00:12:34:56');
    expect(formatMac(defaultMac(0xaa))).toBe('52:54:00:12:35:00');
    const lan = 'test-defaults';
    const vm1 = await openNetwork(parseNetSpecs([`switch,name=${lan}`, `switch,name=${lan}`]));
    const vm2 = await openNetwork(parseNetSpecs([`switch,name=${lan}`]));
    expect(vm1.nics.map((n) => formatMac(n.mac))).toEqual(['52:54:00:12:34:56', '52:54:00:12:34:57']);
    expect(vm2.nics.map((n) => formatMac(n.mac))).toEqual(['52:54:00:12:34:58']);
    expect(namedSwitch(lan).portCount).toBe(3);
    await vm1.close(); await vm2.close();
    expect(namedSwitch(lan).portCount).toBe(0);
    const vm3 = await openNetwork(parseNetSpecs([`switch,name=${lan}`]));
    expect(formatMac(vm3.nics[0].mac)).toBe('52:54:00:12:34:56');
    await vm3.close();
  });

  it('krustvm boot: a bad --net or an unusable --net-pcap is a usage error (status 2, one line)', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => { lines.push(String(s)); return true; });
    try {
      expect(await bootMain({ net: ['bogus'], serial: 'none' })).toBe(2);
      expect(await bootMain({ net: ['switch,name=cli-test'], 'net-pcap': '/nonexistent-dir/x.pcap', serial: 'none' })).toBe(2);
      expect(await bootMain({ 'net-pcap': '/tmp/x.pcap', serial: 'none' })).toBe(2);
      expect(await bootMain({ net: ['switch,name=cli-test,transport=legacy'], mode: 'krustvm', serial: 'none' })).toBe(2);
    } finally { spy.mockRestore(); }
    expect(lines).toEqual([
      'krustvm: --net bogus: unknown backend "bogus": give switch, stream,server=…, stream,connect=… or none (see krustvm boot --help)\n',
      'krustvm: --net-pcap /nonexistent-dir/x.pcap: cannot create it (ENOENT); check the path (see krustvm boot --help)\n',
      'krustvm: --net-pcap: there is no NIC to capture (add --net switch or --net stream,…) (see krustvm boot --help)\n',
      "krustvm: --net switch,name=cli-test,transport=legacy: --mode krustvm needs VIRTIO_F_ACCESS_PLATFORM (the NIC reaches only the VM's shared I/O window), which the legacy interface cannot offer; use transport=modern, or --mode kvm or bare (see krustvm boot --help)\n",
    ]);
    expect(namedSwitch('cli-test').portCount).toBe(0); // nothing left plugged in
  });
});
