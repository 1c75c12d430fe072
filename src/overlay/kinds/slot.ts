/**
 * Where the content script's core and the kinds' chunks meet. The core holds no aid kind: a
 * frame that needs one asks the background to inject that kind's chunk
 * (entrypoints/kind-<name>.ts, see ./index.ts). An injected script runs in the content
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
  runtime: UiRuntime;
  /** The kinds whose chunk ran in this frame, by kind name. */
  kinds: Map<string, AidKindModule>;
  /** The help panel, once its chunk ran. */
  help?: HelpModule;
  /** Told each kind its chunk registers: the loader need not wait for the background's answer. */
  registered?: (kind: string) => void;
}

const SLOT = Symbol.for('inflow.kinds');

type Holder = { [SLOT]?: KindSlot };

/**
 * The core: opens the slot in this world, once (a second call keeps the first), and hears
 * of each kind registered in it from now on.
 */
export function openKindSlot(runtime: UiRuntime, registered?: (kind: string) => void): void {
  const holder = globalThis as Holder;
  holder[SLOT] ??= { runtime, kinds: new Map() };
  holder[SLOT].registered = registered;
}

function slot(): KindSlot {
  const open = (globalThis as Holder)[SLOT];
  if (!open) throw new Error('[inflow] a kind chunk ran where no overlay runs');
  return open;
}

/** A chunk: the core's Preact. Throws where no overlay opened the slot. */
export function uiRuntime(): UiRuntime {
  return slot().runtime;
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
