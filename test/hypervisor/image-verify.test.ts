// Secure VM boot: image signatures (hypervisor/core/image-verify.ts), the host-side view of what
// is signed (src/machine/signed-images.ts), the bundled guest's committed signatures, and the
// keygen → sign → verify round trip through the built CLI (npm test builds dist/ first).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import {
  verifyImage, signImage, generateSigningKeys, signedMessage, parseSignatureFile, formatSignatureFile,
  makeSignatureFile, verifyWithSignatureFile, publicKeyFingerprint,
} from '../../hypervisor/core/image-verify.js';
import { bundledImageSignatures, loadedImageOf } from '../../src/machine/signed-images.js';
import { planBoot } from '../../src/machine/boot.js';
import { bundledGuest } from '../../src/machine/guest.js';
import { KRUSTVM_MAIN } from '../diff/oracle.js';

const keys = generateSigningKeys();
const otherKeys = generateSigningKeys();
const image = new Uint8Array(crypto.randomBytes(10_000));
const LOAD = 0x80000;

/** The PEM with one base64 character of the key material changed. */
function corruptPem(pem: string): string {
  const lines = pem.split('\n');
  lines[1] = lines[1].slice(0, 30) + (lines[1][30] === 'A' ? 'B' : 'A') + lines[1].slice(31);
  return lines.join('\n');
}

function sign(img: Uint8Array, load: number | 'any', pem = keys.privateKeyPem): Uint8Array {
  const s = signImage(img, load, pem);
  if (!s.ok) throw new Error(s.reason);
  return s.signature;
}

