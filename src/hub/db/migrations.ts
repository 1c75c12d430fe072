/**
 * The hub's schema, as versioned migrations in code: the same for PGlite and PostgreSQL, run
 * in name order by Kysely's Migrator at every start (./open.ts). A migration, once released,
 * is never edited: change the schema with a new one. SQL here must run on PostgreSQL 15.
 */
import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import { rebuildPeriods } from '../period-rebuild';

/** Raw events are kept this many days unless the settings table says otherwise. */
export const DEFAULT_RETENTION_DAYS = 180;

const rollupKey = ['day', 'pack_id', 'aid_key', 'pack_version', 'step_id', 'event_type'];

const migrations: Record<string, Migration> = {
  '0001_initial': {
    // The migrator's tables are typed for its own use; migrations work on an untyped schema.
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('aid_id', 'text', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text')
        .addColumn('how', 'text')
        .addColumn('reason', 'text')
        .addColumn('failed_signals', 'jsonb')
        .addColumn('found_by', 'text')
        .addColumn('problem', 'text')
        .addColumn('comment', 'text')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('at', 'timestamptz', (c) => c.notNull())
        .addColumn('recorded_at', 'timestamptz', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('team', 'text')
        .addColumn('role', 'text')
        .addColumn('device_id', 'text', (c) => c.notNull())
        .execute();
      // Retention deletes by `at`; fleet views read one pack or aid at a time.
      await db.schema.createIndex('events_at').on('events').column('at').execute();
      await db.schema
        .createIndex('events_pack_aid')
        .on('events')
        .columns(['pack_id', 'aid_key'])
        .execute();

      // '' rather than NULL for "no step / team / role": NULLs cannot be in a primary key.
      await db.schema
        .createTable('daily_rollups')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('events', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_rollups_pk', [...rollupKey, 'team', 'role'] as never)
        .execute();

      // One row per person and rollup key: each person counts once however often they act.
      await db.schema
        .createTable('daily_actors')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_actors_pk', [
          ...rollupKey,
          'team',
          'role',
          'actor',
        ] as never)
        .execute();

      await db.schema
        .createTable('devices')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('revoked_at', 'timestamptz')
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) =>
          c.notNull().check(sql`role in ('admin', 'author', 'viewer')`),
        )
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into settings (key, value) values ('retention_days', ${String(DEFAULT_RETENTION_DAYS)})`.execute(
        db,
      );
    },
  },

  // Sign-in sessions. Only the SHA-256 of the cookie's token is kept, like device tokens, so
  // a copy of the database cannot be used to sign in. A user's sessions go with the user.
  '0002_sessions': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('csrf', 'text', (c) => c.notNull())
        .addColumn('created_at', 'timestamptz', (c) => c.notNull())
        .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
        .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute();
    },
  },

  // Fleet insights. Rollups gain `how` (auto / manual for step_done, '' otherwise) in their
  // key, so "done by hand" and "done automatically" can be told apart without raw events.
  // Rows rolled up before this migration keep how = '': done, but not known how.
  // Skip reasons get a table of their own, one row per person, so a reason can be shown
  // only when enough different people gave it. The key holds the reason's SHA-256, not the
  // text (up to 500 characters), to keep the primary key's index entries small.
  '0003_fleet_insights': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('daily_rollups')
        .addColumn('how', 'text', (c) => c.notNull().defaultTo(''))
        .execute();
      await db.schema.alterTable('daily_rollups').dropConstraint('daily_rollups_pk').execute();
      await db.schema
        .alterTable('daily_rollups')
        .addPrimaryKeyConstraint('daily_rollups_pk', [...rollupKey, 'team', 'role', 'how'])
        .execute();

      await db.schema
        .createTable('daily_reasons')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('reason_hash', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('count', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_reasons_pk', [
          'day',
          'pack_id',
          'aid_key',
          'pack_version',
          'step_id',
          'team',
          'role',
          'reason_hash',
          'actor',
        ] as never)
        .execute();
    },
  },

  // Fleet health. daily_signals keeps, per rollup key, how often each signal failed
  // (kind 'failed') or found the target instead (kind 'found_by') in target_missing and
  // target_healed reports, so the Health view needs no raw events. alerts holds each alert
  // once per day, aid and target ('' for a tip's own target): the primary key is what makes
  // "raised once" hold when two ingests race.
  '0004_health': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('daily_signals')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('event_type', 'text', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('failed', 'found_by')`))
        .addColumn('signal', 'text', (c) => c.notNull())
        .addColumn('events', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('daily_signals_pk', [
          ...rollupKey,
          'team',
          'role',
          'kind',
          'signal',
        ] as never)
        .execute();

      await db.schema
        .createTable('alerts')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('people', 'integer', (c) => c.notNull())
        .addColumn('missing', 'bigint', (c) => c.notNull())
        .addColumn('views', 'bigint', (c) => c.notNull())
        .addColumn('raised_at', 'timestamptz', (c) => c.notNull())
        .addColumn('delivered_at', 'timestamptz')
        .addPrimaryKeyConstraint('alerts_pk', ['day', 'aid_key', 'step_id'] as never)
        .execute();
    },
  },
  // Version comparison. checklist_completed may carry the run's duration (`ms`): the events
  // table keeps it, and run_durations keeps it past retention, one row per completion
  // (keyed by the event's id, so a completion is counted once), with the person, so that a
  // median is shown only when enough different people's runs make it.
  '0005_versions': {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('events').addColumn('ms', 'bigint').execute();
      await db.schema
        .createTable('run_durations')
        .addColumn('event_id', 'text', (c) => c.primaryKey())
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('ms', 'bigint', (c) => c.notNull().check(sql`ms >= 0`))
        .execute();
      await db.schema
        .createIndex('run_durations_aid')
        .on('run_durations')
        .columns(['aid_key', 'pack_version', 'day'])
        .execute();
    },
  },

  // Touchpoint coverage (src/hub/touchpoints.ts): visible time and views per day, host,
  // route template, aided or not, team and role; the people per such key, one row each
  // (as daily_actors for events); and the ids of the aggregates already counted, so that a
  // browser's resend counts nothing. `template` is at most 1024 ASCII characters (folded and
  // percent-encoded), which keeps the primary keys' index entries within PostgreSQL's limit.
  '0006_touchpoints': {
    async up(db: Kysely<unknown>) {
      const key = ['day', 'host', 'template', 'aided', 'team', 'role'];
      await db.schema
        .createTable('touchpoint_daily')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('aided', 'boolean', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('ms', 'bigint', (c) => c.notNull())
        .addColumn('views', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoint_daily_pk', key as never)
        .execute();
      await db.schema
        .createTable('touchpoint_actors')
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('template', 'text', (c) => c.notNull())
        .addColumn('aided', 'boolean', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('role', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('actor', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('touchpoint_actors_pk', [...key, 'actor'] as never)
        .execute();
      await db.schema
        .createTable('touchpoint_ids')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('received_at', 'timestamptz', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('touchpoint_ids_day')
        .on('touchpoint_ids')
        .column('day')
        .execute();
    },
  },
  // Published packs, so fleet views can name aids and steps (the rollups hold ids only).
  // One row per pack id and version; the JSON is kept as published, validated before.
  '0007_packs': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('packs')
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('pack', 'jsonb', (c) => c.notNull())
        .addColumn('added_at', 'timestamptz', (c) => c.notNull())
        .addPrimaryKeyConstraint('packs_pk', ['id', 'version'] as never)
        .execute();
    },
  },
  // What the fleet views need at millions of events (see "Running it in production" in
  // docs/hub.md and `npm run bench -- --only hub`). The planner guesses the groups of the
  // views' GROUP BY from each column alone and, thinking them many, sorts on disk: the
  // statistics of the columns together let it hash the few thousand groups there are.
  // Indexes for the two narrow filters (one aid, one team), which otherwise read the whole
  // table; a day range uses the primary keys, which begin with the day.
  '0008_indexes': {
    async up(db: Kysely<unknown>) {
      await sql`create statistics daily_rollups_groups (ndistinct)
        on aid_key, pack_id, pack_version, step_id, event_type, how from daily_rollups`.execute(db);
      await sql`create statistics daily_actors_groups (ndistinct)
        on aid_key, pack_id, step_id, actor from daily_actors`.execute(db);
      for (const table of ['daily_rollups', 'daily_actors']) {
        await db.schema.createIndex(`${table}_aid`).on(table).columns(['aid_key', 'day']).execute();
        await db.schema.createIndex(`${table}_team`).on(table).columns(['team', 'day']).execute();
      }
    },
  },
  // Period rollups (src/hub/periods.ts, src/hub/compact.ts): counts and people per day, week
  // and month, so a view over months reads a few rows per aid instead of one per day, team,
  // role and person. Filled from the daily tables here, then kept up by the hub.
  '0009_periods': {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('period_pending')
        .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
        .addColumn('day', 'date', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .addColumn('events', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('period_counts')
        .addColumn('span', 'text', (c) => c.notNull().check(sql`span in ('d', 'w', 'm')`))
        .addColumn('start', 'date', (c) => c.notNull())
        .addColumn('team', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('metric', 'text', (c) => c.notNull())
        .addColumn('events', 'bigint', (c) => c.notNull())
        .execute();
      // The count rides in the key's index, so a view reads the index alone.
      await sql`alter table period_counts add constraint period_counts_pk primary key
        (span, start, team, role, pack_id, aid_key, pack_version, step_id, metric)
        include (events)`.execute(db);
      // One aid's rows (its version comparison reads its days) without walking every aid's.
      await db.schema
        .createIndex('period_counts_aid')
        .on('period_counts')
        .columns(['aid_key', 'span', 'start', 'team', 'role'])
        .execute();
      await db.schema
        .createTable('period_people')
        .addColumn('span', 'text', (c) => c.notNull().check(sql`span in ('d', 'w', 'm')`))
        .addColumn('start', 'date', (c) => c.notNull())
        .addColumn('pack_id', 'text', (c) => c.notNull())
        .addColumn('aid_key', 'text', (c) => c.notNull())
        .addColumn('pack_version', 'text', (c) => c.notNull())
        .addColumn('step_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('block', 'integer', (c) => c.notNull())
        .addColumn('bits', sql`bit(4096)`, (c) => c.notNull())
        .addPrimaryKeyConstraint('period_people_pk', [
          'span',
          'start',
          'pack_id',
          'aid_key',
          'pack_version',
          'step_id',
          'subject',
          'block',
        ] as never)
        .execute();
      await db.schema
        .createTable('actor_numbers')
        .addColumn('actor', 'text', (c) => c.primaryKey())
        .addColumn('n', 'integer', (c) => c.notNull().unique())
        .execute();
      await db.schema
        .createTable('actor_groups')
        .addColumn('team', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('actor_groups_pk', ['team', 'role', 'n'] as never)
        .execute();
      await db.schema
        .createTable('reason_texts')
        .addColumn('reason_hash', 'text', (c) => c.primaryKey())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('givers', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('reason_givers')
        .addColumn('reason_hash', 'text', (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('reason_givers_pk', ['reason_hash', 'n'] as never)
        .execute();
      // Health's staff comments are a sliver of the events: read through their own index.
      await sql`create index events_comments on events (at)
        where type = 'aid_feedback' and comment is not null and comment <> ''`.execute(db);
      await rebuildPeriods(db);
    },
  },
  // Months keep each team and role as they are too (src/hub/compact.ts cube), so a view
  // filtered by both reads a few months instead of every day: summed from the day rows (a
  // database that 0009 has just filled has them already).
  '0010_month_team_role': {
    async up(db: Kysely<unknown>) {
      await sql`insert into period_counts
          (span, start, team, role, pack_id, aid_key, pack_version, step_id, metric, events)
        select 'm', date_trunc('month', start)::date, team, role,
          pack_id, aid_key, pack_version, step_id, metric, sum(events)
        from period_counts where span = 'd' and team <> '*'
        group by 2, team, role, pack_id, aid_key, pack_version, step_id, metric
        on conflict do nothing`.execute(db);
    },
  },
  // The views read people's bitmaps from the index alone, a view's subjects being a range of
  // it, and Health reads its few metrics through an index of their own instead of every row
  // of its days.
  '0011_view_indexes': {
    async up(db: Kysely<unknown>) {
      await sql`alter table period_people drop constraint period_people_pk`.execute(db);
      await sql`alter table period_people add constraint period_people_pk primary key
        (span, start, subject, pack_id, aid_key, pack_version, step_id, block)
        include (bits)`.execute(db);
      await sql`create index period_counts_health on period_counts
        (span, start, team, role, pack_id, aid_key, pack_version, step_id, metric)
        include (events)
        where metric in ('target_missing', 'target_healed', 'aid_feedback')
          or metric like 'signal:%'`.execute(db);
    },
  },
  // The views read the period rollups now: the indexes that served them on the daily tables
  // and the raw events (0001, 0008) only slowed ingest down. The alerts read the daily
  // tables by their primary keys; retention and the staff comments read events by time.
  '0012_ingest_indexes': {
    async up(db: Kysely<unknown>) {
      for (const index of [
        'daily_rollups_aid',
        'daily_rollups_team',
        'daily_actors_aid',
        'daily_actors_team',
        'events_pack_aid',
      ]) {
        await db.schema.dropIndex(index).execute();
      }
      await sql`drop statistics daily_rollups_groups, daily_actors_groups`.execute(db);
    },
  },
  // Years (src/hub/periods.ts): a fleet's whole record is read as one period per year instead
  // of one per month. Filled from the months: each team over all roles, each role over all
  // teams, their sum, and people as the union of the months' bitmaps.
  '0013_years': {
    async up(db: Kysely<unknown>) {
      for (const table of ['period_counts', 'period_people']) {
        await sql`alter table ${sql.table(table)}
          drop constraint ${sql.ref(`${table}_span_check`)}`.execute(db);
        await sql`alter table ${sql.table(table)} add constraint ${sql.ref(`${table}_span_check`)}
          check (span in ('d', 'w', 'm', 'y'))`.execute(db);
      }
      await sql`insert into period_counts
          (span, start, team, role, pack_id, aid_key, pack_version, step_id, metric, events)
        select 'y', date_trunc('year', start)::date, team, role,
          pack_id, aid_key, pack_version, step_id, metric, sum(events)
        from period_counts where span = 'm' and (team = '*' or role = '*')
        group by 2, team, role, pack_id, aid_key, pack_version, step_id, metric`.execute(db);
      await sql`insert into period_people
          (span, start, pack_id, aid_key, pack_version, step_id, subject, block, bits)
        select 'y', date_trunc('year', start)::date,
          pack_id, aid_key, pack_version, step_id, subject, block, bit_or(bits)
        from period_people where span = 'm'
        group by 2, pack_id, aid_key, pack_version, step_id, subject, block`.execute(db);
    },
  },
  // Every fold rewrites the period rollups' current rows (today, this week, month and year),
  // which every view reads. Those are a few thousand rows of a table of millions, so a share
  // of the table is the wrong measure of when to vacuum: their old versions are vacuumed away
  // at 100,000 dead rows whatever the table's size (autovacuum's default waits for 20 % of
  // it: 3.8 million at 10 million events), and the statistics kept fresher (5 %, not 10 %).
  // A hub on PGlite, where autovacuum never runs, applies the same settings itself
  // (src/hub/maintenance.ts).
  '0014_rollup_vacuum': {
    async up(db: Kysely<unknown>) {
      for (const table of ['period_counts', 'period_people']) {
        await sql`alter table ${sql.table(table)} set (autovacuum_vacuum_scale_factor = 0,
          autovacuum_vacuum_threshold = 100000, autovacuum_analyze_scale_factor = 0.05)`.execute(
          db,
        );
      }
    },
  },
};

/** Kysely's MigrationProvider over the migrations above. */
export const hubMigrations: MigrationProvider = {
  getMigrations: async () => migrations,
};
