// Arm PrimeCell UART (PL011), UART0 of the Pi 4 at 0xfe201000, interrupt SPI 121 (ID 153).
// Register map, reset values and interrupt rules from the PL011 TRM (DDI 0183, r1p5).
//
// The Pi's PL011 reports revision r1p5 in its ID registers (UARTPeriphID2 = 0x34) but has the
// older 16-entry FIFOs, which is why Linux's bcm283x device trees override the ID with
// arm,primecell-periphid = <0x00241011>; we do the same (fifoDepth 16, IDs as the hardware).
//
// Transmission is instantaneous: a character written to UARTDR goes straight to the host
// backend, so the transmit FIFO is always empty (TXFE = 1, TXFF = BUSY = 0) and every written
// character raises the TX interrupt (the FIFO has drained through the trigger level), as QEMU
// does. Characters are sent even while UARTEN/TXE are clear (with a one-time warning): the Pi
// firmware leaves the UART enabled, and early consoles rely on that.
//
// Reception has flow control towards the host: input waits in a backlog and enters the receive
// FIFO as it drains, so typed or pasted input is never overrun. RX is raised at the trigger
// level; RT (receive timeout) when the FIFO holds data and the host has nothing more to send.
// Modem lines (CTS/DSR/DCD/RI) are not modelled and read as inactive; IrDA, DMA requests and the
// test registers read as zero.
import { type AccessSize, type Device, type IrqLine, type MmioDevice, NO_IRQ, lane, warnOnce } from './device.js';
import type { SerialBackend } from './serial/backend.js';

export const PL011 = {
  /** UART0 in the Pi 4's low-peripheral map. */
  PI4_BASE: 0xfe201000,
  /** Bus decode size (the TRM's 4 KiB register block, ID registers included). */
  SIZE: 0x1000,
  /** GIC SPI number (ID 153). */
  PI4_SPI: 121,
} as const;

// Register offsets.
const DR = 0x000, RSR = 0x004, FR = 0x018, ILPR = 0x020, IBRD = 0x024, FBRD = 0x028, LCR_H = 0x02c,
  CR = 0x030, IFLS = 0x034, IMSC = 0x038, RIS = 0x03c, MIS = 0x040, ICR = 0x044, DMACR = 0x048;

// Flag register bits.
export const FR_BUSY = 1 << 3, FR_RXFE = 1 << 4, FR_TXFF = 1 << 5, FR_RXFF = 1 << 6, FR_TXFE = 1 << 7;
// Interrupt bits (RIS/MIS/IMSC/ICR).
export const INT_RX = 1 << 4, INT_TX = 1 << 5, INT_RT = 1 << 6, INT_FE = 1 << 7, INT_PE = 1 << 8, INT_BE = 1 << 9, INT_OE = 1 << 10;
const INT_ALL = 0x7ff;
// Receive FIFO entry error bits (as returned in UARTDR[11:8]).
const DR_BE = 1 << 10;
const LCRH_FEN = 1 << 4;
const CR_UARTEN = 1, CR_LBE = 1 << 7, CR_TXE = 1 << 8;

/** UARTPeriphID0..3 and UARTPCellID0..3 (0xfe0..0xffc). */
const ID_REGS = [0x11, 0x10, 0x34, 0x00, 0x0d, 0xf0, 0x05, 0xb1];
/** Trigger levels in eighths of the FIFO, by IFLS field value (others reserved: treat as 1/2). */
const EIGHTHS = [1, 2, 4, 6, 7];

export interface Pl011Options {
  irq?: IrqLine;
  backend?: SerialBackend;
  /** Receive FIFO depth: 16 on the Pi (default), 32 for a TRM r1p5 part. */
  fifoDepth?: 16 | 32;
}

export class Pl011 implements MmioDevice, Device {
  readonly name = 'pl011';
  readonly depth: number;
  private irq: IrqLine;
  private backend: SerialBackend | null = null;
  private rx: number[] = [];       // receive FIFO entries: data | error bits << 8
  private backlog: number[] = [];  // host input not yet in the FIFO
  private rsr = 0;
  private ilpr = 0; private ibrd = 0; private fbrd = 0; private lcrh = 0;
  private cr = 0x300; private ifls = 0x12; private imsc = 0; private ris = 0; private dmacr = 0;
  private irqLevel = false;
  /** The character being sent (reused: backends copy what they keep). */
  private readonly txByte = new Uint8Array(1);

  constructor(opts: Pl011Options = {}) {
    this.irq = opts.irq ?? NO_IRQ;
    this.depth = opts.fifoDepth ?? 16;
    if (opts.backend) this.attach(opts.backend);
  }

  /** Connects the host side (replacing any previous backend). */
  attach(backend: SerialBackend | null): void {
    this.backend?.setReceiver(null);
    this.backend = backend;
    backend?.setReceiver((d) => this.receive(d), () => this.receiveBreak());
  }
  connectIrq(line: IrqLine): void { this.irq = line; line.set(this.irqLevel); }

  // ----- host side

  /** Bytes arriving on the receive line. */
  receive(data: Uint8Array): void {
    for (const b of data) this.backlog.push(b);
    this.refill();
    this.updateIrq();
  }
  /** A break condition on the receive line: a zero character with the break error. */
  receiveBreak(): void {
    this.backlog.push(DR_BE);
    this.refill();
    this.updateIrq();
  }

