/**
 * The picker where business apps keep their fields: inside web components two shadow roots
 * deep (each component repeating the same part ids), inside a closed shadow root, and inside
 * iframes (same-origin, srcdoc, and a data: frame no extension may enter). What it captures
 * must find the element picked and no other: pick Postcode, and Check on page finds
 * Postcode, not City.
 */
import type { BrowserContext } from '@playwright/test';
import type { Target } from '../../src/aids/schema';
import type { RawCheck, RawEnd, RawPick } from '../../src/picker/api';
import { expect, type Page, readStore, test, type Worker } from './fixtures';

const ORIGIN = 'http://picker.localhost';
const URL_ = `${ORIGIN}/delivery`;

/**
 * A delivery form built like a Shoelace app: <address-form> (open root) holds two <x-input>s
 * (open roots), each with <label for="input"> and <input id="input" data-optional>; a PIN
 * field in a closed root (the page keeps a handle on it, for the test to measure it); a
 * same-origin frame, a srcdoc frame, and a data: frame.
 */
const PAGE = `<!doctype html>
<html lang="en"><head><title>Delivery</title>
<style>
  body { font: 16px system-ui; margin: 24px; }
  x-input { display: block; margin: 8px 0; }
  iframe { display: block; width: 520px; height: 90px; margin: 8px 0; border: 1px solid #999; }
</style></head>
<body>
<h1>Delivery</h1>
<address-form></address-form>
<pin-field data-testid="pin"></pin-field>
<iframe title="Address lookup" src="/lookup"></iframe>
<iframe title="Delivery notes"
  srcdoc="<label for=note>Delivery note</label> <textarea id=note rows=1></textarea>"></iframe>
<iframe title="Card terminal" src="data:text/html,<button>Pay</button>"></iframe>
<script>
  customElements.define('x-input', class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      this.setAttribute('data-optional', '');
      this.setAttribute('data-valid', '');
      this.attachShadow({ mode: 'open' }).innerHTML =
        '<div part="form-control" class="form-control" data-optional>' +
        '<label id="label" part="form-control-label" for="input">' + this.getAttribute('label') +
        '</label> <input id="input" part="input" class="input__control" type="text"' +
        ' data-optional data-empty aria-invalid="false" aria-describedby="help-text">' +
        '<div id="help-text"></div></div>';
    }
    get value() { return this.shadowRoot.querySelector('input').value; }
  });
  customElements.define('address-form', class extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      this.attachShadow({ mode: 'open' }).innerHTML =
        '<x-input name="postcode" label="Postcode"></x-input>' +
        '<x-input name="city" label="City"></x-input>';
    }
  });
  customElements.define('pin-field', class extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: 'closed' });
      root.innerHTML = '<label for="pin">Account PIN</label> <input id="pin" type="text">';
      window.pinInput = root.querySelector('input');
    }
  });
</script>
</body></html>`;

const LOOKUP = `<!doctype html><html lang="en"><head><title>Lookup</title></head>
<body style="margin:8px"><label for="house">House number</label> <input id="house" name="house">
</body></html>`;

/** Serves the delivery page and its frame at picker.localhost, for this browser only. */
async function serve(context: BrowserContext) {
  await context.route(`${ORIGIN}/**`, (route) => {
    const path = new URL(route.request().url()).pathname;
    const body = path === '/lookup' ? LOOKUP : path === '/delivery' ? PAGE : null;
    return body === null
      ? route.fulfill({ status: 404, body: 'not here' })
      : route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body });
  });
}

interface ExtensionGlobal {
  chrome: {
    scripting: {
      executeScript(injection: object): Promise<{ frameId: number; result?: unknown }[]>;
    };
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
  };
}

async function tabOf(sw: Worker, url: string): Promise<number> {
  return sw.evaluate(async (want) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    const tab = (await chrome.tabs.query({})).find((t) => t.url === want);
    if (tab?.id === undefined) throw new Error(`no tab shows ${want}`);
    return tab.id;
  }, url);
}

/** Injects picker.js and runs pick() in the top frame, as the options page does. */
function pick(sw: Worker, tabId: number): Promise<RawPick & Partial<RawEnd>> {
  return sw.evaluate(async (id) => {
    const { chrome } = globalThis as unknown as ExtensionGlobal;
    await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/picker.js'] });
    const [frame] = await chrome.scripting.executeScript({
      target: { tabId: id },
      func: () =>
        (globalThis as unknown as { __inflowPicker: { pick(): unknown } }).__inflowPicker.pick(),
    });
    return frame?.result as RawPick & Partial<RawEnd>;
  }, tabId);
}

