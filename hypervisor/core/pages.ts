// The page ownership table (SeKVM's "S2Page" array): one entry per physical 4 KiB page with its
// owner (CORE, HOST or VM n), its share count (how many times the owning VM granted it for I/O)
// and, for VM pages, the guest frame it backs. Every transition the core makes goes through here,
// and every refusal is logged with a reason and counted; nothing throws.
//
// The transitions (SeKVM, "assign_pfn_to_vm" / "grant" / "revoke" / "clear_vm_page"):
//   HOST → VM n      only with share count 0; the page leaves the host's view
//   VM n grant       only by VM n, count + 1, at most SHARE_CAP
//   VM n revoke      only by VM n, count − 1, never below 0
//   VM n → HOST      teardown only: the page is zeroed first, count reset
//   CORE             never changes hands
//   HOST lent        a host page mapped into one VM as its shared I/O window (count 1 while
//                    lent): still HOST's, never the VM's; not assignable until returned
import type { CoreLog } from './log.js';

export const OWNER_CORE = -1;
export const OWNER_HOST = 0;
/** Grants per page before further grants are refused. */
export const SHARE_CAP = 16;

export type Refusal = { ok: false; code: RefusalCode; reason: string };
export type Result = { ok: true } | Refusal;
export type RefusalCode = 'not-owner' | 'core-page' | 'shared' | 'share-cap' | 'not-shared' | 'bad-pfn' | 'bad-state' | 'bad-argument' | 'not-mapped' | 'verify-failed' | 'no-vm';

export const OK: Result = { ok: true };

export const ownerName = (o: number): string => (o === OWNER_CORE ? 'CORE' : o === OWNER_HOST ? 'HOST' : `VM ${o}`);

export class PageTable {
  readonly pages: number;
  readonly #owner: Int16Array;
  readonly #count: Uint8Array;
  readonly #gfn: Int32Array;

  constructor(pages: number, private readonly log: CoreLog, private readonly zeroPage: (pfn: number) => void) {
    this.pages = pages;
    this.#owner = new Int16Array(pages); // all HOST to begin with
    this.#count = new Uint8Array(pages);
    this.#gfn = new Int32Array(pages).fill(-1);
  }

  validPfn(pfn: number): boolean { return Number.isInteger(pfn) && pfn >= 0 && pfn < this.pages; }
  owner(pfn: number): number { return this.validPfn(pfn) ? this.#owner[pfn] : OWNER_CORE; }
  shareCount(pfn: number): number { return this.validPfn(pfn) ? this.#count[pfn] : 0; }
  gfn(pfn: number): number { return this.validPfn(pfn) ? this.#gfn[pfn] : -1; }

  /** Core start-up: `pfn` belongs to the core from now on. */
  claimForCore(pfn: number): void { this.#owner[pfn] = OWNER_CORE; }

  /** Whether `pfn` may be given to a VM (checked for a whole range before moving any page). */
  checkAssign(pfn: number, vm: number): Result {
    if (!this.validPfn(pfn)) return this.refuse('bad-pfn', `pfn ${pfn} is not a RAM page`);
    const o = this.#owner[pfn];
    if (o === OWNER_CORE) return this.refuse('core-page', `pfn ${pfn} belongs to the core; it cannot go to VM ${vm}`);
    if (o !== OWNER_HOST) return this.refuse('not-owner', `pfn ${pfn} belongs to ${ownerName(o)}, not the host; it cannot go to VM ${vm}`);
    if (this.#count[pfn] !== 0) return this.refuse('shared', `pfn ${pfn} has share count ${this.#count[pfn]}`);
    return OK;
  }
  /** HOST → VM (after checkAssign). */
  assign(pfn: number, vm: number, gfn: number): void {
    this.#owner[pfn] = vm;
    this.#gfn[pfn] = gfn;
    this.#count[pfn] = 0;
  }

  checkGrant(pfn: number, vm: number): Result {
    if (!this.validPfn(pfn)) return this.refuse('bad-pfn', `VM ${vm}: grant of a page that is not RAM`);
    const o = this.#owner[pfn];
    if (o !== vm) return this.refuse(o === OWNER_CORE ? 'core-page' : 'not-owner', `VM ${vm}: grant of pfn ${pfn}, owned by ${ownerName(o)}`);
    if (this.#count[pfn] >= SHARE_CAP) return this.refuse('share-cap', `VM ${vm}: grant of pfn ${pfn} past the cap of ${SHARE_CAP}`);
    return OK;
  }
  grant(pfn: number): void { this.#count[pfn]++; }

  checkRevoke(pfn: number, vm: number): Result {
    if (!this.validPfn(pfn)) return this.refuse('bad-pfn', `VM ${vm}: revoke of a page that is not RAM`);
    const o = this.#owner[pfn];
    if (o !== vm) return this.refuse(o === OWNER_CORE ? 'core-page' : 'not-owner', `VM ${vm}: revoke of pfn ${pfn}, owned by ${ownerName(o)}`);
    if (this.#count[pfn] === 0) return this.refuse('not-shared', `VM ${vm}: revoke of pfn ${pfn} below zero`);
    return OK;
  }
  revoke(pfn: number): void { this.#count[pfn]--; }

  /** Whether host page `pfn` may be lent to VM `vm` as a shared I/O window page. */
  checkLend(pfn: number, vm: number): Result {
    if (!this.validPfn(pfn)) return this.refuse('bad-pfn', `pfn ${pfn} is not a RAM page`);
    const o = this.#owner[pfn];
    if (o === OWNER_CORE) return this.refuse('core-page', `pfn ${pfn} belongs to the core; it cannot be shared with VM ${vm}`);
    if (o !== OWNER_HOST) return this.refuse('not-owner', `pfn ${pfn} belongs to ${ownerName(o)}, not the host; it cannot be shared with VM ${vm}`);
    if (this.#count[pfn] !== 0) return this.refuse('shared', `pfn ${pfn} is already shared (count ${this.#count[pfn]})`);
    return OK;
  }
  /** HOST page lent to a VM window (after checkLend): it stays HOST's. */
  lend(pfn: number): void { this.#count[pfn] = 1; }
  /** A lent page back from the window (teardown): zeroed, count 0. */
  unlend(pfn: number): void {
    if (!this.validPfn(pfn) || this.#owner[pfn] !== OWNER_HOST) return;
    this.zeroPage(pfn);
    this.#count[pfn] = 0;
  }

  /** Teardown: VM → HOST, zeroed first. Returns false (refused) for a page the VM does not own. */
  reclaim(pfn: number, vm: number): boolean {
    if (!this.validPfn(pfn) || this.#owner[pfn] !== vm) { this.refuse('not-owner', `teardown of VM ${vm}: pfn ${pfn} is not its page`); return false; }
    this.zeroPage(pfn);
    this.#owner[pfn] = OWNER_HOST;
    this.#count[pfn] = 0;
    this.#gfn[pfn] = -1;
    return true;
  }

  refuse(code: RefusalCode, reason: string): Refusal {
    this.log.refuse(code, reason);
    return { ok: false, code, reason };
  }
}
