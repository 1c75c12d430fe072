/**
 * The one message contract between Inflow's contexts. Every message that crosses a context
 * is validated with these zod schemas on receipt; the receiver also checks who sent it.
 *
 * Directions, named by prefix:
 *   page.*, event.*, progress.*  content script -> background
 *   help.*                       content script in a top frame -> background
 *   panel.*                      content script -> background
 *   touchpoint.*                 content script in a top frame -> background
 *   frame.*                      content script in a sub-frame -> background (frame.resync:
 *                                top frame); the background forwards frame states to the
 *                                top frame of the same tab as overlay.frame*
 *   site.*, tab.*                popup or options page -> background
 *   sync.*, settings.*           popup or options page -> background
 *   authoring.*                  options page -> background (./authoring.ts)
 *   insights.*                   options page or popup -> background (./insights.ts)
 *   overlay.*                    background or popup -> content script
 */
import { z } from 'zod';
import { Aid } from '../aids/schema';
import { AuthoringRequest, type AuthoringResponses } from './authoring';
import { PAGE_CHUNKS } from './chunks';
import type { HelpList } from './help';
import { InsightsRequest, type InsightsResponses } from './insights';
import { type ExportStatus, type ResolvedSettings, Settings } from './settings';
import { RouteTemplate, TOUCHPOINT_MAX_MS } from './touchpoints';

/** Key of an aid in the store: "<packId>/<aidId>". */
export const AidKey = z.string().min(3).max(200);

export const StepState = z
  .object({
    state: z.enum(['done', 'skipped']),
    how: z.enum(['auto', 'manual']).optional(),
    reason: z.string().max(500).optional(),
    at: z.number(),
  })
  .strict();

/** Where a person is in one aid. Stored by the background; survives reloads and navigation. */
export const Progress = z
  .object({
    aidKey: AidKey,
    steps: z.record(z.string(), StepState),
    /**
     * When the run began: its earliest step done or skipped (the page's time), or the event
     * that created the progress when that came first. checklist_completed's `ms` counts from it.
     */
    startedAt: z.number(),
    updatedAt: z.number(),
    completedAt: z.number().optional(),
    dismissedAt: z.number().optional(),
    /**
     * When the person left the checklist's pages with this run unfinished (the page's time):
     * the next visit that is not a reload starts a new run (docs/authoring.md, "Runs").
     */
    leftAt: z.number().optional(),
  })
  .strict();

/** An aid that applies to a page, as the background hands it to the overlay. */
export const ActiveAid = z
  .object({
    key: AidKey,
    packId: z.string(),
    packVersion: z.string(),
    aid: Aid,
    progress: Progress.nullable(),
    /** A draft an author is previewing in this tab: shown, never recorded. */
    preview: z.boolean().optional(),
    /**
     * The last run of this checklist was left unfinished, so this visit started a new one
     * (recorded as run_abandoned); `progress` is the new run's.
     */
    runAbandoned: z.boolean().optional(),
  })
  .strict();

export const EventType = z.enum([
  'aid_shown',
  'step_done',
  'step_undone',
  'step_skipped',
  'aid_dismissed',
  'checklist_completed',
  'tip_opened',
  'target_missing',
  'target_healed',
  /** A person said the aid is wrong or out of date (with an optional comment). */
  'aid_feedback',
  /** A checklist run was left unfinished and a new run started (see docs/authoring.md). */
  'run_abandoned',
  /** A step's completion rule can never hold on the element its target found (`problem`). */
  'rule_unworkable',
  /** A field check's message was shown: its rule failed (`stepId` is the check's id). */
  'check_failed',
  /** A field check that had failed passes: the person corrected the field. */
  'check_passed',
  /** A form was saved while a blocking check failed; `reason` is the person's reason. */
  'check_overridden',
  /** A walkthrough started: by the person, or by itself the first time (`start: "auto"`). */
  'walkthrough_started',
  /** A walkthrough's step was shown on a page (`stepId`), once per page view. */
  'step_shown',
  /** The last step of a walkthrough was done. */
  'walkthrough_finished',
  /** The person stopped a walkthrough before its end, at the step `stepId`. */
  'walkthrough_abandoned',
]);

