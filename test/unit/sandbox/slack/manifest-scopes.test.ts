import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  manifestBotScopes,
  manifestSlashCommands,
} from '../../../../src/sandbox/slack/manifest-scopes.js';
import { demoWorkspace } from '../../../../src/sandbox/slack/workspace.js';

describe('the scopes the local Slack grants', () => {
  it('are exactly manifest.yml’s bot scopes, without users:read', () => {
    const scopes = manifestBotScopes();
    expect(demoWorkspace().scopes).toEqual([...scopes]);
    expect(scopes).toEqual(expect.arrayContaining(['chat:write', 'commands', 'usergroups:read']));
    expect(scopes).not.toContain('users:read');
  });

  it('refuses a manifest without a bot scope list, naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
    const file = path.join(dir, 'manifest.yml');
    writeFileSync(file, 'oauth_config:\n  scopes:\n    bot: chat:write\n');
    expect(() => manifestBotScopes(file)).toThrow(
      `${file}: oauth_config.scopes.bot must be a list`,
    );
  });
});

describe('the slash commands the local Slack knows', () => {
  it('are manifest.yml’s', () => {
    expect(manifestSlashCommands()).toEqual(['/rollback']);
  });

  it('refuses a manifest whose commands have no name, naming the file', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'manifest-'));
    const file = path.join(dir, 'manifest.yml');
    writeFileSync(file, 'features:\n  slash_commands:\n    - description: no name\n');
    expect(() => manifestSlashCommands(file)).toThrow(`${file}: features.slash_commands`);
  });
});
