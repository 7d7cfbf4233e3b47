// The bundled Linux guest with the interpreter: one boot running one command, exit status through.
import { describe, expect, it } from 'vitest';
import { bootCmd } from './run_linux.js';

describe('bundled Linux guest (interp)', () => {
  it('boots, runs uname through --cmd and passes the exit status through', async () => {
    const r = await bootCmd('uname -srm; exit 42', { engine: 'interp' });
    expect(r.out).toMatch(/^Linux 6\.1\.\d+ aarch64\n$/);
    expect(r.status).toBe(42);
  }, 150_000);
});
