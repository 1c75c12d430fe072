/**
 * A site without aids gets nothing: no overlay element and no content script at all (the
 * background registers the overlay only on hosts that some aid can match).
 */
import { expect, extensionWorlds, overlay, registeredScripts, test } from './fixtures';

test('a page without aids gets no overlay and no content script', async ({
  page,
  appServer,
  extensionId,
  serviceWorker,
}) => {
  // Control: the same check does see the content script where there are aids.
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  await expect(overlay(page)).toHaveCount(1, { timeout: 10_000 });
  expect(await extensionWorlds(page, extensionId)).not.toHaveLength(0);

  await page.goto(`${appServer.origin('plain')}/`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // Give a late injection every chance to show up.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1_000);
  await expect(overlay(page)).toHaveCount(0);
  expect(await extensionWorlds(page, extensionId)).toEqual([]);

  const scripts = await registeredScripts(serviceWorker);
  const matches = scripts.flatMap((s) => s.matches ?? []);
  expect(matches.length).toBeGreaterThan(0);
  expect(matches).not.toContain('<all_urls>');
  expect(matches.some((m) => m.includes('plain.localhost'))).toBe(false);
});
