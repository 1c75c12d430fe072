/**
 * The acceptance matrix of "aids work on the apps staff really use", end to end on the sample
 * apps built from real libraries. For each kind of field (a Shoelace element in the light DOM,
 * a field two open shadow roots deep, one in a closed shadow root, in a same-origin and in a
 * cross-origin iframe, a Radix Select whose options live in a portal, a switch) an author
 * picks it with the element picker, and the target captured must resolve back to that element
 * alone. A step with exactly that target and its completion rule, and a tip on the same
 * target, are installed as a pack; on a fresh load a person fills, chooses or switches the
 * field, and the step ticks itself, the tip's beacon sits next to the field (in the field's
 * frame), and the store holds one step_done for the step and no target_missing.
 *
 * One test per kind, so that each kind passes or fails on its own; the last test checks the
 * URL that events on a hash-routed app carry.
 */
import type { FrameLocator, Locator } from '@playwright/test';
import type { Completion, Target } from '../../src/aids/schema';
import type { RawCheck, RawPick } from '../../src/picker/api';
import {
  type BrowserContext,
  beacon,
  checklist,
  events,
  expect,
  type Page,
  step,
  stepBox,
  test,
  type Worker,
  waitForStore,
} from './fixtures';

const PACK_ID = 'field-kinds';

type Box = { x: number; y: number; width: number; height: number };
const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const inside = (p: { x: number; y: number }, b: Box) =>
  p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;
/** The shortest distance between two boxes; 0 when they touch or overlap. */
function gap(a: Box, b: Box): number {
  const dx = Math.max(0, b.x - (a.x + a.width), a.x - (b.x + b.width));
  const dy = Math.max(0, b.y - (a.y + a.height), a.y - (b.y + b.height));
  return Math.hypot(dx, dy);
}
/** "Next to the field": the beacon is at most this far from the field's box. */
const NEAR_PX = 60;

interface ExtensionGlobal {
  chrome: {
    scripting: {
      executeScript(injection: object): Promise<{ frameId: number; result?: unknown }[]>;
    };
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
    dom: { openOrClosedShadowRoot(el: Element): ShadowRoot | null };
  };
  __inflowPicker: {
    pick(options: object): Promise<unknown>;
    cancel(): void;
    check(t: unknown): Promise<unknown>;
    isFrame(f: unknown): boolean;
  };
}

/** The id of the tab whose address starts with `prefix`. */
async function tabOf(sw: Worker, prefix: string): Promise<number> {
  return sw.evaluate(async (want) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    const tab = (await chrome.tabs.query({})).find((t) => t.url?.startsWith(want));
    if (tab?.id === undefined) throw new Error(`no tab shows ${want}`);
    return tab.id;
  }, prefix);
}

type Picked = RawPick & { frameId: number };

/**
 * Starts a pick the way the editor's "Pick on page" does (src/options/authoring/pick.ts):
 * picker.js injected into every frame of the tab, pick() running in each, the first frame
 * that captures wins and the others are cancelled. Resolves when the author has clicked.
 */
function startPick(sw: Worker, tabId: number): Promise<Picked | { none: unknown[] }> {
  return sw.evaluate(async (id) => {
    const g = globalThis as unknown as ExtensionGlobal;
    const { chrome } = g;
    const injected = await chrome.scripting.executeScript({
      target: { tabId: id, allFrames: true },
      files: ['/picker.js'],
    });
    const frames = injected.map((r) => r.frameId);
    const answers: unknown[] = [];
    const won = await new Promise<Picked | null>((resolve) => {
      let pending = frames.length;
      for (const frameId of frames) {
        chrome.scripting
          .executeScript({
            target: { tabId: id, frameIds: [frameId] },
            func: (o: object) => (globalThis as unknown as ExtensionGlobal).__inflowPicker.pick(o),
            args: [{ banner: frameId === 0, frames }],
          })
          .then(([r]) => {
            const raw = r?.result as Record<string, unknown> | undefined;
            answers.push({ frameId, raw });
            if (raw && !('ended' in raw)) resolve({ ...(raw as unknown as RawPick), frameId });
          })
          .catch((e: Error) => answers.push({ frameId, error: e.message }))
          .finally(() => {
            if (--pending === 0) resolve(null);
          });
      }
    });
    await chrome.scripting
      .executeScript({
        target: { tabId: id, frameIds: frames },
        func: () => (globalThis as unknown as ExtensionGlobal).__inflowPicker?.cancel(),
      })
      .catch(() => {});
    return won ?? { none: answers };
  }, tabId);
}

