// The shared I/O window (host→core call shareHostWindow, pKVM's host→guest share): host pages
// lent to a VM at IPAs beyond its RAM, where its devices DMA in krustvm mode (a
// restricted-dma-pool). Expected values come from the rules in hypervisor/README.md: the pages
// stay HOST-owned (count 1 while lent), never VM-private; no overlap with RAM or device windows;
// zeroed before mapping and at clearVm; and a device's view reaches no VM-private page in
// krustvm isolation (every refusal logged), while in kvm isolation it reaches all VM memory.
import { describe, expect, it } from 'vitest';
import { OWNER_CORE, OWNER_HOST } from '../../hypervisor/core/core.js';
import { A, MMIO_IPA, PAGE, makeCore, makeVm, powerOff, prologue, runToExit, type Fixture, type TestVm } from './fixture.js';

const VM_PAGES = 8;
/** The window: 4 pages at the first IPA after the VM's RAM. */
const WIN = VM_PAGES * PAGE, WIN_PAGES = 4;

/** A VM (8 pages, krustvm unless told) and 4 host pages to lend it, filled with junk first. */
function setup(isolation: 'kvm' | 'krustvm' = 'krustvm', code: number[] = [A.b(0)]): { f: Fixture; vm: TestVm; lend: number[] } {
  const f = makeCore();
  const vm = makeVm(f, { isolation, code });
  const lend = f.core.hostPages().slice(-WIN_PAGES);
  for (const p of lend) expect(f.core.hostView().write(p * PAGE, new Uint8Array(PAGE).fill(0xee))).toBe(true);
  return { f, vm, lend };
}

interface Row { name: string; act: (f: Fixture, vm: TestVm, lend: number[]) => boolean; refusal: string }
const corePfn = (f: Fixture) => f.core.pageCount - 1;

const ILLEGAL: Row[] = [
  { name: 'window over the VM\'s RAM', act: (f, vm, lend) => f.core.shareHostWindow(vm.id, WIN - PAGE, lend).ok, refusal: 'bad-argument' },
  { name: 'window over the VM\'s device window', act: (f, vm, lend) => f.core.shareHostWindow(vm.id, MMIO_IPA - PAGE, lend).ok, refusal: 'bad-argument' },
  { name: 'window at an unaligned IPA', act: (f, vm, lend) => f.core.shareHostWindow(vm.id, WIN + 8, lend).ok, refusal: 'bad-argument' },
  { name: 'window past the 40-bit IPA space', act: (f, vm, lend) => f.core.shareHostWindow(vm.id, 2 ** 40 - PAGE, lend).ok, refusal: 'bad-argument' },
  { name: 'a page given twice', act: (f, vm, lend) => f.core.shareHostWindow(vm.id, WIN, [lend[0], lend[0]]).ok, refusal: 'bad-argument' },
  { name: 'a VM-private page lent back to its VM', act: (f, vm) => f.core.shareHostWindow(vm.id, WIN, [vm.pfns[3]]).ok, refusal: 'not-owner' },
  { name: 'a core page lent to a VM', act: (f, vm) => f.core.shareHostWindow(vm.id, WIN, [corePfn(f)]).ok, refusal: 'core-page' },
  { name: 'a lent page lent again', act: (f, vm, lend) => f.core.shareHostWindow(vm.id, WIN, lend).ok && f.core.shareHostWindow(vm.id, WIN + 16 * PAGE, [lend[0]]).ok, refusal: 'shared' },
  { name: 'a lent page mapped as another VM\'s RAM', act: (f, vm, lend) => {
    const vm2 = makeVm(f, { code: [A.b(0)], unmappedPages: 2 });
    return f.core.shareHostWindow(vm.id, WIN, lend).ok && f.core.mapVmPages(vm2.id, 6 * PAGE, [lend[0]]).ok;
  }, refusal: 'shared' },
  { name: 'ioremap over a window', act: (f, vm, lend) => f.core.shareHostWindow(vm.id, WIN, lend).ok && f.core.ioremap(vm.id, WIN, PAGE).ok, refusal: 'bad-argument' },
  { name: 'a window for a VM that already runs', act: (f, vm, lend) => { f.core.runVcpu(vm.id, 0, 10); return f.core.shareHostWindow(vm.id, WIN, lend).ok; }, refusal: 'bad-state' },
];

describe('shareHostWindow: refused transitions (each logged, nothing changes hands)', () => {
  for (const row of ILLEGAL) {
    it(row.name, () => {
      const { f, vm, lend } = setup();
      const before = f.core.log.refusals;
      expect(row.act(f, vm, lend)).toBe(false);
      expect(f.core.log.refusals).toBe(before + 1);
      expect(f.core.log.last()?.code).toBe(row.refusal);
      expect(f.core.pageInfo(vm.pfns[3]).owner).toBe(vm.id);
      expect(f.core.pageInfo(corePfn(f)).owner).toBe(OWNER_CORE);
    });
  }
});

