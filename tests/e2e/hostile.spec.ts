/**
 * A page whose CSS fights overlays (2px root font, universal !important resets, maximal
 * z-indexes, hidden undefined elements): the overlay must stay legible and on top.
 */
import AxeBuilder from '@axe-core/playwright';
import { seriousViolations } from './axe';
import { expect, overlay, panel, registeredScripts, test } from './fixtures';

test('on a hostile page the overlay stays legible and on top', async ({
  page,
  appServer,
  serviceWorker,
}, testInfo) => {
  const matches = (await registeredScripts(serviceWorker)).flatMap((s) => s.matches ?? []);
  expect(
    matches.some((m) => m.includes('hostile.localhost') || m === '<all_urls>'),
    `a bundled aid must match hostile.localhost (overlay registered on ${matches.join(', ')})`,
  ).toBe(true);
  await page.goto(`${appServer.origin('hostile')}/`);
  const side = panel(page);
  await expect(side).toBeVisible({ timeout: 10_000 });
  // Let the page's 2 s transitions run out before measuring.
  await page.waitForTimeout(2_500);

  const box = (await side.boundingBox())!;
  expect(box.width).toBeGreaterThan(150);
  expect(box.height).toBeGreaterThan(60);
  const viewport = page.viewportSize()!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(viewport.width);

  // Every piece of text in the panel is at least 12px.
  const sizes = await side.evaluate((root) => {
    const out: { text: string; size: number }[] = [];
    const walk = (el: Element) => {
      const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
      if (own) {
        out.push({
          text: (el.textContent ?? '').trim().slice(0, 40),
          size: Number.parseFloat(getComputedStyle(el).fontSize),
        });
      }
      for (const child of el.children) walk(child);
    };
    walk(root);
    return { panel: Number.parseFloat(getComputedStyle(root).fontSize), text: out };
  });
  expect(sizes.panel).toBeGreaterThanOrEqual(12);
  expect(sizes.text.length).toBeGreaterThan(0);
  expect(sizes.text.filter((t) => t.size < 12)).toEqual([]);

  // Nothing of the page covers the panel: the topmost element at its centre is the overlay.
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const hit = await page.evaluate(
    ([x, y]) => {
      const host = document.querySelector('inflow-overlay');
      const top = document.elementFromPoint(x, y);
      const inner = host?.shadowRoot?.elementFromPoint(x, y);
      return {
        hostOnTop: !!host && top === host,
        top: top ? top.tagName.toLowerCase() + (top.className ? `.${top.className}` : '') : null,
        inPanel: !!inner?.closest('[role="complementary"], aside'),
      };
    },
    [cx, cy] as const,
  );
  expect(hit, `element at the panel's centre: ${hit.top}`).toMatchObject({
    hostOnTop: true,
    inPanel: true,
  });
  // The page's own fixed header does not cover the panel's top edge either.
  const topHit = await page.evaluate(
    ([x, y]) => document.elementFromPoint(x, y)?.tagName.toLowerCase(),
    [cx, box.y + 4] as const,
  );
  expect(topHit).toBe('inflow-overlay');

  const shot = testInfo.outputPath('hostile.png');
  await page.screenshot({ path: shot });
  await testInfo.attach('hostile page with the overlay', { path: shot, contentType: 'image/png' });

  const axe = await new AxeBuilder({ page }).include('inflow-overlay').analyze();
  expect(seriousViolations(axe)).toEqual([]);
  await expect(overlay(page)).toHaveCount(1);
});
