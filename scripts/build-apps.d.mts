/** Types of scripts/build-apps.mjs, for TypeScript callers (tests). */

export interface AppBuild {
  app: string;
  /** Folder of the app's sources, relative to the repository. */
  sources: string;
  /** Entry point, relative to `sources`. */
  entry: string;
}

export interface AppBuildResult {
  app: string;
  /** The bundle's path. */
  file: string;
  /** False when the output was already up to date. */
  built: boolean;
  bytes: number;
  ms: number;
}

export declare const APP_BUILDS: readonly AppBuild[];
export declare function buildApps(options?: { force?: boolean }): Promise<AppBuildResult[]>;
