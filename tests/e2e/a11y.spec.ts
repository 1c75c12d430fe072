/**
 * axe-core finds no serious or critical problems in the overlay (in its different states),
 * nor on the sample CRM and portal pages with the overlay on them.
 */
import AxeBuilder from '@axe-core/playwright';
import { seriousViolations } from './axe';
import { beacon, bubble, checklist, expect, step, test } from './fixtures';
import { EMAIL_TIP, NEW_CONTACT, SUPPORT_REQUEST } from './packs';

test('the overlay on the CRM: checklist, skip form and open tip', async ({ page, appServer }) => {
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(beacon(page, EMAIL_TIP.title)).toBeVisible();

  const overlayOnly = () => new AxeBuilder({ page }).include('inflow-overlay').analyze();
  expect(seriousViolations(await overlayOnly()), 'overlay: checklist').toEqual([]);

  await step(list, NEW_CONTACT.steps.consent.text).getByRole('button', { name: /^Skip/ }).click();
  await expect(list.getByRole('textbox', { name: 'Reason for skipping (optional)' })).toBeVisible();
  expect(seriousViolations(await overlayOnly()), 'overlay: skip form').toEqual([]);
  await list.getByRole('button', { name: 'Skip step' }).click();
  await expect(step(list, NEW_CONTACT.steps.consent.text)).toContainText('Skipped');
  expect(seriousViolations(await overlayOnly()), 'overlay: skipped step').toEqual([]);

  await beacon(page, EMAIL_TIP.title).hover();
  await expect(bubble(page, EMAIL_TIP.title)).toBeVisible();
  expect(seriousViolations(await overlayOnly()), 'overlay: tip open').toEqual([]);
});

test('the CRM New contact page with the overlay', async ({ page, appServer }) => {
  await page.goto(`${appServer.origin('crm')}/contacts/new`);
  await expect(checklist(page, NEW_CONTACT.title)).toBeVisible({ timeout: 10_000 });
  const results = await new AxeBuilder({ page }).analyze();
  expect(seriousViolations(results)).toEqual([]);
});

test('the portal support form with the overlay', async ({ page, appServer }) => {
  await page.goto(`${appServer.origin('portal')}/support/new`);
  await expect(checklist(page, SUPPORT_REQUEST.title)).toBeVisible({ timeout: 10_000 });
  const results = await new AxeBuilder({ page }).analyze();
  expect(seriousViolations(results)).toEqual([]);
});
