/**
 * Runs of a checklist on the sample CRM (a single-page app): a New contact form left
 * unfinished starts over with nothing ticked the next time it opens, and the store holds a
 * run_abandoned event for it; a reload in the middle of a run keeps the ticks and records
 * nothing abandoned.
 */
import type { Page, Worker } from '@playwright/test';
import {
  checklist,
  events,
  expect,
  liveStatus,
  readStore,
  stepBox,
  test,
  waitForStore,
} from './fixtures';
import { NEW_CONTACT } from './packs';

const S = NEW_CONTACT.steps;
const TOTAL = Object.keys(S).length;
const NOTICE = 'New run: the last one was left unfinished';

const form = (page: Page) => page.getByRole('form', { name: 'New contact' });
const identityField = (page: Page) =>
  form(page).getByRole('checkbox', { name: 'Identity confirmed with caller' });
const emailField = (page: Page) => form(page).getByRole('textbox', { name: 'Email', exact: true });

/** Opens New contact and does two of its steps in the app's form; both reach the store. */
async function startRun(page: Page, sw: Worker, crm: string) {
  await page.goto(`${crm}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await identityField(page).check();
  await emailField(page).fill('ada.lovelace@example.com');
  await expect(stepBox(list, S.identity.text)).toBeChecked();
  await expect(stepBox(list, S.email.text)).toBeChecked();
  await expect(list).toContainText(`2 of ${TOTAL} done`);
  await waitForStore(sw, 'progress', {
    aidKey: NEW_CONTACT.key,
    steps: { [S.identity.id]: { state: 'done' }, [S.email.id]: { state: 'done' } },
  });
  return list;
}

/** The New contact checklist shows a new run: nothing ticked, and it says why. */
async function expectNewRun(page: Page) {
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(list).toContainText(NOTICE);
  await expect(liveStatus(page)).toContainText(NOTICE);
  await expect(list).toContainText(`0 of ${TOTAL} done`);
  for (const s of Object.values(S)) await expect(stepBox(list, s.text)).not.toBeChecked();
  // The app's form is fresh too: what the checklist shows is what the person sees.
  await expect(emailField(page)).toHaveValue('');
}

const abandoned = (sw: Worker) => events(sw, 'run_abandoned');

test('Cancel, then New contact again: a new run with nothing ticked, the last one recorded as abandoned', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  await startRun(page, serviceWorker, crm);
  const leftAfter = Date.now();

  // The app's own Cancel: a route change within the single-page app, to the contacts list.
  // From the keyboard, as the panel may sit over the link.
  await form(page).getByRole('link', { name: 'Cancel' }).press('Enter');
  await expect(page).toHaveURL(`${crm}/`);
  await expect(checklist(page, NEW_CONTACT.title)).toHaveCount(0);
  const left = await waitForStore(
    serviceWorker,
    'progress',
    (p) => p.aidKey === NEW_CONTACT.key && p.leftAt !== undefined,
  );
  expect(left.leftAt).toBeGreaterThanOrEqual(leftAfter);
  expect(await abandoned(serviceWorker)).toEqual([]);

  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'New contact' })
    .click();
  await expect(page).toHaveURL(`${crm}/contacts/new`);
  await expectNewRun(page);

  const [run, ...more] = await abandoned(serviceWorker);
  expect(more).toEqual([]);
  expect(run).toMatchObject({
    aidKey: NEW_CONTACT.key,
    packId: 'northwind-crm',
    url: `${crm}/contacts/new`,
    at: left.leftAt,
  });
  // Nothing of the last run is left in the progress.
  const progress = (await readStore(serviceWorker, 'progress')).find(
    (p) => p.aidKey === NEW_CONTACT.key,
  );
  expect(progress?.steps ?? {}).toEqual({});

  // The new run is the person's from here: a tick is kept, and the line is not said again.
  await identityField(page).check();
  await expect(stepBox(checklist(page, NEW_CONTACT.title), S.identity.text)).toBeChecked();
  await waitForStore(serviceWorker, 'progress', {
    aidKey: NEW_CONTACT.key,
    steps: { [S.identity.id]: { state: 'done' } },
  });
  await page.reload();
  const list = checklist(page, NEW_CONTACT.title);
  await expect(stepBox(list, S.identity.text)).toBeChecked({ timeout: 10_000 });
  await expect(list).not.toContainText(NOTICE);
  expect(await abandoned(serviceWorker)).toHaveLength(1);
});

test('a reload in the middle of a run keeps the ticks and records nothing abandoned', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  await startRun(page, serviceWorker, crm);

  await page.reload();
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(stepBox(list, S.identity.text)).toBeChecked();
  await expect(stepBox(list, S.email.text)).toBeChecked();
  await expect(list).toContainText(`2 of ${TOTAL} done`);
  await expect(list).not.toContainText(NOTICE);
  // The lookup that answered the reload has run: an abandoned run would be stored by now.
  expect(await abandoned(serviceWorker)).toEqual([]);
  await waitForStore(
    serviceWorker,
    'progress',
    (p) => p.aidKey === NEW_CONTACT.key && p.leftAt === undefined && !!p.steps[S.email.id],
  );

  // And again: a second reload is a reload too.
  await page.reload();
  await expect(stepBox(list, S.identity.text)).toBeChecked({ timeout: 10_000 });
  await expect(list).toContainText(`2 of ${TOTAL} done`);
  expect(await abandoned(serviceWorker)).toEqual([]);
});

test('a full page load elsewhere, then New contact again: a new run too', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  await startRun(page, serviceWorker, crm);

  // Typed in the address bar: the page goes away without saying where to (pagehide).
  await page.goto(`${crm}/cases`);
  await expect(checklist(page, NEW_CONTACT.title)).toHaveCount(0);
  await waitForStore(
    serviceWorker,
    'progress',
    (p) => p.aidKey === NEW_CONTACT.key && p.leftAt !== undefined,
  );

  await page.goto(`${crm}/contacts/new`);
  await expectNewRun(page);
  const [run, ...more] = await abandoned(serviceWorker);
  expect(more).toEqual([]);
  expect(run).toMatchObject({ aidKey: NEW_CONTACT.key, url: `${crm}/contacts/new` });
});

test('a route change within the checklist’s own pages keeps the run', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const crm = appServer.origin('crm');
  const list = await startRun(page, serviceWorker, crm);

  // The same form at an address with a query (the aid matches it): the session starts anew.
  await page.evaluate(() => history.pushState(null, '', '/contacts/new?source=call'));
  await expect(page).toHaveURL(`${crm}/contacts/new?source=call`);
  const shown = async () =>
    (await events(serviceWorker, 'aid_shown')).filter((e) => e.aidKey === NEW_CONTACT.key).length;
  await expect.poll(shown).toBe(2);
  await expect(list).toContainText(`2 of ${TOTAL} done`);
  await expect(list).not.toContainText(NOTICE);
  const progress = (await readStore(serviceWorker, 'progress')).find(
    (p) => p.aidKey === NEW_CONTACT.key,
  );
  expect(progress?.leftAt).toBeUndefined();
  expect(await abandoned(serviceWorker)).toEqual([]);
});