/**
 * An event as the overlay reports it. The background adds the id, the time it was stored,
 * the pack and its version from its own store: the page is not trusted with those.
 * Never carries a field's value or page text.
 */
export const EventInput = z
  .object({
    type: EventType,
    aidKey: AidKey,
    stepId: z.string().max(64).optional(),
    how: z.enum(['auto', 'manual']).optional(),
    reason: z.string().max(500).optional(),
    /** Which target signals failed, for target_missing and target_healed. */
    failedSignals: z.array(z.string().max(20)).max(10).optional(),
    /** The signal that found the element, for target_healed. */
    foundBy: z.string().max(20).optional(),
    /** Why a rule cannot work, for rule_unworkable: "no_value", "no_checked_state". */
    problem: z.enum(['no_value', 'no_checked_state']).optional(),
    /** What a person wrote about the aid, for aid_feedback: their words, never page text. */
    comment: z.string().max(1000).optional(),
    /** Page URL; the background strips it to the page path (src/aids/url-match.ts). */
    url: z.string().max(4000),
    /** Time the person acted, ms since epoch. */
    at: z.number(),
  })
  .strict();

/** The longest run whose duration is kept: 30 days. A longer one gets no `ms`. */
export const MAX_RUN_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * A checklist run's duration in ms, on checklist_completed: from the run's first step done
 * or skipped to the completion, a whole number from 0 to MAX_RUN_MS. The background sets it
 * from its own progress store; the page cannot send it (EventInput has no such field).
 */
export const RunMs = z.number().int().nonnegative().max(MAX_RUN_MS);

/** An event as stored in the background's database. */
export interface StoredEvent extends Omit<z.infer<typeof EventInput>, 'url'> {
  /** Auto-increment key; order of arrival. */
  seq?: number;
  /** Unique id fixed when recorded (later used as the xAPI statement id). */
  id: string;
  aidId: string;
  packId: string;
  packVersion: string;
  url: string;
  recordedAt: number;
  /** checklist_completed only: the run's duration (RunMs), when known and at most 30 days. */
  ms?: number;
}

/** One of the keys of the settings contract (src/protocol/settings.ts). */
export const SettingKeyName = Settings.keyof();

/**
 * What the last sync of one pack source did, as the options page and the popup show it.
 * `message` and `error` are sentences for people (see SYNC_MESSAGES in background/sync.ts).
 */
export const SourceStatus = z
  .object({
    url: z.string(),
    /** The pack this source last installed or confirmed, and its version. */
    packId: z.string().optional(),
    packVersion: z.string().optional(),
    /** When the source last gave a pack that is in force (installed, or up to date). */
    lastSuccessAt: z.number().optional(),
    lastAttemptAt: z.number().optional(),
    /** Machine-readable result of the last attempt: a key of SYNC_MESSAGES, or "pending". */
    outcome: z.string(),
    /** The result of the last attempt in words: "Up to date", "Installed version 2.0.0"… */
    message: z.string(),
    /** The problem of the last attempt in words; null when it succeeded. */
    error: z.string().nullable(),
  })
  .strict();

/**
 * What a sub-frame sees of one checklist step addressed to it: whether the step's element is
 * there (`found`) and whether its completion rule holds (`holds`). Never a field's value.
 */
export const FrameStepState = z
  .object({ stepId: z.string().min(1).max(64), found: z.boolean(), holds: z.boolean() })
  .strict();

/** Every step of one aid that a frame reports on (at most a checklist's worth). */
export const FrameSteps = z.array(FrameStepState).max(200);

/** The id of a sub-frame in its tab (0 is the top frame). */
export const SubFrameId = z.number().int().positive();

