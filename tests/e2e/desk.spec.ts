/**
 * Harbour Desk (React, Radix, hash routing) with its bundled pack: the Add a contact
 * checklist on plain inputs, a Radix Checkbox tied to a <label>, a Radix Switch and a Radix
 * Select named only by aria-labelledby (the Select's options live in a portal), and a route
 * change in the hash.
 */
import type { Locator, Page } from '@playwright/test';
import { buildApps } from '../../scripts/build-apps.mjs';
import {
  beacon,
  bubble,
  bundledChecklist,
  checklist,
  expect,
  expectDoneAutomatically,
  keyboardFocus,
  stepBox,
  test,
  waitForStore,
} from './fixtures';

const {
  packId,
  key: KEY,
  title: TITLE,
  steps: STEPS,
  text,
} = bundledChecklist('desk', 'new-contact');

// The app is a bundle: build it if its sources changed (a no-op otherwise).
test.beforeAll(async () => {
  await buildApps();
});

const form = (page: Page) => page.getByRole('form', { name: 'New contact' });

async function openNewContact(page: Page, origin: string): Promise<Locator> {
  await page.goto(`${origin}/#/contacts/new`);
  await expect(form(page)).toBeVisible();
  const list = checklist(page, TITLE);
  await expect(list).toBeVisible({ timeout: 10_000 });
  return list;
}

const expectTicks = (list: Locator, id: string) => expectDoneAutomatically(list, text(id));

test('the checklist appears on #/contacts/new, reached in the app, and not on the list', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const origin = appServer.origin('desk');
  await page.goto(`${origin}/`);
  await expect(page).toHaveURL(/#\/contacts$/);
  await expect(page.getByRole('heading', { name: 'Contacts', level: 1 })).toBeVisible();
  await page.waitForTimeout(1_000);
  await expect(checklist(page, TITLE)).toHaveCount(0);

  // A hash route change, as the app's own link makes it.
  await page.getByRole('link', { name: 'New contact' }).click();
  const list = checklist(page, TITLE);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(list.getByRole('checkbox')).toHaveCount(STEPS.length);
  for (const s of STEPS) await expect(stepBox(list, text(s.id))).not.toBeChecked();
  const shown = await waitForStore(serviceWorker, 'events', { type: 'aid_shown', aidKey: KEY });
  expect(shown.packId).toBe(packId);

  // Cancel goes back to the list, and the checklist goes with the form.
  await form(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/#\/contacts$/);
  await expect(checklist(page, TITLE)).toHaveCount(0);
});

test('plain inputs tick when filled', async ({ page, appServer }) => {
  const list = await openNewContact(page, appServer.origin('desk'));
  await form(page).getByRole('textbox', { name: 'Full name' }).fill('Ada Lovelace');
  await expectTicks(list, 'full-name');
  await expect(stepBox(list, text('email'))).not.toBeChecked();
  await form(page).getByRole('textbox', { name: 'Email' }).fill('ada@example.com');
  await expectTicks(list, 'email');
});

test('a Radix checkbox tied to a <label> ticks when checked', async ({ page, appServer }) => {
  const list = await openNewContact(page, appServer.origin('desk'));
  await form(page).getByRole('checkbox', { name: 'Caller identity verified' }).click();
  await expect(
    form(page).getByRole('checkbox', { name: 'Caller identity verified' }),
  ).toBeChecked();
  await expectTicks(list, 'identity');
});

test('a Radix switch named by aria-labelledby ticks when switched on', async ({
  page,
  appServer,
}) => {
  const list = await openNewContact(page, appServer.origin('desk'));
  const toggle = form(page).getByRole('switch', { name: 'Marketing consent' });
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expectTicks(list, 'marketing');
});

test('a Radix select (options in a portal) ticks when a reason is chosen', async ({
  page,
  appServer,
}) => {
  const list = await openNewContact(page, appServer.origin('desk'));
  const trigger = form(page).getByRole('combobox', { name: 'Contact reason' });
  await trigger.click();
  // The options are rendered at the end of the body, outside the form.
  const option = page.getByRole('option', { name: 'Complaint' });
  await expect(form(page).getByRole('option')).toHaveCount(0);
  await option.click();
  await expect(trigger).toContainText('Complaint');
  await expectTicks(list, 'reason');
});

test('the Contact reason tip shows its beacon next to the Radix select', async ({
  page,
  appServer,
}) => {
  await openNewContact(page, appServer.origin('desk'));
  const b = beacon(page, 'Contact reason');
  await expect(b).toBeVisible();
  // Focus opens a tip as hovering does, whatever the panel covers.
  await keyboardFocus(page, b);
  await expect(bubble(page, 'Contact reason')).toContainText('complaints clock');
});

test('Save ticks its step and returns to the contacts list with the new contact', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  await openNewContact(page, appServer.origin('desk'));
  const f = form(page);
  await f.getByRole('textbox', { name: 'Full name' }).fill('Ada Lovelace');
  await f.getByRole('textbox', { name: 'Email' }).fill('ada@example.com');
  await f.getByRole('combobox', { name: 'Contact reason' }).click();
  await page.getByRole('option', { name: 'Contract renewal' }).click();
  await f.getByRole('button', { name: 'Save' }).click();

  await expect(page).toHaveURL(/#\/contacts$/);
  await expect(page.getByRole('main').getByRole('status')).toContainText(
    'Contact Ada Lovelace saved',
  );
  await expect(page.getByRole('row', { name: /Ada Lovelace/ })).toBeVisible();
  await waitForStore(serviceWorker, 'events', {
    type: 'step_done',
    aidKey: KEY,
    stepId: 'save',
  });
});
