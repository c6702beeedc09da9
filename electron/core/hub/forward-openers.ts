// The two ways a server's further port is reached. Over SSH: a local listener on 127.0.0.1 through the server's
// pooled connection, healing with it (ssh, slurm, an Outpost's ssh_node). Where no SSH leads to the server's host (a
// remote JupyterHub's server, an Outpost's lab without ssh_node): a link through the server's own
// jupyter-server-proxy, `{server}/proxy/PORT/`, which the browser opens with its login to the server, as a hub's
// users do. ServerForwards keeps the list; these open one entry.
import { z } from 'zod';
import type { ForwardsVia, TunnelHealth } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import { getJupyterJson } from '../net/jupyter-json.js';
import type { LocalForward, SshPool } from '../ssh/ssh-pool.js';
import type { SshTarget } from '../ssh/ssh-target.js';
import type { ForwardWish } from './server-forwards.js';

/** One open forward, whichever way it goes. */
export interface OpenForward {
  readonly via: ForwardsVia;
  /** What the user opens: http://127.0.0.1:PORT/, or the server's /proxy/PORT/. */
  readonly url: string;
  /** The local port, for a forward over SSH. */
  readonly localPort?: number;
  health(): TunnelHealth;
  onHealth(listener: (health: TunnelHealth) => void): () => void;
  close(): Promise<void>;
}

export interface ForwardOpener {
  readonly via: ForwardsVia;
  open(wish: ForwardWish): Promise<OpenForward>;
}

/** Forwards over the server's SSH connection, to ports of `host` (its compute node) through `via`. */
export function sshForwards(pool: SshPool, via: SshTarget, host: string): ForwardOpener {
  const remoteOf = (wish: ForwardWish) => ({ host, port: wish.remotePort });
  return {
    via: 'ssh',
    async open(wish) {
      let forward: LocalForward;
      try {
        forward = await pool.forwardLocal(via, remoteOf(wish), wish.localPort ? { localPort: wish.localPort } : {});
      } catch (error) {
        // A port hubtray picked may be taken meanwhile (after a hub restart): a new one beats no forward. One the
        // user chose is theirs: it fails, saying why.
        if (!wish.localPort || wish.chosen) throw error;
        forward = await pool.forwardLocal(via, remoteOf(wish));
      }
      return {
        via: 'ssh',
        url: `http://127.0.0.1:${forward.localPort}/`,
        localPort: forward.localPort,
        health: () => forward.health(),
        onHealth: (listener) => forward.onHealth(listener),
        close: () => forward.close(),
      };
    },
  };
}

/** jupyter-server-proxy's own listing: present wherever the extension is loaded (1.x to 4.x). */
const ServersInfo = z.object({ server_processes: z.array(z.unknown()) }).passthrough();

/**
 * Links through the server's jupyter-server-proxy. Whether the server has it is asked once, of its
 * `server-proxy/servers-info` (with the server's token, which never goes into a link: jupyter-server-proxy hands a
 * link's query string and headers on to the port it proxies).
 */
export function serverProxyLinks(serverUrl: string, token: string): ForwardOpener {
  let present: Promise<void> | null = null;
  const check = () =>
    getJupyterJson(serverUrl, token, 'server-proxy/servers-info', ServersInfo).then(
      () => undefined,
      (error: unknown) => {
        present = null;
        if (error instanceof Error && / answered HTTP 404$/.test(error.message)) {
          throw new Error(
            'no SSH leads to this server, and it has no jupyter-server-proxy to reach its ports through; ' +
              'install jupyter-server-proxy in the server\'s environment (pip install jupyter-server-proxy) and start it again',
          );
        }
        throw new Error(`could not ask the server whether it has jupyter-server-proxy: ${errorMessage(error)}`);
      },
    );
  const connected: TunnelHealth = { state: 'connected' };
  return {
    via: 'server-proxy',
    async open(wish) {
      present ??= check();
      await present;
      return {
        via: 'server-proxy',
        url: new URL(`proxy/${wish.remotePort}/`, serverUrl).toString(),
        // A link has no connection of its own: it works while the server does.
        health: () => connected,
        onHealth: () => () => undefined,
        close: async () => undefined,
      };
    },
  };
}
