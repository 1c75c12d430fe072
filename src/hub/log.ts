/**
 * The hub's request log: one line per request. Paths and reasons come from clients, so
 * every control character is escaped: a request cannot forge a line or colour a terminal.
 */
import { escapeControls } from '../aids/validate';

export type LogLine = (line: string) => void;

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
  ms: number;
  device?: string;
}

export function formatRequest(r: RequestRecord): string {
  const parts = [String(r.status), r.method, r.path, `${r.ms}ms`];
  if (r.device) parts.push(`device=${r.device}`);
  return escapeControls(parts.join(' '));
}
