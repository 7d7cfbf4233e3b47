// Oracle suites: long differential runs that need the cross toolchain (not part of npm test).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/oracle/**/*.oracle.ts'],
    testTimeout: 600_000,
  },
});
