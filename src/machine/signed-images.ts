// The host side of secure VM boot: which bytes of a file krustvm puts in guest memory and where
// (the loader's rules, src/machine/loader.ts and boot.ts), and the bundled guest's signatures.
//
// What a signature covers (hypervisor/core/image-verify.ts has the message format):
//  - an arm64 Linux Image, plain or gzip (krustvm always decompresses a gzip kernel): the
//    decompressed Image, bound to its load address. The loader puts an Image at RAM base 0 +
//    text_offset from its header, whatever the RAM size, so the signature holds for every -m.
//  - an ELF kernel: its loadable segments as they sit in guest memory (from the first loaded byte
//    to the last, gaps zero), bound to the lowest segment's physical address — the bytes the core
//    finds in the VM — recorded as content "elf-load".
//  - anything else (an initrd, a raw binary): the file's bytes — or, with
//    gunzip, its decompressed contents, as krustvm loads the bundled initramfs — bound to
//    "any" address unless an address is given. The initrd's place depends on the RAM size (right
//    below the device tree at the top of RAM) and is told to the kernel in the device tree.
// The bundled guest (guests/linux) ships Image.gz.sig (decompressed Image at 0x0) and
// initramfs.cpio.gz.sig (the decompressed cpio, "any"), made with the key whose public half is
// guests/linux/krustvm-guest.pub.pem.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { LoadError, loadedSpan, parseKernel } from './loader.js';
import { readInput } from './boot.js';
import { bundledGuest } from './guest.js';
import { parseSignatureFile, type LoadAddress, type SignatureFile, type SignedContent } from '../../hypervisor/core/image-verify.js';

/** The bundled guest's public key file, in guests/linux. */
export const BUNDLED_PUBLIC_KEY = 'krustvm-guest.pub.pem';
/** Where the signature of `file` lives. */
export const sigPathOf = (file: string): string => `${file}.sig`;

const ARM64_MAGIC = 0x644d5241;
const MAX_UNPACKED = 1024 * 2 ** 20;

export interface LoadedImage {
  file: string;
  /** The bytes as they go into guest memory. */
  bytes: Uint8Array;
  /** How they come from the file. */
  content: SignedContent;
  kind: 'linux-image' | 'elf' | 'data';
  /** The address krustvm loads them at, or 'any' when that is not fixed by the file. */
  load: LoadAddress;
}

const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
const isArm64Image = (b: Uint8Array) => b.length >= 64 && Buffer.from(b.buffer, b.byteOffset, b.byteLength).readUInt32LE(0x38) === ARM64_MAGIC;
const isElf = (b: Uint8Array) => b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

function gunzip(file: string, b: Uint8Array): Uint8Array {
  try { return zlib.gunzipSync(b, { maxOutputLength: MAX_UNPACKED }); } catch (x) {
    throw new LoadError(`${file}: is gzip-compressed but does not decompress (${(x as Error).message}); the file is damaged`);
  }
}

/** Where the loader puts an arm64 Image: RAM base 0 + text_offset (independent of the RAM size). */
function imageLoadAddress(file: string, b: Uint8Array): number {
  return parseKernel(file, b, Number.MAX_SAFE_INTEGER).chunks[0].addr;
}

/**
 * What krustvm loads from `file`: an arm64 Image (gzip or not) is decompressed and has its load
 * address; other files are taken as they are (decompressed if `gunzip`) with address 'any'.
 * Bad input is a LoadError with a one-line message.
 */
export function loadedImageOf(file: string, opts: { gunzip?: boolean; what?: string } = {}): LoadedImage {
  const raw = readInput(file, opts.what ?? 'image');
  if (isGzip(raw)) {
    const inner = gunzip(file, raw);
    if (isArm64Image(inner)) return { file, bytes: inner, content: 'gunzip', kind: 'linux-image', load: imageLoadAddress(file, inner) };
    if (opts.gunzip) return { file, bytes: inner, content: 'gunzip', kind: isElf(inner) ? 'elf' : 'data', load: 'any' };
    return { file, bytes: raw, content: 'file', kind: 'data', load: 'any' };
  }
  if (opts.gunzip) throw new LoadError(`${file}: --gunzip was given but the file is not gzip-compressed`);
  if (isArm64Image(raw)) return { file, bytes: raw, content: 'file', kind: 'linux-image', load: imageLoadAddress(file, raw) };
  if (isElf(raw)) { const s = elfLoadedSpan(file, raw); return { file, bytes: s.bytes, content: 'elf-load', kind: 'elf', load: s.addr }; }
  return { file, bytes: raw, content: 'file', kind: 'data', load: 'any' };
}