describe('verifyImage', () => {
  const sig = sign(image, LOAD);

  it('accepts a signed image at its load address', () => {
    expect(sig.length).toBe(64);
    expect(verifyImage(image, LOAD, sig, keys.publicKeyPem)).toEqual({ ok: true });
  });
  it('the signature is Ed25519 over the documented message (prefix, binding, u64 LE IPA, u64 LE length, SHA-256)', () => {
    // Built here by hand from the format in the module header, checked with node:crypto directly.
    const msg = Buffer.concat([
      Buffer.from('krustvm-image-signature-v1\0', 'latin1'), Buffer.from([0]),
      Buffer.from([0x00, 0x00, 0x08, 0, 0, 0, 0, 0]),            // 0x80000 little-endian
      Buffer.from([0x10, 0x27, 0, 0, 0, 0, 0, 0]),               // 10000 little-endian
      crypto.createHash('sha256').update(image).digest(),
    ]);
    expect(msg.length).toBe(76);
    expect(signedMessage(image, LOAD).equals(msg)).toBe(true);
    expect(crypto.verify(null, msg, crypto.createPublicKey(keys.publicKeyPem), sig)).toBe(true);
  });
  it('refuses an image with one byte changed', () => {
    for (const at of [0, 5000, image.length - 1]) {
      const bad = image.slice();
      bad[at] ^= 1;
      const r = verifyImage(bad, LOAD, sig, keys.publicKeyPem);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/does not match this image at load address 0x80000/);
    }
    const longer = new Uint8Array(image.length + 1);
    longer.set(image);
    expect(verifyImage(longer, LOAD, sig, keys.publicKeyPem).ok).toBe(false);
  });
  it('refuses the image at another load address', () => {
    for (const at of [0, LOAD + 0x1000, LOAD - 1, 2 ** 40 + LOAD]) {
      const r = verifyImage(image, at, sig, keys.publicKeyPem);
      expect(r.ok).toBe(false);
    }
  });
  it('refuses a signature by another key', () => {
    const r = verifyImage(image, LOAD, sig, otherKeys.publicKeyPem);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/signed with another key/);
  });
  it('refuses a truncated, extended, or altered signature with the reason', () => {
    const r = verifyImage(image, LOAD, sig.subarray(0, 63), keys.publicKeyPem);
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/63 bytes; an Ed25519 signature is 64/) });
    expect(verifyImage(image, LOAD, new Uint8Array(65), keys.publicKeyPem).ok).toBe(false);
    expect(verifyImage(image, LOAD, new Uint8Array(0), keys.publicKeyPem).ok).toBe(false);
    const flipped = sig.slice();
    flipped[10] ^= 0x80;
    expect(verifyImage(image, LOAD, flipped, keys.publicKeyPem).ok).toBe(false);
  });
  it('never throws on a bad key or bad arguments', () => {
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const cases: [unknown, unknown, unknown, unknown, RegExp][] = [
      [image, LOAD, sig, 'not a key', /not a PEM-encoded key/],
      [image, LOAD, sig, '', /not a PEM-encoded key/],
      [image, LOAD, sig, rsa, /rsa key; image signatures use Ed25519/],
      [image, LOAD, sig, corruptPem(keys.publicKeyPem), /./],
      [image, -1, sig, keys.publicKeyPem, /not a valid guest-physical address/],
      [image, 1.5, sig, keys.publicKeyPem, /not a valid guest-physical address/],
      [image, NaN, sig, keys.publicKeyPem, /not a valid guest-physical address/],
      [null, LOAD, sig, keys.publicKeyPem, /no image/],
      [image, LOAD, null, keys.publicKeyPem, /0 bytes/],
      [image, LOAD, sig, undefined, /no public key/],
    ];
    for (const [img, at, s, pem, why] of cases) {
      let r: ReturnType<typeof verifyImage> | undefined;
      expect(() => { r = verifyImage(img as Uint8Array, at as number, s as Uint8Array, pem as string); }).not.toThrow();
      expect(r!.ok).toBe(false);
      if (r && !r.ok) expect(r.reason).toMatch(why);
    }
  });
  it('a signature for "any" address verifies everywhere; a bound one is not an "any" signature', () => {
    const any = sign(image, 'any');
    for (const at of [0, LOAD, 0x3fe00000]) expect(verifyImage(image, at, any, keys.publicKeyPem).ok).toBe(true);
    // The binding byte differs, so neither message can stand for the other.
    expect(signedMessage(image, 'any').equals(signedMessage(image, 0))).toBe(false);
    expect(verifyImage(image, 0, sign(image, LOAD), keys.publicKeyPem).ok).toBe(false);
    const bad = image.slice(); bad[1] ^= 4;
    expect(verifyImage(bad, LOAD, any, keys.publicKeyPem).ok).toBe(false);
  });
  it('signImage refuses a public key, garbage, and bad addresses', () => {
    expect(signImage(image, LOAD, keys.publicKeyPem)).toEqual({ ok: false, reason: expect.stringMatching(/not a PEM-encoded private key/) });
    expect(signImage(image, -4, keys.privateKeyPem).ok).toBe(false);
    expect(signImage(image, LOAD, 'x').ok).toBe(false);
  });
});

