// Runs before every unit test file.
// Dexie needs IndexedDB, and Node 20 has no URLPattern: both are installed globally here.
import 'fake-indexeddb/auto';
import 'urlpattern-polyfill';
import { beforeEach } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

beforeEach(() => {
  fakeBrowser.reset();
});
