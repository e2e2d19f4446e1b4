import { defineConfig } from 'vitest/config';

// graphql 17 ships a "development" build beside the default one. Vite would pick the
// development build for our sources while Node loads the default build for graphql-yoga,
// giving two GraphQLError classes (and masked errors). Resolve like Node does.
const conditions = ['module-sync', 'node', 'import', 'default'];
// Names this run, so suites that need the built portal build it once between them.
const run = `${process.pid}-${Date.now()}`;

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['tests/**/*.test.ts'],
    // CLI, worker-pool and indexer tests start real processes and threads.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: { HANSEI_TEST_RUN: run },
  },
});
