// Secure VM boot: Ed25519 signatures over a VM image *and the address it is loaded at*.
//
// What is signed. Ed25519 (RFC 8032, via node:crypto) over this 76-byte message:
//
//   "krustvm-image-signature-v1\0"   27 bytes, domain separation (never valid for anything else)
//   binding                          1 byte: 0 = bound to one load IPA, 1 = any load address
//   load IPA                         u64 little-endian (0 when binding = 1)
//   image length                     u64 little-endian
//   SHA-256 of the image             32 bytes
//
// The image is the bytes as they sit in guest memory (a kernel decompressed, an initrd as loaded),
// the load IPA the guest-physical address of its first byte. Hashing first keeps the signed
// message small (the core can hash the pages in place); SHA-256 collision resistance makes that
// as strong as signing the bytes. A signature bound to one IPA does not verify at another; a
// signature made with binding "any" verifies wherever the image is placed — for images whose
// position does not matter to their meaning (the initrd, whose place the loader picks from the
// RAM size and tells the kernel in the device tree; an ELF file, whose addresses are inside it).
//
// The signature file (`IMAGE.sig`, beside the image; JSON, readable, versioned):
//   { "format": "krustvm-image-signature", "version": 1, "algorithm": "ed25519",
//     "loadAddress": "0x0" | "any", "length": N, "sha256": "<hex of the signed bytes>",
//     "content": "file" | "gunzip" | "elf-load", "publicKeySha256": "<hex of the signer's SPKI DER>",
//     "signature": "<base64, 64 bytes>" }
// `content` says how the signed bytes come from the file next to it (gunzip: its decompressed
// contents, as krustvm loads a gzip kernel and the bundled initramfs; elf-load: an ELF kernel's
// loadable segments laid out at their physical addresses, gaps zero, bound to the lowest one). Only `signature`, the load
// address and the image bytes decide validity; the other fields give clear refusal reasons.
//
// This module is part of the trusted core: it imports nothing but node:crypto and never throws.
import * as crypto from 'node:crypto';

export type VerifyResult = { ok: true } | { ok: false; reason: string };
/** A load address, or 'any' for a position-independent image. */
export type LoadAddress = number | 'any';

const DOMAIN = Buffer.from('krustvm-image-signature-v1\0', 'latin1');
export const SIGNATURE_BYTES = 64;
export const SIG_FORMAT = 'krustvm-image-signature';
export const SIG_VERSION = 1;

const hex = (n: number) => `0x${n.toString(16)}`;
const isAddress = (a: unknown): a is number => typeof a === 'number' && Number.isSafeInteger(a) && a >= 0;
const describeAddress = (a: LoadAddress) => (a === 'any' ? 'any address' : hex(a));

export function sha256Hex(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** The message an image signature covers (see the file header). */
export function signedMessage(image: Uint8Array, load: LoadAddress, digest?: Buffer): Buffer {
  const m = Buffer.alloc(DOMAIN.length + 1 + 8 + 8 + 32);
  let o = DOMAIN.copy(m, 0);
  m[o++] = load === 'any' ? 1 : 0;
  m.writeBigUInt64LE(load === 'any' ? 0n : BigInt(load), o); o += 8;
  m.writeBigUInt64LE(BigInt(image.length), o); o += 8;
  (digest ?? crypto.createHash('sha256').update(image).digest()).copy(m, o);
  return m;
}

type KeyResult<K> = { ok: true; key: K } | { ok: false; reason: string };

function publicKeyOf(pem: string): KeyResult<crypto.KeyObject> {
  let key: crypto.KeyObject;
  try { key = crypto.createPublicKey({ key: pem, format: 'pem' }); } catch {
    return { ok: false, reason: 'the public key is not a PEM-encoded key (expected "-----BEGIN PUBLIC KEY-----", as krustvm keygen writes)' };
  }
  if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `the public key is a ${key.asymmetricKeyType ?? 'unknown'} key; image signatures use Ed25519 (krustvm keygen)` };
  return { ok: true, key };
}