/**
 * Check on page, as the editor does it: the frame the target's `frame` signal names (the top
 * page without one), then check(target) there. Answers which frame and what it found.
 */
function startCheck(
  sw: Worker,
  tabId: number,
  target: Target,
): Promise<{ frameId: number | null; check: RawCheck | null }> {
  return sw.evaluate(
    async ({ id, t }) => {
      const { chrome } = globalThis as unknown as ExtensionGlobal;
      await chrome.scripting.executeScript({
        target: { tabId: id, allFrames: true },
        files: ['/picker.js'],
      });
      let frameId: number | null = 0;
      if (t.frame) {
        const answers = await chrome.scripting.executeScript({
          target: { tabId: id, allFrames: true },
          func: (f: unknown) =>
            (globalThis as unknown as ExtensionGlobal).__inflowPicker.isFrame(f),
          args: [t.frame],
        });
        frameId = answers.find((a) => a.result === true)?.frameId ?? null;
      }
      if (frameId === null) return { frameId, check: null };
      const [answer] = await chrome.scripting.executeScript({
        target: { tabId: id, frameIds: [frameId] },
        func: (x: unknown) => (globalThis as unknown as ExtensionGlobal).__inflowPicker.check(x),
        args: [t],
      });
      return { frameId, check: (answer?.result ?? null) as RawCheck | null };
    },
    { id: tabId, t: target },
  );
}

/** The frame id of the frame showing the page at `path` (0 for none: the top page). */
async function frameIdOf(sw: Worker, tabId: number, path: string | undefined): Promise<number> {
  if (!path) return 0;
  return sw.evaluate(
    async ({ id, want }) => {
      const { chrome } = globalThis as unknown as ExtensionGlobal;
      const answers = await chrome.scripting.executeScript({
        target: { tabId: id, allFrames: true },
        func: () => location.pathname,
      });
      const ids = answers.filter((a) => a.frameId !== 0 && a.result === want).map((a) => a.frameId);
      if (ids.length !== 1) throw new Error(`${ids.length} frames show ${want}`);
      return ids[0]!;
    },
    { id: tabId, want: path },
  );
}

/** Where the Account number input is, inside the closed root nothing outside can read. */
function closedInputBox(sw: Worker, tabId: number): Promise<Box> {
  return sw.evaluate(async (id) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    const [answer] = await chrome.scripting.executeScript({
      target: { tabId: id, frameIds: [0] },
      func: () => {
        const { chrome: c } = globalThis as unknown as ExtensionGlobal;
        const host = document.querySelector('acme-account-field');
        const input = host && c.dom.openOrClosedShadowRoot(host)?.querySelector('input');
        if (!input) throw new Error('no input in <acme-account-field>');
        const r = input.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      },
    });
    return answer!.result as Box;
  }, tabId);
}

/** Installs a pack as an author's import does: the background's authoring.import message. */
async function installPack(context: BrowserContext, extensionId: string, pack: object) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const answer = await options.evaluate((text) => {
    type Runtime = { sendMessage(message: unknown): Promise<unknown> };
    const { runtime } = (globalThis as unknown as { chrome: { runtime: Runtime } }).chrome;
    return runtime.sendMessage({ type: 'authoring.import', text });
  }, JSON.stringify(pack));
  expect(answer, 'the pack installs').toMatchObject({ ok: true, packId: PACK_ID });
  await options.close();
}

