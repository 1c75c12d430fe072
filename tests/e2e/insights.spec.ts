/**
 * Insights and Health as an author reads them: a known set of actions on the sample CRM,
 * then the numbers in the options page, a target that goes missing listed in Health with a
 * link to the editor, and the events CSV matching the store.
 */
import { readFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import Papa from 'papaparse';
import { EVENT_COLUMNS } from '../../src/insights-ui/csv';
import { seriousViolations } from './axe';
import { checklist, events, expect, step, stepBox, test, waitForStore } from './fixtures';
import { EMAIL_TIP, NEW_CONTACT } from './packs';

const S = NEW_CONTACT.steps;
const REASON = 'Customer will decide by email';

/** The number under one label of an aid's key figures. */
const figure = (section: Locator, label: string) =>
  section
    .locator('.figures > div')
    .filter({ has: section.page().getByText(label, { exact: true }) })
    .locator('dd');

/** The cells of a table's row for one step, as text. */
async function cells(table: Locator, text: string): Promise<string[]> {
  const row = table.getByRole('row').filter({ hasText: text }).first();
  return (await row.getByRole('cell').allInnerTexts()).map((t) => t.trim());
}

async function openOptions(page: Page, extensionId: string, hash: string) {
  await page.goto(`chrome-extension://${extensionId}/options.html#${hash}`);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
}

test('what staff did shows in Insights, a missing target in Health, and the CSV matches the store', async ({
  page,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  test.setTimeout(60_000);
  const crm = appServer.origin('crm');

  // Staff: two steps ticked by hand, one skipped with a reason.
  await page.goto(`${crm}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await stepBox(list, S.identity.text).click();
  await stepBox(list, S.channel.text).click();
  await step(list, S.consent.text).getByRole('button', { name: /^Skip/ }).click();
  await list.getByRole('textbox', { name: 'Reason for skipping (optional)' }).fill(REASON);
  await list.getByRole('button', { name: 'Skip step' }).click();
  await waitForStore(serviceWorker, 'events', { type: 'step_skipped', stepId: S.consent.id });
  await waitForStore(serviceWorker, 'events', { type: 'step_done', stepId: S.channel.id });
  const shown = (await events(serviceWorker, 'aid_shown')).filter(
    (e) => e.aidKey === NEW_CONTACT.key,
  ).length;
  expect(shown).toBeGreaterThan(0);

  // Author: Insights.
  const options = await context.newPage();
  await options.setViewportSize({ width: 1280, height: 900 });
  await openOptions(options, extensionId, 'insights');
  const section = options.getByRole('region', { name: NEW_CONTACT.title, exact: true });
  await expect(section).toBeVisible();
  await expect(figure(section, 'Shown')).toHaveText(String(shown));
  await expect(figure(section, 'Started')).toHaveText('1');
  await expect(figure(section, 'Completed')).toHaveText('0');
  await expect(figure(section, 'Completion rate')).toHaveText('0%');
  const steps = section.getByRole('table', { name: /^Steps of “New contact”/ });
  // Done automatically, by hand, undone, skipped, target missing, found by weaker signals.
  expect(await cells(steps, S.identity.text)).toEqual(['0', '1', '0', '0', '0', '0']);
  expect(await cells(steps, S.channel.text)).toEqual(['0', '1', '0', '0', '0', '0']);
  expect(await cells(steps, S.consent.text)).toEqual(['0', '0', '0', '1', '0', '0']);
  const expand = steps.getByRole('button', { name: /^.?\s*3\. Record consent/ });
  await expect(expand).toHaveAttribute('aria-expanded', 'false');
  await expand.focus();
  await options.keyboard.press('Enter');
  await expect(expand).toHaveAttribute('aria-expanded', 'true');
  await expect(steps).toContainText(`“${REASON}”: 1`);
  const drop = section.getByRole('table', { name: 'Drop-off of “New contact”, as numbers' });
  expect(await cells(drop, S.consent.text)).toEqual(['1', '100%']);
  expect(await cells(drop, S.email.text)).toEqual(['0', '0%']);
  await expect(section.locator('.chart canvas')).toHaveCount(1);
  expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);
  await options.screenshot({ path: 'test-results/insights.png', fullPage: true });
  // And in the dark colour scheme (the chart takes its colours from the page).
  await options.emulateMedia({ colorScheme: 'dark' });
  await options.reload();
  await expect(section.locator('.chart canvas')).toHaveCount(1);
  await options.screenshot({ path: 'test-results/insights-dark.png', fullPage: true });
  await options.emulateMedia({ colorScheme: 'light' });

  // Staff: a page where the Email field is gone (the app changed).
  const broken = await context.newPage();
  await broken.addInitScript(() => {
    const drop = () => document.getElementById('email')?.closest('label, div, p')?.remove();
    new MutationObserver(drop).observe(document, { childList: true, subtree: true });
  });
  await broken.goto(`${crm}/contacts/new`);
  await expect(checklist(broken, NEW_CONTACT.title)).toBeVisible({ timeout: 10_000 });
  await waitForStore(
    serviceWorker,
    'events',
    { type: 'target_missing', aidKey: NEW_CONTACT.key, stepId: S.email.id },
    10_000,
  );
  // The field checks of the form lose their Email field too.
  await waitForStore(serviceWorker, 'events', {
    type: 'target_missing',
    aidKey: 'northwind-crm/new-contact-checks',
    stepId: 'email-format',
  });
  await broken.close();

  // Author: Health lists the aid, with a link to the editor.
  await openOptions(options, extensionId, 'health');
  const item = options.getByRole('region', { name: NEW_CONTACT.title, exact: true });
  await expect(item).toBeVisible();
  // The page view before the field went missing is not counted.
  await expect(figure(item, 'Page views affected')).toHaveText('1');
  await expect(figure(item, 'Target missing')).toHaveText('1');
  const targets = item.getByRole('table', { name: /^Targets of “New contact”/ });
  expect((await cells(targets, S.email.text)).slice(0, 1)).toEqual(['1']);
  await expect(item.getByText('css', { exact: false }).first()).toBeVisible();
  const fix = item.getByRole('link', { name: 'Fix in the editor' });
  await expect(fix).toHaveAttribute('href', `#aids/edit/${encodeURIComponent(NEW_CONTACT.key)}`);
  // The tip on the missing field is listed too, and the field check of that field.
  await expect(options.getByRole('region', { name: EMAIL_TIP.title, exact: true })).toBeVisible();
  const checks = options.getByRole('region', { name: 'New contact: field checks', exact: true });
  await expect(checks).toContainText('Field of the check “This does not look like an email');
  expect(seriousViolations(await new AxeBuilder({ page: options }).analyze())).toEqual([]);
  await options.screenshot({ path: 'test-results/health.png', fullPage: true });

  // The popup tells the author, and links to Health.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const attention = popup.getByRole('link', { name: '3 aids need attention' });
  await expect(attention).toBeVisible();
  await expect(attention).toHaveAttribute('href', '/options.html#health');
  await popup.close();

  // Author: the events CSV has a header and one row per stored event.
  await openOptions(options, extensionId, 'insights');
  await expect(section).toBeVisible();
  const stored = await events(serviceWorker);
  const [download] = await Promise.all([
    options.waitForEvent('download'),
    options.getByRole('button', { name: 'Download events (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^inflow-events-.*\.csv$/);
  const text = (await readFile(await download.path(), 'utf8')).replace(/^\uFEFF/, '');
  const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
  expect(rows[0]).toEqual(EVENT_COLUMNS);
  expect(
    rows
      .slice(1)
      .map((r) => r[0])
      .sort(),
  ).toEqual(stored.map((e) => e.id).sort());
  const skipped = rows.find((r) => r[2] === 'step_skipped');
  expect(skipped?.[8]).toBe(REASON);
});
