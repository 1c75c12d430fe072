/** Types of the sample apps' server (server.mjs), for TypeScript callers. */

export type AppName =
  | 'crm'
  | 'portal'
  | 'console'
  | 'hostile'
  | 'plain'
  | 'components'
  | 'lookup'
  | 'desk'
  | 'frames'
  | 'framed';

export interface AppConfig {
  /** Serve index.html for any path without an extension. */
  spa: boolean;
  /** Path prefix -> folder of the repository served under it (a library's files). */
  mounts?: Readonly<Record<string, string>>;
  /** The file the app's build writes to BUILD_ROOT/<app>/, served under /build/. */
  build?: string;
}

/** The apps, by the first label of their host name. */
export declare const APPS: Readonly<Record<AppName, AppConfig>>;

/** Where scripts/build-apps.mjs writes built apps, one folder per app. */
export declare const BUILD_ROOT: string;
/** The command that builds the apps, as the server's error page names it. */
export declare const BUILD_COMMAND: string;

export interface AppServer {
  /** The port actually bound (useful with `port: 0`). */
  port: number;
  /** The app's origin, e.g. origin('crm') === 'http://crm.localhost:4100'. */
  origin(app: AppName | (string & {})): string;
  close(): Promise<void>;
}

export declare function startAppServer(options?: {
  port?: number;
  host?: string;
  /** Where built apps are read from; BUILD_ROOT by default. */
  buildRoot?: string;
}): Promise<AppServer>;
export declare function portalRelease2(html: string): string;
