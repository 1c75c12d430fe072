/**
 * What a person did in a first paint's session (./first-paint.ts), kept until the
 * background answers. That session shows the aids before the background can record
 * anything; a step ticked or skipped there must still count, once.
 *
 * Kept: every event and progress request, in order, except the events of a view
 * (`aid_shown`, `step_shown`) and of its targets (missing, healed, unworkable), which the
 * session that replaces it records itself on the same page. Sent in order once the
 * background answers; the page then looks up again, so that the session it starts has the
 * progress these made (./index.ts).
 */
import type { EventInput } from '../protocol/messages';

/**
 * The events that the session replacing a first paint's records again on the same page:
 * aid_shown, step_shown, target_missing, target_healed, rule_unworkable. Short, because
 * every page with aids loads it; the unit test checks it against every event type.
 */
export const OF_THE_VIEW: { test(type: EventInput['type']): boolean } = /shown|target|rule/;

/**
 * An action kept: it sends itself and resolves once the background took it or refused it.
 * It never rejects.
 */
export type HeldAction = () => Promise<unknown>;

/** Runs the actions kept, in order, each once the one before has finished; empties `kept`. */
export async function sendHeld(kept: HeldAction[]): Promise<void> {
  for (let action = kept.shift(); action; action = kept.shift()) await action();
}
