/**
 * Field checks on the sample CRM's New contact form, with the bundled pack's
 * "New contact: field checks": a cross-field check (a phone number when the customer prefers
 * Phone or SMS) and a blocking one (an email address that looks like one). What a person sees
 * and hears, what stops the save, and what the store keeps: check ids and reasons, never a
 * value typed.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Locator, Page } from '@playwright/test';
import { seriousViolations } from './axe';
import { checklist, events, expect, overlay, test, waitForStore } from './fixtures';
import { NEW_CONTACT } from './packs';

const KEY = 'northwind-crm/new-contact-checks';
const PHONE_MESSAGE = 'The customer prefers Phone or SMS: enter their phone number.';
const EMAIL_MESSAGE =
  'This does not look like an email address: check it with the caller (name@example.com).';
const BAD_EMAIL = 'ada.lovelace@example';

const form = (page: Page) => page.getByRole('form', { name: 'New contact' });
const field = (page: Page, name: string) => form(page).getByRole('textbox', { name, exact: true });
const message = (page: Page, text: string) =>
  overlay(page).locator('.check-msg', { hasText: text });
const notice = (page: Page) => overlay(page).getByRole('dialog', { name: 'Not saved yet' });

/**
 * Presses Save contact from the keyboard. (At this window size the overlay's panel covers
 * the button until the panel is moved: a pointer click would wait for it.)
 */
async function save(page: Page) {
  await form(page).getByRole('button', { name: 'Save contact' }).focus();
  await page.keyboard.press('Enter');
}

async function openNewContact(page: Page, origin: string) {
  await page.goto(`${origin}/contacts/new`);
  await expect(checklist(page, NEW_CONTACT.title)).toBeVisible({ timeout: 10_000 });
}

/** True if nothing of the overlay (its panel) covers the middle of `notice`. */
async function onTop(page: Page, notice: Locator): Promise<boolean> {
  const box = (await notice.boundingBox())!;
  return page.evaluate(
    ([x, y]) =>
      document
        .querySelector('inflow-overlay')
        ?.shadowRoot?.elementFromPoint(x, y)
        ?.closest('[role=dialog]')
        ?.textContent?.startsWith('Not saved yet') ?? false,
    [box.x + box.width / 2, box.y + box.height / 2] as const,
  );
}

/** The New contact form with the names filled and an email address that is not one. */
async function openWithBadEmail(page: Page, origin: string) {
  await openNewContact(page, origin);
  await fillNames(page);
  await field(page, 'Email').fill(BAD_EMAIL);
}

/** A save that the blocking email check stops: its notice, shown. */
async function stopASave(page: Page, origin: string): Promise<Locator> {
  await openWithBadEmail(page, origin);
  await save(page);
  const stop = notice(page);
  await expect(stop).toBeVisible();
  return stop;
}

/** Fills the names, so that the app's own required fields do not stop the save. */
async function fillNames(page: Page) {
  await field(page, 'First name').fill('Ada');
  await field(page, 'Last name').fill('Lovelace');
}

