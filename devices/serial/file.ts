// Guest output appended to a file (`-serial file:PATH`); no input. Writes are synchronous, so
// the file is complete whenever the emulator stops.
import * as fs from 'node:fs';
import type { SerialBackend } from './backend.js';
import { writeAllSync } from './stdio.js';

export class FileBackend implements SerialBackend {
  private fd: number | null;

  /** Opens (creates or truncates) `path`; throws the usual Node error if it cannot. */
  constructor(readonly path: string) {
    this.fd = fs.openSync(path, 'w');
  }

  write(data: Uint8Array): void {
    if (this.fd !== null) writeAllSync(this.fd, data);
  }

  setReceiver(): void {}

  async close(): Promise<void> {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }
}
