/** What the hub's routes share: the request context's variables and the error body. */
import { escapeControls } from '../../aids/validate';
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
