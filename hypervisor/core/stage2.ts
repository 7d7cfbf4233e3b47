// A VM's stage-2 page tables, written in the architectural VMSAv8-64 stage-2 format into pages
// the core owns, so that the MMU (src/sys/mmu.ts Stage2Walker) walks them as hardware would:
// 4 KiB granule, 40-bit IPA (VTCR_EL2.T0SZ = 24), walks start at level 1 with two concatenated
// level-1 tables (SL0 = 1), 4 KiB pages at level 3 (Arm ARM D5.2/D5.3).
import { S2, VTCR_40BIT } from '../../src/sys/mmu.js';

const TWO32 = 4294967296;
const PAGE = 4096;

/** Gives the tables zeroed core pages (pfns), or -1 when the core's pool is empty. */
export interface CorePagePool {
  alloc(): number;
  /** Two physically consecutive pages, 8 KiB aligned (the concatenated level-1 table). */
  allocPair(): number;
  free(pfn: number): void;
}

export const IPA_BITS = 40;
export { VTCR_40BIT };

export class Stage2Tables {
  /** PA of the level-1 table pair. */
  readonly root: number;
  private readonly owned: number[] = [];

  constructor(private readonly dv: DataView, private readonly pool: CorePagePool, readonly vmid: number) {
    const r = pool.allocPair();
    if (r < 0) throw new Error('hypervisor core: out of core memory for stage-2 tables');
    this.owned.push(r, r + 1);
    this.root = r * PAGE;
  }

  /** VTTBR_EL2: BADDR | VMID << 48. */
  get vttbr(): bigint { return BigInt(this.root) | (BigInt(this.vmid) << 48n); }

  private read(da: number): { lo: number; hi: number } { return { lo: this.dv.getInt32(da, true), hi: this.dv.getInt32(da + 4, true) }; }
  private write(da: number, pa: number, loBits: number, hiBits = 0): void {
    this.dv.setInt32(da, ((pa % TWO32) | loBits) | 0, true);
    this.dv.setInt32(da + 4, (Math.floor(pa / TWO32) | hiBits) | 0, true);
  }

  /** The level-3 descriptor address for `ipa`, creating tables on the way if `create`. */
  private leaf(ipa: number, create: boolean): number | null {
    let table = this.root;
    for (let level = 1; level < 3; level++) {
      const shift = 12 + 9 * (3 - level);
      const idx = Math.floor(ipa / 2 ** shift) % (level === 1 ? 1024 : 512);
      const da = table + idx * 8;
      const d = this.read(da);
      if ((d.lo & 1) === 0) {
        if (!create) return null;
        const pfn = this.pool.alloc();
        if (pfn < 0) return null;
        this.owned.push(pfn);
        this.write(da, pfn * PAGE, S2.VALID | S2.TABLE);
        table = pfn * PAGE;
      } else {
        table = (d.hi & 0xffff) * TWO32 + ((d.lo & ~0xfff) >>> 0);
      }
    }
    return table + (Math.floor(ipa / PAGE) % 512) * 8;
  }

  /** Maps IPA page `ipa` to PA page `pa`: normal memory read/write/execute, device memory
   *  (read/write, execute-never), or a shared host window (normal memory, execute-never: I/O
   *  buffers only). False when the core's pool is exhausted or the IPA is out of range. */
  map(ipa: number, pa: number, kind: 'ram' | 'device' | 'shared' = 'ram'): boolean {
    if (!(ipa >= 0 && ipa < 2 ** IPA_BITS && ipa % PAGE === 0 && pa % PAGE === 0)) return false;
    const da = this.leaf(ipa, true);
    if (da === null) return false;
    const attrs = S2.VALID | S2.TABLE | S2.S2AP_R | S2.S2AP_W | S2.AF |
      (kind === 'device' ? S2.MEMATTR_DEVICE : S2.MEMATTR_NORMAL_WB | S2.SH_INNER);
    this.write(da, pa, attrs, kind === 'ram' ? 0 : S2.XN_HI);
    return true;
  }

  unmap(ipa: number): void {
    const da = this.leaf(ipa, false);
    if (da !== null) { this.dv.setInt32(da, 0, true); this.dv.setInt32(da + 4, 0, true); }
  }

  /** Returns every table page to the core's pool (zeroed by the pool on reuse). */
  destroy(): void { for (const p of this.owned) this.pool.free(p); this.owned.length = 0; }

  /** Core pages the tables occupy. */
  get pageCount(): number { return this.owned.length; }
}
