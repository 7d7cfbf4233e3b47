// bench/net.ts's parsing of netperf's omni output and its medians (no VM is run here).
import { describe, expect, it } from 'vitest';
import { medianResult, parseNetperf, printNetTable } from '../../bench/net.js';

// Lines as `krustvm boot --vm` prints them: the client's console prefixed "[client] ", netperf
// run as `netperf -P 0 -- -o THROUGHPUT,THROUGHPUT_UNITS`.
const console1 = `[server] Starting netserver with host 'IN(6)ADDR_ANY' port '12865' and family AF_INET
[client] NETPERF TCP_STREAM 7.50,10^6bits/s
[client] NETPERF TCP_MAERTS 4.33,10^6bits/s
[client] NETPERF TCP_RR 174.34,Trans/s
`;

describe('bench net', () => {
  it('reads the three figures from a console', () => {
    expect(parseNetperf(console1, 'x', 10)).toEqual({ config: 'x', seconds: 10, TCP_STREAM: 7.5, TCP_MAERTS: 4.33, TCP_RR: 174.34 });
    expect(parseNetperf('[client] NETPERF TCP_STREAM \n', 'x', 1).TCP_STREAM).toBeUndefined();
  });
  it('takes per-test medians, skipping runs without a figure, and keeps failures visible', () => {
    const run = (s: number | undefined, rr: number) => ({ config: 'krustvm bare (jit)', seconds: 1, TCP_STREAM: s, TCP_MAERTS: 2, TCP_RR: rr });
    const m = medianResult([run(3, 100), { ...run(undefined, 50), error: 'exit 1' }, run(5, 300)]);
    expect(m.TCP_STREAM).toBe(4);
    expect(m.TCP_RR).toBe(100);
    expect(m.error).toMatch(/^1 of 3 runs failed: exit 1/);
    const table = printNetTable([m, { ...m, config: 'other', TCP_STREAM: 8 }], m);
    expect(table.split('\n')[2]).toMatch(/^other\s.*\b2\.00× 1\.00× 1\.00×$/);
  });
});
