/** scripts/build-apps.mjs: the desk app's bundle, rebuilt only when something changed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { APP_BUILDS, buildApps } from '../../../scripts/build-apps.mjs';
import { APPS } from '../../apps/server.mjs';

describe('build-apps', () => {
  it('builds every app the server expects a build for', () => {
    const built = Object.entries(APPS)
      .filter(([, config]) => config.build)
      .map(([app]) => app);
    expect(APP_BUILDS.map((b) => b.app).sort()).toEqual(built.sort());
  });

  it('skips an app whose sources did not change, and rebuilds it when forced', async () => {
    await buildApps();
    const again = await buildApps();
    expect(again.map((r) => [r.app, r.built])).toEqual([['desk', false]]);
    const forced = await buildApps({ force: true });
    expect(forced.map((r) => [r.app, r.built])).toEqual([['desk', true]]);
    expect(forced[0]!.bytes).toBeGreaterThan(50_000);
  }, 60_000);

  it('bundles React (not the extension’s Preact) with no bare imports left', async () => {
    const [desk] = await buildApps();
    const code = readFileSync(desk!.file, 'utf8');
    expect(code).toContain('react.transitional.element');
    expect(code).not.toMatch(/\bfrom\s*["'](?![./])/);
    expect(code).not.toContain('preact');
  }, 60_000);
});
