export interface ClusterNodeView {
  id: string;
  port: number;
  role: 'primary' | 'replica';
  /** A replica's primary's node id. */
  primaryId: string | undefined;
  /** Slot ranges ("0-5460") of a primary. */
  slots: string[];
  failed: boolean;
}
export interface RedisClusterHandle {
  /** One redis:// URL per node (seeds for a cluster client). */
  urls: string[];
  ports: number[];
  nodes(): Promise<ClusterNodeView[]>;
  settled(): Promise<void>;
  /** The port of the primary holding `key`'s slot. */
  primaryOf(key: string): Promise<number>;
  replicaOf(port: number): Promise<number>;
  /** CLUSTER FAILOVER on the replica of the primary at `port`; the new primary's port. */
  failover(port: number): Promise<number>;
  /** Resolves once the replica of the primary at `port` has the writes the primary had. */
  synced(port: number): Promise<void>;
  /** SIGKILL the node at `port`. */
  kill(port: number): Promise<void>;
  stop(): Promise<void>;
}
export interface StartRedisClusterOptions {
  /** Default 3. */
  primaries?: number;
  /** Replicas per primary, default 1. */
  replicas?: number;
  /** Default noeviction. */
  maxmemoryPolicy?: string;
  /** The policy of the node started index-th (0-based), over maxmemoryPolicy. */
  maxmemoryPolicyOf?: (index: number) => string | undefined;
  /** cluster-node-timeout, default 1000 ms. */
  nodeTimeoutMs?: number;
  /** Default false. */
  appendonly?: boolean;
}
export function ensureRedisCli(): string;
export function startRedisCluster(opts?: StartRedisClusterOptions): Promise<RedisClusterHandle>;