describe('the .sig file', () => {
  const sig = sign(image, LOAD);
  const rec = makeSignatureFile(image, LOAD, sig, 'file', keys.publicKeyPem);
  const text = formatSignatureFile(rec);

  it('is readable JSON with format, version, algorithm, address, length, sha256, key fingerprint, base64 signature', () => {
    const o = JSON.parse(text);
    expect(o).toEqual({
      format: 'krustvm-image-signature', version: 1, algorithm: 'ed25519', loadAddress: '0x80000',
      length: 10000, sha256: crypto.createHash('sha256').update(image).digest('hex'), content: 'file',
      publicKeySha256: crypto.createHash('sha256').update(crypto.createPublicKey(keys.publicKeyPem).export({ type: 'spki', format: 'der' })).digest('hex'),
      signature: Buffer.from(sig).toString('base64'),
    });
    const p = parseSignatureFile(text);
    expect(p.ok).toBe(true);
    if (p.ok) {
      expect(p.sig.loadAddress).toBe(LOAD);
      expect(Buffer.from(p.sig.signature).equals(Buffer.from(sig))).toBe(true);
      expect(verifyWithSignatureFile(image, LOAD, p.sig, keys.publicKeyPem)).toEqual({ ok: true });
    }
  });
  it('refuses corrupt files with the reason, never throwing', () => {
    const o = JSON.parse(text);
    const variants: [string, RegExp][] = [
      ['', /not JSON/],
      [text.slice(0, text.length / 2), /not JSON/],
      ['[1,2]', /not a JSON object/],
      ['null', /not a JSON object/],
      [JSON.stringify({ ...o, format: 'x' }), /"format"/],
      [JSON.stringify({ ...o, version: 2 }), /version 2 is not supported/],
      [JSON.stringify({ ...o, algorithm: 'rsa' }), /algorithm "rsa"/],
      [JSON.stringify({ ...o, loadAddress: 524288 }), /loadAddress/],
      [JSON.stringify({ ...o, loadAddress: '0xzz' }), /loadAddress/],
      [JSON.stringify({ ...o, length: -1 }), /"length"/],
      [JSON.stringify({ ...o, sha256: 'abc' }), /"sha256"/],
      [JSON.stringify({ ...o, content: 'zip' }), /"content"/],
      [JSON.stringify({ ...o, signature: o.signature.slice(0, 40) }), /30 bytes; an Ed25519 signature is 64 \(truncated\)/],
      [JSON.stringify({ ...o, signature: '!!!' }), /base64/],
      [JSON.stringify({ ...o, publicKeySha256: 7 }), /publicKeySha256/],
    ];
    for (const [t, why] of variants) {
      const p = parseSignatureFile(t);
      expect(p.ok, t).toBe(false);
      if (!p.ok) { expect(p.reason).toMatch(/^not a valid krustvm signature file: /); expect(p.reason).toMatch(why); }
    }
  });
  it('verifyWithSignatureFile names what differs: content, length, address, key', () => {
    const bad = image.slice(); bad[7] ^= 1;
    const why = (r: ReturnType<typeof verifyWithSignatureFile>) => (r.ok ? 'ok' : r.reason);
    expect(why(verifyWithSignatureFile(bad, LOAD, rec, keys.publicKeyPem))).toMatch(/content differs from what was signed/);
    expect(why(verifyWithSignatureFile(image.subarray(1), LOAD, rec, keys.publicKeyPem))).toMatch(/is 9999 bytes but was signed at 10000/);
    expect(why(verifyWithSignatureFile(image, 0x1000, rec, keys.publicKeyPem))).toMatch(/signed for load address 0x80000 but is loaded at 0x1000/);
    expect(why(verifyWithSignatureFile(image, LOAD, rec, otherKeys.publicKeyPem))).toMatch(/signed with another key/);
    // A .sig whose metadata was edited to match a tampered image is still refused by the signature.
    const forged = { ...rec, sha256: crypto.createHash('sha256').update(bad).digest('hex') };
    expect(why(verifyWithSignatureFile(bad, LOAD, forged, keys.publicKeyPem))).toMatch(/signature does not match/);
    const moved = { ...rec, loadAddress: 0x1000 };
    expect(why(verifyWithSignatureFile(image, 0x1000, moved, keys.publicKeyPem))).toMatch(/signature does not match/);
  });
  it('the key fingerprint is SHA-256 of the SPKI DER; undefined for a non-key', () => {
    expect(publicKeyFingerprint(keys.publicKeyPem)).toMatch(/^[0-9a-f]{64}$/);
    expect(publicKeyFingerprint('junk')).toBeUndefined();
  });
});