function privateKeyOf(pem: string): KeyResult<crypto.KeyObject> {
  let key: crypto.KeyObject;
  try { key = crypto.createPrivateKey({ key: pem, format: 'pem' }); } catch {
    return { ok: false, reason: 'not a PEM-encoded private key (expected "-----BEGIN PRIVATE KEY-----", as krustvm keygen writes)' };
  }
  if (key.asymmetricKeyType !== 'ed25519') return { ok: false, reason: `a ${key.asymmetricKeyType ?? 'unknown'} key; image signatures use Ed25519 (krustvm keygen)` };
  return { ok: true, key };
}

/** Hex SHA-256 of a public key's SubjectPublicKeyInfo (DER): names the key in .sig files. */
export function publicKeyFingerprint(publicKeyPem: string): string | undefined {
  const k = publicKeyOf(publicKeyPem);
  return k.ok ? sha256Hex(k.key.export({ type: 'spki', format: 'der' })) : undefined;
}

/**
 * Checks `sig` (64 raw Ed25519 bytes) over `image` loaded at `loadIpa` against the public key
 * in `publicKeyPem`. A signature made for "any" address verifies at every `loadIpa`. Never throws.
 */
export function verifyImage(image: Uint8Array, loadIpa: number, sig: Uint8Array, publicKeyPem: string): VerifyResult {
  try {
    if (!(image instanceof Uint8Array)) return { ok: false, reason: 'no image bytes' };
    if (!isAddress(loadIpa)) return { ok: false, reason: `load address ${String(loadIpa)} is not a valid guest-physical address` };
    if (!(sig instanceof Uint8Array) || sig.length !== SIGNATURE_BYTES) {
      return { ok: false, reason: `the signature is ${sig instanceof Uint8Array ? sig.length : 0} bytes; an Ed25519 signature is ${SIGNATURE_BYTES} (truncated or damaged signature)` };
    }
    if (typeof publicKeyPem !== 'string') return { ok: false, reason: 'no public key' };
    const k = publicKeyOf(publicKeyPem);
    if (!k.ok) return k;
    const digest = crypto.createHash('sha256').update(image).digest();
    if (crypto.verify(null, signedMessage(image, loadIpa, digest), k.key, sig)) return { ok: true };
    if (crypto.verify(null, signedMessage(image, 'any', digest), k.key, sig)) return { ok: true };
    return { ok: false, reason: `the signature does not match this image at load address ${hex(loadIpa)} under this public key (the image was changed, is loaded at another address than it was signed for, or was signed with another key)` };
  } catch (x) {
    return { ok: false, reason: `verification failed: ${(x as Error)?.message ?? String(x)}` };
  }
}

/** Signs `image` for `load` with an Ed25519 private key (PEM): the 64 signature bytes, or why not. */
export function signImage(image: Uint8Array, load: LoadAddress, privateKeyPem: string): { ok: true; signature: Uint8Array } | { ok: false; reason: string } {
  if (load !== 'any' && !isAddress(load)) return { ok: false, reason: `load address ${String(load)} is not a valid guest-physical address` };
  const k = privateKeyOf(privateKeyPem);
  if (!k.ok) return k;
  return { ok: true, signature: new Uint8Array(crypto.sign(null, signedMessage(image, load), k.key)) };
}

