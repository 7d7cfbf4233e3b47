import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as net from 'node:net';
import { PassThrough } from 'node:stream';
import { EscapeFilter } from '../../devices/serial/escape.js';
import { FileBackend } from '../../devices/serial/file.js';
import { SocketBackend } from '../../devices/serial/socket.js';
import { StdioBackend } from '../../devices/serial/stdio.js';
import { NullBackend } from '../../devices/serial/backend.js';
import { Pl011 } from '../../devices/pl011.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('console escapes (Ctrl-A)', () => {
  it('Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A, others are swallowed', () => {
    const f = new EscapeFilter();
    let r = f.feed(Uint8Array.of(0x61, 0x01, 0x01, 0x62));
    expect(Array.from(r.data)).toEqual([0x61, 0x01, 0x62]);
    expect(r.commands).toEqual([]);
    r = f.feed(Uint8Array.of(0x01, 0x7a, 0x63, 0x01, 0x78));
    expect(Array.from(r.data)).toEqual([0x63]);
    expect(r.commands).toEqual(['quit']);
  });

  it('an escape split across reads still works', () => {
    const f = new EscapeFilter();
    expect(Array.from(f.feed(Uint8Array.of(0x01)).data)).toEqual([]);
    expect(f.feed(Uint8Array.of(0x62)).commands).toEqual(['break']);
    expect(f.feed(Uint8Array.of(0x01, 0x68)).commands).toEqual(['help']);
  });
});

describe('serial backends', () => {
  it('file: everything the guest wrote is in the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'krustvm-serial-'));
    try {
      const path = join(dir, 'out.txt');
      const be = new FileBackend(path);
      const uart = new Pl011({ backend: be });
      for (const ch of 'boot ok\n') uart.write(0, 4, ch.charCodeAt(0));
      expect(readFileSync(path, 'utf8')).toBe('boot ok\n'); // synchronous: nothing buffered
      await be.close();
      await be.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('socket: output before a client connects is kept; client input reaches the UART', async () => {
    const be = new SocketBackend({ port: 0 });
    const addr = (await be.listening) as net.AddressInfo;
    const uart = new Pl011({ backend: be });
    for (const ch of 'early') uart.write(0, 4, ch.charCodeAt(0));
    const client = net.connect(addr.port, '127.0.0.1');
    const received: Buffer[] = [];
    client.on('data', (d: Buffer) => received.push(d));
    await be.connected;
    for (const ch of '+late') uart.write(0, 4, ch.charCodeAt(0));
    client.write('hi');
    await new Promise((r) => setTimeout(r, 50));
    expect(uart.read(0, 4)).toBe(0x68);
    expect(uart.read(0, 4)).toBe(0x69);
    const closed = new Promise((r) => client.on('end', r));
    await be.close();
    await closed;
    expect(Buffer.concat(received).toString()).toBe('early+late');
    client.destroy();
  });

  it('stdio (not a TTY): input passes through untouched, output is written synchronously', async () => {
    const input = new PassThrough() as unknown as NodeJS.ReadStream;
    const dir = mkdtempSync(join(tmpdir(), 'krustvm-stdio-'));
    const { openSync, closeSync } = await import('node:fs');
    const outPath = join(dir, 'out');
    const fd = openSync(outPath, 'w');
    try {
      let quit = false;
      const be = new StdioBackend({ onQuit: () => { quit = true; }, input, outFd: fd });
      const uart = new Pl011({ backend: be });
      uart.write(0, 4, 0x4f);
      expect(readFileSync(outPath, 'utf8')).toBe('O');
      (input as unknown as PassThrough).write(Buffer.from([0x01, 0x78, 0x41]));
      await new Promise((r) => setImmediate(r));
      expect(quit).toBe(false);                 // escapes apply on a terminal only
      expect([uart.read(0, 4), uart.read(0, 4), uart.read(0, 4)]).toEqual([0x01, 0x78, 0x41]);
      await be.close();
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('none: discards', async () => {
    const uart = new Pl011({ backend: new NullBackend() });
    uart.write(0, 4, 0x41);
    await new NullBackend().close();
    expect(bytes('x').length).toBe(1);
  });
});
