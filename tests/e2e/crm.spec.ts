/**
 * The sample CRM (a single-page app) with the bundled CRM pack: the New contact checklist as
 * a person uses it, and what the background stores about it.
 */
import type { Page } from '@playwright/test';
import {
  checklist,
  events,
  expect,
  liveStatus,
  overlay,
  readStore,
  step,
  stepBox,
  test,
  waitForStore,
} from './fixtures';
import { CASE, NEW_CONTACT } from './packs';

const S = NEW_CONTACT.steps;
const TOTAL = Object.keys(S).length;
const EMAIL = 'ada.lovelace@example.com';

/** The app's own New contact form (not the overlay). */
const form = (page: Page) => page.getByRole('form', { name: 'New contact' });
const emailField = (page: Page) => form(page).getByRole('textbox', { name: 'Email', exact: true });

async function openNewContact(page: Page, origin: string, query = '') {
  await page.goto(`${origin}/contacts/new${query}`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  return list;
}

test('the New contact checklist appears on the form, the case checklist does not', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  const list = await openNewContact(page, crm);

  await expect(list.getByRole('heading', { level: 2, name: NEW_CONTACT.title })).toBeVisible();
  await expect(list.getByRole('checkbox')).toHaveCount(TOTAL);
  for (const s of Object.values(S)) await expect(stepBox(list, s.text)).not.toBeChecked();
  await expect(list).toContainText(`0 of ${TOTAL} done`);
  await expect(checklist(page, CASE.title)).toHaveCount(0);

  const shown = await waitForStore(serviceWorker, 'events', {
    type: 'aid_shown',
    aidKey: NEW_CONTACT.key,
  });
  expect(shown).toMatchObject({ packId: 'northwind-crm', url: `${crm}/contacts/new` });
  expect(shown.packVersion).toMatch(/^\d+\.\d+\.\d+$/);
  const shownKeys = (await events(serviceWorker, 'aid_shown')).map((e) => e.aidKey);
  expect(shownKeys).not.toContain(CASE.key);
});

test('a valid email completes the email step automatically; the stored url has no query', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  const list = await openNewContact(page, crm, '?source=call&ref=7731#details');
  const box = stepBox(list, S.email.text);

  // Half an address is not a valid one.
  await emailField(page).pressSequentially('ada.lovelace@', { delay: 20 });
  await page.waitForTimeout(1_000);
  await expect(box).not.toBeChecked();

  await emailField(page).pressSequentially('example.com', { delay: 20 });
  await expect(box).toBeChecked();
  await expect(step(list, S.email.text)).toContainText('Done automatically');
  await expect(list).toContainText(`1 of ${TOTAL} done`);
  await expect(liveStatus(page)).toContainText(`Done: ${S.email.text}`);

  const done = await waitForStore(serviceWorker, 'events', {
    type: 'step_done',
    aidKey: NEW_CONTACT.key,
    stepId: S.email.id,
  });
  expect(done.how).toBe('auto');
  expect(done.url).toBe(`${crm}/contacts/new`);
  const progress = await waitForStore(serviceWorker, 'progress', NEW_CONTACT.key);
  expect(progress.steps[S.email.id]).toMatchObject({ state: 'done', how: 'auto' });
  // Events never carry what was typed.
  const stored = JSON.stringify(await readStore(serviceWorker, 'events'));
  expect(stored).not.toContain('lovelace');
});

test('skipping a step with a reason shows and stores the reason', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const list = await openNewContact(page, appServer.origin('crm'));
  const consent = step(list, S.consent.text);
  const reason = list.getByRole('textbox', { name: 'Reason for skipping (optional)' });

  // Cancel leaves the step as it was.
  await consent.getByRole('button', { name: /^Skip/ }).click();
  await expect(reason).toBeVisible();
  await list.getByRole('button', { name: 'Cancel' }).click();
  await expect(reason).toHaveCount(0);
  await expect(consent).not.toContainText('Skipped');

  await consent.getByRole('button', { name: /^Skip/ }).click();
  await reason.fill('Customer will decide by email');
  await list.getByRole('button', { name: 'Skip step' }).click();

  await expect(consent).toContainText('Skipped: Customer will decide by email');
  await expect(reason).toHaveCount(0);
  await expect(consent.getByRole('button', { name: 'Undo skip' })).toBeVisible();
  await expect(consent.getByRole('button', { name: /^Skip/ })).toHaveCount(0);
  await expect(stepBox(list, S.consent.text)).not.toBeChecked();

  const skipped = await waitForStore(serviceWorker, 'events', {
    type: 'step_skipped',
    stepId: S.consent.id,
  });
  expect(skipped).toMatchObject({
    aidKey: NEW_CONTACT.key,
    reason: 'Customer will decide by email',
  });
  await waitForStore(serviceWorker, 'progress', {
    aidKey: NEW_CONTACT.key,
    steps: { [S.consent.id]: { state: 'skipped', reason: 'Customer will decide by email' } },
  });

  // Undo puts the step back.
  await consent.getByRole('button', { name: 'Undo skip' }).click();
  await expect(consent).not.toContainText('Skipped');
  await expect(consent.getByRole('button', { name: /^Skip/ })).toBeVisible();
  await waitForStore(serviceWorker, 'events', { type: 'step_undone', stepId: S.consent.id });
  await waitForStore(
    serviceWorker,
    'progress',
    (p) => p.aidKey === NEW_CONTACT.key && !p.steps[S.consent.id],
  );
});

