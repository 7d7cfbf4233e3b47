// Offload metadata and what a real NIC does with it on the wire: checksum completion and TCP
// segmentation (TSO), in software.
//
// Between in-process NICs a frame may travel "unfinished": a TCP segment of up to 64 KiB whose
// transport checksum holds only the pseudo-header sum, as the sending guest's driver handed it
// over (virtio_net_hdr: NEEDS_CSUM, gso_type, gso_size). The receiving NIC passes it on to a
// guest that negotiated the matching offloads, so neither guest touches the bytes again. Any
// other way out (a socket, a pcap, a NIC without those offloads) gets `toWire()`: the frames a
// real NIC would have put on the wire.
//
// Segmentation follows what TSO hardware and Linux's software GSO do (tcp_gso_segment,
// inet_gso_segment): every segment carries a copy of the Ethernet/IP/TCP headers; IPv4 total
// length, identification (+1 per segment) and header checksum (RFC 791) are rewritten, IPv6
// payload length likewise; TCP sequence number advances by the payload sent before; FIN and PSH
// stay only on the last segment, CWR only on the first; the TCP checksum (RFC 793, over the
// pseudo-header) is computed afresh as the ones' complement sum of RFC 1071.
import { ETH_HLEN } from './backend.js';

/** What travels with a frame between NICs that can carry it (the fields of virtio_net_hdr). */
export interface FrameMeta {
  /** The transport checksum is partial: the field at `start + offset` holds the pseudo-header
   *  sum; the checksum over frame[start..] is still to be folded in (VIRTIO_NET_HDR_F_NEEDS_CSUM,
   *  Linux's CHECKSUM_PARTIAL). */
  csum?: { start: number; offset: number };
  /** One large TCP segment to be cut into segments of `mss` payload bytes. Always comes with
   *  `csum` (start = the TCP header, offset 16). `ecn`: the sender set CWR for the whole burst
   *  (VIRTIO_NET_HDR_GSO_ECN). */
  gso?: { v6: boolean; mss: number; ecn: boolean };
}

/** Whether `meta` asks for any work before the frame is on the wire. */
export const unfinished = (meta: FrameMeta | undefined): meta is FrameMeta => !!meta && (!!meta.csum || !!meta.gso);

/** Where the headers of a TCP/IP frame are. */
export interface TcpLayout {
  /** IP header offset (after the Ethernet header and at most one VLAN tag). */
  l3: number;
  v6: boolean;
  /** TCP header offset. */
  l4: number;
  /** First payload byte (= length of all headers). */
  payload: number;
}

const ETH_P_IPV4 = 0x0800, ETH_P_IPV6 = 0x86dd, ETH_P_8021Q = 0x8100;
const IPPROTO_TCP = 6;
/** IPv6 extension headers we step over: hop-by-hop, destination options (RFC 8200 §4.3, §4.6). */
const IPV6_SKIPPABLE = new Set([0, 60]);
export const TCP_FIN = 0x01, TCP_PSH = 0x08, TCP_CWR = 0x80;
/** Smallest MSS we segment to (Linux's TCP_MIN_SND_MSS): a smaller gso_size is refused rather
 *  than cutting 64 KiB into tens of thousands of frames for a hostile guest. */
export const MIN_MSS = 48;

const u16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const put16 = (b: Uint8Array, i: number, v: number) => { b[i] = (v >> 8) & 0xff; b[i + 1] = v & 0xff; };
const u32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const put32 = (b: Uint8Array, i: number, v: number) => { b[i] = v >>> 24; b[i + 1] = (v >>> 16) & 0xff; b[i + 2] = (v >>> 8) & 0xff; b[i + 3] = v & 0xff; };

/** Ones' complement sum (RFC 1071) of b[start..end) as big-endian 16-bit words, added to `acc`;
 *  not folded. An odd last byte is the high half of a word. */
