/**
 * `preact`, `preact/hooks` and `preact/jsx-runtime`, as a kind's chunk sees them: the core's
 * own copy, read from the kind slot (./slot.ts) at each call, since a chunk may run before
 * the core has opened the slot (a registered content script, see ./slot.ts). Only chunk
 * builds resolve those imports here (wxt.config.ts); the core and the tests use Preact itself.
 */
import type { ComponentChildren } from 'preact';
import { type UiRuntime, uiRuntime } from './slot';

type Args<K extends keyof UiRuntime> = Parameters<UiRuntime[K]>;

export const jsx = ((...a: Args<'jsx'>) => uiRuntime().jsx(...a)) as UiRuntime['jsx'];
export const jsxs = ((...a: Args<'jsxs'>) => uiRuntime().jsxs(...a)) as UiRuntime['jsxs'];
/** A component that renders its children, as the core's Fragment does. */
export const Fragment = (props: { children?: ComponentChildren }) =>
  uiRuntime().Fragment(props as Parameters<UiRuntime['Fragment']>[0]);
export const useEffect: UiRuntime['useEffect'] = (...a) => uiRuntime().useEffect(...a);
export const useLayoutEffect: UiRuntime['useLayoutEffect'] = (...a) =>
  uiRuntime().useLayoutEffect(...a);
export const useRef = ((...a: unknown[]) =>
  (uiRuntime().useRef as (...b: unknown[]) => unknown)(...a)) as UiRuntime['useRef'];
export const useState = ((...a: unknown[]) =>
  (uiRuntime().useState as (...b: unknown[]) => unknown)(...a)) as UiRuntime['useState'];
