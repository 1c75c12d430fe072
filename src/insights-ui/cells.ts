/**
 * A cell of the insights tables and figures: a number or words to show, or a count hidden
 * because it was counted from fewer people than the threshold (the hub's fleet views): such a
 * cell reads "fewer than 5".
 */
export interface FewerThan {
  fewerThan: number;
}

export type Cell = number | string | FewerThan;

export const isHidden = (cell: Cell): cell is FewerThan => typeof cell === 'object';

/** "12", "75%", "fewer than 5". */
export function cellText(cell: Cell): string {
  return isHidden(cell) ? `fewer than ${cell.fewerThan}` : String(cell);
}

/** A count that may be hidden: null becomes "fewer than `fewerThan`". */
export function countCell(value: number | null, fewerThan: number): Cell {
  return value === null ? { fewerThan } : value;
}
