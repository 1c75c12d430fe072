/**
 * Typed senders for the message contract in ./messages.ts. Imports only types from there, so
 * the content script does not ship zod; the background validates every request with zod.
 */
import { browser } from 'wxt/browser';
import type {
  BackgroundRequest,
  BackgroundResponses,
  OverlayRequest,
  OverlayResponses,
} from './messages';

type RequestOf<U, T> = Extract<U, { type: T }>;

/** The receiver answered and refused the request: sending it again will not help. */
export class Refused extends Error {
  override name = 'Refused';
}

function unwrap<T>(response: unknown, what: string): T {
  if (response && typeof response === 'object' && 'error' in response) {
    throw new Refused(`${what}: ${String((response as { error: unknown }).error)}`);
  }
  if (response === undefined) throw new Error(`${what}: no answer`);
  return response as T;
}

/** Sends a request to the background and resolves to its typed answer. */
export async function askBackground<T extends BackgroundRequest['type']>(
  request: RequestOf<BackgroundRequest, T>,
): Promise<BackgroundResponses[T]> {
  const response: unknown = await browser.runtime.sendMessage(request);
  return unwrap<BackgroundResponses[T]>(response, request.type);
}

/** Sends a request to the overlay in one tab (top frame) and resolves to its typed answer. */
export async function askOverlay<T extends OverlayRequest['type']>(
  tabId: number,
  request: RequestOf<OverlayRequest, T>,
): Promise<OverlayResponses[T]> {
  const response: unknown = await browser.tabs.sendMessage(tabId, request, { frameId: 0 });
  return unwrap<OverlayResponses[T]>(response, request.type);
}

/** Overlay requests that carry nothing but their type. */
const BARE_TYPES: ReadonlySet<string> = new Set<OverlayRequest['type']>([
  'overlay.status',
  'overlay.refresh',
  'overlay.frameResync',
]);

type Fields = Record<string, unknown>;

/** True if `o` has exactly the keys of `checks` and each value passes its check. */
function shaped(o: unknown, checks: Record<string, (v: unknown) => boolean>): o is Fields {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return false;
  const keys = Object.keys(o);
  return (
    keys.length === Object.keys(checks).length &&
    keys.every((k) => Object.hasOwn(checks, k) && checks[k]!((o as Fields)[k]))
  );
}

const isBool = (v: unknown) => typeof v === 'boolean';
const isText = (min: number, max: number) => (v: unknown) =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const isFrameId = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
const STEP = { stepId: isText(1, 64), found: isBool, holds: isBool };

/**
 * Checks a message the content script received, by the same rules as the zod contract in
 * ./messages.ts (kept by hand here so pages do not ship zod; a unit test holds the two
 * together). Only this extension can reach a content script's runtime.onMessage; the check
 * still refuses anything outside the contract, since frame states cross from other frames.
 */
export function parseOverlayRequest(message: unknown): OverlayRequest | null {
  if (!message || typeof message !== 'object') return null;
  const { type, ...rest } = message as { type?: unknown };
  if (typeof type !== 'string') return null;
  if (BARE_TYPES.has(type)) return Object.keys(rest).length ? null : ({ type } as OverlayRequest);
  if (type === 'overlay.frameGone') {
    return shaped(rest, { frameId: isFrameId }) ? ({ type, ...rest } as OverlayRequest) : null;
  }
  if (type === 'overlay.frameSteps') {
    const ok = shaped(rest, {
      frameId: isFrameId,
      aidKey: isText(3, 200),
      steps: (v) => Array.isArray(v) && v.length <= 200 && v.every((s) => shaped(s, STEP)),
    });
    return ok ? ({ type, ...rest } as OverlayRequest) : null;
  }
  return null;
}
