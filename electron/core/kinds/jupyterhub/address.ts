// Where a JupyterHub is, from this computer: its API (hub_url_local, else hub_url) and the endpoint a browser uses
// (hub_url). For a hub reachable only over SSH, both URLs are as seen from the SSH host: API calls go through a
// forward of this object's own, and the browser's endpoint names the SSH target, so the Hub builds (and keeps) its
// tunnel as for any remote server.
import type { JupyterHubSystemConfig } from '../../../../shared/config.js';
import type { Endpoint } from '../../spawner/spawner.js';
import type { LocalForward, SshPool } from '../../ssh/ssh-pool.js';
import { sshTarget } from '../../ssh/ssh-target.js';

export class HubAddress {
  private readonly forwards = new Map<string, Promise<LocalForward>>();

  constructor(
    private readonly config: JupyterHubSystemConfig,
    private readonly pool: SshPool,
  ) {}

  /** The public URL, with a trailing slash so relative paths resolve under the hub's base_url. */
  get hubUrl(): URL {
    return withSlash(this.config.hub_url);
  }

  /** The REST API's root (…/hub/api/) as reachable from this computer. */
  async apiBase(): Promise<string> {
    const url = await this.reachable(withSlash(this.config.hub_url_local ?? this.config.hub_url));
    return new URL('hub/api/', url).toString();
  }

  /** The public URL as reachable from this computer (through the SSH host, for a hub behind one). */
  publicBase(): Promise<URL> {
    return this.reachable(this.hubUrl);
  }

  /** The browser's way to `path` (an absolute path on the hub, e.g. /user/alice/work/). */
  endpoint(path: string): Endpoint {
    const url = this.hubUrl;
    return {
      ...hostPort(url),
      protocol: url.protocol === 'https:' ? 'https:' : 'http:',
      path,
      ...(this.config.ssh ? { via: sshTarget(this.config.ssh) } : {}),
    };
  }

  async close(): Promise<void> {
    const forwards = [...this.forwards.values()];
    this.forwards.clear();
    await Promise.all(forwards.map((f) => f.then((forward) => forward.close(), () => undefined)));
  }

  private async reachable(url: URL): Promise<URL> {
    if (!this.config.ssh) return url;
    const remote = hostPort(url);
    const key = `${remote.host}:${remote.port}`;
    let forward = this.forwards.get(key);
    if (!forward) {
      forward = this.pool.forwardLocal(sshTarget(this.config.ssh), remote);
      this.forwards.set(key, forward);
      // A failed forward is not kept: the next call tries again.
      forward.catch(() => this.forwards.delete(key));
    }
    const local = new URL(url);
    local.hostname = '127.0.0.1';
    local.port = String((await forward).localPort);
    return local;
  }
}

function withSlash(text: string): URL {
  const url = new URL(text);
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  url.search = '';
  url.hash = '';
  return url;
}

function hostPort(url: URL): { host: string; port: number } {
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80) };
}
