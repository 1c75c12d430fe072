/**
 * What the hub's routes share: the request context's variables, the error body and the
 * problems of a refused request.
 */
import type { ZodError } from 'zod';
import { escapeControls, problemsOf } from '../../aids/validate';
import type { Device } from '../db/schema';
import type { SignedIn } from '../sessions';

export type HubEnv = {
  Variables: {
    /** Set on /api/events once the bearer token is checked. */
    device?: Device;
    /** Set by requireRole once the session cookie is checked. */
    signedIn?: SignedIn;
  };
};

export const errorBody = (message: string, extra: Record<string, unknown> = {}) => ({
  error: escapeControls(message),
  ...extra,
});

/** A zod error's problems as the hub answers them: each path and message escaped. */
export const problemsIn = (e: ZodError) =>
  problemsOf(e).map((p) => ({ path: escapeControls(p.path), message: escapeControls(p.message) }));