describe('the bundled guest ships signed', () => {
  const g = bundledGuest();
  it('its committed signatures verify against guests/linux/krustvm-guest.pub.pem', () => {
    expect(g, 'guests/linux is missing').toBeDefined();
    const b = bundledImageSignatures()!;
    expect(b.kernel.loadAddress).toBe(0);       // the Image's text_offset is 0 (header at 0x08)
    expect(b.initrd.loadAddress).toBe('any');
    expect(verifyImage(b.kernel.image, 0, b.kernel.signature, b.publicKeyPem)).toEqual({ ok: true });
    expect(verifyImage(b.initrd.image, 0x1234000, b.initrd.signature, b.publicKeyPem)).toEqual({ ok: true });
    expect(verifyImage(b.kernel.image, 0x200000, b.kernel.signature, b.publicKeyPem).ok).toBe(false);
    expect(verifyImage(b.initrd.image, 0, b.kernel.signature, b.publicKeyPem).ok).toBe(false);
  });
  it('the signatures cover exactly what the loader puts in RAM, for any -m', () => {
    const b = bundledImageSignatures()!;
    for (const ram of [64 * 2 ** 20, 256 * 2 ** 20, 2 ** 30, 2 ** 31]) {
      const l = planBoot({ kernel: g!.kernel, initrd: g!.initrd, gunzipInitrd: true }, ram, 1);
      const k = l.kernel.chunks[0];
      expect(Buffer.from(k.data).equals(Buffer.from(b.kernel.image))).toBe(true);
      expect(verifyImage(k.data, k.addr, b.kernel.signature, b.publicKeyPem)).toEqual({ ok: true });
      expect(Buffer.from(l.initrd!.data).equals(Buffer.from(b.initrd.image))).toBe(true);
      expect(verifyImage(l.initrd!.data, l.initrd!.start, b.initrd.signature, b.publicKeyPem)).toEqual({ ok: true });
    }
  });
  it('the private key is not in the repository', () => {
    const dir = g!.dir;
    for (const f of fs.readdirSync(dir)) {
      expect(fs.readFileSync(path.join(dir, f), 'latin1')).not.toMatch(/PRIVATE KEY/);
    }
  });
});

describe('loadedImageOf: what the signature covers for a file', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-sign-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  it('an arm64 Image: its text_offset (plain and gzip); other files: "any", bytes as they are', () => {
    const img = new Uint8Array(8192);
    const dv = new DataView(img.buffer);
    dv.setBigUint64(8, 0x80000n, true);       // text_offset
    dv.setBigUint64(16, 8192n, true);         // image_size
    dv.setUint32(0x38, 0x644d5241, true);     // "ARM\x64"
    fs.writeFileSync(path.join(tmp, 'Image'), img);
    fs.writeFileSync(path.join(tmp, 'Image.gz'), zlib.gzipSync(img));
    fs.writeFileSync(path.join(tmp, 'data.gz'), zlib.gzipSync(Buffer.from('cpio')));
    const a = loadedImageOf(path.join(tmp, 'Image')), z = loadedImageOf(path.join(tmp, 'Image.gz'));
    expect([a.kind, a.load, a.content]).toEqual(['linux-image', 0x80000, 'file']);
    expect([z.kind, z.load, z.content]).toEqual(['linux-image', 0x80000, 'gunzip']);
    expect(Buffer.from(z.bytes).equals(Buffer.from(img))).toBe(true);
    const d = loadedImageOf(path.join(tmp, 'data.gz'));
    expect([d.kind, d.load, d.content, d.bytes[0]]).toEqual(['data', 'any', 'file', 0x1f]);
    const dz = loadedImageOf(path.join(tmp, 'data.gz'), { gunzip: true });
    expect([dz.content, Buffer.from(dz.bytes).toString()]).toEqual(['gunzip', 'cpio']);
    expect(() => loadedImageOf(path.join(tmp, 'Image'), { gunzip: true })).toThrow(/not gzip-compressed/);
    expect(() => loadedImageOf(path.join(tmp, 'missing'))).toThrow(/no such file/);
  });
});