export function onesSum(b: Uint8Array, start: number, end: number, acc = 0): number {
  let s = acc, i = start;
  for (; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if (i < end) s += b[i] << 8;
  return s;
}
/** Folds a sum to 16 bits (end-around carry). */
export function fold(s: number): number {
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return s;
}

/** The L3 offset and ethertype past at most one 802.1Q tag; null if too short. */
function l3Of(f: Uint8Array): { l3: number; type: number } | null {
  if (f.length < ETH_HLEN) return null;
  let type = u16(f, 12), l3 = ETH_HLEN;
  if (type === ETH_P_8021Q) { if (f.length < 18) return null; type = u16(f, 16); l3 = 18; }
  return { l3, type };
}

/** Parses an IPv4 or IPv6 TCP frame for segmentation; a reason string when it is not one. */
export function tcpLayout(f: Uint8Array): TcpLayout | string {
  const e = l3Of(f);
  if (!e) return 'shorter than an Ethernet header';
  let l4: number, v6: boolean;
  if (e.type === ETH_P_IPV4) {
    v6 = false;
    if (f.length < e.l3 + 20 || f[e.l3] >> 4 !== 4) return 'not an IPv4 header';
    const ihl = (f[e.l3] & 15) * 4;
    if (ihl < 20) return `IPv4 header length ${ihl}`;
    if (f[e.l3 + 9] !== IPPROTO_TCP) return `IPv4 protocol ${f[e.l3 + 9]}, not TCP`;
    if (u16(f, e.l3 + 6) & 0x3fff) return 'an IPv4 fragment';
    l4 = e.l3 + ihl;
  } else if (e.type === ETH_P_IPV6) {
    v6 = true;
    if (f.length < e.l3 + 40 || f[e.l3] >> 4 !== 6) return 'not an IPv6 header';
    let next = f[e.l3 + 6];
    l4 = e.l3 + 40;
    while (IPV6_SKIPPABLE.has(next)) {
      if (f.length < l4 + 8) return 'IPv6 extension header past the end';
      next = f[l4]; l4 += (f[l4 + 1] + 1) * 8;
    }
    if (next !== IPPROTO_TCP) return `IPv6 next header ${next}, not TCP`;
  } else return `ethertype 0x${e.type.toString(16)}, not IP`;
  if (f.length < l4 + 20) return 'TCP header past the end';
  const thl = (f[l4 + 12] >> 4) * 4;
  if (thl < 20 || f.length < l4 + thl) return `TCP header length ${thl}`;
  return { l3: e.l3, v6, l4, payload: l4 + thl };
}

/** The checksum of the pseudo-header (RFC 793 §3.1 / RFC 8200 §8.1) for `len` transport bytes,
 *  unfolded. */
function pseudoSum(f: Uint8Array, lay: TcpLayout, len: number): number {
  return lay.v6
    ? onesSum(f, lay.l3 + 8, lay.l3 + 40, IPPROTO_TCP + (len >>> 16) + (len & 0xffff))
    : onesSum(f, lay.l3 + 12, lay.l3 + 20, IPPROTO_TCP + len);
}

/** Writes the complete TCP checksum of segment `s` (headers as in `lay`). */
function tcpChecksum(s: Uint8Array, lay: TcpLayout): void {
  put16(s, lay.l4 + 16, 0);
  const len = s.length - lay.l4;
  put16(s, lay.l4 + 16, ~fold(onesSum(s, lay.l4, s.length, pseudoSum(s, lay, len))) & 0xffff);
}

/** Writes the IPv4 header checksum (RFC 791) of `s`. */
function ipv4Checksum(s: Uint8Array, l3: number): void {
  put16(s, l3 + 10, 0);
  put16(s, l3 + 10, ~fold(onesSum(s, l3, l3 + (s[l3] & 15) * 4)) & 0xffff);
}

/** Cuts a large TCP segment into wire segments of at most `mss` payload bytes each, with
 *  headers and checksums as TSO hardware writes them. The input is not modified. */
export function segmentTcp(f: Uint8Array, lay: TcpLayout, mss: number): Uint8Array[] {
  const hdr = lay.payload, total = f.length - hdr;
  const count = Math.max(1, Math.ceil(total / mss));
  const seq0 = u32(f, lay.l4 + 4), flags0 = f[lay.l4 + 13], id0 = lay.v6 ? 0 : u16(f, lay.l3 + 4);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const off = i * mss, len = Math.min(mss, total - off);
    const s = new Uint8Array(hdr + len);
    s.set(f.subarray(0, hdr));
    s.set(f.subarray(hdr + off, hdr + off + len), hdr);
    if (lay.v6) put16(s, lay.l3 + 4, s.length - lay.l3 - 40);
    else {
      put16(s, lay.l3 + 2, s.length - lay.l3);
      put16(s, lay.l3 + 4, (id0 + i) & 0xffff);
      ipv4Checksum(s, lay.l3);
    }
    put32(s, lay.l4 + 4, (seq0 + off) >>> 0);
    let flags = flags0;
    if (i < count - 1) flags &= ~(TCP_FIN | TCP_PSH);
    if (i > 0) flags &= ~TCP_CWR;
    s[lay.l4 + 13] = flags;
    tcpChecksum(s, lay);
    out.push(s);
  }
  return out;
}

