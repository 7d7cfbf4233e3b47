// QEMU-style console escapes on an interactive terminal: Ctrl-A x quits, Ctrl-A Ctrl-A sends one
// Ctrl-A to the guest, Ctrl-A b sends a break, Ctrl-A h prints help; any other Ctrl-A sequence
// is swallowed. Kept apart from the terminal handling so it can be tested byte by byte.

export const CTRL_A = 0x01;
export type EscapeCommand = 'quit' | 'break' | 'help';

export const ESCAPE_HELP =
  'C-a x    exit the emulator\r\nC-a b    send a break\r\nC-a h    this help\r\nC-a C-a  send C-a\r\n';

export class EscapeFilter {
  private armed = false;

  /** Splits host input into bytes for the guest and escape commands, in order. */
  feed(data: Uint8Array): { data: Uint8Array; commands: EscapeCommand[] } {
    const out: number[] = [];
    const commands: EscapeCommand[] = [];
    for (const b of data) {
      if (!this.armed) {
        if (b === CTRL_A) this.armed = true; else out.push(b);
        continue;
      }
      this.armed = false;
      switch (b) {
        case CTRL_A: out.push(CTRL_A); break;
        case 0x78: case 0x58: commands.push('quit'); break;  // x, X
        case 0x62: case 0x42: commands.push('break'); break; // b, B
        case 0x68: case 0x48: case 0x3f: commands.push('help'); break; // h, H, ?
        default: break;
      }
    }
    return { data: Uint8Array.from(out), commands };
  }
}
