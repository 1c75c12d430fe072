/**
 * Drafts of the other aid kinds, written in the options page's form and previewed on the
 * sample apps as authoring.spec.ts previews a checklist: field checks whose field and whose
 * condition's field are picked on the CRM's New contact form, and a walkthrough whose steps
 * name the portal's pages they are on. What a person sees on the page, and that a preview
 * records nothing: no event, no progress.
 */
import type { Locator } from '@playwright/test';
import {
  events,
  expect,
  overlay,
  type Page,
  panel,
  pointPickerAt,
  readStore,
  test,
  waitForStore,
} from './fixtures';

async function newAid(options: Page, extensionId: string, kind: string, title: string) {
  await options.goto(`chrome-extension://${extensionId}/options.html#aids/new`);
  await expect(options.getByRole('heading', { name: 'New aid' })).toBeVisible();
  await options.getByRole('radio', { name: kind, exact: true }).check();
  await options.getByRole('textbox', { name: 'Title' }).fill(title);
  await options.getByRole('button', { name: 'Create draft' }).click();
  await expect(options.getByRole('heading', { level: 2, name: new RegExp(title) })).toBeVisible();
}

/** Chooses the app's tab as the one to pick, check and preview in. */
async function chooseTab(options: Page, app: Page) {
  await options.getByRole('button', { name: 'Refresh list' }).click();
  await options
    .getByRole('combobox', { name: 'App tab' })
    .selectOption({ label: `${await app.title()} — ${app.url()}` });
}

/** Picks `element` in the app for the target group `group` of the editor. */
async function pick(options: Page, group: Locator, app: Page, element: Locator, tag: string) {
  await group.getByRole('button', { name: 'Pick on page' }).click();
  await pointPickerAt(app, element, tag);
  const box = (await element.boundingBox())!;
  await app.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(app.locator('inflow-picker')).toHaveCount(0);
  await expect.poll(() => options.evaluate(() => document.visibilityState)).toBe('visible');
  await expect(group.getByRole('status')).toHaveText(/^Captured: /);
}

/** Starts the preview and waits until the options page says it is on. */
async function preview(options: Page) {
  await options.getByRole('button', { name: 'Preview on page' }).click();
  await expect(options.getByText(/^Previewing in “/)).toBeVisible();
}

