import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEmbedded } from '../../../src/hub/db/open';
import { viewRows } from '../../../src/hub/db/view-rows';
import { backends, type Opened } from './backends';

for (const backend of backends) {
  describe.skipIf(backend.skip)(`view rows on ${backend.name}`, () => {
    let opened: Opened;

    beforeAll(async () => {
      opened = await backend.open();
    }, 30_000);
    afterAll(() => opened?.drop());

    it('come as JSON columns from PGlite only, with the types rows have either way', async () => {
      const { db } = opened;
      expect(isEmbedded(db)).toBe(backend.name === 'PGlite');
      const query = sql`
        select v.k, sum(v.n)::bigint as total, max(v.d) as latest, null::text as nothing
        from (values ('a', 1, date '2026-11-30'), ('a', 2, date '2026-12-01'),
                     ('b', 3, date '2026-10-01')) as v(k, n, d)
        group by v.k order by v.k`;
      const rows = await viewRows<{ k: string; total: number; latest: string; nothing: null }>(
        db,
        query,
        ['k', 'total', 'latest', 'nothing'],
      );
      expect(rows).toEqual([
        { k: 'a', total: 3, latest: '2026-12-01', nothing: null },
        { k: 'b', total: 3, latest: '2026-10-01', nothing: null },
      ]);
      // The same as the rows read the usual way.
      expect((await query.execute(db)).rows).toEqual(rows);
    });

    it('an empty result is an empty list', async () => {
      const rows = await viewRows<{ one: number }>(opened.db, sql`select 1 as one where false`, [
        'one',
      ]);
      expect(rows).toEqual([]);
    });
  });
}
