/**
 * Loads the regular-expression engine into this frame on demand: the first time a value is
 * to be tested on a pattern here (src/aids/regex-slot.ts), the background injects it
 * (entrypoints/regex.ts). Until it is here those rules simply do not hold; when it arrives,
 * the caller evaluates again.
 */
import { hasRegexEngine } from '../aids/regex-slot';

let loading: Promise<boolean> | null = null;

/**
 * Resolves true once the engine is installed in this frame, asking with `ask` the first
 * time; false if it could not be loaded (a later call asks again).
 */
export function loadRegexEngine(ask: () => Promise<unknown>): Promise<boolean> {
  if (hasRegexEngine()) return Promise.resolve(true);
  loading ??= ask().then(
    () => hasRegexEngine(),
    () => false,
  );
  const answer = loading;
  void answer.then((ok) => {
    if (!ok && loading === answer) loading = null;
  });
  return answer;
}