/** Runs check(target) in the top frame. */
function check(sw: Worker, tabId: number, target: Target): Promise<RawCheck> {
  return sw.evaluate(
    async ({ id, t }) => {
      const { chrome } = globalThis as unknown as ExtensionGlobal;
      await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/picker.js'] });
      const [frame] = await chrome.scripting.executeScript({
        target: { tabId: id },
        func: (x: never) =>
          (
            globalThis as unknown as { __inflowPicker: { check(t: unknown): unknown } }
          ).__inflowPicker.check(x),
        args: [t],
      });
      return frame?.result as RawCheck;
    },
    { id: tabId, t: target },
  );
}

type Box = { x: number; y: number; width: number; height: number };
const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const inside = (p: { x: number; y: number }, b: Box) =>
  p.x >= b.x && p.x <= b.x + b.width && p.y >= b.y && p.y <= b.y + b.height;

/** Where check() framed what it found, while it shows it. */
async function framedBox(page: Page): Promise<Box> {
  const box = page.locator('inflow-picker .box');
  await expect(box).toBeVisible();
  return (await box.boundingBox())!;
}

test.beforeEach(async ({ context }) => serve(context));

test('picks Postcode two shadow roots deep: the target finds Postcode, not City', async ({
  page,
  serviceWorker,
}) => {
  await page.goto(URL_);
  const postcode = page.locator('x-input[name="postcode"] input');
  const city = page.locator('x-input[name="city"] input');
  await expect(postcode).toBeVisible();
  const tabId = await tabOf(serviceWorker, URL_);
  const boxes = { postcode: (await postcode.boundingBox())!, city: (await city.boundingBox())! };

  for (const [field, other] of [
    ['postcode', 'city'],
    ['city', 'postcode'],
  ] as const) {
    const label = field === 'postcode' ? 'Postcode' : 'City';
    const picking = pick(serviceWorker, tabId);
    await expect(page.locator('inflow-picker')).toHaveCount(1);
    const at = centre(boxes[field]);
    await page.mouse.move(at.x - 20, at.y);
    await page.mouse.move(at.x, at.y);
    await expect(page.locator('inflow-picker .tag')).toHaveText(
      `textbox “${label}” · label “${label}”`,
    );
    await page.mouse.click(at.x, at.y);
    const result = await picking;
    expect(result.ended).toBeUndefined();
    expect(result.problem).toBeUndefined();
    const text = JSON.stringify(result.target);
    // The library's part ids and its state attributes are no way to tell the fields apart.
    expect(text).not.toMatch(
      /#input|"id":"input"|data-optional|data-valid|data-empty|aria-invalid/,
    );
    expect(result.target).toMatchObject({ role: 'textbox', label });
    expect(result.description).toMatchObject({ tag: 'input', role: 'textbox', label });

    const checking = check(serviceWorker, tabId, result.target);
    const framed = await framedBox(page);
    expect(inside(centre(framed), boxes[field])).toBe(true);
    expect(inside(centre(framed), boxes[other])).toBe(false);
    const found = await checking;
    expect(found).toMatchObject({ found: true, failed: [], ambiguous: false });
    expect(found.description).toMatchObject({ tag: 'input', label });
    await expect(page.locator('inflow-picker')).toHaveCount(0);
  }
});

test('picks the input inside a closed shadow root, with the pointer and with the keyboard', async ({
  page,
  serviceWorker,
}) => {
  await page.goto(URL_);
  await expect(page.locator('pin-field')).toBeVisible();
  const tabId = await tabOf(serviceWorker, URL_);
  const pin = await page.evaluate(() => {
    const r = (
      window as unknown as { pinInput: HTMLInputElement }
    ).pinInput.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  });

  const picking = pick(serviceWorker, tabId);
  await expect(page.locator('inflow-picker')).toHaveCount(1);
  const at = centre(pin);
  await page.mouse.move(at.x - 10, at.y);
  await page.mouse.move(at.x, at.y);
  await expect(page.locator('inflow-picker .tag')).toHaveText(
    'textbox “Account PIN” · label “Account PIN”',
  );
  await page.mouse.click(at.x, at.y);
  const result = await picking;
  expect(result.problem).toBeUndefined();
  expect(result.description).toMatchObject({ tag: 'input', role: 'textbox', label: 'Account PIN' });
  expect(result.target).toMatchObject({ label: 'Account PIN' });

  const checking = check(serviceWorker, tabId, result.target);
  expect(inside(centre(await framedBox(page)), pin)).toBe(true);
  expect(await checking).toMatchObject({ found: true, failed: [], ambiguous: false });

  // Without a pointer: the focus goes into the closed root, and Enter captures.
  const byKeys = pick(serviceWorker, tabId);
  await expect(page.locator('inflow-picker')).toHaveCount(1);
  await page.evaluate(() => (window as unknown as { pinInput: HTMLInputElement }).pinInput.focus());
  await expect(page.locator('inflow-picker .tag')).toHaveText(
    'textbox “Account PIN” · label “Account PIN”',
  );
  await page.keyboard.press('Enter');
  expect((await byKeys).description).toMatchObject({ tag: 'input', label: 'Account PIN' });
});