test('a cross-field check shows its message next to the field once it is left, tied to it, and goes when corrected', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  await openNewContact(page, appServer.origin('crm'));
  const phone = field(page, 'Phone');
  // Nothing is said while nobody has left the field, even though it is empty.
  await form(page).getByRole('combobox', { name: 'Preferred channel' }).selectOption('SMS');
  await phone.focus();
  await expect(message(page, PHONE_MESSAGE)).toHaveCount(0);
  await page.keyboard.press('Tab');

  const shown = message(page, PHONE_MESSAGE);
  await expect(shown).toBeVisible();
  // Next to the field: just under it, starting at its left edge.
  const at = (await phone.boundingBox())!;
  const box = (await shown.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(at.y + at.height);
  expect(box.y).toBeLessThan(at.y + at.height + 24);
  expect(Math.abs(box.x - at.x)).toBeLessThan(at.width);
  // Assistive technology hears it as the field's description, and it is announced.
  await expect(phone).toHaveAccessibleDescription(PHONE_MESSAGE);
  await expect(phone).toHaveAttribute('aria-invalid', 'true');
  await expect(overlay(page).getByRole('status')).toContainText(PHONE_MESSAGE);
  expect(seriousViolations(await new AxeBuilder({ page }).analyze())).toEqual([]);

  await page.screenshot({ path: test.info().outputPath('check-message.png') });

  await phone.fill('07700 900123');
  await expect(shown).toHaveCount(0);
  await expect(phone).not.toHaveAttribute('aria-invalid');
  await expect(phone).toHaveAccessibleDescription('');
  await waitForStore(serviceWorker, 'events', {
    type: 'check_passed',
    aidKey: KEY,
    stepId: 'phone-for-channel',
  });
  const failed = await events(serviceWorker, 'check_failed');
  expect(failed.map((e) => [e.aidKey, e.stepId])).toEqual([[KEY, 'phone-for-channel']]);

  // The condition no longer holds: an empty phone is fine when the customer prefers email.
  await phone.fill('');
  await form(page).getByRole('combobox', { name: 'Preferred channel' }).selectOption('Email');
  await phone.focus();
  await page.keyboard.press('Tab');
  await page.waitForTimeout(300);
  await expect(message(page, PHONE_MESSAGE)).toHaveCount(0);
});

test('a blocking check stops Save until corrected; keyboard only', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  await openWithBadEmail(page, appServer.origin('crm'));
  const save = form(page).getByRole('button', { name: 'Save contact' });
  await save.focus();
  await page.keyboard.press('Enter');

  // Not saved: the form stays, the notice says why and has focus.
  const stop = notice(page);
  await expect(stop).toBeVisible();
  await expect(stop).toBeFocused();
  await expect(stop).toContainText(EMAIL_MESSAGE);
  await expect(page).toHaveURL(/\/contacts\/new$/);
  await expect(message(page, EMAIL_MESSAGE)).toBeVisible();
  // No channel is chosen: the phone's check does not apply.
  await expect(message(page, PHONE_MESSAGE)).toHaveCount(0);
  expect(
    seriousViolations(await new AxeBuilder({ page }).include('inflow-overlay').analyze()),
  ).toEqual([]);
  await page.screenshot({ path: test.info().outputPath('check-stopped.png') });

  // "Correct the fields" takes focus to the field; correcting it lets the save through.
  await page.keyboard.press('Tab'); // the message, as a link to its field
  await page.keyboard.press('Tab'); // the reason
  await page.keyboard.press('Tab'); // Save anyway
  await page.keyboard.press('Tab'); // Correct the fields
  await page.keyboard.press('Enter');
  await expect(stop).toHaveCount(0);
  await expect(field(page, 'Email')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('ada.lovelace@example.com');
  await expect(message(page, EMAIL_MESSAGE)).toHaveCount(0);
  await save.focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/contacts\/\d+$/);

  const kinds = (await events(serviceWorker)).filter((e) => e.aidKey === KEY).map((e) => e.type);
  expect(kinds).toEqual(expect.arrayContaining(['check_failed', 'check_passed']));
  expect(kinds).not.toContain('check_overridden');
});

