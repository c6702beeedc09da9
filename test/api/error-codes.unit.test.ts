// Domain errors reach every face with their own ErrorCode and words: a keychain that cannot be reached is
// "unavailable" with the keychain's advice, not an internal error; a bug stays hidden behind a generic message.
import { describe, expect, it, vi } from 'vitest';
import { HubError } from '../../shared/api.js';
import { ConfigError } from '../../shared/config.js';
import { httpStatusByCode } from '../../shared/http.js';
import { toHttpError } from '../../electron/core/boundary/http-error.js';
import { HookError } from '../../electron/core/hooks/hooks.js';
import { HubApiError } from '../../electron/core/kinds/jupyterhub/hub-api-error.js';
import { OutpostError } from '../../electron/core/kinds/outpost/outpost-error.js';
import { PromptTimeoutError } from '../../electron/core/prompts/prompter.js';
import { KeychainError, KeychainUnavailableError } from '../../electron/core/secrets/keychain-errors.js';
import { SpawnError } from '../../electron/core/shell-spawner/shell-spawner.js';
import { SshError } from '../../electron/core/ssh/ssh-error.js';

describe('error codes at the boundary', () => {
  it.each([
    ['a keychain that cannot be reached', new KeychainUnavailableError('no D-Bus session', 'linux'), 'unavailable', /Secret Service.*not reachable.*no D-Bus session/],
    ['a keychain that refuses one operation', new KeychainError('read', 'api-token/x', 'too long'), 'failed', /could not read "api-token\/x"/],
    ['an SSH host that cannot be reached', new SshError('unreachable', 'cannot reach h:22: connection refused'), 'unavailable', /connection refused/],
    ['a refused SSH login (never "unauthorized", which means the local API token)', new SshError('auth', 'h refused every key'), 'failed', /refused/],
    ['a bad ssh config', new SshError('config', 'bad ProxyJump'), 'bad-request', /ProxyJump/],
    ['a JupyterHub that never answered', new HubApiError('cannot reach the hub', null), 'unavailable', /cannot reach/],
    ['a JupyterHub that refused', new HubApiError('the hub refused the API token (403)', 403), 'failed', /403/],
    ['an Outpost that never answered', new OutpostError('start request to X failed: timeout', null), 'unavailable', /timeout/],
    ['config.json', new ConfigError('config.json: systems.a.kind: invalid'), 'bad-request', /systems\.a\.kind/],
    ['a hook', new HookError('hooks.mjs has no function "x"'), 'failed', /hooks\.mjs/],
    ['a spawn', new SpawnError('jupyter: command not found'), 'failed', /command not found/],
    ['a prompt nobody answered', new PromptTimeoutError('Password for h', 120), 'failed', /nobody answered/],
    ['a HubError', new HubError('not-found', 'no server named "x"'), 'not-found', /no server named/],
  ] as const)('%s', (_what, error, code, message) => {
    const http = toHttpError(error, 'test');
    expect(http.code).toBe(code);
    expect(http.status).toBe(httpStatusByCode[code]);
    expect(http.message).toMatch(message);
  });

  it('hides anything else behind a generic message, and tells the hub output', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const http = toHttpError(new TypeError('cannot read properties of undefined (/home/me/secret/path)'), 'start');
      expect(http).toMatchObject({ status: 500, code: 'failed' });
      expect(http.message).toBe("internal error in hubtray while handling start; see the hub's output");
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/internal error in start: cannot read properties/);
    } finally {
      stderr.mockRestore();
    }
  });
});
