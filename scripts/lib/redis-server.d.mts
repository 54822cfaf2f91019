export interface RedisServerHandle {
  url: string;
  port: number;
  dir: string;
  pid: number | undefined;
  stop(opts?: { keepDir?: boolean }): Promise<void>;
  kill(): Promise<void>;
}
export interface StartRedisOptions {
  port?: number;
  dir?: string;
  appendonly?: boolean;
  maxmemoryPolicy?: string;
  /** requirepass; the returned url then carries it. */
  password?: string;
  extraArgs?: string[];
}
export function findRedisServer(): string | null;
export function ensureRedisServer(opts?: { log?: (msg: string) => void }): string;
export function freePort(): Promise<number>;
export function startRedisServer(opts?: StartRedisOptions): Promise<RedisServerHandle>;