/** Requests that the background answers. */
export const BackgroundRequest = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('page.lookup'),
      url: z.string().max(4000),
      /** The page was reloaded (or restored as it was): a run in progress goes on. */
      reload: z.boolean().optional(),
    })
    .strict(),
  // The frame's and the top page's URLs come from the sender, never from the message.
  z.object({ type: z.literal('frame.lookup') }).strict(),
  /**
   * The frame's aids have a `matches` rule: run the regular-expression engine in the
   * sender's frame (and only there). Answered once it is installed.
   */
  z.object({ type: z.literal('page.loadRegex') }).strict(),
  /**
   * The frame has an aid of a kind whose code is not loaded yet: run that kind's chunk in the
   * sender's frame (and only there). Answered once it ran. Only the chunks this build has.
   */
  z.object({ type: z.literal('page.loadChunk'), chunk: z.enum(PAGE_CHUNKS) }).strict(),
  /** The top frame's help panel: the aids of its page's app (./help.ts), for its sender's URL. */
  z.object({ type: z.literal('help.list') }).strict(),
  z.object({ type: z.literal('frame.steps'), aidKey: AidKey, steps: FrameSteps }).strict(),
  z.object({ type: z.literal('frame.gone') }).strict(),
  z.object({ type: z.literal('frame.resync') }).strict(),
  z.object({ type: z.literal('event.record'), event: EventInput }).strict(),
  z.object({ type: z.literal('progress.reset'), aidKey: AidKey }).strict(),
  /** The person left a checklist's pages at `at` (the page's time) with its run unfinished. */
  z.object({ type: z.literal('progress.leave'), aidKey: AidKey, at: z.number() }).strict(),
  /** The person chose the compact checklist panel (or the full one): kept for every page. */
  z.object({ type: z.literal('panel.setCompact'), compact: z.boolean() }).strict(),
  /**
   * Touchpoint coverage (./touchpoints.ts): the top frame's page was visible `ms` under its
   * route template since it last told; `view` on the first message of a view of the page.
   */
  z
    .object({
      type: z.literal('touchpoint.time'),
      template: RouteTemplate,
      aided: z.boolean(),
      ms: z.number().nonnegative().max(TOUCHPOINT_MAX_MS),
      view: z.boolean(),
    })
    .strict(),
  z.object({ type: z.literal('site.status'), host: z.string().max(255) }).strict(),
  z
    .object({ type: z.literal('site.setPaused'), host: z.string().max(255), paused: z.boolean() })
    .strict(),
  z.object({ type: z.literal('sync.now') }).strict(),
  z.object({ type: z.literal('sync.status') }).strict(),
  z.object({ type: z.literal('settings.get') }).strict(),
  // The value is checked against the key's own schema by the background.
  z.object({ type: z.literal('settings.set'), key: SettingKeyName, value: z.unknown() }).strict(),
  z.object({ type: z.literal('export.status') }).strict(),
  ...AuthoringRequest,
  ...InsightsRequest,
]);

/** Requests that the content script answers. */
export const OverlayRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('overlay.status') }).strict(),
  z.object({ type: z.literal('overlay.refresh') }).strict(),
  /** To the top frame: the latest states one sub-frame reports for an aid's steps. */
  z
    .object({
      type: z.literal('overlay.frameSteps'),
      frameId: SubFrameId,
      aidKey: AidKey,
      steps: FrameSteps,
    })
    .strict(),
  /** To the top frame: a sub-frame's page went away; forget what it reported. */
  z.object({ type: z.literal('overlay.frameGone'), frameId: SubFrameId }).strict(),
  /** To the sub-frames: the top frame started a new session; look up and report again. */
  z.object({ type: z.literal('overlay.frameResync') }).strict(),
]);

