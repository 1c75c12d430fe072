/**
 * Inflow's settings: what an admin can set by browser policy (managed storage) and, where
 * policy is silent, a person can set in the options page. public/managed_schema.json mirrors
 * this schema for the browser; a unit test keeps the two in step.
 */
import { z } from 'zod';
import { HOST_PATTERN } from '../aids/route-template';
import { DEFAULT_HELP_SHORTCUT, parseShortcut } from './shortcut';

/** The help panel's shortcut, canonical ("alt+shift+h" is kept as "Alt+Shift+H"); '': none. */
const HelpShortcut = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    if (text.trim() === '') return '';
    const parsed = parseShortcut(text);
    if ('shortcut' in parsed) return parsed.shortcut;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  });

export const PackSource = z
  .object({
    /** URL of one signed pack (JSON). */
    url: z.string().url(),
    /** base64 of the Ed25519 public key (32 raw bytes) that signs this source's packs. */
    publicKey: z.string().min(40).max(64).optional(),
  })
  .strict();

/**
 * A team's or role's name. '*' is refused: the hub's rollups use it for "every team" (and
 * "every role").
 */
export const GroupName = z
  .string()
  .max(100)
  .refine((v) => v !== '*', "'*' cannot name a team or role: it stands for every one");

export const Settings = z
  .object({
    /** Where aid packs come from, besides the packs bundled with the extension. */
    packSources: z.array(PackSource).max(50).default([]),
    /** Refuse packs without a valid signature from a trusted key. */
    requireSignatures: z.boolean().default(true),
    /** Public keys (base64) trusted for every source, besides each source's own key. */
    trustedKeys: z.array(z.string().min(40).max(64)).max(20).default([]),
    role: GroupName.default(''),
    team: GroupName.default(''),
    locale: z.string().max(35).default(''),
    /** Minutes between syncs; the browser's alarms have a 30 s minimum. */
    syncIntervalMinutes: z
      .number()
      .min(1)
      .max(24 * 60)
      .default(60),
    /** Analytics: where events are sent (used by the analytics feature). */
    analyticsEndpoint: z.string().url().or(z.literal('')).default(''),
    analyticsAuth: z.string().max(2000).default(''),
    analyticsEnabled: z.boolean().default(true),
    /**
     * How events are sent: 'xapi' statements to an LRS (`<endpoint>/statements`), or 'json',
     * plain `{ "events": [...] }` batches POSTed to the endpoint itself, for a receiver of
     * the organisation's own that does not speak xAPI.
     */
    analyticsFormat: z.enum(['xapi', 'json']).default('xapi'),
    /** A pseudonymous id for the person, for analytics (never an e-mail unless set so). */
    actorId: z.string().max(200).default(''),
    /**
     * The organisation's hub (https:// or http://), which receives every event as well as
     * the analytics endpoint does; empty: no hub. See ./hub.ts for what is sent.
     */
    hubUrl: z
      .string()
      .max(2000)
      .url()
      .regex(/^https?:\/\//i, 'must start with https:// or http://')
      .or(z.literal(''))
      .default(''),
    /** This browser's device token for the hub, sent as `Authorization: Bearer <token>`. */
    hubToken: z.string().max(200).default(''),
    /**
     * Touchpoint coverage (./touchpoints.ts): on these hosts (`crm.example.com`,
     * `*.example.com`), the time pages are visible is summed per route template, with
     * whether an aid applied, and sent to the hub. Empty: off. Only policy sets it.
     */
    touchpointHosts: z
      .array(
        z
          .string()
          .max(253)
          .regex(HOST_PATTERN, 'must be a host name such as crm.example.com or *.example.com'),
      )
      .max(100)
      .default([]),
    /**
     * The keyboard shortcut that opens the help panel on pages of apps with aids, such as
     * "Alt+Shift+H" (./shortcut.ts); empty: none (the panel's Help button still opens it).
     */
    helpShortcut: HelpShortcut.default(DEFAULT_HELP_SHORTCUT),
    allowLocalAuthoring: z.boolean().default(true),
    authorsMayEditAdminPacks: z.boolean().default(false),
  })
  .strict();

export type PackSource = z.infer<typeof PackSource>;
export type AnalyticsFormat = z.infer<typeof Settings.shape.analyticsFormat>;
export type Settings = z.infer<typeof Settings>;
export type SettingKey = keyof Settings;

/** Settings as the extension resolved them, and which keys the organisation's policy set. */
export interface ResolvedSettings {
  values: Settings;
  /** Keys set by policy: shown read-only, and local edits to them are refused. */
  managed: SettingKey[];
}

export const DEFAULT_SETTINGS: Settings = Settings.parse({});

/**
 * Why events are not being sent: no endpoint is set, or sending was turned off by the
 * organisation's policy or in the options page. Null when they are sent.
 */
export type ExportOff = 'no-endpoint' | 'policy' | 'setting';

/** The state of sending events, as the options page shows it (message `export.status`). */
export interface ExportStatus {
  off: ExportOff | null;
  format: AnalyticsFormat;
  /** Events waiting to be sent. */
  queued: number;
  /** Events dropped, oldest first, because the queue was full; and the queue's bound. */
  dropped: number;
  limit: number;
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  /** The last failure in words; null when the last attempt succeeded (or none was made). */
  lastError: string | null;
  /** The next upload: after the back-off of a failure; absent when none is planned yet. */
  nextAttemptAt?: number;
  /** Sending to the organisation's hub, which has a queue and a back-off of its own. */
  hub?: HubExportStatus;
}

/** Why nothing is sent to the hub: no hubUrl, or no hubToken. Null when events are sent. */
export type HubOff = 'no-hub' | 'no-token';

/** The state of sending events to the hub (message `export.status`, its `hub`). */
export interface HubExportStatus {
  off: HubOff | null;
  /** Events waiting to be sent. */
  queued: number;
  /** Events dropped, oldest first, because the queue was full; and the queue's bound. */
  dropped: number;
  limit: number;
  /** Events the hub refused one by one (400, 413), or that broke the contract: dropped. */
  refused: number;
  lastSuccessAt?: number;
  lastAttemptAt?: number;
  /** The last failure in words (a revoked token, the hub down…); null after a success. */
  lastError: string | null;
  /** The HTTP status of that failure (0: no answer). */
  lastStatus?: number;
  nextAttemptAt?: number;
  /**
   * Time on pages (touchpoint coverage), present when the policy turns it on: sealed sums
   * waiting to be sent, sums dropped because a queue was full, and sums the hub refused.
   */
  touchpoints?: { queued: number; dropped: number; refused: number };
}
