import { describe, it, expect } from 'vitest';
import { Pl011, FR_RXFE, FR_RXFF, FR_TXFE, FR_TXFF, FR_BUSY, INT_RX, INT_TX, INT_RT, INT_BE } from '../../devices/pl011.js';
import { LevelLine, type AccessSize } from '../../devices/device.js';
import { BufferBackend } from '../../devices/serial/backend.js';
import { Gic400 } from '../../devices/gic400.js';

const DR = 0x00, RSR = 0x04, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c, CR = 0x30, IFLS = 0x34,
  IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44, DMACR = 0x48;
const FEN = 1 << 4;

function setup(depth?: 16 | 32) {
  const irq = new LevelLine();
  const host = new BufferBackend();
  const uart = new Pl011({ irq, backend: host, fifoDepth: depth });
  const r = (off: number, size: AccessSize = 4) => uart.read(off, size);
  const w = (off: number, v: number, size: AccessSize = 4) => uart.write(off, size, v);
  // As Linux's pl011_startup: 8N1 with FIFOs, enabled.
  const init = () => { w(IBRD, 26); w(FBRD, 3); w(LCR_H, 0x70); w(CR, 0x301); };
  return { irq, host, uart, r, w, init };
}

describe('PL011 registers', () => {
  it('reset values', () => {
    const { r } = setup();
    expect(r(FR)).toBe(FR_TXFE | FR_RXFE);
    expect(r(CR)).toBe(0x300);
    expect(r(IFLS)).toBe(0x12);
    expect([r(IMSC), r(RIS), r(MIS), r(LCR_H), r(IBRD), r(FBRD), r(DMACR), r(RSR)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('PrimeCell ID registers: PL011 r1p5 and the PrimeCell component ID', () => {
    const { r } = setup();
    expect([0xfe0, 0xfe4, 0xfe8, 0xfec].map((o) => r(o))).toEqual([0x11, 0x10, 0x34, 0x00]);
    expect([0xff0, 0xff4, 0xff8, 0xffc].map((o) => r(o))).toEqual([0x0d, 0xf0, 0x05, 0xb1]);
  });

  it('register widths are masked; 16-bit and byte accesses work', () => {
    const { r, w } = setup();
    w(IBRD, 0x12345); expect(r(IBRD)).toBe(0x2345);
    w(FBRD, 0xff); expect(r(FBRD)).toBe(0x3f);
    w(CR, 0xffff, 2); expect(r(CR, 2)).toBe(0xff87);
    w(IMSC, 0xffff); expect(r(IMSC)).toBe(0x7ff);
    w(DMACR, 0xff); expect(r(DMACR)).toBe(7);
    w(LCR_H, 0x70, 1); expect(r(LCR_H, 1)).toBe(0x70);
    expect(r(0x100)).toBe(0);  // reserved
    w(0x100, 0xffffffff);
  });
});

describe('PL011 transmit', () => {
  it('characters reach the backend at once; TX FIFO flags stay empty', () => {
    const { host, r, w, init } = setup();
    init();
    for (const ch of 'hello\n') w(DR, ch.charCodeAt(0));
    expect(host.text()).toBe('hello\n');
    const fr = r(FR);
    expect(fr & (FR_TXFF | FR_BUSY)).toBe(0);
    expect(fr & FR_TXFE).toBe(FR_TXFE);
  });

  it('TX interrupt: raised by a transmission, cleared by ICR, masked by IMSC', () => {
    const { irq, r, w, init } = setup();
    init();
    w(DR, 0x41);
    expect(r(RIS) & INT_TX).toBe(INT_TX);
    expect(irq.level).toBe(false);
    w(IMSC, INT_TX);
    expect(irq.level).toBe(true);
    expect(r(MIS)).toBe(INT_TX);
    w(ICR, INT_TX);
    expect(irq.level).toBe(false);
    expect(r(RIS) & INT_TX).toBe(0);
  });

  it('loopback sends transmitted characters to the receiver instead of the host', () => {
    const { host, r, w, init } = setup();
    init();
    w(CR, 0x381);
    w(DR, 0x5a);
    expect(host.text()).toBe('');
    expect(r(DR)).toBe(0x5a);
  });

  it('transmits even when disabled (firmware leaves the UART on), without throwing', () => {
    const { host, w } = setup();
    w(CR, 0);
    w(DR, 0x21);
    expect(host.text()).toBe('!');
  });
});

describe('PL011 receive FIFO', () => {
  it('fills to 16 entries, sets RXFF, drains in order; the rest waits on the host side', () => {
    const { host, r, init } = setup();
    init();
    host.inject('abcdefghijklmnopqrstuvwxyz');
    expect(r(FR) & FR_RXFF).toBe(FR_RXFF);
    let got = '';
    while (!(r(FR) & FR_RXFE)) got += String.fromCharCode(r(DR) & 0xff);
    expect(got).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(r(FR) & (FR_RXFE | FR_RXFF)).toBe(FR_RXFE);
    expect(r(DR)).toBe(0);
  });

  it('32-entry FIFO when configured as a TRM r1p5 part', () => {
    const { host, r, init } = setup(32);
    init();
    host.inject('x'.repeat(31));
    expect(r(FR) & FR_RXFF).toBe(0);
    host.inject('y');
    expect(r(FR) & FR_RXFF).toBe(FR_RXFF);
  });

  it('with FIFOs disabled the receiver holds one character', () => {
    const { host, r, w } = setup();
    w(LCR_H, 0x60);
    host.inject('ab');
    expect(r(FR) & FR_RXFF).toBe(FR_RXFF);
    expect(r(DR)).toBe(0x61);
    expect(r(FR) & FR_RXFF).toBe(FR_RXFF);
    expect(r(DR)).toBe(0x62);
    expect(r(FR) & FR_RXFE).toBe(FR_RXFE);
  });

  it('RX interrupt at the trigger level, cleared by reading below it; RT for a short burst', () => {
    const { irq, host, r, w, init } = setup();
    init();
    w(IMSC, INT_RX | INT_RT);
    host.inject('abc');                         // below the 1/2 trigger (8): receive timeout
    expect(r(RIS) & (INT_RX | INT_RT)).toBe(INT_RT);
    expect(irq.level).toBe(true);
    r(DR); r(DR);
    expect(irq.level).toBe(true);
    r(DR);                                       // empty: RT clears
    expect(irq.level).toBe(false);
    host.inject('0123456789');                   // 10 ≥ 8: RX (and RT: the host went quiet)
    expect(r(MIS) & INT_RX).toBe(INT_RX);
    r(DR); r(DR);                                // 8 left: still at the trigger level
    expect(r(RIS) & INT_RX).toBe(INT_RX);
    r(DR);                                       // 7 < 8
    expect(r(RIS) & INT_RX).toBe(0);
    expect(irq.level).toBe(true);                // RT still holds while data remains
    w(ICR, INT_RT);
    expect(irq.level).toBe(false);
  });

  it('trigger levels follow IFLS (1/8 .. 7/8)', () => {
    for (const [sel, level] of [[0, 2], [1, 4], [2, 8], [3, 12], [4, 14]]) {
      const { host, r, w, init } = setup();
      init();
      w(IFLS, sel << 3);
      host.inject('z'.repeat(level - 1));
      w(ICR, 0x7ff);
      host.inject('z');
      expect(r(RIS) & INT_RX, `RXIFLSEL ${sel}`).toBe(INT_RX);
    }
  });

  it('a break arrives as a zero character with BE, in UARTDR and UARTRSR; ECR clears', () => {
    const { uart, r, w, init } = setup();
    init();
    uart.receiveBreak();
    expect(r(RIS) & INT_BE).toBe(INT_BE);
    expect(r(DR)).toBe(0x400);
    expect(r(RSR)).toBe(0x4);
    w(RSR, 0);
    expect(r(RSR)).toBe(0);
  });

  it('drives the GIC: SPI 121 is interrupt ID 153', () => {
    const gic = new Gic400({ cpus: 1 });
    const uart = new Pl011({ irq: gic.spi(121) });
    uart.write(IMSC, 4, INT_RX | INT_RT);
    uart.receive(Uint8Array.of(0x31));
    expect(gic.pending(153)).toBe(true);
    uart.read(DR, 4);
    expect(gic.pending(153)).toBe(false);
  });

  it('save/restore as JSON keeps FIFO contents and registers; reset empties', () => {
    const a = setup();
    a.init();
    a.w(IMSC, INT_RX);
    a.host.inject('x'.repeat(20));
    const snap = JSON.parse(JSON.stringify(a.uart.save()));
    const b = setup();
    b.uart.restore(snap);
    expect(b.irq.level).toBe(true);
    let got = '';
    while (!(b.r(FR) & FR_RXFE)) got += String.fromCharCode(b.r(DR));
    expect(got).toBe('x'.repeat(20));
    b.uart.reset();
    expect(b.r(CR)).toBe(0x300);
  });

  it('never throws on any register access', () => {
    const { uart, host } = setup();
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) >>> 0; return seed; };
    const sizes: AccessSize[] = [1, 2, 4];
    for (let i = 0; i < 20000; i++) {
      const size = sizes[rnd() % 3], off = (rnd() % 0x1000) & ~(size - 1);
      if (rnd() & 1) uart.write(off, size, rnd()); else uart.read(off, size);
      if (i % 100 === 0) host.inject(Uint8Array.of(rnd() & 0xff));
    }
  });
});