test('a client-side route change swaps the aids', async ({ page, appServer, serviceWorker }) => {
  const crm = appServer.origin('crm');
  await openNewContact(page, crm);
  // Marks this document: still there after the route change means no page load happened.
  await page.evaluate(() => {
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
  });

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
  await page.getByRole('link', { name: 'Case 5001', exact: true }).click();
  await expect(page).toHaveURL(`${crm}/cases/5001`);

  await expect(checklist(page, CASE.title)).toBeVisible();
  await expect(checklist(page, NEW_CONTACT.title)).toHaveCount(0);
  expect(
    await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument),
  ).toBe(true);
  await waitForStore(serviceWorker, 'events', { type: 'aid_shown', aidKey: CASE.key });

  // Back (popstate) brings the New contact checklist back.
  await page.goBack();
  await expect(page).toHaveURL(`${crm}/cases`);
  await page.goBack();
  await expect(page).toHaveURL(`${crm}/contacts/new`);
  await expect(checklist(page, NEW_CONTACT.title)).toBeVisible();
  await expect(checklist(page, CASE.title)).toHaveCount(0);
});

test('progress survives a reload', async ({ page, appServer, serviceWorker }) => {
  const list = await openNewContact(page, appServer.origin('crm'));
  await emailField(page).fill(EMAIL);
  await expect(stepBox(list, S.email.text)).toBeChecked();
  await waitForStore(serviceWorker, 'events', { type: 'step_done', stepId: S.email.id });

  await page.reload();
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(stepBox(list, S.email.text)).toBeChecked();
  await expect(step(list, S.email.text)).toContainText('Done automatically');
  await expect(list).toContainText(`1 of ${TOTAL} done`);
  await expect(stepBox(list, S.identity.text)).not.toBeChecked();
});

test('a step whose target is missing says so, and the other steps still complete', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  // This page's CRM never shows the consent checkbox (nor its label).
  await page.addInitScript(() => {
    const drop = () => document.getElementById('consent')?.parentElement?.remove();
    new MutationObserver(drop).observe(document, { childList: true, subtree: true });
  });
  const list = await openNewContact(page, appServer.origin('crm'));
  await expect(page.locator('#consent')).toHaveCount(0);

  await expect(step(list, S.consent.text)).toContainText('Not found on this page', {
    timeout: 10_000,
  });
  await expect(stepBox(list, S.consent.text)).not.toBeChecked();
  const missing = await waitForStore(serviceWorker, 'events', {
    type: 'target_missing',
    stepId: S.consent.id,
  });
  expect(missing.aidKey).toBe(NEW_CONTACT.key);

  await emailField(page).fill(EMAIL);
  await form(page).getByRole('checkbox', { name: 'Identity confirmed with caller' }).check();
  await expect(stepBox(list, S.email.text)).toBeChecked();
  await expect(stepBox(list, S.identity.text)).toBeChecked();
  await expect(step(list, S.email.text)).not.toContainText('Not found on this page');
  await waitForStore(serviceWorker, 'events', { type: 'step_done', stepId: S.identity.id });
});

test('ticking a step by hand stores it as manual', async ({ page, appServer, serviceWorker }) => {
  const list = await openNewContact(page, appServer.origin('crm'));
  const box = stepBox(list, S.channel.text);

  await box.click();
  await expect(box).toBeChecked();
  await expect(step(list, S.channel.text).getByText('Done', { exact: true })).toBeVisible();
  await expect(list).toContainText(`1 of ${TOTAL} done`);

  const done = await waitForStore(serviceWorker, 'events', {
    type: 'step_done',
    stepId: S.channel.id,
  });
  expect(done.how).toBe('manual');
  await waitForStore(serviceWorker, 'progress', {
    aidKey: NEW_CONTACT.key,
    steps: { [S.channel.id]: { state: 'done', how: 'manual' } },
  });
});

/** Does the work of every step but saving, in the app's own form. */
async function doTheFirstFourSteps(page: Page): Promise<void> {
  await form(page).getByRole('checkbox', { name: 'Identity confirmed with caller' }).check();
  await emailField(page).fill(EMAIL);
  await form(page).getByRole('checkbox', { name: 'Customer consented to be contacted' }).check();
  await form(page).getByRole('combobox', { name: 'Preferred channel' }).selectOption('Email');
}