test('saving anyway needs a reason, which is stored without the value typed and shown in Insights', async ({
  page,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  const stop = await stopASave(page, appServer.origin('crm'));
  // Without a reason, nothing is saved and the person is told what is missing.
  await stop.getByRole('button', { name: 'Save anyway' }).click();
  const reason = stop.getByRole('textbox', { name: /say why it is right/ });
  await expect(reason).toBeFocused();
  await expect(reason).toHaveAccessibleDescription('Write a reason to save anyway.');
  await expect(page).toHaveURL(/\/contacts\/new$/);

  await reason.fill('Customer spelled it out: internal domain');
  await stop.getByRole('button', { name: 'Save anyway' }).click();
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(page.getByRole('heading', { name: 'Ada Lovelace' })).toBeVisible();

  const overridden = await waitForStore(serviceWorker, 'events', {
    type: 'check_overridden',
    aidKey: KEY,
  });
  expect(overridden).toMatchObject({
    stepId: 'email-format',
    reason: 'Customer spelled it out: internal domain',
    packId: 'northwind-crm',
  });
  // No event of any kind holds what was typed.
  const all = JSON.stringify(await events(serviceWorker));
  expect(all).not.toContain(BAD_EMAIL);
  expect(all).not.toContain('Lovelace');

  // The author sees it in Insights: the check caught one, and why it was saved anyway.
  await page.goto(`chrome-extension://${extensionId}/options.html#insights`);
  const section = page.getByRole('region', { name: 'New contact: field checks', exact: true });
  const table = section.getByRole('table', { name: /^Checks of “New contact: field checks”/ });
  const row = table.getByRole('row').filter({ hasText: EMAIL_MESSAGE });
  // Message shown, corrected, saved anyway, field not found.
  expect((await row.getByRole('cell').allInnerTexts()).map((t) => t.trim())).toEqual([
    '1',
    '0',
    '1',
    '0',
  ]);
  await row.getByRole('button').click();
  await expect(table).toContainText('“Customer spelled it out: internal domain”: 1');
  expect(seriousViolations(await new AxeBuilder({ page }).analyze())).toEqual([]);
});

test('a check that cannot find its field never stops the save', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  await openWithBadEmail(page, appServer.origin('crm'));
  // The app drops the Email field (a new release renamed it); the blocking check is blind.
  await field(page, 'Email').evaluate((el) => el.closest('div')!.remove());
  const missing = await waitForStore(serviceWorker, 'events', {
    type: 'target_missing',
    aidKey: KEY,
    stepId: 'email-format',
  });
  expect(missing.failedSignals).toEqual(expect.arrayContaining(['css', 'label']));
  await save(page);
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(notice(page)).toHaveCount(0);
});

test('the page’s own script can neither write the reason nor save anyway', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const stop = await stopASave(page, appServer.origin('crm'));
  // The panel stays where it was (Save had a script's focus): the notice is drawn over it,
  // once both have settled (the notice follows the button as the page lays out).
  await expect.poll(() => onTop(page, stop)).toBe(true);
  const reason = stop.getByRole('textbox', { name: /say why it is right/ });

  // A script in the page's own world fills the reason and presses the buttons.
  await page.evaluate(() => {
    const root = document.querySelector('inflow-overlay')!.shadowRoot!;
    const text = root.querySelector('textarea')!;
    text.value = 'approved by script';
    text.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText' }));
    const anyway = [...root.querySelectorAll('button')].find(
      (b) => b.textContent === 'Save anyway',
    )!;
    anyway.click();
    anyway.closest('form')!.requestSubmit();
  });
  await page.waitForTimeout(500);
  await expect(page).toHaveURL(/\/contacts\/new$/);
  await expect(stop).toBeVisible();
  await expect(reason).toHaveValue('');
  expect((await events(serviceWorker, 'check_overridden')).length).toBe(0);

  // The person's own words, then a script's change: the person's words come back, unsent.
  await reason.pressSequentially('Caller confirmed twice');
  await reason.evaluate((el) => {
    (el as HTMLTextAreaElement).value = 'approved by script';
  });
  await stop.getByRole('button', { name: 'Save anyway' }).click();
  await expect(reason).toHaveValue('Caller confirmed twice');
  await expect(page).toHaveURL(/\/contacts\/new$/);
  await stop.getByRole('button', { name: 'Save anyway' }).click();
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  const overridden = await waitForStore(serviceWorker, 'events', { type: 'check_overridden' });
  expect(overridden.reason).toBe('Caller confirmed twice');
});
