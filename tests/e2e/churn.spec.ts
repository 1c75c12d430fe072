/**
 * A page whose DOM never rests (the console's floor view: about 2,000 changes a second in
 * nested shadow roots), opened while the background is still starting: right after the
 * extension is installed, while its packs go in and managed storage has not yet answered its
 * first read. Chromium's managed storage has been seen not to answer at all while such a
 * page runs; the page must get its aids anyway, and the background must finish starting.
 */
import { checklist, expect, test } from './fixtures';

test('a churning page opened while the background starts gets its aids', async ({
  context,
  serviceWorker,
  appServer,
}) => {
  // No wait for the background to be ready: the page goes up at once.
  const page = await context.newPage();
  await page.goto(`${appServer.origin('console')}/floor`);
  expect(await page.evaluate(() => (window as { floorStats?: unknown }).floorStats)).toBeTruthy();

  const list = checklist(page, 'Start-of-shift check-ins');
  await expect(list).toBeVisible({ timeout: 15_000 });
  // The page kept churning all along.
  const before = await page.evaluate(
    () => (window as unknown as { floorStats: { mutations: number } }).floorStats.mutations,
  );
  await page.waitForTimeout(500);
  const after = await page.evaluate(
    () => (window as unknown as { floorStats: { mutations: number } }).floorStats.mutations,
  );
  expect(after - before).toBeGreaterThan(200);

  // The background went on past its start: the first sync after install ran and said so.
  await expect
    .poll(
      () =>
        serviceWorker.evaluate(async () => {
          type Alarms = { getAll(): Promise<{ name: string }[]> };
          const { alarms } = (globalThis as unknown as { chrome: { alarms: Alarms } }).chrome;
          return (await alarms.getAll()).map((a) => a.name);
        }),
      { timeout: 15_000 },
    )
    .toContain('inflow-sync');
});
