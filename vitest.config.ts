import { defineConfig } from 'vitest/config';

// Every test file runs on PGlite; when TEST_DATABASE_URL is set, the same files run again on that
// PostgreSQL server (project "pg"), each file in a fresh database.
const common = {
  include: ['test/**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 120_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...common,
          name: 'pglite',
          // files under a pg-only/ directory need a PostgreSQL server (e.g. two server processes on one
          // database): they run in the pg project only
          exclude: ['**/pg-only/**', '**/node_modules/**'],
          globalSetup: ['test/setup-pglite.ts'],
          env: { ALYX_TEST_DB: 'pglite' },
        },
      },
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              test: {
                ...common,
                name: 'pg',
                // the browser tests drive the UI and the build test checks the compiled layout; neither depends
                // on the driver: once is enough
                // files under a pglite-only/ directory test the embedded database itself (its worker thread)
                exclude: ['test/web/admin-ui.test.ts', 'test/cli/build.test.ts', '**/pglite-only/**', '**/node_modules/**'],
                globalSetup: ['test/setup-pg.ts'],
                env: { ALYX_TEST_DB: 'pg' },
              },
            },
          ]
        : []),
    ],
  },
});
