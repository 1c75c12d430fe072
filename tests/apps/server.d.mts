/** Types of the sample apps' server (server.mjs), for TypeScript callers. */

export type AppName = 'crm' | 'portal' | 'console' | 'hostile' | 'plain' | 'frames' | 'framed';

/** The apps, by the first label of their host name. SPA apps serve index.html for any route. */
export declare const APPS: Readonly<Record<AppName, { spa: boolean }>>;

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
}): Promise<AppServer>;
export declare function portalRelease2(html: string): string;
