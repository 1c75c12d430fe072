/**
 * The page side's handle on the regular-expression engine (./regex.ts). The content script
 * does not bundle the engine, which is larger than the whole overlay: the background injects
 * entrypoints/regex.ts into a frame that needs it, and that script puts the engine here, a
 * global of the extension's isolated world (the page's own scripts cannot see it). A frame
 * needs it the first time a pattern is to be tested on a value that is not blank: an empty
 * field matches no pattern, so a form nobody has typed in yet never loads it. Until it is
 * here, no pattern matches, and the frame's overlay is told (`whenRegexWanted`).
 */

/** What the page side needs of the engine. */
export interface RegexEngine {
  /** True if `pattern` is found in `value`; false when it cannot say. */
  test(pattern: string, value: string): boolean;
}

const SLOT = Symbol.for('inflow.regexEngine');
/** The loader's hook; a global too, as the kinds' chunks each bundle their copy of this module. */
const WANTED = Symbol.for('inflow.regexWanted');

type Holder = { [SLOT]?: RegexEngine; [WANTED]?: () => void };

/** Installs the engine in this world (undefined removes it: for tests). */
export function installRegexEngine(engine: RegexEngine | undefined): void {
  (globalThis as Holder)[SLOT] = engine;
}

/** True once the engine is installed in this world. */
export function hasRegexEngine(): boolean {
  return (globalThis as Holder)[SLOT] !== undefined;
}

/** Sets what to do when a value is to be tested and the engine is not here (the loader). */
export function whenRegexWanted(load: (() => void) | undefined): void {
  (globalThis as Holder)[WANTED] = load;
}

/**
 * Whether `pattern` is found in `value`: null while the engine is not here, which asks for
 * it. Whatever goes wrong is false: a rule that cannot be evaluated simply does not hold.
 */
export function patternVerdict(pattern: string, value: string): boolean | null {
  const engine = (globalThis as Holder)[SLOT];
  if (!engine) {
    (globalThis as Holder)[WANTED]?.();
    return null;
  }
  try {
    return engine.test(pattern, value) === true;
  } catch {
    return false;
  }
}

/**
 * True if `pattern` is found in `value`, which is not blank. False for a blank value without
 * asking for the engine, and false while the engine is not here.
 */
export function patternMatches(pattern: string, value: string): boolean {
  return value.trim() !== '' && patternVerdict(pattern, value) === true;
}
