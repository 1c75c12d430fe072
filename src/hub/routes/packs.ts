/**
 * Published packs: `PUT /api/packs` keeps one (authors and admins, with the CSRF header), and
 * `GET /api/packs` answers the names fleet views show for ids (any signed-in role): pack and
 * aid titles and step texts of each pack's newest stored version, nothing else of the pack.
 */
import type { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { LIMITS } from '../../aids/schema';
import { escapeControls } from '../../aids/validate';
import type { PackAdded, PackNamesAnswer } from '../../protocol/packs';
import type { HubDb } from '../db/open';
import { addPack, packNames } from '../packs';
import type { RequireRole } from './auth';
import { errorBody as error, type HubEnv } from './context';

export function mountPackRoutes(
  app: Hono<HubEnv>,
  db: HubDb,
  requireRole: RequireRole,
  now: () => number,
): void {
  app.get('/api/packs', requireRole('viewer'), async (c) => {
    const answer: PackNamesAnswer = { packs: await packNames(db) };
    return c.json(answer, 200);
  });

  app.put(
    '/api/packs',
    requireRole('author'),
    async (c, next) => {
      if (!/^application\/json\s*(;|$)/i.test(c.req.header('content-type') ?? '')) {
        return c.json(error('the body must be application/json'), 415);
      }
      await next();
    },
    bodyLimit({
      maxSize: LIMITS.packBytes,
      onError: (c) => c.json(error(`the pack is larger than ${LIMITS.packBytes} bytes`), 413),
    }),
    async (c) => {
      const result = await addPack(db, await c.req.text(), new Date(now()));
      if (!result.ok) {
        const problems = result.problems.map((p) => ({
          path: escapeControls(p.path),
          message: escapeControls(p.message),
        }));
        return c.json(error(result.error, { problems }), result.status);
      }
      const { id, version, added } = result;
      const answer: PackAdded = { id, version, added };
      return c.json(answer, added ? 201 : 200);
    },
  );
}
