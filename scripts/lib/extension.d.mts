import type { BrowserContext, Worker } from '@playwright/test';

export const ROOT: string;
export const EXTENSION_DIR: string;
export const DEFAULT_CHROMIUM: string;
export const OVERLAY_SCRIPT_ID: string;

export type Table =
  | 'packs'
  | 'aids'
  | 'progress'
  | 'events'
  | 'settings'
  | 'aidVersions'
  | 'drafts'
  | 'previews';

export interface RegisteredScript {
  id: string;
  matches?: string[];
  excludeMatches?: string[];
  js?: string[];
  css?: string[];
  runAt?: string;
  allFrames?: boolean;
  persistAcrossSessions?: boolean;
  world?: string;
}

export function chromiumPath(): string;
export function extensionArgs(ext?: string): string[];
export function launchWithExtension(
  userDataDir: string,
  options?: {
    headless?: boolean;
    ext?: string;
    viewport?: { width: number; height: number } | null;
  },
): Promise<BrowserContext>;
export function extensionWorker(context: BrowserContext, timeout?: number): Promise<Worker>;
export function extensionIdOf(worker: Worker): string;
export function readStore<T = Record<string, unknown>>(worker: Worker, table: Table): Promise<T[]>;
export function registeredScripts(worker: Worker): Promise<RegisteredScript[]>;
export function isReady(worker: Worker): Promise<boolean>;
