// Independent packet builder for the offload tests: Ethernet + IPv4/IPv6 + TCP frames with every
// checksum computed here from the RFCs (RFC 791 header checksum, RFC 793 / RFC 8200 §8.1
// pseudo-header, RFC 1071 ones' complement sum), on plain number arrays — none of the code under
// test is used.

/** RFC 1071: ones' complement sum of big-endian 16-bit words, folded. */
export function sum16(b: number[]): number {
  let s = 0;
  for (let i = 0; i < b.length; i += 2) s += (b[i] << 8) | (b[i + 1] ?? 0);
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return s;
}
const be16 = (v: number) => [(v >> 8) & 0xff, v & 0xff];
const be32 = (v: number) => [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];

export const FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10, ECE = 0x40, CWR = 0x80;

export interface TcpSpec {
  v6?: boolean;
  dst?: number[]; src?: number[];
  ipSrc?: number[]; ipDst?: number[];
  id?: number; ttl?: number; df?: boolean;
  sport?: number; dport?: number; seq: number; ack?: number; flags: number; window?: number;
  /** TCP options (a multiple of 4 bytes). */
  options?: number[];
  payload: number[];
  /** 'full': the checksum a wire frame carries; 'partial': only the pseudo-header sum (what
   *  Linux leaves for CHECKSUM_PARTIAL), not complemented. */
  csum?: 'full' | 'partial';
}

/** The frame, and where its TCP header starts. */
export function tcpFrame(t: TcpSpec): { frame: Uint8Array; l4: number; hdrLen: number } {
  const v6 = !!t.v6;
  const ipSrc = t.ipSrc ?? (v6 ? [0xfd, 0, ...Array(13).fill(0), 1] : [10, 0, 0, 1]);
  const ipDst = t.ipDst ?? (v6 ? [0xfd, 0, ...Array(13).fill(0), 2] : [10, 0, 0, 2]);
  const opts = t.options ?? [];
  const thl = 20 + opts.length;
  const tcpLen = thl + t.payload.length;
  const tcp = [...be16(t.sport ?? 40000), ...be16(t.dport ?? 5001), ...be32(t.seq), ...be32(t.ack ?? 0x01020304),
    (thl / 4) << 4, t.flags, ...be16(t.window ?? 502), 0, 0, 0, 0, ...opts, ...t.payload];
  const pseudo = v6 ? [...ipSrc, ...ipDst, ...be32(tcpLen), 0, 0, 0, 6] : [...ipSrc, ...ipDst, 0, 6, ...be16(tcpLen)];
  const c = t.csum === 'partial' ? sum16(pseudo) : (~sum16([...pseudo, ...tcp]) & 0xffff);
  tcp[16] = c >> 8; tcp[17] = c & 0xff;
  let ip: number[];
  if (v6) ip = [0x60, 0x01, 0x23, 0x45, ...be16(tcpLen), 6, t.ttl ?? 64, ...ipSrc, ...ipDst];
  else {
    ip = [0x45, 0, ...be16(20 + tcpLen), ...be16(t.id ?? 0x1234), t.df === false ? 0 : 0x40, 0, t.ttl ?? 64, 6, 0, 0, ...ipSrc, ...ipDst];
    const h = ~sum16(ip) & 0xffff;
    ip[10] = h >> 8; ip[11] = h & 0xff;
  }
  const eth = [...(t.dst ?? [0x52, 0x54, 0, 0, 0, 2]), ...(t.src ?? [0x52, 0x54, 0, 0, 0, 1]), ...(v6 ? [0x86, 0xdd] : [0x08, 0x00])];
  const frame = Uint8Array.from([...eth, ...ip, ...tcp]);
  return { frame, l4: 14 + ip.length, hdrLen: 14 + ip.length + thl };
}

/** The segments TSO must produce for `t` cut at `mss` (built from scratch, not by cutting). */
export function expectedSegments(t: TcpSpec, mss: number): Uint8Array[] {
  const n = Math.max(1, Math.ceil(t.payload.length / mss));
  const out: Uint8Array[] = [];
  for (let i = 0; i < n; i++) {
    let flags = t.flags;
    if (i < n - 1) flags &= ~(FIN | PSH);
    if (i > 0) flags &= ~CWR;
    out.push(tcpFrame({ ...t, csum: 'full', id: ((t.id ?? 0x1234) + i) & 0xffff, seq: (t.seq + i * mss) >>> 0, flags,
      payload: t.payload.slice(i * mss, (i + 1) * mss) }).frame);
  }
  return out;
}

/** Deterministic payload bytes. */
export const payload = (n: number, seed = 1) => Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 0xff);
