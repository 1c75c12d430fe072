/** Rendering the editor with fake dependencies, and finding things the way a person does. */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { vi } from 'vitest';
import type { Aid } from '../../../src/aids/schema';
import type { AuthoringDeps } from '../../../src/options/authoring/deps';
import { Editor } from '../../../src/options/authoring/Editor';
import type { AuthoringAid } from '../../../src/protocol/authoring';

export const CHECKLIST: Aid = {
  id: 'new-ticket',
  kind: 'checklist',
  title: 'New support ticket',
  match: { urls: ['https://portal.example.com/support/*'] },
  steps: [{ id: 'find-account', text: 'Find the account', target: { label: 'Account number' } }],
};

export function authoringAid(over: Partial<AuthoringAid> = {}): AuthoringAid {
  return {
    key: 'my-aids/new-ticket',
    packId: 'my-aids',
    packTitle: 'My aids',
    source: 'local',
    editable: true,
    published: CHECKLIST,
    draft: null,
    history: [],
    reports: [],
    ...over,
  };
}

export function fakeDeps(aid: AuthoringAid, over: Partial<AuthoringDeps> = {}) {
  const deps = {
    list: vi.fn(async () => ({ aids: [] })),
    get: vi.fn(async () => aid),
    saveDraft: vi.fn(async (_key: string, _aid: unknown) => ({
      ok: true as const,
      updatedAt: Date.UTC(2026, 10, 22, 10, 42),
    })),
    discardDraft: vi.fn(async (_key: string) => ({ ok: true as const })),
    publish: vi.fn(async () => ({ ok: true as const, rev: 3, packVersion: '1.0.3' })),
    restore: vi.fn(async (_key: string, _rev: number) => ({ ok: true as const })),
    copy: vi.fn(async () => ({ ok: true as const, key: 'my-aids/new-ticket-copy' })),
    remove: vi.fn(async () => ({ ok: true as const })),
    exportPack: vi.fn(async () => ({ pack: {}, fileName: 'pack.json' })),
    importPack: vi.fn(),
    preview: vi.fn(async () => ({ ok: true as const })),
    testUrl: vi.fn(async () => ({ results: [] })),
    appTabs: vi.fn(async () => [
      { id: 7, title: 'Support portal', url: 'https://portal.example.com/support/new' },
    ]),
    openTab: vi.fn(async (url: string) => ({ id: 9, title: 'Opened', url })),
    pick: vi.fn(async () => null),
    check: vi.fn(async () => ({ found: true, failed: [], ambiguous: false, sentence: 'Found.' })),
  };
  // Overrides are spies too, so tests can ask how they were called.
  for (const [name, fn] of Object.entries(over)) {
    (deps as Record<string, unknown>)[name] = vi.fn(fn as (...args: unknown[]) => unknown);
  }
  return deps as typeof deps & AuthoringDeps;
}

export async function mount(props: Parameters<typeof Editor>[0]) {
  const root = document.createElement('div');
  document.body.append(root);
  await act(async () => {
    render(<Editor {...props} />, root);
  });
  await settle();
  return {
    root,
    unmount: () => {
      render(null, root);
      root.remove();
    },
  };
}

/** Lets pending promises and the renders they cause run. */
export async function settle() {
  for (let i = 0; i < 5; i++) {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
  }
}

export async function waitFor(check: () => void, ms = 2000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > end) throw e;
      await act(async () => {
        await new Promise((r) => setTimeout(r, 25));
      });
    }
  }
}

/** The control whose <label> says `text` exactly. */
export function byLabel<T extends HTMLElement = HTMLInputElement>(
  text: string,
  root: ParentNode = document,
): T {
  const label = [...root.querySelectorAll('label')].find((l) => l.textContent?.trim() === text);
  if (!label) throw new Error(`no label “${text}”`);
  const control = document.getElementById(label.htmlFor);
  if (!control) throw new Error(`label “${text}” has no control`);
  return control as T;
}

/** The button whose text (visible and hidden) is `text`. */
export function button(text: string | RegExp, root: ParentNode = document): HTMLButtonElement {
  const found = [...root.querySelectorAll('button')].find((b) => {
    const t = b.textContent?.trim() ?? '';
    return typeof text === 'string' ? t === text : text.test(t);
  });
  if (!found) throw new Error(`no button “${text}”`);
  return found;
}

export async function type(el: HTMLInputElement | HTMLTextAreaElement, value: string) {
  await act(async () => {
    el.value = value;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

export async function click(el: HTMLElement) {
  await act(async () => {
    el.click();
  });
  await settle();
}

/** The texts that describe a control (its aria-describedby), joined. */
export function descriptionOf(el: HTMLElement): string {
  return (el.getAttribute('aria-describedby') ?? '')
    .split(' ')
    .filter(Boolean)
    .map((id) => document.getElementById(id)?.textContent ?? '')
    .join(' | ');
}

export const statusText = () =>
  document.querySelector('.editor [role="status"].status')?.textContent ?? '';
