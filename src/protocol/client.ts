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

const OVERLAY_TYPES: ReadonlySet<string> = new Set<OverlayRequest['type']>([
  'overlay.status',
  'overlay.refresh',
]);

/**
 * Checks a message the content script received. Only this extension can reach a content
 * script's runtime.onMessage; the check still refuses anything outside the contract.
 */
export function parseOverlayRequest(message: unknown): OverlayRequest | null {
  if (!message || typeof message !== 'object') return null;
  const { type, ...rest } = message as { type?: unknown };
  if (typeof type !== 'string' || !OVERLAY_TYPES.has(type) || Object.keys(rest).length) return null;
  return { type } as OverlayRequest;
}
