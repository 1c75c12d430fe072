/** Rendering and finding things the way a person does: by text, label and role. */
import { type ComponentChild, render } from 'preact';
import { act } from 'preact/test-utils';
import { vi } from 'vitest';
import type { AuthoringDeps } from '../../../src/options/authoring/deps';
import type { AuthoringListItem } from '../../../src/protocol/authoring';

export function item(over: Partial<AuthoringListItem> & { key: string }): AuthoringListItem {
  const [packId = '', aidId = ''] = over.key.split('/');
  return {
    packId,
    packTitle: packId,
    packVersion: '1.0.0',
    source: 'local',
    aidId,
    title: aidId,
    kind: 'checklist',
    urls: ['https://crm.example.com/*'],
    published: true,
    hasDraft: false,
    missing: 0,
    healed: 0,
    editable: true,
    ...over,
  };
}

/** Deps whose every call fails unless the test gives it. */
export function fakeDeps(over: Partial<AuthoringDeps> = {}): AuthoringDeps {
  const unexpected = (name: string) =>
    vi.fn(() => Promise.reject(new Error(`${name} was not expected in this test`)));
  return {
    list: unexpected('list'),
    get: unexpected('get'),
    saveDraft: unexpected('saveDraft'),
    discardDraft: unexpected('discardDraft'),
    publish: unexpected('publish'),
    restore: unexpected('restore'),
    copy: unexpected('copy'),
    remove: unexpected('remove'),
    exportPack: unexpected('exportPack'),
    importPack: unexpected('importPack'),
    preview: unexpected('preview'),
    testUrl: unexpected('testUrl'),
    appTabs: unexpected('appTabs'),
    openTab: unexpected('openTab'),
    pick: unexpected('pick'),
    check: unexpected('check'),
    ...over,
  } as AuthoringDeps;
}

/** Lets pending promises and the renders they cause finish. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((done) => setTimeout(done, 0));
    });
  }
}

export async function mount(container: HTMLElement, vnode: ComponentChild): Promise<void> {
  await act(() => {
    render(vnode, container);
  });
  await settle();
}

const clean = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The accessible name, as far as these views use them: aria-label, label, or text. */
export function nameOf(el: Element): string {
  const aria = el.getAttribute('aria-label');
  if (aria) return aria;
  if (el.id) {
    const label = el.ownerDocument.querySelector(`label[for="${el.id}"]`);
    if (label) return clean(label.textContent);
  }
  return clean(el.textContent);
}

function find<T extends Element>(root: ParentNode, selector: string, name: string | RegExp): T {
  const all = [...root.querySelectorAll<T>(selector)];
  const found = all.find((el) =>
    typeof name === 'string' ? nameOf(el) === name : name.test(nameOf(el)),
  );
  if (!found) {
    throw new Error(`No ${selector} named ${name}; there are: ${all.map(nameOf).join(' | ')}`);
  }
  return found;
}

export const button = (root: ParentNode, name: string | RegExp) =>
  find<HTMLButtonElement>(root, 'button', name);
export const link = (root: ParentNode, name: string | RegExp) =>
  find<HTMLAnchorElement>(root, 'a[href]', name);
export const field = <T extends Element = HTMLInputElement>(root: ParentNode, label: string) =>
  find<T>(root, 'input, select, textarea', label);
export const heading = (root: ParentNode, name: string | RegExp) =>
  find<HTMLElement>(root, 'h1, h2, h3', name);

export const textOf = (el: Element | null | undefined) => clean(el?.textContent);

export async function click(el: HTMLElement): Promise<void> {
  await act(() => {
    el.click();
  });
  await settle();
}

export async function type(el: HTMLInputElement, value: string): Promise<void> {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await settle();
}

export async function choose(el: HTMLSelectElement, value: string): Promise<void> {
  await act(() => {
    el.value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

export async function chooseFile(el: HTMLInputElement, file: File): Promise<void> {
  Object.defineProperty(el, 'files', { value: [file], configurable: true });
  await act(() => {
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

export async function submit(form: HTMLFormElement): Promise<void> {
  await act(() => {
    form.requestSubmit();
  });
  await settle();
}
