// `--net` and `--net-pcap`: what the machine's network cards are plugged into.
//
//   --net none                                      no NIC (the default)
//   --net switch[,name=LAN]                         the in-process switch LAN (default "lan0"):
//                                                   every NIC on it, of any VM this process
//                                                   runs, shares one Ethernet
//   --net stream,server=tcp:HOST:PORT               QEMU `-netdev stream` framing, listening
//   --net stream,server=unix:PATH
//   --net stream,connect=tcp:HOST:PORT[,reconnect=SECONDS]   … or connecting (again after a
//   --net stream,connect=unix:PATH                   failure or EOF, every SECONDS, default 1)
//   QEMU's own spelling works too: stream,server=on|off,addr.type=inet,addr.host=H,addr.port=P
//   and addr.type=unix,addr.path=PATH (also reconnect-ms=MS, and id=… which is ignored).
//   Every form takes mac=52:54:00:12:34:56; the default is 52:54:00:12:34:56 + n for NIC n,
//   like QEMU. Repeat --net for several NICs (virtio slots 0, 1, …).
//   Every form takes transport=legacy for the virtio-mmio version 1 interface (old guests;
//   default transport=modern, version 2). --mode krustvm refuses it: a legacy device cannot
//   offer VIRTIO_F_ACCESS_PLATFORM, so the guest would never bounce its buffers through the
//   shared I/O window, which is all the device may reach.
//   --net-pcap FILE   record every frame in and out of every NIC (libpcap, LINKTYPE_ETHERNET)
import type { Argv } from 'yargs';
import type { NicConfig } from '../board/machine.js';
import { type NetBackend, formatMac, parseMac } from '../../devices/net/backend.js';
import { namedSwitch } from '../../devices/net/switch.js';
import { StreamNet, type StreamAddress } from '../../devices/net/stream.js';
import { PcapWriter, tapped } from '../../devices/net/pcap.js';

export class NetArgError extends Error {}

/** One NIC. `mac` undefined: the default (see openNetwork). */
export type NetSpec = (
  | { kind: 'switch'; name: string; mac?: Uint8Array }
  | { kind: 'stream'; server: boolean; addr: StreamAddress; reconnectMs: number; mac?: Uint8Array }
) & { /** transport=legacy: virtio-mmio version 1. */ legacy?: boolean };

/** QEMU's first default MAC; NIC n gets the last byte + n. */
export const DEFAULT_MAC = new Uint8Array([0x52, 0x54, 0x00, 0x12, 0x34, 0x56]);
export const MAX_NICS = 8;

export function defaultMac(n: number): Uint8Array {
  const m = DEFAULT_MAC.slice();
  const v = m[4] * 256 + m[5] + n;
  m[4] = (v >> 8) & 0xff; m[5] = v & 0xff;
  return m;
}

function bad(spec: string, what: string): never {
  throw new NetArgError(`--net ${spec}: ${what}`);
}

/** "tcp:HOST:PORT", "HOST:PORT", "[::1]:PORT" or "unix:PATH". */
export function parseAddress(spec: string, s: string, client: boolean): StreamAddress {
  if (s.startsWith('unix:')) {
    const path = s.slice(5);
    if (!path) bad(spec, 'unix: needs a socket path');
    return { kind: 'unix', path };
  }
  const rest = s.startsWith('tcp:') ? s.slice(4) : s;
  const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(rest);
  if (!m) bad(spec, `${s} is not tcp:HOST:PORT or unix:PATH`);
  const port = Number(m[3]);
  if (!(port <= 65535) || (client && port === 0)) bad(spec, `port ${m[3]} is not 1..65535`);
  return { kind: 'tcp', host: (m[1] ?? m[2]) || '127.0.0.1', port };
}

