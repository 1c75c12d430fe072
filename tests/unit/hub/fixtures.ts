/** Events and batches as a browser would send them. */
import type { HubEvent } from '../../../src/protocol/hub';

/** Noon UTC, 2 March 2026: far from a day boundary. */
export const NOON = Date.UTC(2026, 2, 2, 12);
const DAY = 24 * 60 * 60 * 1000;

let serial = 0;

export function event(over: Partial<HubEvent> = {}): HubEvent {
  serial++;
  return {
    id: `evt-${String(serial).padStart(8, '0')}-${Math.random().toString(36).slice(2, 8)}`,
    type: 'step_done',
    aidKey: 'crm/new-contact',
    aidId: 'new-contact',
    packId: 'crm',
    packVersion: '1.2.0',
    stepId: 'email',
    how: 'manual',
    url: 'https://crm.example.com/contacts/new',
    at: NOON,
    recordedAt: NOON + 5,
    actor: 'actor-a',
    team: 'front-desk',
    role: 'agent',
    ...over,
  };
}

export const daysAfter = (ms: number, days: number) => ms + days * DAY;
