import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the built extension (.output/chrome-mv3) in a real Chromium against the
 * sample apps in tests/apps. The browser is the system Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium), launched by tests/e2e/fixtures.ts; there are no `projects` because no
 * downloaded browser is used. `npm test` builds first; on its own: `npx wxt build` first.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // Each test starts its own browser with the extension: one at a time on a small machine.
  workers: 1,
  fullyParallel: false,
  // On CI, a test that fails is run once more: one that then passes counts as passed and is
  // listed as flaky, with its first failure, in scripts/test.mjs's summary.
  retries: process.env.CI ? 1 : 0,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  forbidOnly: Boolean(process.env.CI),
  // Playwright empties its outputDir on start: keep it apart from the JSON reports.
  outputDir: 'test-results/e2e',
  // scripts/test.mjs adds up the results from this JSON report.
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
});
