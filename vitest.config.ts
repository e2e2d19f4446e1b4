import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // CLI and worker-pool tests start real processes and threads.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