/** One kind of field in the matrix. */
interface Kind {
  /** Step id, and the tip's id with "-tip". */
  id: string;
  /** What the acceptance matrix calls it, for messages. */
  what: string;
  /** The <iframe> title of the frame that holds the field; none for the top page. */
  frame?: string;
  /** The path of that frame's page. */
  framePath?: string;
  /** The field's accessible name or label, as the picker describes it. */
  named: string;
  rule: Completion['type'];
  /** The field as a person sees it (in its frame), for its box; null when Playwright cannot. */
  field(page: Page): Locator | null;
  /** The field's box, when `field` cannot reach it, and the element around it to scroll to. */
  box?(sw: Worker, tabId: number): Promise<Box>;
  host?(page: Page): Locator;
  /** What a person does to complete it. */
  act(page: Page): Promise<void>;
}

const inFrame = (page: Page, title?: string): Page | FrameLocator =>
  title ? page.frameLocator(`iframe[title="${title}"]`) : page;

const stepText = (k: Kind) => `Do the ${k.what} field`;
const tipTitle = (k: Kind) => `Picked ${k.what}`;

/** The field's box in the page's coordinates, once the page is scrolled to it. */
async function fieldBox(k: Kind, page: Page, sw: Worker, tabId: number): Promise<Box> {
  // An author scrolls to the field before pointing at it; so does this.
  const field = k.field(page);
  if (field) {
    await expect(field, `${k.what}: the field shows`).toBeVisible();
    // Scroll the page to the <iframe>: Playwright's own scrolling waits inside the frame for
    // animation frames, which Chromium withholds from a cross-origin frame out of view.
    await (k.frame ? page.locator(`iframe[title="${k.frame}"]`) : field).scrollIntoViewIfNeeded();
    return (await field.boundingBox())!;
  }
  await k.host!(page).scrollIntoViewIfNeeded();
  return k.box!(sw, tabId);
}

/**
 * Picks each kind's field, checks that its target resolves back to it alone, and answers the
 * captured targets by kind id.
 */
async function pickAll(
  page: Page,
  sw: Worker,
  tabId: number,
  kinds: Kind[],
): Promise<Map<string, Target>> {
  const targets = new Map<string, Target>();
  for (const k of kinds) {
    const box = await fieldBox(k, page, sw, tabId);
    // The app's checklist sits over the side frames at this size: while the author picks,
    // Inflow's panels step aside, and come back after.
    const panels = page.locator('inflow-overlay');
    const drawn = (await panels.count()) > 0;
    const picking = startPick(sw, tabId);
    await expect(page.locator('inflow-picker')).toHaveCount(1);
    if (drawn) await expect(panels, `${k.what}: the panels step aside`).toBeHidden();
    if (k.frame) await expect(inFrame(page, k.frame).locator('inflow-picker')).toHaveCount(1);
    const at = centre(box);
    await page.mouse.move(at.x - 8, at.y);
    await page.mouse.move(at.x, at.y);
    await page.mouse.click(at.x, at.y);
    const picked = await picking;
    expect(picked, `${k.what}: the picker captured something`).not.toHaveProperty('none');
    const p = picked as Picked;
    const wantFrame = await frameIdOf(sw, tabId, k.framePath);
    expect(p.frameId, `${k.what}: captured in the field's frame`).toBe(wantFrame);
    expect(p.problem, `${k.what}: ${JSON.stringify(p.target)}`).toBeUndefined();
    expect(p.description.name ?? p.description.label, `${k.what}: ${JSON.stringify(p)}`).toBe(
      k.named,
    );
    expect(Boolean(p.target.frame), `${k.what}: frame signal ${JSON.stringify(p.target)}`).toBe(
      Boolean(k.frame),
    );
    // Every frame's picker is gone once one captured.
    await expect(page.locator('inflow-picker')).toHaveCount(0);
    if (drawn) await expect(panels, `${k.what}: the panels are back`).toBeVisible();

    // Check on page: the target finds the element picked, and only it.
    const checking = startCheck(sw, tabId, p.target);
    const flash = inFrame(page, k.frame).locator('inflow-picker .box');
    await expect(flash, `${k.what}: Check on page frames what it found`).toBeVisible();
    const framed = (await flash.boundingBox())!;
    const { frameId, check } = await checking;
    const said = `${k.what}: picked ${JSON.stringify(p)}; check found ${JSON.stringify(check)}`;
    expect(frameId, said).toBe(wantFrame);
    expect(check, said).toMatchObject({ found: true, ambiguous: false, failed: [] });
    expect(check!.description, said).toEqual(p.description);
    expect(inside(centre(framed), box), `${said}; framed ${JSON.stringify(framed)}`).toBe(true);
    targets.set(k.id, p.target);
  }
  return targets;
}

