/**
 * Each aid kind's code is a chunk. A top frame gets, from the browser, the chunks of the
 * kinds its host's aids have (src/background/kind-registration.ts); a sub-frame asks for the
 * chunks of what it shows: in a page of frames each frame runs the chunks of what it shows.
 *
 * What ran is read in the extension's isolated world of each frame, where the overlay and
 * its chunks run: the kinds registered in the overlay's kind slot. What was asked for is
 * what the background received (page.loadChunk, with the sender's frame).
 */
import { beacon, checklist, expect, stepBox, test, type Worker } from './fixtures';

interface ExtensionGlobal {
  chrome: {
    scripting: {
      executeScript(injection: object): Promise<{ frameId: number; result?: unknown }[]>;
    };
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
  };
}

/**
 * Each frame of the tab showing `prefix`, by its address (without scheme and port): the
 * kinds whose chunk ran there, sorted; null where the overlay did not run.
 */
async function kindsByFrame(sw: Worker, prefix: string): Promise<Record<string, string[] | null>> {
  return sw.evaluate(async (want) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    const tab = (await chrome.tabs.query({})).find((t) => t.url?.startsWith(want));
    if (tab?.id === undefined) throw new Error(`no tab shows ${want}`);
    const answers = await chrome.scripting.executeScript({
      target: { tabId: tab.id, allFrames: true },
      func: () => {
        type Slot = { kinds: Map<string, unknown> };
        const slot = (globalThis as Record<symbol, Slot | undefined>)[Symbol.for('inflow.kinds')];
        return [
          location.href.replace(/^https?:\/\/|:\d+/g, ''),
          slot ? [...slot.kinds.keys()].sort() : null,
        ];
      },
    });
    return Object.fromEntries(answers.map((a) => a.result as [string, string[] | null]));
  }, prefix);
}

/** Starts noting the chunks frames ask the background for: "<chunk> <frame url>". */
async function noteChunkRequests(sw: Worker): Promise<() => Promise<string[]>> {
  await sw.evaluate(() => {
    type Listener = (m: { type?: unknown; chunk?: unknown }, s: { url?: string }) => undefined;
    const g = globalThis as unknown as {
      chunkRequests?: string[];
      chrome: { runtime: { onMessage: { addListener(l: Listener): void } } };
    };
    g.chunkRequests = [];
    g.chrome.runtime.onMessage.addListener((m, s) => {
      if (m?.type === 'page.loadChunk') {
        g.chunkRequests!.push(`${m.chunk} ${s.url?.replace(/^https?:\/\/|:\d+/g, '')}`);
      }
      return undefined;
    });
  });
  return () =>
    sw.evaluate(() => (globalThis as unknown as { chunkRequests: string[] }).chunkRequests);
}

test('a top frame runs the chunks of its host’s kinds from the start, without asking for them', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const requests = await noteChunkRequests(serviceWorker);
  const origin = appServer.origin('portal');
  await page.goto(`${origin}/support/new`);
  const list = checklist(page, 'Support request');
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(stepBox(list, /./).first()).toBeVisible();
  // The portal's aids are checklists, tips and walkthroughs: the browser ran their chunks
  // with the core (registered content scripts), so a route change of the app that shows a
  // tip needs nothing more.
  const kinds = ['checklist', 'tip', 'walkthrough'];
  await expect
    .poll(() => kindsByFrame(serviceWorker, origin))
    .toEqual({ 'portal.localhost/support/new': kinds });
  await page.goto(`${origin}/billing/address`);
  await expect(beacon(page, 'Postcode')).toBeVisible({ timeout: 10_000 });
  await expect
    .poll(() => kindsByFrame(serviceWorker, origin))
    .toEqual({ 'portal.localhost/billing/address': kinds });
  expect(await requests()).toEqual([]);
});

test('a host whose aids have no walkthrough runs no walkthrough code', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const requests = await noteChunkRequests(serviceWorker);
  const origin = appServer.origin('crm');
  await page.goto(`${origin}/contacts/new`);
  await expect(checklist(page, 'New contact')).toBeVisible({ timeout: 10_000 });
  await expect(beacon(page, 'Email')).toBeVisible();
  await expect
    .poll(() => kindsByFrame(serviceWorker, origin))
    .toEqual({ 'crm.localhost/contacts/new': ['checklist', 'checks', 'tip'] });
  expect(await requests()).toEqual([]);
});

test('in a page of frames, each frame loads the chunks of what it shows', async ({
  page,
  appServer,
  serviceWorker,
}) => {
  const requests = await noteChunkRequests(serviceWorker);
  const origin = appServer.origin('frames');
  await page.goto(`${origin}/`);
  await expect(checklist(page, 'Open an account')).toBeVisible({ timeout: 10_000 });
  await expect(
    page.frameLocator('iframe[title="Address lookup"]').getByRole('button', {
      name: 'Tip: Postcode format',
    }),
  ).toBeVisible();
  // The checklist's steps in frames are followed by the checklist chunk's agent there; the
  // tip is shown only in the lookup frame.
  await expect
    .poll(() => kindsByFrame(serviceWorker, origin))
    .toEqual({
      'frames.localhost/': ['checklist'],
      'frames.localhost/details.html': ['checklist'],
      'about:srcdoc': ['checklist'],
      'framed.localhost/lookup.html': ['checklist', 'tip'],
    });
  // The sub-frames asked for theirs; the top frame, whose host's only top-frame kind is the
  // checklist (its tip is shown by the lookup frame), got its chunk from the browser.
  expect((await requests()).filter((r) => r.endsWith(' frames.localhost/'))).toEqual([]);
  expect(await requests()).toContain('tip framed.localhost/lookup.html');
});
