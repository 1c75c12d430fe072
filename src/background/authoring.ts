/**
 * Authoring in the background: drafts, publishing, history, import/export, preview and the
 * URL tester (the authoring.* messages of src/protocol/authoring.ts).
 */
import type {
  ActiveAid,
  BackgroundRequest,
  BackgroundResponses,
  ErrorResponse,
} from '../protocol/messages';
import type { InflowDb } from './db';
import type { RouterDeps } from './router';

export type AuthoringRequest = Extract<BackgroundRequest, { type: `authoring.${string}` }>;

/** Answers one authoring.* request (already validated and authorized by the router). */
export async function answerAuthoring(
  request: AuthoringRequest,
  _deps: RouterDeps,
): Promise<BackgroundResponses[AuthoringRequest['type']] | ErrorResponse> {
  return { error: `${request.type}: not built yet` };
}

/** Drafts previewed in tab `tabId` that apply to `url`, as the overlay receives them. */
export async function previewAids(
  _db: InflowDb,
  _tabId: number | undefined,
  _url: string,
): Promise<ActiveAid[]> {
  return [];
}