/** An ELF kernel's loaded segments laid out as in guest memory (LoadError if it is malformed). */
function elfLoadedSpan(file: string, raw: Uint8Array): { addr: number; bytes: Uint8Array } {
  return loadedSpan(parseKernel(file, raw, Number.MAX_SAFE_INTEGER));
}

/** The bytes a .sig record covers, taken from `file` the way the record says (content). */
export function signedBytesOf(file: string, sig: SignatureFile): Uint8Array {
  const raw = readInput(file, 'image');
  if (sig.content === 'file') return raw;
  if (sig.content === 'elf-load') {
    if (!isElf(raw)) throw new LoadError(`${file}: its signature covers an ELF kernel's loaded segments, but the file is not an ELF file`);
    return elfLoadedSpan(file, raw).bytes;
  }
  if (!isGzip(raw)) throw new LoadError(`${file}: its signature covers the decompressed contents, but the file is not gzip-compressed`);
  return gunzip(file, raw);
}

/** Reads and checks `sigFile` (LoadError with the reason if missing or damaged). */
export function readSignatureFile(sigFile: string): SignatureFile {
  let text: string;
  try { text = fs.readFileSync(sigFile, 'utf8'); } catch (x) {
    const code = (x as { code?: string }).code;
    throw new LoadError(`${sigFile}: ${code === 'ENOENT' ? 'no such file; sign the image with krustvm sign' : `cannot read it (${code})`}`);
  }
  const p = parseSignatureFile(text);
  if (!p.ok) throw new LoadError(`${sigFile}: ${p.reason}`);
  return p.sig;
}

/** Reads a public key PEM file (LoadError if missing). Its content is checked at verification. */
export function readPublicKey(file: string): string {
  try { return fs.readFileSync(file, 'utf8'); } catch (x) {
    const code = (x as { code?: string }).code;
    throw new LoadError(`${file}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`}; give the public key PEM (krustvm keygen writes one)`);
  }
}

export interface SignedImage {
  file: string;
  sigFile: string;
  /** The bytes as loaded into guest memory (decompressed). */
  image: Uint8Array;
  /** The address the signature is bound to ('any': valid wherever the loader places it). */
  loadAddress: LoadAddress;
  /** The raw 64-byte Ed25519 signature, for verifyImage. */
  signature: Uint8Array;
  sig: SignatureFile;
}

export interface BundledSignatures {
  publicKeyFile: string;
  publicKeyPem: string;
  kernel: SignedImage;
  initrd: SignedImage;
}

function signedImage(file: string, gunzipData: boolean): SignedImage {
  const sigFile = sigPathOf(file);
  const sig = readSignatureFile(sigFile);
  const img = loadedImageOf(file, { gunzip: gunzipData });
  return { file, sigFile, image: img.bytes, loadAddress: sig.loadAddress, signature: sig.signature, sig };
}

/**
 * The bundled guest's images as krustvm loads them (kernel decompressed, initramfs decompressed
 * as boot.ts does for the bundled guest) with their committed signatures and public key.
 * undefined when the bundled guest is not there; LoadError when its signature files are.
 */
export function bundledImageSignatures(): BundledSignatures | undefined {
  const g = bundledGuest();
  if (!g) return undefined;
  const publicKeyFile = path.join(g.dir, BUNDLED_PUBLIC_KEY);
  return {
    publicKeyFile,
    publicKeyPem: readPublicKey(publicKeyFile),
    kernel: signedImage(g.kernel, false),
    initrd: signedImage(g.initrd, true),
  };
}