/** A pack with one checklist (a step per kind) and a tip per kind, all on the picked targets. */
function packFor(title: string, urls: string[], kinds: Kind[], targets: Map<string, Target>) {
  return {
    format: 1,
    id: PACK_ID,
    version: '1.0.0',
    title: 'Field kinds',
    aids: [
      {
        id: 'checklist',
        kind: 'checklist',
        title,
        match: { urls },
        steps: kinds.map((k) => ({
          id: k.id,
          text: stepText(k),
          target: targets.get(k.id),
          done: { type: k.rule, target: targets.get(k.id) },
        })),
      },
      ...kinds.map((k) => ({
        id: `${k.id}-tip`,
        kind: 'tip',
        title: tipTitle(k),
        match: { urls },
        target: targets.get(k.id),
        text: `What to know about the ${k.what} field.`,
      })),
    ],
  };
}

/**
 * On the freshly loaded page: each kind's tip beacon next to its field (in its frame), then
 * the person completes the field and the step says "Done automatically".
 */
async function workThrough(page: Page, sw: Worker, tabId: number, title: string, kinds: Kind[]) {
  const list = checklist(page, title);
  await expect(list).toBeVisible({ timeout: 10_000 });
  await expect(list.getByRole('checkbox')).toHaveCount(kinds.length);
  for (const k of kinds) {
    const where = k.frame ? (inFrame(page, k.frame) as FrameLocator) : page;
    const b =
      'goto' in where
        ? beacon(where, tipTitle(k))
        : where.locator('inflow-overlay').getByRole('button', { name: `Tip: ${tipTitle(k)}` });
    // Scrolled to the field, as a person working down the form is.
    const field = await fieldBox(k, page, sw, tabId);
    await expect(b, `${k.what}: the tip's beacon shows in the field's frame`).toBeVisible({
      timeout: 10_000,
    });
    const at = (await b.boundingBox())!;
    expect(
      gap(at, field),
      `${k.what}: beacon ${JSON.stringify(at)} next to field ${JSON.stringify(field)}`,
    ).toBeLessThanOrEqual(NEAR_PX);

    await expect(stepBox(list, stepText(k))).not.toBeChecked();
    await k.act(page);
    await expect(stepBox(list, stepText(k)), `${k.what}: the step ticks`).toBeChecked();
    await expect(step(list, stepText(k))).toContainText('Done automatically');
  }
}

/** One step_done per step, and no target_missing for its step or its tip. */
async function expectRecorded(sw: Worker, kinds: Kind[]) {
  const key = `${PACK_ID}/checklist`;
  for (const k of kinds) {
    await waitForStore(sw, 'events', { type: 'step_done', aidKey: key, stepId: k.id });
  }
  const all = await events(sw);
  for (const k of kinds) {
    const done = all.filter((e) => e.type === 'step_done' && e.aidKey === key && e.stepId === k.id);
    expect(done, `${k.what}: one step_done`).toHaveLength(1);
    const missing = all.filter(
      (e) =>
        e.type === 'target_missing' &&
        ((e.aidKey === key && e.stepId === k.id) || e.aidKey === `${PACK_ID}/${k.id}-tip`),
    );
    expect(missing, `${k.what}: no target_missing`).toEqual([]);
  }
}

