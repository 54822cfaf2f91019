// What the /rollback grammar (grammar.ts) produces: one Command per subcommand, and the catalog
// of configured names it parses against.

export interface CommandCatalog {
  /** Environment name → the stage names it guards (empty for a CodeDeploy group). */
  environments: Record<string, string[]>;
  groups: string[];
}

export type Target = { kind: 'environment'; name: string } | { kind: 'group'; name: string };

export type Command =
  | { kind: 'help' }
  | { kind: 'status'; environment?: string }
  | { kind: 'history'; environment?: string; limit: number }
  | { kind: 'diff'; environment: string; stage?: string; to?: string }
  | { kind: 'unlock'; environment: string; stage?: string }
  | {
      kind: 'freeze';
      target: Target;
      until: { durationMs: number } | { at: string };
      reason: string;
    }
  | { kind: 'unfreeze'; target: Target }
  | { kind: 'cancel'; requestId: string }
  | {
      kind: 'mark';
      standing: 'bad' | 'good';
      environment: string;
      stage?: string;
      release: string;
      reason?: string;
    }
  | { kind: 'rollback'; target: Target; stage?: string; to?: string; reason?: string };

export type ParseResult =
  | { ok: true; command: Command }
  | { ok: false; error: string; showHelp: boolean };
