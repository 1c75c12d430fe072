/**
 * The first paint: with the service worker stopped, a page shows its aids from what the
 * background last wrote to local storage, before the worker answers; the answer then brings
 * the person's progress, and the visit is recorded once.
 *
 * What a person does before the answer is sent once it comes, and counts once.
 *
 * So that "before the worker answers" is certain, not a race, a page of the extension holds a
 * read-write transaction on the store's `settings` table, which every lookup reads first:
 * the worker cannot answer until it lets go.
 */
import {
  type BrowserContext,
  checklist,
  expect,
  type Page,
  readStore,
  step,
  stepBox,
  test,
  type Worker,
  waitForStore,
} from './fixtures';
import { NEW_CONTACT } from './packs';
import { stopServiceWorker } from './sync-helpers';

const S = NEW_CONTACT.steps;
const EMAIL = 'ada.lovelace@example.com';

/** Holds the store's `settings` table from an extension page until `release` is called. */
async function holdStore(context: BrowserContext, extensionId: string) {
  const holder = await context.newPage();
  // A page of the extension's origin that runs none of its scripts (nothing asks the worker).
  await holder.goto(`chrome-extension://${extensionId}/managed_schema.json`);
  await holder.evaluate(
    () =>
      new Promise<void>((held, failed) => {
        const open = indexedDB.open('inflow');
        open.onerror = () => failed(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('settings', 'readwrite');
          const settings = tx.objectStore('settings');
          const g = globalThis as { holding?: boolean };
          g.holding = true;
          // A transaction lives while it has requests: one after the other until released.
          const next = () => {
            if (g.holding) settings.get('hold').onsuccess = next;
          };
          next();
          held();
        };
      }),
  );
  return {
    reader: holder as unknown as Worker,
    release: () => holder.evaluate(() => ((globalThis as { holding?: boolean }).holding = false)),
  };
}

const shownCount = async (from: Worker) =>
  (await readStore(from, 'events')).filter(
    (e) => e.type === 'aid_shown' && e.aidKey === NEW_CONTACT.key,
  ).length;

async function openNewContact(page: Page, crm: string) {
  await page.goto(`${crm}/contacts/new`);
  const list = checklist(page, NEW_CONTACT.title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  return list;
}

test('with the worker stopped, the checklist shows before the worker answers, then its progress follows, and the visit counts once', async ({
  page,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  const list = await openNewContact(page, appServer.origin('crm'));
  await page
    .getByRole('form', { name: 'New contact' })
    .getByRole('textbox', { name: 'Email', exact: true })
    .fill(EMAIL);
  await expect(stepBox(list, S.email.text)).toBeChecked();
  await waitForStore(serviceWorker, 'events', { type: 'step_done', stepId: S.email.id });
  expect(await shownCount(serviceWorker)).toBe(1);

  const hold = await holdStore(context, extensionId);
  await stopServiceWorker(context, hold.reader as unknown as Page, extensionId);
  const before = await shownCount(hold.reader);
  await page.reload();

  // From the first paint: the checklist, without the person's progress, which only the
  // store has.
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(list.getByRole('checkbox')).toHaveCount(Object.keys(S).length);
  await expect(stepBox(list, S.email.text)).not.toBeChecked();
  // The worker has not answered (its first read waits for the hold), so nothing was recorded.
  expect(await shownCount(hold.reader)).toBe(before);

  await hold.release();
  // The answer: the step done before the reload is done again, as the store says.
  await expect(stepBox(list, S.email.text)).toBeChecked({ timeout: 15_000 });
  await expect(step(list, S.email.text)).toContainText('Done automatically');
  await expect.poll(() => shownCount(hold.reader), { timeout: 10_000 }).toBe(before + 1);
  // Once, not once for the first paint and once for the answer.
  await page.waitForTimeout(1_000);
  expect(await shownCount(hold.reader)).toBe(before + 1);
});

test('a step ticked by hand before the worker answers counts once, and stays ticked', async ({
  page,
  context,
  appServer,
  extensionId,
}) => {
  await openNewContact(page, appServer.origin('crm'));
  const hold = await holdStore(context, extensionId);
  await stopServiceWorker(context, hold.reader as unknown as Page, extensionId);
  const before = await shownCount(hold.reader);
  await page.reload();

  // The first paint's session: the person ticks a step there, before the worker can answer.
  const list = checklist(page, NEW_CONTACT.title);
  const box = stepBox(list, S.channel.text);
  await expect(box).toBeVisible({ timeout: 10_000 });
  await box.click();
  await expect(box).toBeChecked();
  await page.waitForTimeout(300);
  const held = async () =>
    (await readStore(hold.reader, 'events')).filter(
      (e) => e.type === 'step_done' && e.stepId === S.channel.id,
    );
  expect(await held()).toHaveLength(0);

  await hold.release();
  // Sent once the worker answers; the session that replaces the first paint has it in its
  // progress, so the step stays ticked and is not done a second time.
  await expect.poll(async () => (await held()).length, { timeout: 15_000 }).toBe(1);
  const [done] = await held();
  expect(done?.how).toBe('manual');
  await waitForStore(hold.reader, 'progress', {
    aidKey: NEW_CONTACT.key,
    steps: { [S.channel.id]: { state: 'done', how: 'manual' } },
  });
  await expect(box).toBeChecked();
  await expect(list).toContainText(`1 of ${Object.keys(S).length} done`);
  await page.waitForTimeout(1_000);
  expect(await held()).toHaveLength(1);
  expect(await shownCount(hold.reader)).toBe(before + 1);
});

test('a paused site shows nothing before the worker answers either', async ({
  page,
  context,
  appServer,
  extensionId,
}) => {
  const crm = appServer.origin('crm');
  await openNewContact(page, crm);
  // Paused with the message the popup sends.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  const answer = await popup.evaluate(
    (host) =>
      (
        globalThis as unknown as {
          chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } };
        }
      ).chrome.runtime.sendMessage({ type: 'site.setPaused', host, paused: true }),
    new URL(crm).hostname,
  );
  expect(answer).toEqual({ ok: true });
  await popup.close();
  await expect(checklist(page, NEW_CONTACT.title)).toHaveCount(0, { timeout: 10_000 });

  const hold = await holdStore(context, extensionId);
  await stopServiceWorker(context, hold.reader as unknown as Page, extensionId);
  await page.reload({ waitUntil: 'load' });
  // Long enough for a first paint to have shown (it shows by DOMContentLoaded).
  await page.waitForTimeout(1_000);
  await expect(checklist(page, NEW_CONTACT.title)).toHaveCount(0);
  await hold.release();
  await page.waitForTimeout(1_000);
  await expect(checklist(page, NEW_CONTACT.title)).toHaveCount(0);
});
