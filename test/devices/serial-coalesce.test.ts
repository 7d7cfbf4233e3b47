// CoalescedSerial (devices/serial/coalesce.ts): guest output reaches the host backend in one
// write per event-loop turn, in order, and none of it is lost — at close(), when the buffer
// fills, at process exit and after a crash. The exit cases run in a child process on the built
// module (dist/, as the CLI tests use bin/krustvm.js).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BufferBackend, type SerialBackend } from '../../devices/serial/backend.js';
import { CoalescedSerial } from '../../devices/serial/coalesce.js';
import { Pl011 } from '../../devices/pl011.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const turn = () => new Promise<void>((r) => setImmediate(r));
const text = (b: BufferBackend) => b.text();

/** Records each write it gets (copies, as backends must). */
class Recorder extends BufferBackend {
  readonly writes: string[] = [];
  override write(data: Uint8Array): void { super.write(data); this.writes.push(Buffer.from(data).toString('latin1')); }
}

describe('coalesced serial output', () => {
  it('characters written one by one reach the backend as one write on the next turn', async () => {
    const inner = new Recorder();
    const uart = new Pl011({ backend: new CoalescedSerial(inner) });
    uart.write(0x30, 4, 0x301); // UARTEN, TXE
    for (const ch of 'login: ') uart.write(0, 4, ch.charCodeAt(0));
    expect(inner.writes).toEqual([]); // held until the event loop turns
    await turn();
    expect(inner.writes).toEqual(['login: ']);
    for (const ch of 'ok') uart.write(0, 1, ch.charCodeAt(0));
    await turn();
    expect(inner.writes).toEqual(['login: ', 'ok']);
  });

  it('close() passes on what is held, then closes the backend', async () => {
    let closed = false;
    const inner = new Recorder();
    inner.close = async () => { closed = true; };
    const c = new CoalescedSerial(inner);
    c.write(Uint8Array.of(0x61, 0x62));
    c.write(Uint8Array.of(0x63));
    await c.close();
    expect(text(inner)).toBe('abc');
    expect(closed).toBe(true);
    c.write(Uint8Array.of(0x64)); // after close: straight through
    expect(text(inner)).toBe('abcd');
  });

  it('a full buffer is passed on at once; large writes keep their order', async () => {
    const inner = new Recorder();
    const c = new CoalescedSerial(inner);
    const big = new Uint8Array(70 * 1024).fill(0x42);
    c.write(Uint8Array.of(0x41));
    c.write(big);               // over the 64 KiB limit: 'A' first, then the big write
    expect(inner.writes.length).toBe(2);
    expect(inner.writes[0]).toBe('A');
    expect(inner.writes[1].length).toBe(big.length);
    for (let i = 0; i < 65 * 1024; i++) c.write(Uint8Array.of(0x30 + (i % 10)));
    expect(inner.writes.length).toBe(3); // one forced flush of 64 KiB
    expect(inner.writes[2].length).toBe(64 * 1024);
    await c.close();
    const all = text(inner);
    expect(all.length).toBe(1 + big.length + 65 * 1024);
    expect(all.slice(1 + big.length, 1 + big.length + 12)).toBe('012345678901');
    expect(all.endsWith('0123456789'.slice(0, ((65 * 1024 - 1) % 10) + 1))).toBe(true);
  });

  it('a buffer the caller reuses is copied when held', async () => {
    const inner = new Recorder();
    const c = new CoalescedSerial(inner);
    const b = new Uint8Array(1);
    for (const ch of 'xyz') { b[0] = ch.charCodeAt(0); c.write(b); }
    await c.close();
    expect(text(inner)).toBe('xyz');
  });

  it('a write error of a deferred flush is thrown by the next write or close, after the backend is closed', async () => {
    let closed = false;
    const failing: SerialBackend = {
      write: () => { throw Object.assign(new Error('EPIPE: broken pipe'), { code: 'EPIPE' }); },
      setReceiver: () => {},
      close: async () => { closed = true; },
    };
    const c = new CoalescedSerial(failing);
    c.write(Uint8Array.of(0x41));
    await turn(); // the deferred flush fails: kept, nothing thrown into the event loop
    await expect(c.close()).rejects.toMatchObject({ code: 'EPIPE' });
    expect(closed).toBe(true);
  });

  it('input passes through to the inner backend unchanged', () => {
    const inner = new BufferBackend();
    const uart = new Pl011({ backend: new CoalescedSerial(inner) });
    inner.inject('hi');
    expect([uart.read(0, 4), uart.read(0, 4)]).toEqual([0x68, 0x69]);
  });
});

describe('coalesced serial output at process exit (child process, built module)', () => {
  const mod = path.join(ROOT, 'dist/devices/serial/coalesce.js');
  const stdio = path.join(ROOT, 'dist/devices/serial/stdio.js');
  const run = (tail: string) => spawnSync(process.execPath, ['--input-type=module', '-e', `
    const { CoalescedSerial } = await import(${JSON.stringify(mod)});
    const { StdioBackend } = await import(${JSON.stringify(stdio)});
    const c = new CoalescedSerial(new StdioBackend({ onQuit() {} }));
    for (const ch of 'held output') c.write(Uint8Array.of(ch.charCodeAt(0)));
    ${tail}`], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });

  it('process.exit() before the next turn: the output is written', () => {
    const r = run('process.exit(3);');
    expect(r.status).toBe(3);
    expect(r.stdout).toBe('held output');
  });

  it('an uncaught exception: the output is still written', () => {
    const r = run("throw new Error('emulator bug');");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('emulator bug');
    expect(r.stdout).toBe('held output');
  });

  it('SIGTERM before the next turn: the output is written and the process still ends by the signal', () => {
    const r = run("process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000);");
    expect(r.signal).toBe('SIGTERM');
    expect(r.stdout).toBe('held output');
  });
});
