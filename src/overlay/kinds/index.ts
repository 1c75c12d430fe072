/** The aid kinds the overlay knows, by kind name. Add a kind here and in src/aids/schema.ts. */
import type { Aid } from '../../aids/schema';
import type { ActiveAid } from '../../protocol/messages';
import { checklistKind } from './checklist';
import { tipKind } from './tip';
import type { AidController, AidKindModule, SessionEnv } from './types';

const KINDS: { [K in Aid['kind']]: AidKindModule<Extract<Aid, { kind: K }>> } = {
  checklist: checklistKind,
  tip: tipKind,
};

/** Creates the controller for an active aid; null for a kind this build does not know. */
export function createController(active: ActiveAid, env: SessionEnv): AidController | null {
  const module = KINDS[active.aid.kind] as AidKindModule | undefined;
  return module ? module.create(active, env) : null;
}