describe('krustvm keygen / sign / verify (built CLI)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'krustvm-cli-sign-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const run = (...args: string[]) => {
    const r = spawnSync(process.execPath, [KRUSTVM_MAIN, ...args], { cwd: tmp, encoding: 'utf8' });
    return { status: r.status, out: r.stdout, err: r.stderr };
  };
  beforeAll(() => {
    if (!fs.existsSync(KRUSTVM_MAIN)) throw new Error(`${KRUSTVM_MAIN} is missing: build with npx tsc -p . first`);
  });

  it('--help answers for each command', () => {
    for (const c of ['keygen', 'sign', 'verify']) {
      const r = run(c, '--help');
      expect(r.status, r.err).toBe(0);
      expect(r.out).toMatch(new RegExp(`Usage: krustvm ${c}`));
    }
    expect(run('--help').out).toMatch(/keygen/);
  });
  it('keygen writes a 0600 private key and a public key, and refuses to overwrite without --force', () => {
    const r = run('keygen', '-o', 'keys');
    expect(r.status, r.err).toBe(0);
    const priv = path.join(tmp, 'keys/krustvm.key.pem'), pub = path.join(tmp, 'keys/krustvm.pub.pem');
    expect(fs.statSync(priv).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(priv, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(crypto.createPublicKey(fs.readFileSync(pub, 'utf8')).asymmetricKeyType).toBe('ed25519');
    const before = fs.readFileSync(priv, 'utf8');
    const again = run('keygen', '-o', 'keys');
    expect(again.status).toBe(2);
    expect(again.err.trim().split('\n')).toHaveLength(1);
    expect(again.err).toMatch(/exists; give --force to replace it/);
    expect(fs.readFileSync(priv, 'utf8')).toBe(before);
    expect(run('keygen', '-o', 'keys', '--force').status).toBe(0);
    expect(fs.readFileSync(priv, 'utf8')).not.toBe(before);
    expect(fs.readdirSync(path.join(tmp, 'keys')).sort()).toEqual(['krustvm.key.pem', 'krustvm.pub.pem']);
  });
  it('sign → verify round trip; tampering, a wrong address and a wrong key are refused (exit 1)', () => {
    fs.writeFileSync(path.join(tmp, 'app.bin'), crypto.randomBytes(3000));
    fs.writeFileSync(path.join(tmp, 'rd.gz'), zlib.gzipSync(crypto.randomBytes(5000)));
    let r = run('sign', 'app.bin', '--addr', '0x80000', '--key', 'keys/krustvm.key.pem');
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/signed app.bin .* for load address 0x80000 → app.bin.sig/);
    r = run('sign', '--gunzip', 'rd.gz', '--key', 'keys/krustvm.key.pem');
    expect(r.status, r.err).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(tmp, 'rd.gz.sig'), 'utf8'))).toMatchObject({ loadAddress: 'any', content: 'gunzip', length: 5000 });
    r = run('verify', 'app.bin', 'rd.gz', '--public-key', 'keys/krustvm.pub.pem');
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/app.bin: good signature \(load address 0x80000\)\nrd.gz: good signature \(any load address\)/);
    r = run('verify', 'app.bin', '--addr', '0x90000', '--pubkey', 'keys/krustvm.pub.pem');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/app.bin: refused: the image was signed for load address 0x80000 but is loaded at 0x90000/);
    expect(run('keygen', '--name', 'other').status).toBe(0);
    r = run('verify', 'app.bin', '--pubkey', 'other.pub.pem');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/signed with another key/);
    const b = fs.readFileSync(path.join(tmp, 'app.bin')); b[100] ^= 1; fs.writeFileSync(path.join(tmp, 'app.bin'), b);
    r = run('verify', 'app.bin', '--pubkey', 'keys/krustvm.pub.pem');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/changed after signing/);
  });
  it('an ELF kernel is signed as its segments sit in the VM, and boots in krustvm mode (both engines)', () => {
    const elf = path.join(tmp, 'hello.elf');
    fs.copyFileSync(path.join(__dirname, '../baremetal/bin/hello.elf'), elf);
    let r = run('sign', 'hello.elf', '--key', 'keys/krustvm.key.pem');
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/signed hello.elf \(ELF kernel, loaded segments, \d+ bytes\) for load address 0x/);
    expect(JSON.parse(fs.readFileSync(`${elf}.sig`, 'utf8'))).toMatchObject({ content: 'elf-load' });
    const boot = (engine: string) => run('boot', '--kernel', 'hello.elf', '--mode', 'krustvm', '--public-key', 'keys/krustvm.pub.pem', '-m', '64M', '--engine', engine);
    for (const engine of ['interp', 'jit']) {
      r = boot(engine);
      expect(r.status, engine + r.err).toBe(0);
      expect(r.out).toMatch(/ALL PASSED/);
    }
    // A signature over the whole file (what an older krustvm made) is refused, with the remedy.
    const sig = JSON.parse(fs.readFileSync(`${elf}.sig`, 'utf8'));
    fs.writeFileSync(`${elf}.sig`, JSON.stringify({ ...sig, content: 'file' }));
    r = boot('interp');
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/covers the file, but the core verifies the segments loaded into the VM; sign it again/);
    // One byte of a loaded segment changed after signing: the core refuses the VM.
    fs.writeFileSync(`${elf}.sig`, JSON.stringify(sig));
    const b = fs.readFileSync(elf);
    const phoff = Number(b.readBigUInt64LE(32));
    const segOff = Number(b.readBigUInt64LE(phoff + 8));
    b[segOff + 16] ^= 1; fs.writeFileSync(elf, b);
    r = boot('interp');
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/refused the VM: image at IPA 0x80000 .*the signature does not match this image/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  }, 120_000);

  it('bad input: one-line errors, exit 2 (usage) or 66 (bad input), nothing written', () => {
    fs.writeFileSync(path.join(tmp, 'x.bin'), 'hello');
    const cases: [string[], number, RegExp][] = [
      [['sign', 'x.bin'], 2, /give the private key with --key/],
      [['sign', 'x.bin', '--key', 'keys/krustvm.key.pem', '--addr', 'banana'], 2, /--addr banana: not an address/],
      [['sign', 'nope.bin', '--key', 'keys/krustvm.key.pem'], 66, /nope.bin: no such file/],
      [['sign', 'x.bin', '--key', 'missing.pem'], 66, /missing.pem: no such file/],
      [['sign', 'x.bin', '--key', 'keys/krustvm.pub.pem'], 66, /not a PEM-encoded private key/],
      [['sign', 'x.bin', '--gunzip', '--key', 'keys/krustvm.key.pem'], 66, /not gzip-compressed/],
      [['verify', 'x.bin', '--pubkey', 'keys/krustvm.pub.pem'], 66, /x.bin.sig: no such file; sign the image/],
      [['verify', 'x.bin', '--pubkey', 'x.bin'], 66, /not an Ed25519 public key PEM/],
      [['verify', 'x.bin'], 2, /give the public key with --public-key/],
      [['sign'], 2, /./],
    ];
    for (const [args, status, why] of cases) {
      const r = run(...args);
      expect(r.status, args.join(' ')).toBe(status);
      expect(r.err.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.err).toMatch(why);
      expect(r.err).not.toMatch(/at .*\.js:\d+/); // no stack trace
    }
    expect(fs.existsSync(path.join(tmp, 'x.bin.sig'))).toBe(false);
    // A damaged .sig: exit 66 with the reason.
    fs.writeFileSync(path.join(tmp, 'x.bin.sig'), '{"format":"krustvm-image-signature"');
    const r = run('verify', 'x.bin', '--pubkey', 'keys/krustvm.pub.pem');
    expect(r.status).toBe(66);
    expect(r.err).toMatch(/x.bin.sig: not a valid krustvm signature file: it is not JSON/);
  });
  it('sign signs everything before writing anything (one bad file: no .sig written)', () => {
    fs.writeFileSync(path.join(tmp, 'good.bin'), 'good');
    const r = run('sign', 'good.bin', 'absent.bin', '--key', 'keys/krustvm.key.pem');
    expect(r.status).toBe(66);
    expect(fs.existsSync(path.join(tmp, 'good.bin.sig'))).toBe(false);
  });
});