/** A fresh Ed25519 key pair as PEM (PKCS#8 private, SPKI public). */
export function generateSigningKeys(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

// ----- the signature file

/** How signed bytes come from a file: as they are, decompressed, or an ELF file's loaded segments. */
export type SignedContent = 'file' | 'gunzip' | 'elf-load';
const CONTENTS: readonly string[] = ['file', 'gunzip', 'elf-load'];

export interface SignatureFile {
  loadAddress: LoadAddress;
  length: number;
  sha256: string;
  /** How the signed bytes come from the file beside the .sig. */
  content: SignedContent;
  /** SHA-256 of the signer's public key (SPKI DER), hex; absent if unknown. */
  publicKeySha256?: string;
  signature: Uint8Array;
}

/** Builds the .sig record for a signature just made over `image`. */
export function makeSignatureFile(image: Uint8Array, load: LoadAddress, signature: Uint8Array, content: SignedContent, publicKeyPem?: string): SignatureFile {
  return {
    loadAddress: load, length: image.length, sha256: sha256Hex(image), content,
    publicKeySha256: publicKeyPem ? publicKeyFingerprint(publicKeyPem) : undefined, signature,
  };
}

export function formatSignatureFile(s: SignatureFile): string {
  const o = {
    format: SIG_FORMAT, version: SIG_VERSION, algorithm: 'ed25519',
    loadAddress: s.loadAddress === 'any' ? 'any' : hex(s.loadAddress),
    length: s.length, sha256: s.sha256, content: s.content,
    ...(s.publicKeySha256 ? { publicKeySha256: s.publicKeySha256 } : {}),
    signature: Buffer.from(s.signature).toString('base64'),
  };
  return JSON.stringify(o, null, 2) + '\n';
}

/** Reads a .sig file's text. Never throws: a damaged file gives the reason. */
export function parseSignatureFile(text: string): { ok: true; sig: SignatureFile } | { ok: false; reason: string } {
  const bad = (why: string) => ({ ok: false as const, reason: `not a valid krustvm signature file: ${why}` });
  let o: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return bad('it is not a JSON object');
    o = v as Record<string, unknown>;
  } catch { return bad('it is not JSON (damaged or truncated)'); }
  if (o.format !== SIG_FORMAT) return bad(`"format" is not "${SIG_FORMAT}"`);
  if (o.version !== SIG_VERSION) return bad(`version ${JSON.stringify(o.version)} is not supported (this krustvm reads version ${SIG_VERSION})`);
  if (o.algorithm !== 'ed25519') return bad(`algorithm ${JSON.stringify(o.algorithm)} is not supported (only ed25519)`);
  let load: LoadAddress;
  if (o.loadAddress === 'any') load = 'any';
  else if (typeof o.loadAddress === 'string' && /^0x[0-9a-f]{1,13}$/i.test(o.loadAddress)) load = parseInt(o.loadAddress.slice(2), 16);
  else return bad('"loadAddress" must be "any" or a hex address like "0x80000"');
  if (!isAddress(o.length)) return bad('"length" must be a byte count');
  if (typeof o.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.sha256)) return bad('"sha256" must be 64 lowercase hex digits');
  if (typeof o.content !== 'string' || !CONTENTS.includes(o.content)) return bad('"content" must be "file", "gunzip" or "elf-load"');
  if (o.publicKeySha256 !== undefined && (typeof o.publicKeySha256 !== 'string' || !/^[0-9a-f]{64}$/.test(o.publicKeySha256))) return bad('"publicKeySha256" must be 64 lowercase hex digits');
  if (typeof o.signature !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.signature)) return bad('"signature" must be base64');
  const signature = new Uint8Array(Buffer.from(o.signature, 'base64'));
  if (signature.length !== SIGNATURE_BYTES) return bad(`the signature is ${signature.length} bytes; an Ed25519 signature is ${SIGNATURE_BYTES} (truncated)`);
  return { ok: true, sig: { loadAddress: load, length: o.length, sha256: o.sha256, content: o.content as SignedContent, publicKeySha256: o.publicKeySha256 as string | undefined, signature } };
}

/**
 * verifyImage with a parsed .sig record: first the record's own facts (length, digest, load
 * address, key fingerprint) so a refusal says exactly what differs, then the signature. Never throws.
 */
export function verifyWithSignatureFile(image: Uint8Array, loadIpa: number, s: SignatureFile, publicKeyPem: string): VerifyResult {
  try {
    if (!isAddress(loadIpa)) return { ok: false, reason: `load address ${String(loadIpa)} is not a valid guest-physical address` };
    if (image.length !== s.length) return { ok: false, reason: `the image is ${image.length} bytes but was signed at ${s.length} bytes (the image was changed after signing)` };
    if (sha256Hex(image) !== s.sha256) return { ok: false, reason: 'the image content differs from what was signed (sha256 mismatch: the image was changed after signing)' };
    if (s.loadAddress !== 'any' && s.loadAddress !== loadIpa) return { ok: false, reason: `the image was signed for load address ${describeAddress(s.loadAddress)} but is loaded at ${hex(loadIpa)}` };
    const fp = publicKeyFingerprint(publicKeyPem);
    if (fp && s.publicKeySha256 && fp !== s.publicKeySha256) return { ok: false, reason: 'the image was signed with another key than the configured public key' };
    return verifyImage(image, loadIpa, s.signature, publicKeyPem);
  } catch (x) {
    return { ok: false, reason: `verification failed: ${(x as Error)?.message ?? String(x)}` };
  }
}
