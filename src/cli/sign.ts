// `krustvm keygen`, `krustvm sign` and `krustvm verify` as yargs command modules (registered by
// src/cli/cli.ts): secure VM boot's key and signature tools.
//   krustvm keygen [-o DIR] [--name NAME] [--force]   DIR/NAME.key.pem (0600) + DIR/NAME.pub.pem
//   krustvm sign IMAGE… --key NAME.key.pem [--addr ADDR|any] [--gunzip]   writes IMAGE.sig
//   krustvm verify IMAGE… --public-key NAME.pub.pem [--addr ADDR]           checks IMAGE.sig
// What is signed: see src/machine/signed-images.ts (bytes as loaded, and their load address)
// and hypervisor/core/image-verify.ts (message and .sig format).
// Exit status: 0; 1 when verify refuses an image; 2 for usage errors; 66 for bad input (missing
// or unreadable file, bad key, damaged signature file). Errors are one line on stderr; nothing is
// half-written (every signature is made before any file is written; files are renamed into place).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CommandModule } from 'yargs';
import { parseAddress } from './args.js';
import { LoadError } from '../machine/loader.js';
import { loadedImageOf, readPublicKey, readSignatureFile, sigPathOf, signedBytesOf } from '../machine/signed-images.js';
import {
  formatSignatureFile, generateSigningKeys, makeSignatureFile, publicKeyFingerprint, signImage, verifyWithSignatureFile, type LoadAddress,
} from '../../hypervisor/core/image-verify.js';

export const EXIT_USAGE = 2, EXIT_BAD_INPUT = 66, EXIT_REFUSED = 1;

class UsageError extends Error {}

function say(line: string): void { process.stderr.write(`krustvm: ${line}\n`); }
const hex = (n: number) => `0x${n.toString(16)}`;
const describe = (a: LoadAddress) => (a === 'any' ? 'any load address' : `load address ${hex(a)}`);

async function guarded(command: string, fn: () => number): Promise<number> {
  try { return fn(); } catch (x) {
    if (x instanceof UsageError) { say(`${x.message} (see krustvm ${command} --help)`); return EXIT_USAGE; }
    if (x instanceof LoadError) { say(x.message); return EXIT_BAD_INPUT; }
    throw x;
  }
}

/** Writes `data` to `file` through a temporary file and a rename (never half-written). */
function writeAtomic(file: string, data: string, mode = 0o644): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    fs.writeFileSync(tmp, data, { mode, flag: 'wx' });
    fs.chmodSync(tmp, mode); // the umask must not widen or narrow it
    fs.renameSync(tmp, file);
  } catch (x) {
    try { fs.unlinkSync(tmp); } catch { /* not created */ }
    const code = (x as { code?: string }).code;
    throw new LoadError(`${file}: cannot write it (${code ?? (x as Error).message})`);
  }
}

function parseLoadAddress(s: string | undefined, allowAny: boolean): LoadAddress | undefined {
  if (s === undefined) return undefined;
  if (allowAny && s === 'any') return 'any';
  const v = parseAddress(s);
  if (v === undefined || !Number.isSafeInteger(v) || v < 0) throw new UsageError(`--addr ${s}: not an address (use 0x… or decimal${allowAny ? ', or "any"' : ''})`);
  return v;
}

export interface KeygenArgs { o?: string; name?: string; force?: boolean }

export function keygenMain(a: KeygenArgs): Promise<number> {
  return guarded('keygen', () => {
    const dir = a.o ?? '.', name = a.name ?? 'krustvm';
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith('.')) throw new UsageError(`--name ${name}: use letters, digits, ".", "_" or "-"`);
    const priv = path.join(dir, `${name}.key.pem`), pub = path.join(dir, `${name}.pub.pem`);
    try { fs.mkdirSync(dir, { recursive: true, mode: 0o700 }); } catch (x) {
      throw new LoadError(`${dir}: cannot create the directory (${(x as { code?: string }).code})`);
    }
    if (!fs.statSync(dir).isDirectory()) throw new LoadError(`${dir}: is not a directory`);
    if (!a.force) {
      for (const f of [priv, pub]) if (fs.existsSync(f)) throw new UsageError(`keygen: ${f} exists; give --force to replace it (the images signed with the old key will no longer verify)`);
    }
    const keys = generateSigningKeys();
    writeAtomic(priv, keys.privateKeyPem, 0o600);
    writeAtomic(pub, keys.publicKeyPem, 0o644);
    process.stdout.write(`private key: ${priv} (keep it secret; mode 0600)\npublic key:  ${pub}\n`);
    return 0;
  });
}

