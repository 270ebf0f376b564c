import { defineConfig } from 'vitest/config';

// Two projects: `unit` (fast, no I/O, next to the code) and `e2e` (against the stack `make up` starts).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{proto,service-a,service-b}/src/**/*.test.ts',
            'stack/**/*.test.ts',
            'web/src/**/*.test.js',
            'loadtest/**/*.test.mjs',
          ],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['e2e/src/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // One stack: the tests that stop processes must not overlap the others.
          fileParallelism: false,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
