/**
 * The Agent Workspace (Shoelace web components) with its bundled pack: the service-request
 * checklist on library elements in the light DOM, in an open shadow root two roots deep, in
 * a closed shadow root, and in same-origin, srcdoc and cross-origin iframes.
 */
import type { FrameLocator, Locator, Page } from '@playwright/test';
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
} = bundledChecklist('components', 'service-request');

/** The workspace's own form (not the overlay). */
const form = (page: Page) => page.locator('form#service-request');

async function open(page: Page, origin: string): Promise<Locator> {
  await page.goto(`${origin}/`);
  // Shoelace defines its elements asynchronously: wait for a real one.
  await expect(form(page).getByRole('textbox', { name: 'Customer name' })).toBeVisible();
  const list = checklist(page, TITLE);
  await expect(list).toBeVisible({ timeout: 10_000 });
  return list;
}

const expectTicks = (list: Locator, id: string) => expectDoneAutomatically(list, text(id));

const frame = (page: Page, title: string): FrameLocator =>
  page.frameLocator(`iframe[title="${title}"]`);

test('the service-request checklist appears on the workspace with every step open', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const origin = appServer.origin('components');
  const list = await open(page, origin);
  await expect(list.getByRole('checkbox')).toHaveCount(STEPS.length);
  for (const s of STEPS) await expect(stepBox(list, text(s.id))).not.toBeChecked();
  const shown = await waitForStore(serviceWorker, 'events', { type: 'aid_shown', aidKey: KEY });
  expect(shown).toMatchObject({ packId: packId, url: `${origin}/` });
});

test('Shoelace inputs and textarea in the light DOM tick when filled', async ({
  page,
  appServer,
}) => {
  const list = await open(page, appServer.origin('components'));
  const f = form(page);
  await f.getByRole('textbox', { name: 'Customer name' }).fill('Maria Okafor');
  await expectTicks(list, 'customer-name');
  await expect(stepBox(list, text('email'))).not.toBeChecked();
  await f.getByRole('textbox', { name: 'Email' }).fill('maria.okafor@example.com');
  await expectTicks(list, 'email');
  await f.getByRole('textbox', { name: 'Notes' }).fill('No hot water since Monday.');
  await expectTicks(list, 'notes');
});

test('a Shoelace select in the light DOM ticks when an option is chosen', async ({
  page,
  appServer,
}) => {
  const list = await open(page, appServer.origin('components'));
  await form(page).getByRole('combobox', { name: 'Request type' }).click();
  await page.getByRole('option', { name: 'Meter fault' }).click();
  await expect(form(page).locator('sl-select[name="request_type"]')).toHaveJSProperty(
    'value',
    'meter-fault',
  );
  await expectTicks(list, 'request-type');
});

test('a Shoelace checkbox and switch in the light DOM tick when checked', async ({
  page,
  appServer,
}) => {
  const list = await open(page, appServer.origin('components'));
  // Shoelace hides the native input under its own drawing: click the label, as a person does.
  const consent = form(page).locator('sl-checkbox[name="consent"]');
  await consent.getByText('Customer agrees to be contacted about this request').click();
  await expect(consent).toHaveJSProperty('checked', true);
  await expectTicks(list, 'consent');
  const urgent = form(page).locator('sl-switch[name="urgent"]');
  // The switch's track, where a person clicks it.
  await urgent.locator('[part~="control"]').click();
  await expect(urgent).toHaveJSProperty('checked', true);
  await expectTicks(list, 'urgent');
});

test('the Shoelace Submit button ticks when clicked, and the request is logged', async ({
  page,
  appServer,
}) => {
  const list = await open(page, appServer.origin('components'));
  const f = form(page);
  await f.getByRole('textbox', { name: 'Customer name' }).fill('Maria Okafor');
  await f.getByRole('combobox', { name: 'Request type' }).click();
  await page.getByRole('option', { name: 'Billing query' }).click();
  await f.getByRole('button', { name: 'Submit' }).click();
  await expect(
    page.getByRole('status').filter({ hasText: /Service request SR-\d{6} logged/ }),
  ).toBeVisible();
  await expectTicks(list, 'submit');
});

test('a Shoelace input inside the address card (two shadow roots deep) ticks when filled', async ({
  page,
  appServer,
}) => {
  const list = await open(page, appServer.origin('components'));
  await page
    .locator('acme-address-card')
    .getByRole('textbox', { name: 'Postcode' })
    .fill('LS1 4AP');
  await expectTicks(list, 'postcode');
});

test('the Postcode tip shows its beacon next to the field in the shadow root', async ({
  page,
  appServer,
}) => {
  await open(page, appServer.origin('components'));
  const b = beacon(page, 'Postcode');
  await expect(b).toBeVisible();
  // Focus opens a tip as hovering does, whatever the panel covers.
  await keyboardFocus(page, b);
  await expect(bubble(page, 'Postcode')).toContainText('supply address');
});

test('the account number in a closed shadow root ticks when filled', async ({
  page,
  appServer,
}) => {
  const list = await open(page, appServer.origin('components'));
  // Nothing outside a closed root can reach its input, the test included: Tab into it from
  // the Email field, as a person would.
  await form(page).getByRole('textbox', { name: 'Email' }).focus();
  await page.keyboard.press('Tab');
  await expect(page.locator('acme-account-field')).toBeFocused();
  await page.keyboard.type('4021778316');
  await expectTicks(list, 'account-number');
});

test('fields in the same-origin Identity check frame tick', async ({ page, appServer }) => {
  const list = await open(page, appServer.origin('components'));
  const verify = frame(page, 'Identity check');
  await verify.getByLabel('Date of birth').fill('1984-03-12');
  await expectTicks(list, 'date-of-birth');
  await verify.getByRole('checkbox', { name: 'Caller passed security questions' }).check();
  await expectTicks(list, 'security');
});

test('the call reference in the srcdoc frame ticks when filled', async ({ page, appServer }) => {
  const list = await open(page, appServer.origin('components'));
  await frame(page, 'Call reference')
    .getByRole('textbox', { name: 'Call reference' })
    .fill('CR-204918');
  await expectTicks(list, 'call-reference');
});

test('the street in the cross-origin address lookup ticks when filled', async ({
  page,
  appServer,
}) => {
  const list = await open(page, appServer.origin('components'));
  const lookup = frame(page, 'Address lookup');
  await expect(lookup.getByRole('textbox', { name: 'Street' })).toBeVisible();
  await lookup.getByRole('textbox', { name: 'Street' }).fill('Park Row');
  await expectTicks(list, 'street');
});