export interface SignArgs { images?: string[]; key?: string; addr?: string; gunzip?: boolean }

export function signMain(a: SignArgs): Promise<number> {
  return guarded('sign', () => {
    const images = (a.images ?? []).map(String);
    if (images.length === 0) throw new UsageError('sign: give the IMAGE files to sign');
    if (!a.key) throw new UsageError('sign: give the private key with --key FILE (krustvm keygen writes one)');
    const addr = parseLoadAddress(a.addr, true);
    let keyPem: string;
    try { keyPem = fs.readFileSync(a.key, 'utf8'); } catch (x) {
      const code = (x as { code?: string }).code;
      throw new LoadError(`${a.key}: ${code === 'ENOENT' ? 'no such file' : `cannot read it (${code})`}; give the private key krustvm keygen wrote`);
    }
    // Everything is signed before anything is written.
    const out: { file: string; text: string; line: string }[] = [];
    let publicKeyPem: string | undefined;
    for (const file of images) {
      const img = loadedImageOf(file, { gunzip: a.gunzip === true });
      const load = addr ?? img.load;
      const s = signImage(img.bytes, load, keyPem);
      if (!s.ok) throw new LoadError(`${a.key}: ${s.reason}`);
      publicKeyPem ??= derivePublicPem(keyPem);
      const text = formatSignatureFile(makeSignatureFile(img.bytes, load, s.signature, img.content, publicKeyPem));
      const what = img.kind === 'linux-image' ? `arm64 Image${img.content === 'gunzip' ? ', decompressed' : ''}` : img.content === 'gunzip' ? 'decompressed contents' : img.kind === 'elf' ? 'ELF kernel, loaded segments' : 'file contents';
      if (img.kind === 'linux-image' && addr !== undefined && addr !== img.load) say(`warning: ${file}: signed for ${describe(addr)}, but krustvm loads this Image at ${hex(img.load as number)}`);
      out.push({ file: sigPathOf(file), text, line: `signed ${file} (${what}, ${img.bytes.length} bytes) for ${describe(load)} → ${sigPathOf(file)}` });
    }
    for (const o of out) { writeAtomic(o.file, o.text); process.stdout.write(`${o.line}\n`); }
    return 0;
  });
}

/** The public half of a private key PEM (node:crypto derives it), for the .sig's key fingerprint. */
function derivePublicPem(privatePem: string): string | undefined {
  try { return crypto.createPublicKey(privatePem).export({ type: 'spki', format: 'pem' }).toString(); } catch { return undefined; }
}

export interface VerifyArgs { images?: string[]; 'public-key'?: string; addr?: string }

export function verifyMain(a: VerifyArgs): Promise<number> {
  return guarded('verify', () => {
    const images = (a.images ?? []).map(String);
    if (images.length === 0) throw new UsageError('verify: give the IMAGE files to verify');
    const keyFile = a['public-key'];
    if (!keyFile) throw new UsageError('verify: give the public key with --public-key FILE');
    const addr = parseLoadAddress(a.addr, false) as number | undefined;
    const pem = readPublicKey(keyFile);
    if (publicKeyFingerprint(pem) === undefined) throw new LoadError(`${keyFile}: not an Ed25519 public key PEM (expected "-----BEGIN PUBLIC KEY-----", as krustvm keygen writes)`);
    let status = 0;
    for (const file of images) {
      const sig = readSignatureFile(sigPathOf(file));
      const bytes = signedBytesOf(file, sig);
      // The address to check: --addr, else where krustvm loads it (an Image: its text_offset),
      // else the one the signature names.
      const img = loadedImageOf(file, { gunzip: sig.content === 'gunzip' });
      const at = addr ?? (img.load !== 'any' ? img.load : sig.loadAddress === 'any' ? 0 : sig.loadAddress);
      const r = verifyWithSignatureFile(bytes, at, sig, pem);
      if (r.ok) process.stdout.write(`${file}: good signature (${describe(sig.loadAddress)})\n`);
      else { say(`${file}: refused: ${r.reason}`); status = EXIT_REFUSED; }
    }
    return status;
  });
}

