// PL011 registers as the PL011 TRM (ARM DDI 0183) defines them: identification, reset values,
// read-back widths of the baud and control registers, the interrupt mask/clear registers, and
// the flags of an idle UART. Which revision the board's PL011 is (UARTPeriphID2[7:4]) differs.
#include "lib.h"

void handle(struct frame *f, int kind) { (void)kind; puts("FAIL unexpected exception "); puthex(f->esr); putc('\n'); poweroff_status(0, 9); }
void secondary_main(void) {}

#define REG(off) R32(UART + (off))
enum { DR = 0x00, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCRH = 0x2c, CR = 0x30, IFLS = 0x34,
       IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44 };

static void drain(void) { while (!(REG(FR) & (1 << 7))) {} }   // until TXFE

int main(void) {
  puts("uart tests\n");
  check_eq(REG(0xfe0), 0x11, "UARTPeriphID0: part number 0x011");
  check_eq(REG(0xfe4), 0x10, "UARTPeriphID1: part number, designer");
  check_eq(REG(0xfe8) & 0xf, 4, "UARTPeriphID2[3:0]: designer Arm (0x41)");
  check_eq(REG(0xfec), 0x00, "UARTPeriphID3: configuration");
  check_eq(REG(0xff0) | REG(0xff4) << 8 | REG(0xff8) << 16 | REG(0xffc) << 24, 0xb105f00d, "UARTPCellID0-3: 0xb105f00d");
  // UARTEN (bit 0) is whatever the firmware left: krustvm sets it as the Pi's firmware does,
  // QEMU's -kernel boot leaves the reset value.
  check_eq(REG(CR) & 0xff86, 0x300, "UARTCR at entry: TXE and RXE, no loopback or flow control");
  check_eq(REG(IFLS), 0x12, "UARTIFLS: reset value, half-full FIFO levels");
  check_eq(REG(IMSC), 0, "UARTIMSC: reset value, all interrupts masked");
  drain();
  check_eq(REG(FR) & 0xf8, 0x90, "UARTFR idle: TXFE and RXFE, not BUSY, TXFF or RXFF");

  REG(IBRD) = 0x12345;
  check_eq(REG(IBRD), 0x2345, "UARTIBRD holds 16 bits");
  REG(FBRD) = 0xff;
  check_eq(REG(FBRD), 0x3f, "UARTFBRD holds 6 bits");
  REG(IMSC) = 0xffffffff;
  check_eq(REG(IMSC), 0x7ff, "UARTIMSC holds the 11 interrupt mask bits");
  REG(IMSC) = 0;
  REG(ICR) = 0x7ff;
  check_eq(REG(RIS) & 0x7f0, 0, "UARTICR clears the receive, timeout and error interrupts");
  check_eq(REG(MIS), 0, "UARTMIS is zero while everything is masked");
  u32 lcrh = REG(LCRH);
  REG(LCRH) = 0x70;
  check_eq(REG(LCRH), 0x70, "UARTLCR_H reads back 8 bits, FIFOs on");
  REG(LCRH) = lcrh;
  check_eq(REG(DR) & 0x100, 0, "UARTDR read with nothing received: no framing error flagged");
  puts(failures ? "FAILED\n" : "ALL PASSED\n");
  return failures;
}
