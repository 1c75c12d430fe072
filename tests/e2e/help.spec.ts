/**
 * The help panel: opened with its shortcut or the panel's Help button, it lists every aid of
 * the app (from the store, through the background), finds one by a word of its steps or by
 * a keyword, and starts a walkthrough or opens a tip on this page. Keyboard only throughout.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { seriousViolations } from './axe';
import {
  beacon,
  bubble,
  events,
  expect,
  keyboardFocus,
  overlay,
  panel,
  test,
  waitForStore,
} from './fixtures';

const help = (page: Page) => overlay(page).getByRole('dialog', { name: 'Help for this app' });
const search = (page: Page) =>
  help(page).getByRole('searchbox', { name: 'Search checklists, walkthroughs and tips' });
const results = (page: Page) => help(page).getByRole('listitem');
const result = (page: Page, title: string) =>
  results(page).filter({ has: page.getByRole('heading', { name: title, exact: true }) });

test('the shortcut opens the help panel, a word from a step finds the walkthrough, and it starts from there', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const portal = appServer.origin('portal');
  await page.goto(`${portal}/`);
  const card = panel(page).getByRole('region', { name: 'Move home', exact: true });
  await expect(card).toBeVisible({ timeout: 10_000 });

  // From the page, with nothing of ours focused.
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Alt+Shift+H');
  await expect(help(page)).toBeVisible();
  await expect(search(page)).toBeFocused();
  // Every aid of the app, the one on this page first; the others say where they are.
  await expect(help(page)).toContainText('4 aids for this app');
  await expect(results(page).first()).toContainText('Move home');
  await expect(result(page, 'Change of address')).toContainText('On another page of this app');
  await expect(result(page, 'Postcode')).toContainText('Tip');
  await expect(help(page)).toContainText(
    'Open this list from any page of the app with Alt+Shift+H',
  );
  expect(seriousViolations(await new AxeBuilder({ page }).analyze())).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('help-panel.png') });

  // A word that only the steps say: the walkthrough and the checklist, with what matched.
  await page.keyboard.type('keys');
  await expect(help(page)).toContainText('2 aids found for “keys”');
  await expect(results(page)).toHaveCount(2);
  await expect(results(page).first()).toContainText('Move home');
  await expect(results(page).first()).toContainText('the customer gets the keys');
  // A keyword the author added, accents and case aside.
  await search(page).fill('RÉLOCATION');
  await expect(results(page)).toHaveCount(1);
  await expect(results(page).first()).toContainText('Move home');
  await search(page).fill('zebra crossing');
  await expect(help(page)).toContainText('Nothing found for “zebra crossing”');
  await expect(results(page)).toHaveCount(0);

  // Keyboard only: to Start, and the walkthrough's first step takes focus.
  await search(page).fill('keys');
  await page.keyboard.press('Tab');
  const start = help(page).getByRole('button', { name: 'Start walkthrough: Move home' });
  await expect(start).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(help(page)).toHaveCount(0);
  const popover = overlay(page).getByRole('dialog', { name: 'Move home: step 1 of 5' });
  await expect(popover).toBeVisible();
  await expect(popover.getByRole('heading')).toBeFocused();
  await waitForStore(serviceWorker, 'events', {
    type: 'walkthrough_started',
    aidKey: 'acme-energy-portal/move-home',
  });
});

test('the panel’s Help button opens it too; Escape closes it and focus goes back; a tip opens from it', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  await page.goto(`${crm}/contacts/new`);
  await expect(beacon(page, 'Email')).toBeVisible({ timeout: 10_000 });

  // A page's script cannot open it: only a person's key press counts.
  await page.evaluate(() => {
    const init = { code: 'KeyH', key: 'H', altKey: true, shiftKey: true, bubbles: true };
    document.body.dispatchEvent(new KeyboardEvent('keydown', init));
  });
  await page.waitForTimeout(300);
  await expect(help(page)).toHaveCount(0);

  const button = panel(page).getByRole('button', { name: 'Help', exact: true });
  await expect(button).toHaveAttribute('aria-keyshortcuts', 'Alt+Shift+H');
  await keyboardFocus(page, button);
  await page.keyboard.press('Enter');
  await expect(search(page)).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(help(page)).toHaveCount(0);
  await expect(button).toBeFocused();

  // Again, and a tip found by a word of its text opens by its field, focused.
  await page.keyboard.press('Enter');
  await page.keyboard.type('letter by letter');
  await expect(results(page).first()).toContainText('Email');
  await page.keyboard.press('Tab');
  await expect(help(page).getByRole('button', { name: 'Show tip: Email' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(help(page)).toHaveCount(0);
  await expect(bubble(page, 'Email')).toBeVisible();
  await expect(beacon(page, 'Email')).toBeFocused();
  await waitForStore(serviceWorker, 'events', {
    type: 'tip_opened',
    aidKey: 'northwind-crm/email-tip',
  });
  // The search itself is never recorded.
  const recorded = JSON.stringify(await events(serviceWorker));
  expect(recorded).not.toContain('letter by letter');
});

test('the shortcut is a setting: another one works after a change, and one the browser keeps is refused', async ({
  page,
  appServer,
  context,
  extensionId,
}) => {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const set = (value: string) =>
    options.evaluate((v) => {
      type Runtime = { sendMessage(message: unknown): Promise<unknown> };
      const { runtime } = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome;
      return runtime.sendMessage({ type: 'settings.set', key: 'helpShortcut', value: v });
    }, value);
  expect(await set('ctrl+t')).toEqual({
    error: expect.stringContaining('Ctrl without Alt is the browser’s'),
  });
  const changed = (await set('shift+ALT+k')) as { values: { helpShortcut: string } };
  expect(changed.values.helpShortcut).toBe('Alt+Shift+K');
  await options.close();

  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  await expect(beacon(page, 'Email')).toBeVisible({ timeout: 10_000 });
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Alt+Shift+H');
  await page.waitForTimeout(300);
  await expect(help(page)).toHaveCount(0);
  await page.keyboard.press('Alt+Shift+K');
  await expect(help(page)).toBeVisible();
  await expect(help(page)).toContainText('with Alt+Shift+K');
});