/** Parses the --net values (MACs given with mac= only; defaults are chosen by openNetwork). */
export function parseNetSpecs(specs: readonly string[]): NetSpec[] {
  if (specs.length === 1 && (specs[0] === 'none' || specs[0] === '')) return [];
  if (specs.length > MAX_NICS) throw new NetArgError(`--net: at most ${MAX_NICS} NICs`);
  const out = specs.map((spec): NetSpec => {
    const [kind, ...parts] = spec.split(',');
    const kv = new Map<string, string>();
    for (const p of parts) {
      const eq = p.indexOf('=');
      if (eq <= 0) bad(spec, `"${p}" is not key=value`);
      const k = p.slice(0, eq);
      if (kv.has(k)) bad(spec, `${k} given twice`);
      kv.set(k, p.slice(eq + 1));
    }
    const take = (k: string) => { const v = kv.get(k); kv.delete(k); return v; };
    take('id');
    const macText = take('mac');
    let mac: Uint8Array | undefined;
    if (macText !== undefined) {
      const m = parseMac(macText);
      if (!m) bad(spec, `mac=${macText} is not an address like 52:54:00:12:34:56`);
      if (m[0] & 1) bad(spec, `mac=${macText} is a multicast address; a NIC needs a unicast one (first byte even)`);
      mac = m;
    }
    const transport = take('transport');
    if (transport !== undefined && transport !== 'legacy' && transport !== 'modern') bad(spec, `transport=${transport}: give legacy (virtio-mmio version 1) or modern (version 2, the default)`);
    let r: NetSpec;
    if (kind === 'switch') {
      r = { kind: 'switch', name: take('name') ?? 'lan0', mac };
    } else if (kind === 'stream') {
      const server = take('server'), connect = take('connect');
      const type = take('addr.type'), host = take('addr.host'), port = take('addr.port'), path = take('addr.path');
      const rs = take('reconnect'), rms = take('reconnect-ms');
      let reconnectMs = 1000;
      if (rs !== undefined) { if (!/^\d+$/.test(rs)) bad(spec, `reconnect=${rs}: give seconds`); reconnectMs = Number(rs) * 1000; }
      if (rms !== undefined) { if (!/^\d+$/.test(rms)) bad(spec, `reconnect-ms=${rms}: give milliseconds`); reconnectMs = Number(rms); }
      let addr: StreamAddress, isServer: boolean;
      if (type !== undefined) {
        // QEMU spelling: server=on|off plus addr.*.
        if (connect !== undefined) bad(spec, 'use either connect= or server=on|off with addr.*');
        if (server !== undefined && !['on', 'off', 'true', 'false', 'yes', 'no'].includes(server)) bad(spec, `server=${server}: with addr.* give server=on or off`);
        isServer = server === 'on' || server === 'true' || server === 'yes';
        if (type === 'inet') {
          if (!port) bad(spec, 'addr.type=inet needs addr.port');
          addr = parseAddress(spec, `tcp:${host?.includes(':') ? `[${host}]` : host ?? ''}:${port}`, !isServer);
        } else if (type === 'unix') {
          if (!path) bad(spec, 'addr.type=unix needs addr.path');
          addr = { kind: 'unix', path };
        } else bad(spec, `addr.type=${type}: give inet or unix`);
      } else {
        if ((server === undefined) === (connect === undefined)) bad(spec, 'give server=tcp:HOST:PORT|unix:PATH or connect=tcp:HOST:PORT|unix:PATH');
        isServer = server !== undefined;
        addr = parseAddress(spec, (server ?? connect)!, !isServer);
      }
      r = { kind: 'stream', server: isServer, addr, reconnectMs, mac };
    } else if (kind === 'none') {
      bad(spec, 'none cannot be combined with other --net options');
    } else {
      bad(spec, `unknown backend "${kind}": give switch, stream,server=…, stream,connect=… or none`);
    }
    if (kv.size) bad(spec, `unknown option ${[...kv.keys()][0]}`);
    if (transport === 'legacy') r.legacy = true;
    return r;
  });
  const seen = new Set<string>();
  for (const s of out) {
    if (!s.mac) continue;
    const m = formatMac(s.mac);
    if (seen.has(m)) throw new NetArgError(`--net: two NICs with MAC ${m}; give one of them mac=…`);
    seen.add(m);
  }
  return out;
}

/** The NICs' backends, opened; close() releases sockets and completes the capture file. */
export interface Network {
  nics: NicConfig[];
  specs: NetSpec[];
  close(): Promise<void>;
}

/**
 * Opens the backends of `specs` (stream servers listen before this resolves) and the capture
 * file. Throws NetArgError with a one-line message when one cannot be opened.
 *
 * Default MACs: NIC n gets 52:54:00:12:34:56 + n (QEMU's numbering), except that on a switch
 * an address already taken by a NIC on that switch is skipped, so the VMs of one process get
 * distinct addresses on their shared LAN in the order they start. Switch ports are plugged in
 * synchronously, before anything is awaited, so that order is the order of the calls.
 */
