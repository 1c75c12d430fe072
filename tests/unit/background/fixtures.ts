/** Packs, aids and databases for the background's unit tests. */
import { afterEach } from 'vitest';
import { type InflowDb, openDb } from '../../../src/background/db';

const opened: InflowDb[] = [];
let counter = 0;

/** A fresh, empty database (fake-indexeddb), deleted after the test. */
export function freshDb(): InflowDb {
  counter += 1;
  const db = openDb(`inflow-test-${counter}-${Math.random().toString(36).slice(2)}`);
  opened.push(db);
  return db;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.delete()));
});

type Json = Record<string, unknown>;

export function checklist(id: string, urls: string[], extra: Json = {}): Json {
  return {
    id,
    kind: 'checklist',
    title: `Checklist ${id}`,
    match: { urls },
    steps: [
      { id: 'name', text: 'Enter the name' },
      { id: 'email', text: 'Enter the email' },
      { id: 'save', text: 'Save', optional: true },
    ],
    ...extra,
  };
}

export function tip(id: string, urls: string[], extra: Json = {}): Json {
  return {
    id,
    kind: 'tip',
    title: `Tip ${id}`,
    match: { urls },
    target: { css: '#save' },
    text: 'Saving sends the welcome email.',
    ...extra,
  };
}

export function fieldChecks(id: string, urls: string[], extra: Json = {}): Json {
  return {
    id,
    kind: 'checks',
    title: `Checks ${id}`,
    match: { urls },
    checks: [
      { id: 'email', field: { css: '#email' }, rule: { type: 'required' }, message: 'Email!' },
      {
        id: 'refund',
        field: { css: '#refund' },
        rule: { type: 'number', max: 500 },
        message: 'At most 500.',
        block: true,
      },
    ],
    ...extra,
  };
}

export function walkthrough(id: string, urls: string[], extra: Json = {}): Json {
  return {
    id,
    kind: 'walkthrough',
    title: `Walkthrough ${id}`,
    match: { urls },
    steps: [
      { id: 'open', text: 'Open the form', urls: [urls[0]] },
      { id: 'name', text: 'Enter the name', target: { css: '#name' } },
      { id: 'save', text: 'Save' },
    ],
    ...extra,
  };
}

export function pack(id: string, version: string, aids: Json[], extra: Json = {}): Json {
  return { format: 1, id, version, title: `Pack ${id}`, aids, ...extra };
}
