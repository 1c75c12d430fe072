/**
 * The sample portal's "Move home" walkthrough (bundled pack): started from the panel on the
 * account page, across a full page load to the address form, resumed on the right step after
 * a reload, going on past a step whose field is gone, and what the store keeps.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { events, expect, overlay, panel, test, waitForStore } from './fixtures';

const KEY = 'acme-energy-portal/move-home';
const TITLE = 'Move home';

const card = (page: Page) => panel(page).getByRole('region', { name: TITLE, exact: true });
const popover = (page: Page) => overlay(page).getByRole('dialog', { name: /^Move home: step/ });

test('a walkthrough across two pages resumes on its step after a reload and goes on past a missing field', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  test.setTimeout(60_000);
  const portal = appServer.origin('portal');
  await page.goto(`${portal}/`);
  await expect(card(page)).toBeVisible({ timeout: 10_000 });
  await expect(popover(page)).toHaveCount(0);

  // Started from the panel with the keyboard: the first step points at the link.
  const start = card(page).getByRole('button', { name: 'Start walkthrough' });
  await start.focus();
  await page.keyboard.press('Enter');
  await expect(popover(page)).toHaveAccessibleName('Move home: step 1 of 5');
  await expect(popover(page)).toContainText('Open Change your address.');
  const link = page.getByRole('main').getByRole('link', { name: 'Change your address' });
  const at = (await link.boundingBox())!;
  const box = (await popover(page).boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(at.y + at.height);
  // Focus went to the step, which the person asked for; nothing is trapped.
  await expect(popover(page).getByRole('heading')).toBeFocused();
  expect(seriousViolations(await new AxeBuilder({ page }).analyze())).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('walkthrough-step-1.png') });

  // A full page load to the form: step 1 is done by reaching it, step 2 shows by Street.
  await link.click();
  await expect(page).toHaveURL(`${portal}/billing/address`);
  await expect(popover(page)).toHaveAccessibleName('Move home: step 2 of 5', {
    timeout: 10_000,
  });
  // The person is typing: the walkthrough does not take focus from the field.
  const street = page.getByRole('textbox', { name: 'Street' });
  await street.fill('1 New Road');
  await expect(street).toBeFocused();
  await popover(page).getByRole('button', { name: 'Next' }).click();
  await expect(popover(page)).toHaveAccessibleName('Move home: step 3 of 5');
  await waitForStore(serviceWorker, 'progress', {
    aidKey: KEY,
    steps: { street: { state: 'done', how: 'manual' } },
  });

  // A reload: the same step, not the first.
  await page.reload();
  await expect(popover(page)).toHaveAccessibleName('Move home: step 3 of 5', {
    timeout: 10_000,
  });
  await expect(popover(page)).toContainText('Enter the new Postcode');
  // Back, then the step's own rule moves it on.
  await popover(page).getByRole('button', { name: 'Back' }).click();
  await expect(popover(page)).toHaveAccessibleName('Move home: step 2 of 5');
  await popover(page).getByRole('button', { name: 'Next' }).click();
  await page.getByRole('textbox', { name: 'Postcode' }).fill('SW1A 1AA');
  await expect(popover(page)).toHaveAccessibleName('Move home: step 4 of 5');

  // The app drops the date field: after the settle time the step offers to go on.
  await page.locator('#move-in-date').evaluate((el) => el.closest('div')!.remove());
  await expect(popover(page)).toHaveCount(0);
  await expect(card(page)).toContainText('Not found on this page.', { timeout: 5_000 });
  await card(page).getByRole('button', { name: 'Continue without it' }).click();
  await expect(popover(page)).toHaveAccessibleName('Move home: step 5 of 5');
  await popover(page).getByRole('button', { name: 'Finish' }).click();
  await expect(card(page)).toContainText('Finished.');

  const mine = (await events(serviceWorker)).filter((e) => e.aidKey === KEY);
  const kinds = mine.map((e) => (e.stepId ? `${e.type} ${e.stepId}` : e.type));
  expect(kinds).toEqual(
    expect.arrayContaining([
      'walkthrough_started',
      'step_shown open-form',
      'step_done open-form',
      'step_shown street',
      'step_done street',
      'step_undone street',
      'step_done postcode',
      'target_missing move-in-date',
      'step_skipped move-in-date',
      'step_done submit',
      'walkthrough_finished',
    ]),
  );
  expect(mine.find((e) => e.type === 'step_done' && e.stepId === 'open-form')!.how).toBe('auto');
  expect(mine.find((e) => e.type === 'step_done' && e.stepId === 'postcode')!.how).toBe('auto');
  expect(JSON.stringify(mine)).not.toContain('SW1A');
  await waitForStore(serviceWorker, 'progress', (p) => p.aidKey === KEY && !!p.completedAt);
});

test('stopping a walkthrough records the step it stopped at; it never starts by itself', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const portal = appServer.origin('portal');
  await page.goto(`${portal}/billing/address`);
  await expect(card(page)).toBeVisible({ timeout: 10_000 });
  await card(page).getByRole('button', { name: 'Start walkthrough' }).click();
  // Started on the form: its first step (reach the form) is done already.
  await expect(popover(page)).toHaveAccessibleName('Move home: step 2 of 5');
  // On another page of the walkthrough, the panel says where the step is.
  await page.goto(`${portal}/`);
  await expect(card(page)).toContainText('This step is on another page:', { timeout: 10_000 });
  await expect(card(page)).toContainText('Enter the first line of the new address');
  await expect(popover(page)).toHaveCount(0);
  await card(page).getByRole('button', { name: 'Stop walkthrough' }).click();
  await expect(card(page)).toContainText('Stopped.');
  const stopped = await waitForStore(serviceWorker, 'events', {
    type: 'walkthrough_abandoned',
    aidKey: KEY,
  });
  expect(stopped.stepId).toBe('street');
  await page.reload();
  await expect(card(page).getByRole('button', { name: 'Start again' })).toBeVisible({
    timeout: 10_000,
  });
  await expect(popover(page)).toHaveCount(0);
});