test('finishing every step shows the checklist complete', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const list = await openNewContact(page, appServer.origin('crm'));
  await doTheFirstFourSteps(page);
  await expect(list).toContainText(`4 of ${TOTAL} done`);
  await expect(list).not.toContainText('Checklist complete');
  // Saving is the last step; the New contact form is left behind.
  await step(list, S.save.text).getByRole('button', { name: /^Skip/ }).click();
  await list.getByRole('button', { name: 'Skip step' }).click();
  await expect(list).toContainText('Checklist complete');
  await waitForStore(serviceWorker, 'events', {
    type: 'checklist_completed',
    aidKey: NEW_CONTACT.key,
  });
  await waitForStore(
    serviceWorker,
    'progress',
    (p) => p.aidKey === NEW_CONTACT.key && !!p.completedAt,
  );
});

test('saving the contact completes the checklist as the app moves on, and says so', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const list = await openNewContact(page, appServer.origin('crm'));
  await doTheFirstFourSteps(page);
  await form(page).getByLabel('First name').fill('Ada');
  await form(page).getByLabel('Last name').fill('Lovelace');
  await expect(list).toContainText(`4 of ${TOTAL} done`);
  // Submit from the keyboard, as the panel may sit over the button.
  await form(page).getByLabel('Last name').press('Enter');
  await expect(page).toHaveURL(/\/contacts\/\d+$/);
  await expect(list).toHaveCount(0);
  // A visible note, and the same words for screen readers.
  const note = `Checklist complete: ${NEW_CONTACT.title}`;
  await expect(overlay(page).locator('.toast')).toHaveText(note);
  await expect(overlay(page).getByRole('status')).toHaveText(note);
  const saved = await waitForStore(serviceWorker, 'events', {
    type: 'step_done',
    stepId: S.save.id,
  });
  expect(saved.how).toBe('auto');
  await waitForStore(serviceWorker, 'events', {
    type: 'checklist_completed',
    aidKey: NEW_CONTACT.key,
  });
});

test.describe('keyboard', () => {
  test('focus stays in the email field while typing and while the step completes', async ({
    page,
    appServer,
  }) => {
    const list = await openNewContact(page, appServer.origin('crm'));
    const field = emailField(page);
    await field.focus();
    await field.evaluate((el) => {
      el.addEventListener('blur', () => el.setAttribute('data-blurred', 'yes'));
    });
    await page.keyboard.type(EMAIL, { delay: 40 });

    await expect(stepBox(list, S.email.text)).toBeChecked();
    await page.waitForTimeout(500);
    await expect(field).toBeFocused();
    await expect(field).toHaveValue(EMAIL);
    await expect(field).not.toHaveAttribute('data-blurred', 'yes');
    // And typing goes on in the same field.
    await page.keyboard.type('x');
    await expect(field).toHaveValue(`${EMAIL}x`);
  });

  test('Tab reaches the checklist and Space toggles a step', async ({
    page,
    appServer,
    serviceWorker,
  }) => {
    const list = await openNewContact(page, appServer.origin('crm'));
    const box = stepBox(list, S.identity.text);
    await emailField(page).focus();

    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await box.evaluate((el) => (el.getRootNode() as ShadowRoot).activeElement === el);
    }
    expect(reached, 'Tab never reached the first step of the checklist').toBe(true);
    await expect(box).toBeFocused();

    await page.keyboard.press('Space');
    await expect(box).toBeChecked();
    const done = await waitForStore(serviceWorker, 'events', {
      type: 'step_done',
      stepId: S.identity.id,
    });
    expect(done.how).toBe('manual');

    await page.keyboard.press('Space');
    await expect(box).not.toBeChecked();
    await expect(box).toBeFocused();
    await waitForStore(serviceWorker, 'events', { type: 'step_undone', stepId: S.identity.id });
  });

  test('the checklist collapses and expands', async ({ page, appServer }) => {
    const list = await openNewContact(page, appServer.origin('crm'));
    const collapse = list.getByRole('button', { name: 'Collapse checklist' });
    await expect(collapse).toHaveAttribute('aria-expanded', 'true');
    await collapse.click();
    const expand = list.getByRole('button', { name: 'Expand checklist' });
    await expect(expand).toHaveAttribute('aria-expanded', 'false');
    await expect(stepBox(list, S.email.text)).toBeHidden();
    await expand.press('Enter');
    await expect(list.getByRole('button', { name: 'Collapse checklist' })).toHaveAttribute(
      'aria-expanded',
      'true',
    );
    await expect(stepBox(list, S.email.text)).toBeVisible();
  });
});