/** Completes a partial checksum (NEEDS_CSUM): the ones' complement of the sum of f[start..end),
 *  whose checksum field holds the pseudo-header sum, stored big-endian at start + offset. In
 *  place. */
export function completeChecksum(f: Uint8Array, start: number, offset: number): void {
  const c = ~fold(onesSum(f, start, f.length)) & 0xffff;
  // 0 is written as 0xffff (the same in ones' complement), as Linux's skb_checksum_help does:
  // for UDP a 0 would mean "no checksum" (RFC 768).
  put16(f, start + offset, c || 0xffff);
}

/** Checks `meta` against the frame it describes (from an untrusted guest): a reason string if
 *  it does not fit, else the TCP layout (for GSO) or null. */
export function checkMeta(f: Uint8Array, meta: FrameMeta): TcpLayout | null | string {
  if (meta.csum && meta.csum.start + meta.csum.offset + 2 > f.length) return `csum_start ${meta.csum.start} + csum_offset ${meta.csum.offset} past the ${f.length}-byte frame`;
  if (!meta.gso) return null;
  if (!meta.csum) return 'GSO without NEEDS_CSUM';
  if (meta.gso.mss < MIN_MSS) return `GSO with gso_size ${meta.gso.mss} (below ${MIN_MSS})`;
  const lay = tcpLayout(f);
  if (typeof lay === 'string') return `GSO frame: ${lay}`;
  if (lay.v6 !== meta.gso.v6) return `GSO type TCPv${meta.gso.v6 ? 6 : 4} on an IPv${lay.v6 ? 6 : 4} frame`;
  if (meta.csum.start !== lay.l4 || meta.csum.offset !== 16) return `GSO with csum_start ${meta.csum.start}/csum_offset ${meta.csum.offset}, not the TCP checksum at ${lay.l4}+16`;
  return lay;
}

/** The frames a real NIC puts on the wire for `frame` with `meta`: segmented and/or with the
 *  checksum completed (new buffers; `frame` is left as it is, others may hold it). Empty if
 *  the metadata does not fit the frame. */
export function toWire(frame: Uint8Array, meta: FrameMeta | undefined): Uint8Array[] {
  if (!unfinished(meta)) return [frame];
  const lay = checkMeta(frame, meta);
  if (typeof lay === 'string') return [];
  if (lay && meta.gso) return segmentTcp(frame, lay, meta.gso.mss);
  const c = frame.slice();
  completeChecksum(c, meta.csum!.start, meta.csum!.offset);
  return [c];
}

/** Verifies the TCP or UDP checksum of an unfragmented IPv4/IPv6 frame, as a NIC's receive
 *  checksum offload does; false when it is wrong or the frame is not one it checks (a UDP
 *  checksum of 0, fragments, other protocols). */
export function l4ChecksumOk(f: Uint8Array): boolean {
  const e = l3Of(f);
  if (!e) return false;
  let l4: number, end: number, proto: number, pseudo: number;
  if (e.type === ETH_P_IPV4) {
    if (f.length < e.l3 + 20 || f[e.l3] >> 4 !== 4) return false;
    const ihl = (f[e.l3] & 15) * 4;
    end = e.l3 + u16(f, e.l3 + 2);
    if (ihl < 20 || end > f.length || (u16(f, e.l3 + 6) & 0x3fff)) return false;
    proto = f[e.l3 + 9]; l4 = e.l3 + ihl;
    pseudo = onesSum(f, e.l3 + 12, e.l3 + 20, proto + (end - l4));
  } else if (e.type === ETH_P_IPV6) {
    if (f.length < e.l3 + 40 || f[e.l3] >> 4 !== 6) return false;
    end = e.l3 + 40 + u16(f, e.l3 + 4);
    proto = f[e.l3 + 6]; l4 = e.l3 + 40;
    if (end > f.length) return false;
    pseudo = onesSum(f, e.l3 + 8, e.l3 + 40, proto + (end - l4));
  } else return false;
  if (proto === IPPROTO_TCP) { if (end < l4 + 20) return false; }
  else if (proto === 17) { if (end < l4 + 8 || u16(f, l4 + 6) === 0) return false; }
  else return false;
  return fold(onesSum(f, l4, end, pseudo)) === 0xffff;
}
