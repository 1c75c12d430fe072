/**
 * What browsers POST with their device token (`/api/events`, `/api/touchpoints`), checked in
 * the same order on every such route: the bearer token (401), the device's request budget
 * (429 with Retry-After), the content type (415), the size, refused unread (413), JSON (400)
 * and the contract's schema (400 with every problem and its path). Only then does `handle`
 * run, with the device in the context. No cookie is read, so no CSRF can reach these routes.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { HubDb } from '../db/open';
import { deviceForToken } from '../devices';
import { tokenBuckets } from '../rate-limit';
import { errorBody as error, type HubEnv, problemsIn } from './context';

/** A bearer token as the hub issues them: base64url, no spaces. */
const Authorization = z.string().regex(/^Bearer [A-Za-z0-9_-]{16,200}$/);

export interface DevicePostOptions {
  db: HubDb;
  now: () => number;
  /** Requests a minute one device may send to this route (a bucket of its own). */
  requestsPerMinute: number;
  maxBodyBytes: number;
}

/** Mounts `POST path`: the checks above, then `handle` with the parsed body. */
export function devicePost<S extends z.ZodType>(
  app: Hono<HubEnv>,
  path: string,
  options: DevicePostOptions,
  schema: S,
  handle: (c: Context<HubEnv>, body: z.infer<S>) => Promise<Response>,
): void {
  const { db, now, maxBodyBytes } = options;
  const buckets = tokenBuckets(options.requestsPerMinute);
  app.post(
    path,
    async (c, next) => {
      const header = Authorization.safeParse(c.req.header('authorization'));
      if (!header.success) {
        return c.json(error('a device token is needed: Authorization: Bearer <token>'), 401);
      }
      const check = await deviceForToken(db, header.data.slice('Bearer '.length));
      if (!check.ok) return c.json(error(check.reason), 401);
      c.set('device', check.device);
      const wait = buckets.take(check.device.id, now());
      if (wait > 0) {
        c.header('Retry-After', String(wait));
        return c.json(error('too many requests from this device'), 429);
      }
      await next();
    },
    async (c, next) => {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        return c.json(error('the body must be application/json'), 415);
      }
      await next();
    },
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: (c) => c.json(error(`the body is larger than ${maxBodyBytes} bytes`), 413),
    }),
    async (c) => {
      let body: unknown;
      try {
        body = JSON.parse(await c.req.text());
      } catch {
        return c.json(error('the body is not JSON'), 400);
      }
      const parsed = schema.safeParse(body);
      if (!parsed.success) {
        return c.json(error('invalid batch', { problems: problemsIn(parsed.error) }), 400);
      }
      return handle(c, parsed.data);
    },
  );
}
