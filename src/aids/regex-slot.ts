/**
 * The page side's handle on the regular-expression engine (./regex.ts). The content script
 * does not bundle the engine, which is larger than the whole overlay: the background injects
 * entrypoints/regex.ts into a frame whose aids have a `matches` rule, and that script puts
 * the engine here, a global of the extension's isolated world (the page's own scripts cannot
 * see it). Until it is here, no pattern matches.
 */

/** What the page side needs of the engine. */
export interface RegexEngine {
  /** True if `pattern` is found in `value`; false when it cannot say. */
  test(pattern: string, value: string): boolean;
}

const SLOT = Symbol.for('inflow.regexEngine');

type Holder = { [SLOT]?: RegexEngine };

/** Installs the engine in this world (undefined removes it: for tests). */
export function installRegexEngine(engine: RegexEngine | undefined): void {
  (globalThis as Holder)[SLOT] = engine;
}

/** True once the engine is installed in this world. */
export function hasRegexEngine(): boolean {
  return (globalThis as Holder)[SLOT] !== undefined;
}

/**
 * True if `pattern` is found in `value` by the installed engine. False while there is none,
 * and whatever goes wrong: a rule that cannot be evaluated simply does not hold.
 */
export function patternMatches(pattern: string, value: string): boolean {
  const engine = (globalThis as Holder)[SLOT];
  if (!engine) return false;
  try {
    return engine.test(pattern, value) === true;
  } catch {
    return false;
  }
}