test('a field checks draft with a condition on another field, previewed on the CRM: its message shows once the field is left, nothing is recorded', async ({
  page: app,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  test.setTimeout(120_000);
  const TITLE = 'Email for email contact';
  const KEY = 'my-aids/email-for-email-contact';
  const MESSAGE = 'The customer prefers email: enter their email address.';
  await app.goto(`${appServer.origin('crm')}/contacts/new`);
  const form = app.getByRole('form', { name: 'New contact' });
  await expect(form).toBeVisible();

  const options = await context.newPage();
  await options.setViewportSize({ width: 1280, height: 900 });
  await newAid(options, extensionId, 'Field checks', TITLE);
  await options
    .getByRole('textbox', { name: 'URL pattern 1' })
    .fill('*://crm.localhost:*/contacts/new');
  await options
    .getByRole('textbox', { name: 'Keywords' })
    .fill('email address, contact preferences');
  await chooseTab(options, app);

  // The check's own field, then the condition's, both picked on the page.
  const email = form.getByRole('textbox', { name: 'Email', exact: true });
  const channel = form.getByRole('combobox', { name: 'Preferred channel' });
  await pick(
    options,
    options.getByRole('group', { name: 'Check 1: the field' }),
    app,
    email,
    'textbox “Email” · label “Email”',
  );
  await options.getByRole('textbox', { name: 'Check 1: message' }).fill(MESSAGE);
  await options
    .getByRole('checkbox', { name: 'Apply only while another field has a given value' })
    .check();
  await pick(
    options,
    options.getByRole('group', { name: 'Check 1 condition: the other field' }),
    app,
    channel,
    'combobox “Preferred channel” · label “Preferred channel”',
  );
  await options
    .getByRole('combobox', { name: 'Check 1 condition: the value' })
    .selectOption({ label: 'Is one of a list' });
  await options.getByRole('textbox', { name: 'Check 1 condition: values' }).fill('Email');
  await expect(options.getByText(/before it can be published/)).toHaveCount(0);

  const draft = await waitForStore(
    serviceWorker,
    'drafts',
    (d) => d.key === KEY && JSON.stringify(d.aid).includes('"values":["Email"]'),
  );
  expect(draft.aid).toMatchObject({
    kind: 'checks',
    keywords: ['email address', 'contact preferences'],
    checks: [
      {
        field: { label: 'Email', role: 'textbox' },
        rule: { type: 'required' },
        message: MESSAGE,
        when: {
          field: { label: 'Preferred channel', role: 'combobox' },
          rule: { type: 'oneOf', values: ['Email'] },
        },
      },
    ],
  });

  await preview(options);
  await app.bringToFront();
  const shown = overlay(app).locator('.check-msg', { hasText: MESSAGE });
  // While the customer prefers SMS, an empty email is not this check's business.
  await channel.selectOption('SMS');
  await email.focus();
  await app.keyboard.press('Tab');
  await app.waitForTimeout(500);
  await expect(shown).toHaveCount(0);
  // Once the condition holds, the message shows next to the field already left.
  await channel.selectOption('Email');
  await expect(shown).toBeVisible({ timeout: 10_000 });
  await expect(email).toHaveAccessibleDescription(MESSAGE);
  await app.screenshot({ path: test.info().outputPath('checks-preview.png') });
  await email.fill('ada@example.com');
  await email.blur();
  await expect(shown).toHaveCount(0);
  // Give the overlay time to send anything it would have recorded.
  await app.waitForTimeout(1_000);
  expect((await events(serviceWorker)).filter((e) => e.aidKey === KEY)).toEqual([]);
  expect((await readStore(serviceWorker, 'progress')).filter((p) => p.aidKey === KEY)).toEqual([]);
});

test('a walkthrough draft whose steps name their pages, previewed on the portal: the first step points at its link, the next waits on its own page, nothing is recorded', async ({
  page: app,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  test.setTimeout(120_000);
  const TITLE = 'Moving out';
  const KEY = 'my-aids/moving-out';
  const portal = appServer.origin('portal');
  await app.goto(`${portal}/`);
  const link = app.getByRole('main').getByRole('link', { name: 'Change your address' });
  await expect(link).toBeVisible();

  const options = await context.newPage();
  await options.setViewportSize({ width: 1280, height: 900 });
  await newAid(options, extensionId, 'Walkthrough', TITLE);
  await options.getByRole('textbox', { name: 'URL pattern 1' }).fill('*://portal.localhost:*/');
  await options.getByRole('button', { name: 'Add a URL pattern' }).click();
  await options
    .getByRole('textbox', { name: 'URL pattern 2' })
    .fill('*://portal.localhost:*/billing/address');
  await options.getByRole('textbox', { name: 'Keywords' }).fill('move home, new address');
  await chooseTab(options, app);

  await options.getByRole('textbox', { name: 'Step 1 text' }).fill('Open Change your address.');
  await options
    .getByRole('textbox', { name: 'Step 1: pages it is on' })
    .fill('*://portal.localhost:*/');
  await pick(
    options,
    options.getByRole('group', { name: 'Step 1: the element it is about' }),
    app,
    link,
    'link “Change your address”',
  );
  await options.getByRole('button', { name: 'Add a step' }).click();
  await options.getByRole('textbox', { name: 'Step 2 text' }).fill('Enter the new Postcode.');
  await options
    .getByRole('textbox', { name: 'Step 2: pages it is on' })
    .fill('*://portal.localhost:*/billing/address');
  const step2 = options.getByRole('group', { name: 'Step 2: the element it is about' });
  await step2.getByText('Type the signals instead').click();
  await step2.getByRole('textbox', { name: 'Label', exact: true }).fill('Postcode');
  await expect(options.getByText(/before it can be published/)).toHaveCount(0);

  const draft = await waitForStore(
    serviceWorker,
    'drafts',
    (d) => d.key === KEY && JSON.stringify(d.aid).includes('"label":"Postcode"'),
  );
  expect(draft.aid).toMatchObject({
    kind: 'walkthrough',
    keywords: ['move home', 'new address'],
    steps: [
      { text: 'Open Change your address.', urls: ['*://portal.localhost:*/'] },
      {
        text: 'Enter the new Postcode.',
        urls: ['*://portal.localhost:*/billing/address'],
        target: { label: 'Postcode' },
      },
    ],
  });

  await preview(options);
  await app.bringToFront();
  const card = panel(app).getByRole('region', { name: TITLE, exact: true });
  const popover = overlay(app).getByRole('dialog', { name: new RegExp(`^${TITLE}: step`) });
  await expect(card).toBeVisible({ timeout: 10_000 });
  await expect(card).toContainText('Preview of a draft: not published');
  // A preview does not start by itself: the author starts it as a person would.
  await expect(popover).toHaveCount(0);
  await card.getByRole('button', { name: 'Start walkthrough' }).click();
  await expect(popover).toHaveAccessibleName(`${TITLE}: step 1 of 2`);
  await expect(popover).toContainText('Open Change your address.');
  // Next to the link it points at.
  const at = (await link.boundingBox())!;
  const box = (await popover.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(at.y + at.height);
  expect(box.y).toBeLessThan(at.y + at.height + 40);
  await app.screenshot({ path: test.info().outputPath('walkthrough-preview.png') });

  // Step 2 is on the address form only: here the panel says so and points at nothing.
  await popover.getByRole('button', { name: 'Next' }).click();
  await expect(popover).toHaveCount(0);
  await expect(card).toContainText('This step is on another page:');
  await expect(card).toContainText('Enter the new Postcode.');

  await app.waitForTimeout(1_000);
  expect((await events(serviceWorker)).filter((e) => e.aidKey === KEY)).toEqual([]);
  expect((await readStore(serviceWorker, 'progress')).filter((p) => p.aidKey === KEY)).toEqual([]);
});