describe('shareHostWindow: the legal path', () => {
  it('the pages stay HOST-owned (count 1), leave the allocatable pool, and arrive zeroed', () => {
    const { f, vm, lend } = setup();
    expect(f.core.shareHostWindow(vm.id, WIN, lend).ok).toBe(true);
    for (const p of lend) {
      expect(f.core.pageInfo(p)).toEqual({ owner: OWNER_HOST, shareCount: 1, gfn: -1 });
      expect(f.core.hostPages()).not.toContain(p);
      expect([...f.core.hostView().read(p * PAGE, PAGE)!].every((b) => b === 0)).toBe(true);
    }
  });

  it('the guest stores into the window (the host sees it) but cannot execute from it', () => {
    const code = [...prologue(), ...A.mov(1, WIN + PAGE + 8), ...A.mov(2, 0x1234_5678), A.str(2, 1), ...A.mov(3, WIN), 0xd63f0060 /* blr x3 */, ...powerOff(0)];
    const { f, vm, lend } = setup('krustvm', code);
    expect(f.core.shareHostWindow(vm.id, WIN, lend).ok).toBe(true);
    runToExit(f, vm.id);
    expect(new DataView(f.core.hostView().read(lend[1] * PAGE + 8, 8)!.buffer).getBigUint64(0, true)).toBe(0x1234_5678n);
    // blr into the window: a stage-2 permission fault (XN) injected as an instruction abort;
    // the handler (fixture reportFault) reports ESR_EL1 (EC 0x20 or 0x21 = instruction abort) and FAR = WIN.
    const [esr, far] = f.exits.filter((e) => e.isWrite).map((e) => e.value);
    expect(Number(esr >> 26n) & 0x3f).toBeOneOf([0x20, 0x21]);
    expect(far).toBe(BigInt(WIN));
  });

  it('clearVm zeroes the lent pages and returns them to the pool; the old DMA view reaches nothing', () => {
    const { f, vm, lend } = setup('krustvm', powerOff(0));
    expect(f.core.shareHostWindow(vm.id, WIN, lend).ok).toBe(true);
    const dma = f.core.dmaView(vm.id)!;
    expect(dma.write(WIN + 100, new Uint8Array([1, 2, 3]))).toBe(true);
    runToExit(f, vm.id);
    expect(f.core.clearVm(vm.id).ok).toBe(true);
    for (const p of lend) {
      expect(f.core.pageInfo(p)).toEqual({ owner: OWNER_HOST, shareCount: 0, gfn: -1 });
      expect(f.core.hostPages()).toContain(p);
      expect([...f.core.hostView().read(p * PAGE, PAGE)!].every((b) => b === 0)).toBe(true);
    }
    expect(dma.read(WIN + 100, 3)).toBeNull();
  });
});

describe('a device\'s DMA view with a window', () => {
  it('krustvm: every VM-private page is refused (each refusal logged); the window is reachable', () => {
    const { f, vm, lend } = setup('krustvm');
    expect(f.core.shareHostWindow(vm.id, WIN, lend).ok).toBe(true);
    const dma = f.core.dmaView(vm.id)!;
    for (let g = 0; g < VM_PAGES; g++) {
      const before = f.core.log.refusals;
      expect(dma.read(g * PAGE, 4)).toBeNull();
      expect(dma.write(g * PAGE + 16, new Uint8Array([0xff]))).toBe(false);
      expect(f.core.log.refusals).toBe(before + 2);
      expect(f.core.log.last()?.code).toBe('not-shared');
    }
    // A transfer that starts in the window and runs into RAM is refused as a whole.
    expect(dma.read(WIN - 4, 8)).toBeNull();
    expect(dma.write(WIN + WIN_PAGES * PAGE - 2, new Uint8Array(4))).toBe(false); // runs past the window
    const data = Uint8Array.from({ length: WIN_PAGES * PAGE }, (_, i) => i * 7);
    expect(dma.write(WIN, data)).toBe(true);
    expect(dma.read(WIN, data.length)).toEqual(data);
    expect(f.core.hostView().read(lend[2] * PAGE, 16)).toEqual(data.subarray(2 * PAGE, 2 * PAGE + 16));
  });

  it('kvm: the view reaches all of the VM\'s RAM (and the window)', () => {
    const { f, vm, lend } = setup('kvm');
    expect(f.core.shareHostWindow(vm.id, WIN, lend).ok).toBe(true);
    const dma = f.core.dmaView(vm.id)!;
    const before = f.core.log.refusals;
    for (let g = 0; g < VM_PAGES; g++) expect(dma.read(g * PAGE, 4)).not.toBeNull();
    expect(dma.write(3 * PAGE, new Uint8Array([9]))).toBe(true);
    expect(dma.read(WIN, 8)).not.toBeNull();
    expect(f.core.log.refusals).toBe(before);
  });
});
