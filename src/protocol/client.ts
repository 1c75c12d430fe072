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
const BARE_TYPES: ReadonlySet<unknown> = new Set<OverlayRequest['type']>([
  'overlay.status',
  'overlay.refresh',
  'overlay.frameResync',
]);

type Fields = Record<string, unknown>;

const keysOf = (o: object) => Object.keys(o).sort().join();
const isText = (v: unknown, min: number, max: number) =>
  typeof v === 'string' && v.length >= min && v.length <= max;
const isFrameId = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;
const isStep = (s: Fields) =>
  !!s &&
  keysOf(s) === 'found,holds,stepId' &&
  isText(s.stepId, 1, 64) &&
  typeof s.found === 'boolean' &&
  typeof s.holds === 'boolean';

/**
 * Checks a message the content script received, by the same rules as the zod contract in
 * ./messages.ts (kept by hand here so pages do not ship zod; a unit test holds the two
 * together). Only this extension can reach a content script's runtime.onMessage; the check
 * still refuses anything outside the contract, since frame states come from other frames.
 */
export function parseOverlayRequest(message: unknown): OverlayRequest | null {
  if (!message || typeof message !== 'object') return null;
  const m = message as Fields;
  const keys = keysOf(m);
  const ok = BARE_TYPES.has(m.type)
    ? keys === 'type'
    : m.type === 'overlay.frameGone'
      ? keys === 'frameId,type' && isFrameId(m.frameId)
      : m.type === 'overlay.frameSteps' &&
        keys === 'aidKey,frameId,steps,type' &&
        isFrameId(m.frameId) &&
        isText(m.aidKey, 3, 200) &&
        Array.isArray(m.steps) &&
        m.steps.length <= 200 &&
        m.steps.every(isStep);
  return ok ? (m as OverlayRequest) : null;
}
