/** A PostgreSQL server that ends the hub's idle connections does not end the hub. */
import { sql } from 'kysely';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { admin, type Opened, postgres } from './backends';

describe.skipIf(Boolean(postgres.skip))('a lost database connection (PostgreSQL)', () => {
  let opened: Opened | undefined;
  afterAll(() => opened?.drop());

  it('is reported, and the next query opens a new one', async () => {
    opened = await postgres.open();
    const { db } = opened;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    await sql`select 1`.execute(db);
    const name = (await sql<{ d: string }>`select current_database() as d`.execute(db)).rows[0]!.d;
    // As an admin's terminate or a server restart would: every other session of the database.
    await admin((c) =>
      c.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      ),
    );
    await vi.waitFor(() => expect(warn).toHaveBeenCalled());
    expect(String(warn.mock.calls[0]![0])).toMatch(/a database connection was lost/);
    const again = await sql<{ one: number }>`select 1 as one`.execute(db);
    expect(again.rows[0]!.one).toBe(1);
    warn.mockRestore();
  });
});
