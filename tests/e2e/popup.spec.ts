/**
 * The toolbar popup, opened as its page while the CRM tab is the active tab: it lists the
 * aids on that tab with their progress, and its switch pauses Inflow on the site.
 */
import AxeBuilder from '@axe-core/playwright';
import { checklist, expect, overlay, stepBox, test } from './fixtures';
import { NEW_CONTACT } from './packs';

test('the popup shows the tab’s aids and pauses the site', async ({
  page,
  context,
  appServer,
  extensionId,
}) => {
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await page.getByLabel('Identity confirmed with caller').check();
  await expect(stepBox(list, NEW_CONTACT.steps.identity.text)).toBeChecked();

  // The popup asks for the active tab: open it in another tab, then make the CRM active.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await page.bringToFront();
  await popup.reload();

  await expect(popup.getByText('crm.localhost', { exact: true })).toBeVisible();
  const item = popup
    .getByRole('listitem')
    .filter({ has: popup.getByText(NEW_CONTACT.title, { exact: true }) });
  await expect(item).toContainText('1 of 5 done');
  // The form's field checks are listed too, by their kind.
  await expect(
    popup.getByRole('listitem').filter({ hasText: 'New contact: field checks' }),
  ).toContainText('field checks');

  const axe = await new AxeBuilder({ page: popup }).analyze();
  const serious = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(serious.map((v) => `${v.id}: ${v.help}`)).toEqual([]);

  const pause = popup.getByRole('switch', { name: 'Pause Inflow on crm.localhost' });
  await expect(pause).not.toBeChecked();
  await pause.check();
  await expect(popup.getByText('Paused on this site')).toBeVisible();
  // The overlay goes away on the page at once, without a reload…
  await expect(overlay(page)).toHaveCount(0, { timeout: 5_000 });
  // …and stays away after one.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'New contact', level: 1 })).toBeVisible();
  await page.waitForTimeout(500);
  await expect(checklist(page, NEW_CONTACT.title)).toHaveCount(0);

  await pause.uncheck();
  await expect(checklist(page, NEW_CONTACT.title)).toBeVisible({ timeout: 5_000 });
});
