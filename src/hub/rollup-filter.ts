/**
 * The fleet views' filters: `RollupFilter`, the one shape they all take (./period-read.ts
 * turns it into periods and conditions on the period rollups), and `rollupWhere`, the same
 * filter as a condition on the daily tables that carry the rollup key (day, pack, aid, pack
 * version, team, role), such as the version comparison's run durations.
 */
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { HubDatabase } from './db/schema';

/** Tables whose rows carry the rollup key columns, with the same names and types. */
export type KeyedTable =
  | 'daily_rollups'
  | 'daily_actors'
  | 'daily_reasons'
  | 'daily_signals'
  | 'run_durations';

/** Every filter is optional; days are UTC 'YYYY-MM-DD', inclusive. */
export interface RollupFilter {
  from?: string;
  to?: string;
  team?: string;
  role?: string;
  /** A pack id. */
  pack?: string;
  /** A pack version. */
  version?: string;
  /** An aid key ('pack/aid'). */
  aid?: string;
}

export function rollupWhere(filter: RollupFilter) {
  return <T extends KeyedTable>(eb: ExpressionBuilder<HubDatabase, T>): Expression<SqlBool> => {
    // The key columns are the same in every keyed table: written once, against one of them.
    const col = eb as unknown as ExpressionBuilder<HubDatabase, 'daily_actors'>;
    const parts: Expression<SqlBool>[] = [];
    if (filter.from) parts.push(col('day', '>=', filter.from));
    if (filter.to) parts.push(col('day', '<=', filter.to));
    if (filter.team !== undefined) parts.push(col('team', '=', filter.team));
    if (filter.role !== undefined) parts.push(col('role', '=', filter.role));
    if (filter.pack !== undefined) parts.push(col('pack_id', '=', filter.pack));
    if (filter.version !== undefined) parts.push(col('pack_version', '=', filter.version));
    if (filter.aid !== undefined) parts.push(col('aid_key', '=', filter.aid));
    return col.and(parts);
  };
}