// The components app: Shoelace and the workspace's own components, and its frames.
const COMPONENT_KINDS: Kind[] = [
  {
    id: 'light-dom',
    what: 'Shoelace input in the light DOM (Email)',
    named: 'Email',
    rule: 'filled',
    field: (page) => page.locator('form#service-request').getByRole('textbox', { name: 'Email' }),
    async act(page) {
      await this.field(page)!.click();
      await page.keyboard.type('maria.okafor@example.com');
    },
  },
  {
    id: 'open-roots',
    what: 'Postcode two open shadow roots deep',
    named: 'Postcode',
    rule: 'filled',
    field: (page) => page.locator('acme-address-card').getByRole('textbox', { name: 'Postcode' }),
    async act(page) {
      await this.field(page)!.click();
      await page.keyboard.type('LS1 4AP');
    },
  },
  {
    id: 'closed-root',
    what: 'Account number in a closed shadow root',
    named: 'Account number',
    rule: 'filled',
    field: () => null,
    box: closedInputBox,
    host: (page) => page.locator('acme-account-field'),
    async act(page) {
      // Nothing outside a closed root reaches its input: Tab into it from Email, as people do.
      await page.locator('form#service-request').getByRole('textbox', { name: 'Email' }).focus();
      await page.keyboard.press('Tab');
      await expect(page.locator('acme-account-field')).toBeFocused();
      await page.keyboard.type('4021778316');
    },
  },
  {
    id: 'same-origin-frame',
    what: 'Date of birth in the same-origin Identity check frame',
    frame: 'Identity check',
    framePath: '/verify.html',
    named: 'Date of birth',
    rule: 'filled',
    field: (page) =>
      inFrame(page, 'Identity check')
        .getByRole('form', { name: 'Identity check' })
        .getByLabel('Date of birth'),
    async act(page) {
      await this.field(page)!.fill('1984-03-12');
    },
  },
  {
    id: 'cross-origin-frame',
    what: 'Street in the cross-origin Address lookup frame',
    frame: 'Address lookup',
    framePath: '/address.html',
    named: 'Street',
    rule: 'filled',
    field: (page) => inFrame(page, 'Address lookup').getByRole('textbox', { name: 'Street' }),
    async act(page) {
      await this.field(page)!.click();
      await page.keyboard.type('Park Row');
    },
  },
  {
    id: 'shoelace-switch',
    what: 'Shoelace switch (Urgent)',
    named: 'Urgent',
    rule: 'checked',
    field: (page) => page.locator('sl-switch[name="urgent"]').locator('[part~="control"]'),
    async act(page) {
      // The switch's track, where a person clicks it.
      await this.field(page)!.click();
      await expect(page.locator('sl-switch[name="urgent"]')).toHaveJSProperty('checked', true);
    },
  },
];

// The desk app: React on Radix, hash-routed.
const DESK_FORM = (page: Page) => page.getByRole('form', { name: 'New contact' });

const DESK_KINDS: Kind[] = [
  {
    id: 'portal-combobox',
    what: 'Radix Select Contact reason (options in a portal)',
    named: 'Contact reason',
    rule: 'filled',
    field: (page) => DESK_FORM(page).getByRole('combobox', { name: 'Contact reason' }),
    async act(page) {
      await this.field(page)!.click();
      await page.getByRole('option', { name: 'Complaint' }).click();
      await expect(this.field(page)!).toContainText('Complaint');
    },
  },
  {
    id: 'radix-switch',
    what: 'Radix Switch Marketing consent',
    named: 'Marketing consent',
    rule: 'checked',
    field: (page) => DESK_FORM(page).getByRole('switch', { name: 'Marketing consent' }),
    async act(page) {
      await this.field(page)!.click();
      await expect(this.field(page)!).toHaveAttribute('aria-checked', 'true');
    },
  },
];

