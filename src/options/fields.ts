/**
 * How the options page shows each setting of the contract (src/protocol/settings.ts): its
 * label, its help text, its kind of control and its group. `FIELDS` is a record over every
 * key, so a new setting does not compile until it has a field here.
 */
import type { PackSource, SettingKey, Settings } from '../protocol/settings';

export type FieldKind =
  | 'text'
  | 'url'
  | 'secret'
  | 'number'
  | 'boolean'
  | 'keys'
  | 'sources'
  | 'choice';

export interface FieldSpec {
  label: string;
  help?: string;
  kind: FieldKind;
  group: GroupId;
  /** Only the organisation's policy sets it: always shown read-only. */
  policyOnly?: true;
  /** For a 'choice': the values the contract allows, each with its words. */
  choices?: { value: string; label: string }[];
}

export type GroupId = 'sources' | 'audience' | 'help' | 'analytics' | 'authoring';

export const GROUPS: { id: GroupId; legend: string; help?: string }[] = [
  {
    id: 'sources',
    legend: 'Pack sources',
    help: 'Where aid packs come from, besides the packs bundled with Inflow.',
  },
  {
    id: 'audience',
    legend: 'Who you are',
    help: 'Some aids are meant for some roles, teams or languages only.',
  },
  {
    id: 'help',
    legend: 'Help panel',
    help: 'The list of all aids for the app you are on, to search and start them from.',
  },
  {
    id: 'analytics',
    legend: 'Analytics',
    help: 'Events are sent only when an endpoint is set, as xAPI statements or plain JSON; never field values or page text.',
  },
  {
    id: 'authoring',
    legend: 'Authoring',
    help: 'Who may write and change aids in this browser, in the Aids tab.',
  },
];

export const FIELDS: Record<SettingKey, FieldSpec> = {
  packSources: {
    label: 'Sources',
    help: 'The address of a pack (JSON) on your organisation’s server, and the public key that signs it.',
    kind: 'sources',
    group: 'sources',
  },
  requireSignatures: {
    label: 'Require signed packs',
    help: 'Refuse packs without a valid signature from a trusted key.',
    kind: 'boolean',
    group: 'sources',
  },
  trustedKeys: {
    label: 'Trusted keys',
    help: 'Public keys (base64) trusted for every source, one per line.',
    kind: 'keys',
    group: 'sources',
  },
  syncIntervalMinutes: {
    label: 'Minutes between syncs',
    help: 'How often the sources are checked for new packs (1 to 1440).',
    kind: 'number',
    group: 'sources',
  },
  role: { label: 'Role', kind: 'text', group: 'audience' },
  team: { label: 'Team', kind: 'text', group: 'audience' },
  locale: {
    label: 'Language',
    help: 'For example en-GB. Leave empty to use the browser’s language.',
    kind: 'text',
    group: 'audience',
  },
  analyticsEnabled: {
    label: 'Send events to the analytics endpoint',
    kind: 'boolean',
    group: 'analytics',
  },
  analyticsEndpoint: {
    label: 'Analytics endpoint',
    help: 'Leave empty to keep events in this browser only.',
    kind: 'url',
    group: 'analytics',
  },
  analyticsFormat: {
    label: 'Analytics format',
    help: 'xAPI sends statements to a Learning Record Store (to the endpoint’s /statements); plain JSON sends batches of events to the endpoint itself.',
    kind: 'choice',
    group: 'analytics',
    choices: [
      { value: 'xapi', label: 'xAPI statements (Learning Record Store)' },
      { value: 'json', label: 'Plain JSON' },
    ],
  },
  analyticsAuth: {
    label: 'Analytics authorization',
    help: 'Sent as the Authorization header with events.',
    kind: 'secret',
    group: 'analytics',
  },
  actorId: {
    label: 'Actor id',
    help: 'Who you are in analytics, for example a staff number. Only a hash of it is sent, never the id itself.',
    kind: 'text',
    group: 'analytics',
  },
  hubUrl: {
    label: 'Hub address',
    help: 'Your organisation’s hub, which gets every event as well (https:// or http://). Leave empty for no hub.',
    kind: 'url',
    group: 'analytics',
  },
  hubToken: {
    label: 'Hub device token',
    help: 'This browser’s token for the hub, from your organisation.',
    kind: 'secret',
    group: 'analytics',
  },
  touchpointHosts: {
    label: 'Touchpoint hosts',
    help: 'On these sites, how long each screen is open and whether an aid was there is sent to your organisation’s hub, with ids removed from the address: never what you type or the rest of the address.',
    kind: 'keys',
    group: 'analytics',
    policyOnly: true,
  },
  helpShortcut: {
    label: 'Keyboard shortcut',
    help: 'Opens the help panel, for example Alt+Shift+H (with Alt, Ctrl or Meta). Leave empty for none: the panel’s Help button still opens it.',
    kind: 'text',
    group: 'help',
  },
  allowLocalAuthoring: {
    label: 'Allow writing aids in this browser',
    help: 'Create and edit aids, import pack files and preview drafts on the page. When off, the Aids tab is read-only.',
    kind: 'boolean',
    group: 'authoring',
  },
  authorsMayEditAdminPacks: {
    label: 'Let authors change packs from the organisation',
    help: 'Edit the bundled packs and those from a source, not only your own aids. The organisation’s next version of a pack replaces the changes made here.',
    kind: 'boolean',
    group: 'authoring',
  },
};

/** A source as edited: both fields as typed. */
export interface SourceDraft {
  url: string;
  publicKey: string;
}

/** What a control holds while it is edited. */
export type Draft = string | boolean | SourceDraft[];

export function toDraft(key: SettingKey, value: Settings[SettingKey]): Draft {
  switch (FIELDS[key].kind) {
    case 'boolean':
      return value as boolean;
    case 'keys':
      return (value as string[]).join('\n');
    case 'sources':
      return (value as PackSource[]).map((s) => ({ url: s.url, publicKey: s.publicKey ?? '' }));
    case 'number':
      return String(value);
    default:
      return value as string;
  }
}

/** The value to send for a draft; the background checks it against the contract. */
export function fromDraft(key: SettingKey, draft: Draft): unknown {
  switch (FIELDS[key].kind) {
    case 'boolean':
      return draft;
    case 'keys':
      return (draft as string)
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    case 'sources':
      return (draft as SourceDraft[])
        .map((s) => ({ url: s.url.trim(), publicKey: s.publicKey.trim() }))
        .filter((s) => s.url)
        .map((s) => (s.publicKey ? s : { url: s.url }));
    case 'number': {
      const text = (draft as string).trim();
      return text === '' ? Number.NaN : Number(text);
    }
    default:
      return (draft as string).trim();
  }
}