export async function openNetwork(specs: readonly NetSpec[], pcapFile?: string): Promise<Network> {
  const backends: (NetBackend | undefined)[] = specs.map(() => undefined);
  const macs: Uint8Array[] = [];
  let pcap: PcapWriter | undefined;
  const close = async () => {
    for (const b of backends) await b?.close();
    pcap?.close();
  };
  try {
    const taken = new Set(specs.flatMap((s) => (s.mac ? [formatMac(s.mac)] : [])));
    specs.forEach((s, i) => {
      let mac = s.mac;
      for (let k = i; !mac; k++) {
        const m = defaultMac(k), t = formatMac(m);
        if (!taken.has(t) && !(s.kind === 'switch' && namedSwitch(s.name).hasMac(m))) mac = m;
      }
      taken.add(formatMac(mac));
      macs[i] = mac;
      if (s.kind === 'switch') backends[i] = namedSwitch(s.name).connect(`net${i}`, mac);
    });
    if (pcapFile !== undefined) pcap = new PcapWriter(pcapFile);
    for (const [i, s] of specs.entries()) {
      if (s.kind === 'stream') backends[i] = await StreamNet.open({ server: s.server, addr: s.addr, reconnectMs: s.reconnectMs, label: `net${i}` });
    }
  } catch (x) {
    await close();
    throw new NetArgError((x as Error).message);
  }
  const nics = specs.map((s, i) => ({ mac: macs[i], backend: pcap ? tapped(backends[i]!, pcap) : backends[i]!, ...(s.legacy ? { legacy: true } : {}) }));
  return { nics, specs: [...specs], close };
}

/** The yargs options (shared by `boot` and multi-VM commands). */
export function netOptions<T>(y: Argv<T>) {
  return y
    .option('net', {
      type: 'string', array: true,
      describe: 'a network card (repeat for more): none (default) | switch[,name=LAN] (in-process LAN shared by the VMs of this process) | stream,server=tcp:HOST:PORT|unix:PATH | stream,connect=tcp:HOST:PORT|unix:PATH[,reconnect=S] (QEMU -netdev stream framing; QEMU\'s addr.type=inet,addr.host=…,addr.port=… spelling works too); each takes mac=52:54:00:12:34:56 (default …:56 + NIC number) and transport=legacy (virtio-mmio version 1 for old guests; not with --mode krustvm)',
    })
    .option('net-pcap', { type: 'string', describe: 'write every frame in and out of the NICs to FILE (libpcap; tcpdump -r FILE, tshark -r FILE)' })
    .example('krustvm boot --mode kvm --net stream,server=tcp:127.0.0.1:5555 --net-pcap lan.pcap', 'a NIC another krustvm (--net stream,connect=tcp:127.0.0.1:5555) or qemu-system-aarch64 (-netdev stream,id=n0,server=off,addr.type=inet,addr.host=127.0.0.1,addr.port=5555) plugs into; every frame captured in lan.pcap');
}

/** The command-line options of this module. */
export interface NetArgs { net?: string | string[]; 'net-pcap'?: string; mode?: string }

/** The NICs a command line asks for (checked, nothing opened yet: the board needs their number
 *  for the device tree first). `usage` turns a message into the caller's usage error. */
export function parseNetArgs(a: NetArgs, usage: (msg: string) => Error): NetSpec[] {
  const list = a.net === undefined ? [] : Array.isArray(a.net) ? a.net : [a.net];
  try {
    const specs = parseNetSpecs(list.map(String));
    if (!specs.length && a['net-pcap'] !== undefined) throw new NetArgError('--net-pcap: there is no NIC to capture (add --net switch or --net stream,…)');
    const legacy = specs.findIndex((s) => s.legacy);
    if (legacy >= 0 && a.mode === 'krustvm') {
      throw new NetArgError(`--net ${list[legacy]}: --mode krustvm needs VIRTIO_F_ACCESS_PLATFORM (the NIC reaches only the VM's shared I/O window), which the legacy interface cannot offer; use transport=modern, or --mode kvm or bare`);
    }
    return specs;
  } catch (x) {
    if (x instanceof NetArgError) throw usage(x.message);
    throw x;
  }
}

/** Opens what parseNetArgs returned; null when there are no NICs. */
export async function openNetArgs(specs: readonly NetSpec[], a: NetArgs, usage: (msg: string) => Error): Promise<Network | null> {
  if (!specs.length) return null;
  try {
    return await openNetwork(specs, a['net-pcap']);
  } catch (x) {
    if (x instanceof NetArgError) throw usage(x.message);
    throw x;
  }
}
