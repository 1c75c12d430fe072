/**
 * Authoring messages: the options page -> background part of the message contract
 * (messages.ts joins them into BackgroundRequest). Authors edit drafts; publishing turns a
 * draft into a new version of an aid in its pack; every published version is kept.
 *
 * Where aids live:
 *   - the local pack (LOCAL_PACK_ID): aids authors created in this browser;
 *   - imported packs (source "import"): editable like local ones;
 *   - admin packs (source "bundled" or "url:…"): read-only for authors unless the policy
 *     sets `authorsMayEditAdminPacks`; "Copy to my aids" makes an editable copy.
 */
import { z } from 'zod';
import type { Aid } from '../aids/schema';
import type { Problem } from '../aids/validate';

/** The pack that holds the aids authors create in this browser. */
export const LOCAL_PACK_ID = 'my-aids';

const Key = z.string().min(3).max(200);
/** An aid as the author typed it: validated when published, not when saved as a draft. */
const AidJson = z.unknown();

export const AuthoringRequest = [
  /** Every aid the author can see, with its pack, whether it is editable, and its draft. */
  z.object({ type: z.literal('authoring.list') }).strict(),
  /** One aid: published version, draft, history, and what staff pages reported of its targets. */
  z.object({ type: z.literal('authoring.get'), key: Key }).strict(),
  /**
   * Saves a draft. `key` is the aid's key ("<packId>/<aidId>"); a new aid has key
   * "my-aids/<id>". A draft may be invalid: it is the author's work in progress.
   */
  z.object({ type: z.literal('authoring.saveDraft'), key: Key, aid: AidJson }).strict(),
  z.object({ type: z.literal('authoring.discardDraft'), key: Key }).strict(),
  /** Validates the draft and publishes it as the aid's next version. */
  z.object({ type: z.literal('authoring.publish'), key: Key }).strict(),
  /** Makes version `rev` of the aid the draft (publish it to make it current). */
  z
    .object({ type: z.literal('authoring.restore'), key: Key, rev: z.number().int().min(1) })
    .strict(),
  /** Copies an aid (e.g. from a read-only admin pack) into a draft in the local pack. */
  z.object({ type: z.literal('authoring.copy'), key: Key }).strict(),
  /** Removes an aid of an editable pack (its history is kept). */
  z.object({ type: z.literal('authoring.delete'), key: Key }).strict(),
  /** A pack file with the chosen aids (published versions), in the documented format. */
  z
    .object({
      type: z.literal('authoring.export'),
      keys: z.array(Key).min(1).max(10_000),
      id: z.string().max(64).optional(),
      title: z.string().max(120).optional(),
    })
    .strict(),
  /** Imports a pack file: all or nothing, problems named by JSON path. */
  z.object({ type: z.literal('authoring.import'), text: z.string().max(5_000_000) }).strict(),
  /**
   * Shows `aid` (a draft) in tab `tabId` without publishing it; `aid: null` stops. `key` is
   * the aid the draft is for, which the preview replaces in that tab; without it, the aid
   * with a draft (else published) under the draft's id, or a new aid of the local pack.
   */
  z
    .object({
      type: z.literal('authoring.preview'),
      tabId: z.number().int().min(0),
      aid: AidJson.nullable(),
      key: Key.optional(),
    })
    .strict(),
  /** Which aids would apply to `url`, and why the others would not. */
  z
    .object({
      type: z.literal('authoring.testUrl'),
      url: z.string().max(4000),
      role: z.string().max(100).optional(),
    })
    .strict(),
] as const;

/** Who may change an aid, and why not. */
export interface Editability {
  editable: boolean;
  /** For people: "From your organisation's pack “Northwind CRM”: read-only." */
  readOnlyReason?: string;
}

export interface AuthoringListItem extends Editability {
  key: string;
  packId: string;
  packTitle: string;
  packVersion: string;
  /** "local" (created here), "import", "bundled" or "url:<source>". */
  source: string;
  aidId: string;
  /** Title, kind and URL patterns of the draft if there is one, else of the published aid. */
  title: string;
  kind: string;
  urls: string[];
  /** False for a draft of an aid never published. */
  published: boolean;
  hasDraft: boolean;
  draftUpdatedAt?: number;
  /** Target problems staff pages reported (target_missing / target_healed events). */
  missing: number;
  healed: number;
}

export interface AidVersionSummary {
  rev: number;
  publishedAt: number;
  packVersion: string;
  /** "published", "imported", "restored from version 2"… */
  note: string;
  aid: Aid;
}

/** What staff pages last reported about one target of an aid (from recorded events). */
export interface TargetReport {
  /** Step id, or undefined for a tip's own target. */
  stepId?: string;
  type: 'target_missing' | 'target_healed';
  count: number;
  lastAt: number;
  lastUrl: string;
  foundBy?: string;
  failedSignals: string[];
}

export interface AuthoringAid extends Editability {
  key: string;
  packId: string;
  packTitle: string;
  source: string;
  /** The published aid; null for a new aid that has only a draft. */
  published: Aid | null;
  draft: { aid: unknown; updatedAt: number } | null;
  history: AidVersionSummary[];
  reports: TargetReport[];
}

export interface UrlTestResult {
  key: string;
  title: string;
  applies: boolean;
  /** Why it would not apply, in words; also the conditions that depend on the page. */
  reasons: string[];
}

export type ImportResult =
  | { ok: true; packId: string; version: string; aids: number; status: 'installed' | 'unchanged' }
  | { ok: false; problems: Problem[] };

export interface AuthoringResponses {
  'authoring.list': { aids: AuthoringListItem[] };
  'authoring.get': AuthoringAid;
  'authoring.saveDraft': { ok: true; updatedAt: number };
  'authoring.discardDraft': { ok: true };
  'authoring.publish':
    | { ok: true; rev: number; packVersion: string }
    | { ok: false; problems: Problem[] };
  'authoring.restore': { ok: true };
  'authoring.copy': { ok: true; key: string };
  'authoring.delete': { ok: true };
  'authoring.export': { pack: unknown; fileName: string };
  'authoring.import': ImportResult;
  'authoring.preview': { ok: true } | { ok: false; problems: Problem[] };
  'authoring.testUrl': { results: UrlTestResult[] };
}
