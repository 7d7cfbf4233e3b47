// `krustvm boot --mode bare|kvm|krustvm`: bare runs the guest on the machine directly (machine.ts);
// kvm and krustvm run it as a VM under the hypervisor core (hypervisor/host/vm-machine.ts) —
// kvm with stage 2 but a host that may read all VM memory and no image verification, krustvm
// with full isolation and images verified against a public key before the first run.
import * as path from 'node:path';
import type { Argv } from 'yargs';
import { bootLayout } from './boot.js';
import { LoadError, type Layout } from './loader.js';
import type { MachineOptions } from './machine.js';
import { Scheduler } from './scheduler.js';
import { bundledGuest } from './guest.js';
import { BUNDLED_PUBLIC_KEY, readPublicKey, readSignatureFile, sigPathOf } from './signed-images.js';
import { VmMachine } from '../../hypervisor/host/vm-machine.js';
import { engineStatsLine } from '../engine.js';

export type RunMode = 'bare' | 'kvm' | 'krustvm';
export const RUN_MODES: readonly RunMode[] = ['bare', 'kvm', 'krustvm'];
/** The command line's default (issue 7): the isolated VM. The bundled guest ships signed, and
 *  its NICs use the VM's shared I/O window (a restricted-dma-pool). Multi-VM specs take it too. */
export const CLI_DEFAULT_MODE: RunMode = 'krustvm';
/** Callers of bootMain that give no mode keep the machine as it was. */
export const DEFAULT_MODE: RunMode = 'bare';

export interface ModeArgs {
  mode?: RunMode;
  'public-key'?: string;
  kernel?: string;
  initrd?: string;
}

export function modeOptions<T>(y: Argv<T>) {
  return y
    .option('mode', { choices: RUN_MODES, default: CLI_DEFAULT_MODE, describe: 'krustvm (the default): an isolated VM under the hypervisor core, its kernel and initrd must verify (--public-key; `krustvm sign`), its NICs reach only a shared I/O window; kvm: a VM under the core with stage 2 whose host sees all VM memory, nothing verified; bare: the guest on the machine directly' })
    .option('public-key', { type: 'string', describe: 'krustvm mode: the Ed25519 public key (PEM) images must verify against (default: the bundled guest\'s key)' });
}

export interface ModeBoot { scheduler: Scheduler; statsLines: () => string[] }

const HOW_TO = 'sign the images with `krustvm sign` (`krustvm keygen` makes a key pair; give its public key with --public-key), or choose --mode kvm or --mode bare, which do not verify';

/** Boots `plan` in `mode`. LoadError (one line) when the core refuses the VM. */
export function bootForMode(a: ModeArgs, plan: Layout, opts: MachineOptions, inputPossible: boolean): ModeBoot {
  const mode = a.mode ?? DEFAULT_MODE;
  if (mode === 'bare') {
    const { scheduler, machine } = bootLayout(plan, opts, inputPossible);
    return { scheduler, statsLines: () => [engineStatsLine('engine', machine.vcpus.map((v) => v.engine.stats()))] };
  }
  let kernelSignature: Uint8Array | undefined, initrdSignature: Uint8Array | undefined, publicKeyPem: string | undefined;
  if (mode === 'krustvm') {
    const sig = (file: string, what: string) => {
      try { return readSignatureFile(sigPathOf(file)).signature; } catch (x) {
        throw new LoadError(`--mode krustvm: the ${what} ${file} has no valid signature (${(x as Error).message}); ${HOW_TO}`);
      }
    };
    if (a.kernel) {
      kernelSignature = sig(a.kernel, 'kernel');
      // An ELF kernel is verified as its segments sit in the VM; a signature over the file is not that.
      if (plan.kernel.format === 'elf' && readSignatureFile(sigPathOf(a.kernel)).content !== 'elf-load') {
        throw new LoadError(`--mode krustvm: the signature of the ELF kernel ${a.kernel} covers the file, but the core verifies the segments loaded into the VM; sign it again with this krustvm's \`krustvm sign\` (it signs an ELF kernel's loaded segments), or choose --mode kvm or --mode bare, which do not verify`);
      }
    }
    if (a.initrd) initrdSignature = sig(a.initrd, 'initrd');
    const g = bundledGuest();
    const keyFile = a['public-key'] ?? (g ? path.join(g.dir, BUNDLED_PUBLIC_KEY) : undefined);
    if (!keyFile) throw new LoadError(`--mode krustvm: no public key to verify the images against; give --public-key FILE, or ${HOW_TO}`);
    publicKeyPem = readPublicKey(keyFile);
  }
  const m = VmMachine.create({
    isolation: mode, ramBytes: opts.ramBytes, cpus: opts.cpus, engine: opts.engine, icount: opts.icount, nsPerInsn: opts.nsPerInsn,
    serial: opts.serial, jitThreshold: opts.jitThreshold, checkJit: opts.checkJit, publicKeyPem, nics: opts.nics,
  }, { layout: plan, kernelSignature, initrdSignature });
  if ('error' in m) {
    const hint = mode === 'krustvm' ? `; ${HOW_TO}` : '';
    throw new LoadError(`--mode ${mode}: the hypervisor core refused the VM: ${m.error}${hint}`);
  }
  const scheduler = new Scheduler(m, inputPossible);
  return { scheduler, statsLines: () => m.statsLines() };
}