export const LookupResponse = z
  .object({
    paused: z.boolean(),
    aids: z.array(ActiveAid),
    /** The person's choice of the compact panel (panel.setCompact), so it renders so at once. */
    compact: z.boolean().optional(),
    /** Measure this page's visible time for touchpoint coverage (touchpoint.time). */
    touchpoints: z.boolean().optional(),
    /**
     * The help panel's shortcut ("Alt+Shift+H"), to the top frame of a page whose app has
     * aids for this person; absent when there is none or no shortcut is set.
     */
    help: z.string().optional(),
  })
  .strict();

/**
 * The answer to a sub-frame's lookup. `url` is the top page's URL as the browser reports it
 * (events of top-page aids are recorded against it); `framed` the aids of the top page that
 * address some target to a frame (the frame keeps those addressed to itself); `own` the aids
 * whose own URL patterns match the frame's page, which run there as in a top page.
 */
export const FrameLookupResponse = z
  .object({
    paused: z.boolean(),
    url: z.string(),
    framed: z.array(ActiveAid),
    own: z.array(ActiveAid),
  })
  .strict();

export const AidStatus = z
  .object({
    key: AidKey,
    title: z.string(),
    kind: z.string(),
    done: z.number(),
    skipped: z.number(),
    total: z.number(),
    missing: z.number(),
  })
  .strict();

export const OverlayStatus = z.object({ aids: z.array(AidStatus) }).strict();

export type StepState = z.infer<typeof StepState>;
export type Progress = z.infer<typeof Progress>;
export type ActiveAid = z.infer<typeof ActiveAid>;
export type EventType = z.infer<typeof EventType>;
export type EventInput = z.infer<typeof EventInput>;
export type BackgroundRequest = z.infer<typeof BackgroundRequest>;
export type OverlayRequest = z.infer<typeof OverlayRequest>;
export type LookupResponse = z.infer<typeof LookupResponse>;
export type FrameLookupResponse = z.infer<typeof FrameLookupResponse>;
export type FrameStepState = z.infer<typeof FrameStepState>;
export type AidStatus = z.infer<typeof AidStatus>;
export type SourceStatus = z.infer<typeof SourceStatus>;

/** A policy value that the background ignored, and why (shown to admins). */
export interface PolicyProblem {
  key: string;
  reason: string;
}

/** Settings as the options page shows them. */
export interface SettingsView extends ResolvedSettings {
  /** Policy values that were ignored because they are not valid. */
  ignored: PolicyProblem[];
}
export type OverlayStatus = z.infer<typeof OverlayStatus>;

/** What each background request resolves to. */
export interface BackgroundResponses extends AuthoringResponses, InsightsResponses {
  'page.lookup': LookupResponse;
  'page.loadRegex': { ok: true };
  'page.loadChunk': { ok: true };
  'help.list': HelpList;
  'frame.lookup': FrameLookupResponse;
  /** `delivered`: the top frame's overlay took the states (false: none is running there). */
  'frame.steps': { ok: true; delivered: boolean };
  'frame.gone': { ok: true };
  'frame.resync': { ok: true };
  'event.record': { ok: true; id: string };
  'progress.reset': { ok: true };
  'progress.leave': { ok: true };
  'panel.setCompact': { ok: true };
  /** `counted`: false when touchpoints are not measured (off, or not one of its hosts). */
  'touchpoint.time': { ok: true; counted: boolean };
  'site.status': { paused: boolean };
  'site.setPaused': { ok: true };
  'sync.now': { sources: SourceStatus[] };
  'sync.status': { sources: SourceStatus[] };
  'settings.get': SettingsView;
  'settings.set': SettingsView;
  'export.status': ExportStatus;
}

/** What each overlay request resolves to. */
export interface OverlayResponses {
  'overlay.status': OverlayStatus;
  'overlay.refresh': { ok: true };
  'overlay.frameSteps': { ok: true };
  'overlay.frameGone': { ok: true };
  'overlay.frameResync': { ok: true };
}

/** Error shape every receiver returns for a message it refuses. */
export interface ErrorResponse {
  error: string;
}
