// The Outpost's REST API (reference §1): start, poll, stop and flavors, with OutpostSpawner's headers and its
// semantics for the answers (a stop of an unknown service is a success). Authentication is HTTP Basic from the
// keychain, unless request_headers bring their own Authorization; a 401 asks the person again, as credentials.ts
// allows within a start.
import { errorMessage } from '../../../../shared/error-message.js';
import type { RequestKwargs } from '../../../../shared/kinds/outpost.js';
import { basicHeader, type BasicCredentials, type OutpostCredentials } from './credentials.js';
import { OutpostError, type OutpostAction } from './outpost-error.js';
import { parseFlavors, type Flavor } from './flavors.js';
import { outpostRequest, type OutpostReply } from './outpost-http.js';

export interface OutpostTarget {
  /** request_url without its trailing slash, as OutpostSpawner strips it. */
  requestUrl: string;
  headers: Record<string, string>;
  kwargs: RequestKwargs;
}

interface Call {
  action: OutpostAction;
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  body?: unknown;
  async?: boolean;
  kwargs?: RequestKwargs;
  /** A person may be asked for credentials (a start or a stop); never for a poll in the background. */
  interactive: boolean;
  signal?: AbortSignal;
}

export class OutpostApi {
  constructor(
    readonly target: OutpostTarget,
    private readonly credentials: OutpostCredentials,
  ) {}

  /** The hub's name at the Outpost: the Basic user name, which the Outpost's own messages quote. */
  async jupyterhubName(): Promise<string> {
    const own = this.ownAuthorization();
    if (own) return Buffer.from(own.replace(/^Basic\s+/i, ''), 'base64').toString('utf8').split(':')[0] ?? '';
    return (await this.credentials.known())?.username ?? '';
  }

  /** POST /services; `async` sends execution-type: async (the answer is then a 202 with an empty service). */
  async start(body: Record<string, unknown>, options: { async: boolean; kwargs: RequestKwargs; signal: AbortSignal }): Promise<{ status: number; service: string }> {
    const reply = await this.call({ action: 'start', method: 'POST', url: `${this.target.requestUrl}`, body, async: options.async, kwargs: options.kwargs, interactive: true, signal: options.signal });
    const service = (reply.json as { service?: unknown } | null)?.service;
    if (typeof service !== 'string') throw new OutpostError(`the Outpost's answer to the start has no "service" string: ${JSON.stringify(reply.json).slice(0, 200)}`, reply.status);
    return { status: reply.status, service };
  }

  /** GET /services/NAME/START_ID: status null while running, else the exit code; a 404 throws with status 404. */
  async poll(name: string, startId: string, collectLogs: boolean): Promise<{ status: number | null; logs: string[] }> {
    const reply = await this.call({ action: 'poll', method: 'GET', url: this.serviceUrl(name, startId, collectLogs), interactive: false });
    if (typeof reply.json !== 'object' || reply.json === null || Array.isArray(reply.json)) {
      throw new OutpostError(`the Outpost's poll answer is not a JSON object but ${JSON.stringify(reply.json)}`, reply.status);
    }
    const json = reply.json as { status?: unknown; logs?: unknown };
    const status = json.status ?? null;
    if (status !== null && !Number.isInteger(status)) throw new OutpostError(`the Outpost's poll answer has a status that is neither null nor an integer: ${JSON.stringify(status)}`, reply.status);
    return { status: status as number | null, logs: logLines(json.logs) };
  }

  /** DELETE /services/NAME/START_ID; an unknown service (404) counts as stopped, as OutpostSpawner treats it. */
  async stop(name: string, startId: string, options: { async: boolean; collectLogs: boolean; interactive: boolean }): Promise<{ logs: string[] }> {
    try {
      const reply = await this.call({ action: 'stop', method: 'DELETE', url: this.serviceUrl(name, startId, options.collectLogs), async: options.async, interactive: options.interactive });
      return { logs: logLines((reply.json as { logs?: unknown } | null)?.logs) };
    } catch (error) {
      if (error instanceof OutpostError && error.status === 404) return { logs: [] };
      throw error;
    }
  }

  async flavors(options: { interactive: boolean; signal?: AbortSignal }): Promise<Map<string, Flavor>> {
    const reply = await this.call({ action: 'flavors', method: 'GET', url: `${this.base()}/flavors/`, ...options });
    return parseFlavors(reply.json);
  }

  private serviceUrl(name: string, startId: string, collectLogs: boolean): string {
    return `${this.target.requestUrl}/${encodeURIComponent(name)}/${encodeURIComponent(startId)}${collectLogs ? '?collect_logs=true' : ''}`;
  }

  /** The Outpost's root: request_url names its /services route. */
  private base(): string {
    return this.target.requestUrl.replace(/\/services$/, '');
  }

  private ownAuthorization(): string | undefined {
    return Object.entries(this.target.headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  }

  private async call(call: Call): Promise<OutpostReply> {
    const send = (credentials: BasicCredentials | null) =>
      outpostRequest({
        action: call.action,
        method: call.method,
        url: call.url,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          ...(credentials ? { Authorization: basicHeader(credentials) } : {}),
          ...this.target.headers,
          ...(call.async ? { 'execution-type': 'async' } : {}),
        },
        body: call.body,
        kwargs: call.kwargs ?? this.target.kwargs,
        ...(call.signal ? { signal: call.signal } : {}),
      });
    if (this.ownAuthorization()) return send(null);
    if (this.credentials.refusal) throw this.credentials.refusal;
    let credentials = (await this.credentials.known()) ?? (await this.ask(call, false));
    for (;;) {
      try {
        const reply = await send(credentials);
        await this.credentials.accepted(credentials);
        return reply;
      } catch (error) {
        // Only a refusal where someone could answer counts: a form or a poll in the background is refused as often
        // as it asks, and would delete the credentials before anyone could see why.
        if (!(error instanceof OutpostError) || error.status !== 401 || !call.interactive) throw error;
        await this.credentials.refused(credentials);
        try {
          credentials = await this.ask(call, true);
        } catch (unanswered) {
          if (call.signal?.aborted) throw unanswered;
          this.credentials.refusal = new OutpostError(`${error.message}; hubtray asked for other credentials: ${errorMessage(unanswered)}`, 401);
          throw this.credentials.refusal;
        }
      }
    }
  }

  private async ask(call: Call, refused: boolean): Promise<BasicCredentials> {
    if (!call.interactive) {
      throw new OutpostError(`there are no credentials for the Outpost at ${this.target.requestUrl} in the keychain; start a server on it to enter them`, 401);
    }
    return this.credentials.ask({ refused, ...(call.signal ? { signal: call.signal } : {}) });
  }
}

function logLines(logs: unknown): string[] {
  return Array.isArray(logs) ? logs.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))) : [];
}
