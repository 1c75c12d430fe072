/**
 * The aid kinds, each in a chunk of its own (src/protocol/chunks.ts lists them). The content
 * script's core holds none: a session makes a controller for each aid at once, and an aid
 * whose kind's chunk has not run in this frame yet shows nothing until it has. The loader
 * asks the background to inject a chunk into this frame, once; the chunk registers its kind
 * module in the slot (./slot.ts), and the caller evaluates again.
 *
 * Adding a kind: src/aids/schema.ts, the kind module here, entrypoints/kind-<name>.ts, and
 * its name in src/protocol/chunks.ts.
 */
import { Fragment } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { jsx, jsxs } from 'preact/jsx-runtime';
import { isKindChunk, type KindChunk } from '../../protocol/chunks';
import type { ActiveAid } from '../../protocol/messages';
import { openKindSlot, registeredKind } from './slot';
import type { AidController, AidKindModule, SessionEnv } from './types';

/** Where a session finds kind modules. */
export interface Kinds {
  /** The module of `kind`, once its chunk ran in this frame. */
  module(kind: string): AidKindModule | undefined;
}

export interface KindLoader extends Kinds {
  /**
   * Resolves true once the chunk of `kind` ran in this frame, asking the background the first
   * time; false for a kind this build has no chunk for (nothing is asked) and for a load that
   * failed (a later call asks again).
   */
  load(kind: string): Promise<boolean>;
}

/**
 * Opens the kind slot in this frame and loads chunks with `ask` (page.loadChunk). A load
 * resolves as soon as its chunk has registered its kind, which may be well before the
 * background's answer reaches a page whose main thread is busy loading.
 */
export function createKindLoader(ask: (chunk: KindChunk) => Promise<unknown>): KindLoader {
  const arrived = new Map<string, (ok: boolean) => void>();
  openKindSlot({ jsx, jsxs, Fragment, useEffect, useLayoutEffect, useRef, useState }, (kind) =>
    arrived.get(kind)?.(true),
  );
  const loading = new Map<KindChunk, Promise<boolean>>();
  return {
    module: registeredKind,
    load(kind) {
      if (registeredKind(kind)) return Promise.resolve(true);
      if (!isKindChunk(kind)) return Promise.resolve(false);
      let answer = loading.get(kind);
      if (!answer) {
        const asked = new Promise<boolean>((resolve) => {
          arrived.set(kind, resolve);
          // A chunk that ran has resolved this already: the answer only settles a failure.
          ask(kind)
            .catch((e) => console.warn('[inflow] could not load the %s chunk', kind, e))
            .then(() => resolve(false));
        });
        loading.set(kind, asked);
        void asked.then((ok) => {
          if (!ok && loading.get(kind) === asked) loading.delete(kind);
        });
        answer = asked;
      }
      return answer;
    },
  };
}

/**
 * A controller made by `make` from the module of `kind` once that module is here: until
 * then it shows nothing, and it is made on the first pass after the chunk arrived.
 */
export function whenKind(
  key: string,
  kind: string,
  kinds: Kinds,
  make: (module: AidKindModule) => AidController,
): AidController {
  const ready = kinds.module(kind);
  if (ready) return make(ready);
  let real: AidController | null = null;
  const now = () => {
    if (!real) {
      const module = kinds.module(kind);
      if (module) real = make(module);
    }
    return real;
  };
  return {
    key,
    get visible() {
      return real?.visible ?? false;
    },
    update: (change) => now()?.update(change),
    click: (event) => real?.click?.(event),
    reveal: () => !!now()?.reveal?.(),
    leave: (url, unloading) => real?.leave(url, unloading) ?? null,
    views: () => real?.views() ?? {},
    // Asked only of visible controllers.
    status: () => real!.status(),
    targets: () => real?.targets() ?? [],
    dispose: () => real?.dispose(),
  };
}

/** The controller of an active aid (see whenKind). */
export function createController(active: ActiveAid, env: SessionEnv, kinds: Kinds): AidController {
  return whenKind(active.key, active.aid.kind, kinds, (module) => module.create(active, env));
}