/** The workspace, its Shoelace elements defined and its frames loaded. */
async function openWorkspace(page: Page, origin: string) {
  await page.goto(`${origin}/`);
  await expect(
    page.locator('form#service-request').getByRole('textbox', { name: 'Customer name' }),
  ).toBeVisible();
  for (const k of COMPONENT_KINDS) {
    const field = k.field(page);
    if (field) await expect(field).toBeVisible();
  }
}

/** The desk's New contact form, with a query string the store must not keep. */
async function openNewContact(page: Page, origin: string) {
  await page.goto(`${origin}/?agent=sam#/contacts/new`);
  await expect(DESK_FORM(page)).toBeVisible();
}

const MATRIX = [
  ...COMPONENT_KINDS.map((kind) => ({
    kind,
    app: 'components' as const,
    urls: ['*://components.localhost:*/'],
    open: openWorkspace,
  })),
  ...DESK_KINDS.map((kind) => ({
    kind,
    app: 'desk' as const,
    urls: ['*://desk.localhost:*/?*#/contacts/new'],
    open: openNewContact,
  })),
];

for (const { kind, app, urls, open } of MATRIX) {
  test(`${app}: ${kind.what}: picked, resolves to it alone, ticks when done, keeps its tip`, async ({
    page,
    context,
    appServer,
    serviceWorker,
    extensionId,
  }) => {
    test.setTimeout(60_000);
    const origin = appServer.origin(app);
    await open(page, origin);
    const tabId = await tabOf(serviceWorker, `${origin}/`);
    const targets = await pickAll(page, serviceWorker, tabId, [kind]);

    const title = `Picked on the ${app} app`;
    await installPack(context, extensionId, packFor(title, urls, [kind], targets));
    await open(page, origin);
    const loaded = Date.now();
    await workThrough(page, serviceWorker, tabId, title, [kind]);
    // A target still absent once a page (or frame) session settles (SETTLE_MS, 1.5 s) is
    // recorded missing: give it that time, or "no target_missing" would prove nothing.
    await page.waitForTimeout(Math.max(0, loaded + 2_500 - Date.now()));
    await expectRecorded(serviceWorker, [kind]);
  });
}

test('desk: events carry the hash route they were recorded on, without the query string', async ({
  page,
  context,
  appServer,
  serviceWorker,
  extensionId,
}) => {
  const origin = appServer.origin('desk');
  const cases = {
    id: 'cases',
    kind: 'checklist',
    title: 'On the cases route',
    match: { urls: ['*://desk.localhost:*/?*#/cases'] },
    steps: [{ id: 'read', text: 'Read the open cases.' }],
  };
  await installPack(context, extensionId, {
    format: 1,
    id: PACK_ID,
    version: '1.0.0',
    title: 'Field kinds',
    aids: [cases],
  });
  // The bundled Add a contact checklist records on the form: shown, then a step done.
  await openNewContact(page, origin);
  await DESK_FORM(page).getByRole('textbox', { name: 'Full name' }).fill('Ada Lovelace');
  await waitForStore(serviceWorker, 'events', { type: 'step_done', stepId: 'full-name' });
  const onForm = await events(serviceWorker);
  expect(onForm.map((e) => e.type)).toEqual(expect.arrayContaining(['aid_shown', 'step_done']));
  const said = JSON.stringify(onForm.map((e) => [e.type, e.aidKey, e.url]));
  expect([...new Set(onForm.map((e) => e.url))], said).toEqual([`${origin}/#/contacts/new`]);

  // Another route, reached in the app: what is recorded there carries that route.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cases' }).click();
  await expect(checklist(page, cases.title)).toBeVisible({ timeout: 10_000 });
  const shown = await waitForStore(serviceWorker, 'events', {
    type: 'aid_shown',
    aidKey: `${PACK_ID}/cases`,
  });
  expect(shown.url).toBe(`${origin}/#/cases`);
});