test('picks in a same-origin frame and a srcdoc frame from the editor; says it cannot pick in a data: frame', async ({
  page: app,
  context,
  serviceWorker,
  extensionId,
}) => {
  test.setTimeout(90_000);
  await app.goto(URL_);
  const lookup = app.frameLocator('iframe[title="Address lookup"]').getByLabel('House number');
  const notes = app.frameLocator('iframe[title="Delivery notes"]').getByLabel('Delivery note');
  await expect(lookup).toBeVisible();
  await expect(notes).toBeVisible();

  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html#aids`);
  await options.getByRole('link', { name: 'New aid' }).click();
  await options.getByRole('textbox', { name: 'Title' }).fill('Deliver a parcel');
  await options.getByRole('button', { name: 'Create draft' }).click();
  await options.getByRole('textbox', { name: 'URL pattern 1' }).fill(`${ORIGIN}/*`);
  await options.getByRole('button', { name: 'Refresh list' }).click();
  await options
    .getByRole('combobox', { name: 'App tab' })
    .selectOption({ label: `Delivery — ${URL_}` });
  await options.getByRole('textbox', { name: 'Step 1 text' }).fill('Find the house');
  await options.getByRole('button', { name: 'Add a step' }).click();
  await options.getByRole('textbox', { name: 'Step 2 text' }).fill('Note where to leave it');

  const steps = [
    { n: 1, field: lookup, label: 'House number', role: 'textbox' },
    { n: 2, field: notes, label: 'Delivery note', role: 'textbox' },
  ];
  for (const { n, field, label, role } of steps) {
    const group = options.getByRole('group', { name: `Step ${n}: the element it is about` });
    await group.getByRole('button', { name: 'Pick on page' }).click();
    await expect(app.locator('inflow-picker')).toHaveCount(1);
    if (n === 1) {
      // The data: frame is closed to extensions: the top frame's banner says so.
      const terminal = (await app.locator('iframe[title="Card terminal"]').boundingBox())!;
      await app.mouse.move(centre(terminal).x, centre(terminal).y);
      await expect(app.locator('inflow-picker').getByRole('status')).toHaveText(
        /^Inflow cannot pick inside this frame/,
      );
    }
    const at = centre((await field.boundingBox())!);
    await app.mouse.move(at.x - 10, at.y);
    await app.mouse.move(at.x, at.y);
    await app.mouse.click(at.x, at.y);
    await expect(group.getByRole('status')).toHaveText(
      `Captured: ${role} “${label}” (label “${label}”), inside a frame`,
    );
    // Every frame's picker is gone: the frame that captured and the ones that were cancelled.
    await expect(app.locator('inflow-picker')).toHaveCount(0);
    for (const title of ['Address lookup', 'Delivery notes']) {
      await expect(
        app.frameLocator(`iframe[title="${title}"]`).locator('inflow-picker'),
      ).toHaveCount(0);
    }
    await group.getByRole('button', { name: 'Check on page' }).click();
    await expect(group.getByRole('status')).toHaveText(/^Found by /);
    await expect(group.getByRole('status')).not.toHaveText(/It finds|never hold/);
  }

  // The draft holds each step's frame: the lookup by its address, the srcdoc by its <iframe>.
  await expect(options.getByText(/^Draft saved at/)).toBeVisible();
  const drafts = await readStore(serviceWorker, 'drafts');
  const aid = (drafts[0] as { aid: { steps: { target: Target }[] } }).aid;
  expect(aid.steps[0]!.target).toMatchObject({
    label: 'House number',
    frame: { url: `${ORIGIN}/lookup`, css: 'iframe[title="Address lookup"]' },
  });
  expect(aid.steps[1]!.target).toMatchObject({
    label: 'Delivery note',
    frame: { css: 'iframe[title="Delivery notes"]' },
  });
  expect(aid.steps[1]!.target.frame?.url).toBeUndefined();
});
