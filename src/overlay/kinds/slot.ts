/**
 * Where the content script's core and the kinds' chunks meet. The core holds no aid kind: a
 * frame that needs one asks the background to inject that kind's chunk
 * (entrypoints/kind-<name>.ts, see ./index.ts), unless the browser ran it already as a
 * registered content script (a top frame). An injected script runs in the content
 * script's isolated world and shares its globals (the page's own scripts cannot see them), so
 * the core opens a slot there, a global under a symbol, and the chunk registers its kind
 * module in it.
 *
 * The slot also hands chunks the core's one copy of Preact: a chunk's components render into
 * the core's tree, and hooks work only with the copy that renders them. Chunks are built with
 * `preact`, `preact/hooks` and `preact/jsx-runtime` resolved to ./preact-from-core.ts, which
 * reads them from here (wxt.config.ts); they bundle no Preact of their own.
 *
 * This module imports no Preact itself: it is part of every chunk.
 */
import type { Fragment } from 'preact';
import type { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { jsx, jsxs } from 'preact/jsx-runtime';
import type { HelpModule } from '../help/types';
import type { createTouchpointMeter } from '../touchpoints';
import type { AidKindModule } from './types';

/** What of Preact a chunk may use: a name missing here fails the chunk's build. */
export interface UiRuntime {
  jsx: typeof jsx;
  jsxs: typeof jsxs;
  Fragment: typeof Fragment;
  useEffect: typeof useEffect;
  useLayoutEffect: typeof useLayoutEffect;
  useRef: typeof useRef;
  useState: typeof useState;
}

interface KindSlot {
  /** Set by the core; a chunk that ran first reads it only once it renders. */
  runtime?: UiRuntime;
  /** The kinds whose chunk ran in this frame, by kind name. */
  kinds: Map<string, AidKindModule>;
  /** The help panel, once its chunk ran. */
  help?: HelpModule;
  /** The touchpoint meter, once its chunk ran. */
  touchpoints?: typeof createTouchpointMeter;
  /** Told each kind its chunk registers: the loader need not wait for the background's answer. */
  registered?: (kind: string) => void;
}

const SLOT = Symbol.for('inflow.kinds');

type Holder = { [SLOT]?: KindSlot };

/** The slot of this world, made by whichever side runs first. */
function slot(): KindSlot {
  const holder = globalThis as Holder;
  holder[SLOT] ??= { kinds: new Map() };
  return holder[SLOT];
}

/**
 * The core: opens the slot in this world (a second call keeps the first Preact), and hears
 * of each kind registered in it from now on. A top frame's chunks are registered content
 * scripts too (src/background/registration.ts), which the browser may run before the core:
 * their kinds are in the slot already.
 */
export function openKindSlot(runtime: UiRuntime, registered?: (kind: string) => void): void {
  const open = slot();
  open.runtime ??= runtime;
  open.registered = registered;
}

/** A chunk: the core's Preact, once the core has opened the slot. */
export function uiRuntime(): UiRuntime {
  const { runtime } = slot();
  if (!runtime) throw new Error('[inflow] a kind chunk rendered where no overlay runs');
  return runtime;
}

/** A chunk: registers its kind module, which the core's sessions then use. */
export function registerKind(module: AidKindModule): void {
  const open = slot();
  open.kinds.set(module.kind, module);
  open.registered?.(module.kind);
}

/** The help panel's chunk: registers the panel. */
export function registerHelp(module: HelpModule): void {
  slot().help = module;
}

/** The touchpoint meter's chunk: registers the meter. */
export function registerTouchpoints(create: typeof createTouchpointMeter): void {
  slot().touchpoints = create;
}

/** The touchpoint meter, once its chunk ran in this world. */
export function registeredTouchpoints(): typeof createTouchpointMeter | undefined {
  return (globalThis as Holder)[SLOT]?.touchpoints;
}

/** The help panel, once its chunk ran in this world. */
export function registeredHelp(): HelpModule | undefined {
  return (globalThis as Holder)[SLOT]?.help;
}

/** The module of `kind`, once its chunk ran in this world. */
export function registeredKind(kind: string): AidKindModule | undefined {
  return (globalThis as Holder)[SLOT]?.kinds.get(kind);
}

/** Closes the slot (for tests). */
export function closeKindSlot(): void {
  delete (globalThis as Holder)[SLOT];
}
