/**
 * What the authoring views need from the extension, as one interface: the browser
 * implementation talks to the background through the message contract; tests pass fakes.
 */
import { browser } from 'wxt/browser';
import type { Target } from '../../aids/schema';
import type { AuthoringResponses } from '../../protocol/authoring';
import { askBackground } from '../../protocol/client';
import { ask } from '../ask';
import {
  type CheckOptions,
  checkOnPage,
  type PickResult,
  pickOnPage,
  type TargetCheck,
} from './pick';

type R<K extends keyof AuthoringResponses> = Promise<AuthoringResponses[K]>;

/** An open tab the author can pick in or preview on. */
export interface AppTab {
  id: number;
  title: string;
  url: string;
}

export interface AuthoringDeps {
  list(): R<'authoring.list'>;
  get(key: string): R<'authoring.get'>;
  saveDraft(key: string, aid: unknown): R<'authoring.saveDraft'>;
  discardDraft(key: string): R<'authoring.discardDraft'>;
  publish(key: string): R<'authoring.publish'>;
  restore(key: string, rev: number): R<'authoring.restore'>;
  copy(key: string): R<'authoring.copy'>;
  remove(key: string): R<'authoring.delete'>;
  exportPack(keys: string[], id?: string, title?: string): R<'authoring.export'>;
  importPack(text: string): R<'authoring.import'>;
  /** Shows `aid` (the draft of aid `key`) in tab `tabId`; `aid: null` stops. */
  preview(tabId: number, aid: unknown, key?: string): R<'authoring.preview'>;
  testUrl(url: string, role?: string): R<'authoring.testUrl'>;
  /** Open http(s) tabs, most recently used first. */
  appTabs(): Promise<AppTab[]>;
  /** Opens `url` in a new tab and resolves when it has loaded. */
  openTab(url: string): Promise<AppTab>;
  pick(tabId: number): Promise<PickResult | null>;
  check(tabId: number, target: Target, options?: CheckOptions): Promise<TargetCheck>;
}

const isApp = (url: string | undefined): url is string => !!url && /^https?:\/\//i.test(url);

export const browserAuthoringDeps: AuthoringDeps = {
  list: () => ask(() => askBackground({ type: 'authoring.list' })),
  get: (key) => ask(() => askBackground({ type: 'authoring.get', key })),
  saveDraft: (key, aid) => ask(() => askBackground({ type: 'authoring.saveDraft', key, aid })),
  discardDraft: (key) => ask(() => askBackground({ type: 'authoring.discardDraft', key })),
  publish: (key) => ask(() => askBackground({ type: 'authoring.publish', key })),
  restore: (key, rev) => ask(() => askBackground({ type: 'authoring.restore', key, rev })),
  copy: (key) => ask(() => askBackground({ type: 'authoring.copy', key })),
  remove: (key) => ask(() => askBackground({ type: 'authoring.delete', key })),
  exportPack: (keys, id, title) =>
    ask(() => askBackground({ type: 'authoring.export', keys, id, title })),
  importPack: (text) => ask(() => askBackground({ type: 'authoring.import', text })),
  preview: (tabId, aid, key) =>
    ask(() => askBackground({ type: 'authoring.preview', tabId, aid, ...(key ? { key } : {}) })),
  testUrl: (url, role) => ask(() => askBackground({ type: 'authoring.testUrl', url, role })),
  async appTabs() {
    const tabs = await browser.tabs.query({});
    return tabs
      .filter((t) => t.id !== undefined && isApp(t.url))
      .sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))
      .map((t) => ({ id: t.id!, title: t.title ?? t.url!, url: t.url! }));
  },
  async openTab(url) {
    const tab = await browser.tabs.create({ url, active: false });
    const id = tab.id!;
    await new Promise<void>((done) => {
      const onUpdated = (tabId: number, info: { status?: string }) => {
        if (tabId === id && info.status === 'complete') {
          browser.tabs.onUpdated.removeListener(onUpdated);
          done();
        }
      };
      browser.tabs.onUpdated.addListener(onUpdated);
    });
    const loaded = await browser.tabs.get(id);
    return { id, title: loaded.title ?? url, url: loaded.url ?? url };
  },
  pick: (tabId) => pickOnPage(tabId),
  check: (tabId, target, options) => checkOnPage(tabId, target, options),
};
