/**
 * Loads the regular-expression engine into this frame on demand: the first time a value is
 * to be tested on a pattern here (src/aids/regex-slot.ts), the background injects it
 * (entrypoints/regex.ts). Until it is here those rules simply do not hold; when it arrives,
 * the caller evaluates again.
 */
import { hasRegexEngine } from '../aids/regex-slot';

/** A load is on its way. */
let loading = false;

/**
 * Asks for the engine with `ask`, unless it is here or a load is already on its way: many
 * values may want it before it arrives, and it is asked for once. `loaded` is called once per
 * load that installed it. Returns the load this call started (true once installed, false if it
 * could not be loaded: a later call asks again), or null when it started none.
 */
export function wantRegexEngine(
  ask: () => Promise<unknown>,
  loaded: () => void,
): Promise<boolean> | null {
  if (hasRegexEngine() || loading) return null;
  loading = true;
  return ask()
    .then(
      () => hasRegexEngine(),
      () => false,
    )
    .then((ok) => {
      loading = false;
      if (ok) loaded();
      return ok;
    });
}
