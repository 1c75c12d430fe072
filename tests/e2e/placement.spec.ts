/**
 * Where the checklist panel sits: never over the field a person is typing in (on focus, after
 * a resize, while scrolling, for a field in a shadow root too), not jumping about while they
 * type, compact when neither side has room and back when one has; and the compact form a
 * person chooses, kept by the background for every page and after a reload.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { checklist, expect, panel, readStore, stepBox, test, waitForStore } from './fixtures';
import { NEW_CONTACT, SUPPORT_REQUEST } from './packs';

/** Overlap in px that does not count as covering (SLACK in src/overlay/ui.tsx). */
const SLACK = 4;
const SIZES = [
  [1280, 800],
  [1366, 768],
  [1920, 1080],
] as const;
const S = NEW_CONTACT.steps;

const form = (page: Page) => page.getByRole('form', { name: 'New contact' });
const compactButton = (page: Page) => panel(page).getByRole('button', { name: 'Compact view' });

async function openNewContact(page: Page, origin: string): Promise<Locator> {
  await page.goto(`${origin}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  return list;
}

/** Lets the overlay react (it re-checks once per animation frame) and the page paint. */
async function frames(page: Page, n = 3): Promise<void> {
  await page.evaluate(
    (count) =>
      new Promise<void>((done) => {
        const next = (left: number) =>
          left ? requestAnimationFrame(() => next(left - 1)) : done();
        next(count);
      }),
    n,
  );
}

type Box = { x: number; y: number; width: number; height: number };
const fmt = (b: Box) =>
  `${Math.round(b.x)},${Math.round(b.y)} ${Math.round(b.width)}x${Math.round(b.height)}`;

/** How deep two boxes overlap: the smaller of the shared width and height (0 when apart). */
function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return Math.max(0, Math.min(w, h));
}

/**
 * Where the panel is and in which form, as the person sees it: the corner it keeps to (its
 * height follows its content, so its box alone changes as steps are done).
 */
async function panelState(page: Page) {
  const box = (await panel(page).boundingBox())!;
  const view = page.viewportSize()!;
  const compact = (await compactButton(page).getAttribute('aria-pressed')) === 'true';
  const side = box.x + box.width / 2 < view.width / 2 ? 'left' : 'right';
  const edge = Math.abs(box.y + box.height - (view.height - 16)) < 2 ? 'bottom' : 'top';
  return { box, compact, where: `${edge} ${side}${compact ? ', compact' : ''}` };
}

/** The panel does not cover `field`, which still has focus. */
async function expectClear(page: Page, field: Locator, what: string) {
  await frames(page);
  await expect(field, `${what}: the field keeps focus`).toBeFocused();
  const f = (await field.boundingBox())!;
  const p = await panelState(page);
  expect(
    overlap(p.box, f),
    `${what}: panel ${p.where} ${fmt(p.box)} over field ${fmt(f)}`,
  ).toBeLessThanOrEqual(SLACK);
  return p;
}

/** Types into a control the way a person would: text, a space on a checkbox, an arrow on a select. */
async function typeInto(field: Locator, page: Page) {
  const tag = await field.evaluate((el) => `${el.tagName}:${(el as HTMLInputElement).type}`);
  if (tag === 'INPUT:checkbox') await page.keyboard.press('Space');
  else if (tag.startsWith('SELECT')) await page.keyboard.press('ArrowDown');
  else await page.keyboard.type(tag === 'INPUT:email' ? 'ada@example.com' : 'Ada 07700');
}

for (const [width, height] of SIZES) {
  test(`at ${width}x${height} the panel never covers the field in use, even after a resize`, async ({
    page,
    appServer,
  }, testInfo) => {
    test.setTimeout(120_000);
    await page.setViewportSize({ width, height });
    await openNewContact(page, appServer.origin('crm'));
    const fields = form(page).locator('input:not([type=hidden]), select, textarea');
    const count = await fields.count();
    expect(count, 'fields of the New contact form').toBeGreaterThanOrEqual(7);
    const seen = new Set<string>();
    for (let i = 0; i < count; i++) {
      const field = fields.nth(i);
      const name = (await field.getAttribute('id')) ?? `field ${i}`;
      await field.focus();
      const before = await expectClear(page, field, `${name} focused`);
      await typeInto(field, page);
      // Typing does not move the panel.
      const after = await expectClear(page, field, `${name} typed in`);
      expect(after.where, `${name}: the panel stays put while typing`).toBe(before.where);
      seen.add(after.where);
      const resizes: [number, number][] = [
        [Math.round(width * 0.75), height],
        [width, Math.round(height * 0.7)],
        [Math.round(width * 0.8), Math.round(height * 0.8)],
        [width, height],
      ];
      for (const [w, h] of resizes) {
        await page.setViewportSize({ width: w, height: h });
        seen.add((await expectClear(page, field, `${name} after resize to ${w}x${h}`)).where);
      }
    }
    testInfo.annotations.push({ type: 'panel positions', description: [...seen].join(' | ') });
  });
}

test('a window dragged narrower and back, frame by frame, does not send the panel back and forth', async ({
  page,
  appServer,
}, testInfo) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1920, height: 800 });
  await openNewContact(page, appServer.origin('crm'));
  const last = form(page).getByRole('textbox', { name: 'Last name' });
  await last.focus();
  await page.keyboard.type('Lovelace');
  const path = [(await expectClear(page, last, 'last name')).where];
  const widths = [];
  for (let w = 1920; w >= 1000; w -= 40) widths.push(w);
  for (const w of [...widths, ...widths.reverse()]) {
    await page.setViewportSize({ width: w, height: 800 });
    const { where } = await expectClear(page, last, `last name at ${w}x800`);
    if (where !== path.at(-1)) path.push(where);
  }
  testInfo.annotations.push({ type: 'panel positions', description: path.join(' > ') });
  // One way narrower, one way back: at most one move each way.
  expect(path.length, path.join(' > ')).toBeLessThanOrEqual(3);
});

test('while a field is focused the panel keeps off it as the page scrolls', async ({
  page,
  appServer,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 520 });
  await openNewContact(page, appServer.origin('crm'));
  // Phone sits in the right-hand column, under the panel's usual corner.
  const phone = form(page).getByRole('textbox', { name: 'Phone' });
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await phone.focus();
  await expectClear(page, phone, 'phone focused');
  const start = await panelState(page);
  const positions = [start.where];
  let typed = '';
  // Scroll up in small steps while typing: the field moves down through the panel's corner.
  await page.mouse.move(600, 300);
  for (let i = 0; i < 14; i++) {
    await page.mouse.wheel(0, -40);
    typed += String(i % 10);
    await page.keyboard.type(String(i % 10));
    const f = await phone.boundingBox();
    if (!f || f.y > 520) break;
    const { where } = await expectClear(page, phone, `scroll step ${i}`);
    if (where !== positions.at(-1)) positions.push(where);
  }
  expect(
    positions.length,
    `the panel moved out of the way: ${positions.join(' > ')}`,
  ).toBeGreaterThan(1);
  await expect(phone).toHaveValue(typed);
  testInfo.annotations.push({ type: 'panel positions', description: positions.join(' > ') });
});

test('a field inside a shadow root counts as the field in use', async ({ page, appServer }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await openNewContact(page, appServer.origin('crm'));
  const before = await panelState(page);
  // A web component as wide as the page (its host is the event's target), with a small field
  // right under the panel's corner: only the field itself says which side is free.
  await page.evaluate(
    ({ x, y }) => {
      const host = document.createElement('div');
      host.style.cssText = `position:fixed;left:0;right:0;top:${y}px;height:40px;z-index:5`;
      const input = document.createElement('input');
      input.setAttribute('aria-label', 'Widget field');
      input.style.cssText = `position:absolute;left:${x}px;width:200px;height:30px`;
      host.attachShadow({ mode: 'open' }).append(input);
      document.body.append(host);
    },
    { x: before.box.x + 40, y: before.box.y + before.box.height - 80 },
  );
  const field = page.getByRole('textbox', { name: 'Widget field' });
  await field.focus();
  await page.keyboard.type('hello');
  const after = await expectClear(page, field, 'shadow-root field');
  expect(after.where).not.toBe(before.where);
});

test('compact when neither side has room, full again when one has; the choice stays the person’s', async ({
  page,
  appServer,
  serviceWorker,
}, testInfo) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const list = await openNewContact(page, appServer.origin('crm'));
  await expect(compactButton(page)).toHaveAttribute('aria-pressed', 'false');
  // The channel select spans the form: a full panel on either side would cover it.
  const channel = form(page).getByRole('combobox', { name: 'Preferred channel' });
  await channel.focus();
  const squeezed = await expectClear(page, channel, 'channel');
  expect(squeezed.compact, `panel ${squeezed.where}`).toBe(true);
  await expect(list.getByRole('checkbox')).toHaveCount(1);
  await page.screenshot({ path: testInfo.outputPath('squeezed-1280x800.png') });
  // Shorter, with the select near the bottom edge: the compact panel would cover it on both
  // sides too, and takes a top corner.
  await page.setViewportSize({ width: 1280, height: 560 });
  await channel.evaluate((el) => window.scrollBy(0, el.getBoundingClientRect().bottom - 530));
  const top = await expectClear(page, channel, 'channel, 1280x560');
  expect(top.where).toMatch(/^top .*, compact$/);
  await page.screenshot({ path: testInfo.outputPath('squeezed-top-1280x560.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  // First name, at the top left, leaves the right-hand side free: the panel is full again.
  const first = form(page).getByRole('textbox', { name: 'First name' });
  await first.focus();
  const full = await expectClear(page, first, 'first name');
  expect(full.compact, `panel ${full.where}`).toBe(false);
  await expect(list.getByRole('checkbox')).toHaveCount(Object.keys(S).length);
  // Nothing was stored: falling back was not the person's choice.
  const rows = await readStore(serviceWorker, 'settings');
  expect(rows.find((r) => r.key === 'panelCompact')).toBeUndefined();
});

test('the compact panel shows title, progress and next step; the choice is kept across pages and reloads', async ({
  page,
  context,
  appServer,
  serviceWorker,
}, testInfo) => {
  // Every form the panel takes on each (re)load, from its first render on.
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { panelForms: string[] }).panelForms = seen;
    const record = (root: ShadowRoot) => {
      const panel = root.querySelector('.panel');
      if (panel) seen.push(panel.classList.contains('compact') ? 'compact' : 'full');
    };
    new MutationObserver(() => {
      const root = document.querySelector('inflow-overlay')?.shadowRoot;
      if (!root || (root as ShadowRoot & { watched?: boolean }).watched) return;
      (root as ShadowRoot & { watched?: boolean }).watched = true;
      record(root);
      new MutationObserver(() => record(root)).observe(root, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['class'],
      });
    }).observe(document, { childList: true, subtree: true });
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  const list = await openNewContact(page, appServer.origin('crm'));
  await compactButton(page).click();
  await expect(compactButton(page)).toHaveAttribute('aria-pressed', 'true');
  await expect(list.getByRole('heading', { name: NEW_CONTACT.title })).toBeVisible();
  await expect(list).toContainText('0 of 5 done');
  await expect(list.getByRole('checkbox')).toHaveCount(1);
  await expect(stepBox(list, S.identity.text)).toBeVisible();
  await expect(list.getByRole('button', { name: 'Report a problem' })).toHaveCount(0);
  await waitForStore(serviceWorker, 'settings', { key: 'panelCompact', value: true });

  const overlayOnly = () => new AxeBuilder({ page }).include('inflow-overlay').analyze();
  expect(seriousViolations(await overlayOnly()), 'overlay: compact').toEqual([]);

  // Ticking the next step: it stays while it has focus, and the one after it appears.
  await stepBox(list, S.identity.text).focus();
  await page.keyboard.press('Space');
  await expect(list).toContainText('1 of 5 done');
  await expect(stepBox(list, S.identity.text)).toBeFocused();
  await expect(stepBox(list, S.email.text)).toBeVisible();
  await form(page).getByRole('textbox', { name: 'First name' }).focus();
  await expect(list.getByRole('checkbox')).toHaveCount(1);
  await expect(stepBox(list, S.email.text)).toBeVisible();
  expect(seriousViolations(await overlayOnly()), 'overlay: compact, one step done').toEqual([]);

  await page.reload();
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(compactButton(page)).toHaveAttribute('aria-pressed', 'true');
  await expect(list.getByRole('checkbox')).toHaveCount(1);
  const forms = await page.evaluate(
    () => (window as unknown as { panelForms: string[] }).panelForms,
  );
  expect(forms.length, 'the panel was seen').toBeGreaterThan(0);
  expect(forms, 'compact from the first render after the reload').not.toContain('full');

  // Another page of another app, in another tab.
  const portal = await context.newPage();
  await portal.setViewportSize({ width: 1280, height: 800 });
  await portal.goto(`${appServer.origin('portal')}/support/new`);
  await expect(checklist(portal, SUPPORT_REQUEST.title)).toBeVisible({ timeout: 10_000 });
  await expect(compactButton(portal)).toHaveAttribute('aria-pressed', 'true');
  await portal.screenshot({ path: testInfo.outputPath('portal-compact.png') });

  // Back to the full panel, and that is kept too.
  await compactButton(portal).click();
  await expect(compactButton(portal)).toHaveAttribute('aria-pressed', 'false');
  await waitForStore(serviceWorker, 'settings', { key: 'panelCompact', value: false });
  await page.reload();
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(compactButton(page)).toHaveAttribute('aria-pressed', 'false');
});

test('screenshots: both forms at the three sizes, and compact on the hostile page', async ({
  page,
  appServer,
}, testInfo) => {
  test.setTimeout(90_000);
  const list = await openNewContact(page, appServer.origin('crm'));
  for (const compact of [false, true]) {
    if (compact) await compactButton(page).click();
    await expect(compactButton(page)).toHaveAttribute('aria-pressed', String(compact));
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height });
      await frames(page);
      await expect(list).toBeVisible();
      const name = `crm-${compact ? 'compact' : 'full'}-${width}x${height}.png`;
      await page.screenshot({ path: testInfo.outputPath(name) });
    }
  }

  // The choice is still compact: the hostile page's CSS must not undo the compact form.
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${appServer.origin('hostile')}/`);
  const side = panel(page);
  await expect(side).toBeVisible({ timeout: 10_000 });
  await page.waitForTimeout(2_500);
  await expect(compactButton(page)).toHaveAttribute('aria-pressed', 'true');
  await expect(side.getByRole('checkbox')).toHaveCount(1);
  await expect(side.getByRole('checkbox')).toBeVisible();
  const box = (await side.boundingBox())!;
  expect(box.width).toBeGreaterThan(150);
  expect(box.height).toBeGreaterThan(60);
  const sizes = await side.evaluate((root) =>
    [...root.querySelectorAll('*')]
      .filter((el) => el.getClientRects().length && el.textContent?.trim())
      .map((el) => Number.parseFloat(getComputedStyle(el).fontSize)),
  );
  expect(Math.min(...sizes), 'smallest text in the compact panel (px)').toBeGreaterThanOrEqual(12);
  await page.screenshot({ path: testInfo.outputPath('hostile-compact.png') });
});
