// The bundled guest's /init network setup from the kernel command line (guests/linux/README.md,
// "Network"): krustvm.ip= and krustvm.gw= set eth0's address and the default route;
// krustvm.ip=none leaves eth0 down; lo is up either way. Two VMs in one run, on separate LANs.
import { describe, expect, it } from 'vitest';
import { bootVms } from './run_vms.js';

const show = [
  `ip -4 -o addr show | awk '{print "ADDR " $2 " " $4}'`,
  `ip route | sed 's/^/ROUTE /'`,
  `ip -o link show eth0 | sed 's/^[0-9]*: //; s/:.*<\\([^>]*\\)>.*/ FLAGS \\1/'`,
].join('\n');

describe('bundled guest: eth0 from the kernel command line', () => {
  it('krustvm.ip=ADDR (a /24 when no prefix) with krustvm.gw=, and krustvm.ip=none', async () => {
    const r = await bootVms([
      { name: 'set', net: ['switch,name=lan-cfg1'], append: 'krustvm.ip=192.168.7.9 krustvm.gw=192.168.7.1', cmd: show },
      { name: 'none', net: ['switch,name=lan-cfg2'], append: 'krustvm.ip=none', cmd: show },
    ]);
    const { set, none } = r.consoles;
    try {
      expect(r.status).toBe(0);
      expect(set).toMatch(/^ADDR lo 127\.0\.0\.1\/8$/m);
      expect(set).toMatch(/^ADDR eth0 192\.168\.7\.9\/24$/m);
      expect(set).toMatch(/^ROUTE default via 192\.168\.7\.1 dev eth0/m);
      expect(set).toMatch(/^ROUTE 192\.168\.7\.0\/24 dev eth0/m);
      expect(set).toMatch(/^eth0 FLAGS .*\bUP\b/m);
      expect(none).toMatch(/^ADDR lo 127\.0\.0\.1\/8$/m);
      expect(none).not.toMatch(/^ADDR eth0/m);
      expect(none).not.toMatch(/^ROUTE /m);
      expect(none).toMatch(/^eth0 FLAGS /m);
      expect(none).not.toMatch(/^eth0 FLAGS .*\bUP\b/m);
    } catch (x) {
      console.error(`--- set:\n${set}\n--- none:\n${none}`);
      throw x;
    }
  }, 300_000);
});