/** The command modules; `setExit` receives the status (main.ts returns it from main()). */
export function signCommands(setExit: (code: number) => void): CommandModule[] {
  const keygen: CommandModule = {
    command: 'keygen',
    describe: 'Make an Ed25519 key pair for signing VM images',
    builder: (y) => y
      .usage('Usage: krustvm keygen [-o DIR] [--name NAME] [--force]\n\nWrites DIR/NAME.key.pem (the private key, mode 0600: keep it secret and out of repositories) and DIR/NAME.pub.pem (the public key VMs are verified against).')
      .option('o', { alias: 'output', type: 'string', describe: 'directory for the key files (default: the current directory)' })
      .option('name', { type: 'string', default: 'krustvm', describe: 'base name of the key files' })
      .option('force', { type: 'boolean', default: false, describe: 'replace existing key files' })
      .example('krustvm keygen -o ~/.krustvm', 'writes ~/.krustvm/krustvm.key.pem and krustvm.pub.pem'),
    handler: async (a) => { setExit(await keygenMain(a as unknown as KeygenArgs)); },
  };
  const sign: CommandModule = {
    command: 'sign <images..>',
    describe: 'Sign VM images (kernel, initrd) for secure boot; writes IMAGE.sig beside each',
    builder: (y) => y
      .usage('Usage: krustvm sign IMAGE… --key PRIVATE.pem [--addr ADDR|any] [--gunzip]\n\nSigns each image as krustvm loads it, bound to its load address: an arm64 Linux Image (gzip or not) is signed decompressed at its load address (RAM base + text_offset); an ELF kernel as its loadable segments sit in guest memory, bound to the lowest segment address; other files (an initrd) byte for byte, valid at any address unless --addr is given. The signature goes to IMAGE.sig.')
      .positional('images', { type: 'string', array: true, describe: 'the image files' })
      .option('key', { type: 'string', describe: 'the Ed25519 private key (PEM, from krustvm keygen)' })
      .option('addr', { type: 'string', describe: 'guest-physical load address to bind to (0x… or decimal), or "any"' })
      .option('gunzip', { type: 'boolean', default: false, describe: 'sign the decompressed contents of a gzip file (as krustvm loads the bundled initramfs)' })
      .example('krustvm sign Image --key krustvm.key.pem', 'a kernel: writes Image.sig')
      .example('krustvm sign --gunzip initramfs.cpio.gz --key krustvm.key.pem', 'an initramfs krustvm decompresses before loading')
      .example('krustvm sign app.bin --addr 0x80000 --key krustvm.key.pem', 'a raw binary bound to its load address'),
    handler: async (a) => { setExit(await signMain(a as unknown as SignArgs)); },
  };
  const verify: CommandModule = {
    command: 'verify <images..>',
    describe: 'Check VM images against their IMAGE.sig and a public key',
    builder: (y) => y
      .usage('Usage: krustvm verify IMAGE… --public-key PUBLIC.pem [--addr ADDR]\n\nChecks each IMAGE against IMAGE.sig: the bytes krustvm would load and their load address (an Image: where krustvm loads it; --addr: that address). Exit status 1 if any image is refused.')
      .positional('images', { type: 'string', array: true, describe: 'the image files' })
      .option('public-key', { alias: 'pubkey', type: 'string', describe: 'the Ed25519 public key (PEM), as boot --public-key takes it' })
      .option('addr', { type: 'string', describe: 'the load address to check (0x… or decimal)' })
      .example('krustvm verify guests/linux/Image.gz --public-key guests/linux/krustvm-guest.pub.pem', 'the bundled kernel'),
    handler: async (a) => { setExit(await verifyMain(a as unknown as VerifyArgs)); },
  };
  return [keygen, sign, verify];
}