  private capacity(): number { return this.lcrh & LCRH_FEN ? this.depth : 1; }
  private rxTrigger(): number {
    if (!(this.lcrh & LCRH_FEN)) return 1;
    return (this.depth * (EIGHTHS[(this.ifls >>> 3) & 7] ?? 4)) / 8;
  }

  /** Moves host input into the FIFO while there is room, raising RX/RT/error interrupts. */
  private refill(): void {
    const cap = this.capacity();
    let moved = false;
    while (this.backlog.length > 0 && this.rx.length < cap) {
      const e = this.backlog.shift()!;
      this.rx.push(e);
      this.ris |= ((e >>> 8) & 0xf) << 7; // FE, PE, BE, OE entry bits → FEIS..OEIS
      moved = true;
    }
    if (!moved) return;
    if (this.rx.length >= this.rxTrigger()) this.ris |= INT_RX;
    if (this.backlog.length === 0) this.ris |= INT_RT; // line idle with data waiting
  }

  private updateIrq(): void {
    const level = (this.ris & this.imsc) !== 0;
    if (level !== this.irqLevel) { this.irqLevel = level; this.irq.set(level); }
  }

  // ----- registers

  private flags(): number {
    let f = FR_TXFE;
    if (this.rx.length === 0) f |= FR_RXFE;
    if (this.rx.length >= this.capacity()) f |= FR_RXFF;
    return f;
  }

  private readDr(): number {
    if (this.rx.length === 0) return 0;
    const e = this.rx.shift()!;
    this.rsr = (this.rsr & 0x8) | ((e >>> 8) & 0x7); // FE/PE/BE of this character; OE sticks
    this.refill();
    if (this.rx.length < this.rxTrigger()) this.ris &= ~INT_RX;
    if (this.rx.length === 0) this.ris &= ~INT_RT;
    this.updateIrq();
    return e & 0xfff;
  }

  private transmit(ch: number): void {
    if ((this.cr & (CR_UARTEN | CR_TXE)) !== (CR_UARTEN | CR_TXE)) warnOnce('PL011: character sent while the UART or its transmitter is disabled (sent anyway)');
    if (this.cr & CR_LBE) { this.backlog.push(ch); this.refill(); }
    else if (this.backend) { this.txByte[0] = ch; this.backend.write(this.txByte); }
    this.ris |= INT_TX;
    this.updateIrq();
  }

  private reg(off: number): number {
    switch (off) {
      case DR: return this.readDr();
      case RSR: return this.rsr;
      case FR: return this.flags();
      case ILPR: return this.ilpr;
      case IBRD: return this.ibrd;
      case FBRD: return this.fbrd;
      case LCR_H: return this.lcrh;
      case CR: return this.cr;
      case IFLS: return this.ifls;
      case IMSC: return this.imsc;
      case RIS: return this.ris;
      case MIS: return this.ris & this.imsc;
      case DMACR: return this.dmacr;
    }
    if (off >= 0xfe0 && off < 0x1000) return ID_REGS[(off - 0xfe0) >>> 2];
    return 0;
  }

  read(offset: number, size: AccessSize): number {
    // Registers are at word offsets; byte/halfword reads see the low lanes of the word.
    return lane(this.reg(offset & ~3), offset, size);
  }

  write(offset: number, size: AccessSize, value: number): void {
    const off = offset & ~3;
    if ((offset & 3) !== 0) { warnOnce(`PL011: write to unaligned offset 0x${offset.toString(16)} ignored`); return; }
    const v = size === 1 ? value & 0xff : size === 2 ? value & 0xffff : value >>> 0;
    switch (off) {
      case DR: this.transmit(v & 0xff); return;
      case RSR: this.rsr = 0; return; // UARTECR: any write clears the error flags
      case ILPR: this.ilpr = v & 0xff; return;
      case IBRD: this.ibrd = v & 0xffff; return;
      case FBRD: this.fbrd = v & 0x3f; return;
      case LCR_H: this.lcrh = v & 0xff; this.refill(); this.updateIrq(); return;
      case CR: this.cr = v & 0xff87; return;
      case IFLS: this.ifls = v & 0x3f; return;
      case IMSC: this.imsc = v & INT_ALL; this.updateIrq(); return;
      case ICR: this.ris &= ~v; this.updateIrq(); return;
      case DMACR: this.dmacr = v & 7; return;
    }
  }

  reset(): void {
    this.rx = []; this.backlog = [];
    this.rsr = 0; this.ilpr = 0; this.ibrd = 0; this.fbrd = 0; this.lcrh = 0;
    this.cr = 0x300; this.ifls = 0x12; this.imsc = 0; this.ris = 0; this.dmacr = 0;
    this.updateIrq();
  }

  save(): unknown {
    return {
      rx: [...this.rx], backlog: [...this.backlog], rsr: this.rsr, ilpr: this.ilpr, ibrd: this.ibrd, fbrd: this.fbrd,
      lcrh: this.lcrh, cr: this.cr, ifls: this.ifls, imsc: this.imsc, ris: this.ris, dmacr: this.dmacr,
    };
  }

  restore(state: unknown): void {
    const s = state as Record<string, any>;
    this.rx = [...s.rx]; this.backlog = [...s.backlog];
    this.rsr = s.rsr; this.ilpr = s.ilpr; this.ibrd = s.ibrd; this.fbrd = s.fbrd; this.lcrh = s.lcrh;
    this.cr = s.cr; this.ifls = s.ifls; this.imsc = s.imsc; this.ris = s.ris; this.dmacr = s.dmacr;
    this.updateIrq();
  }
}
