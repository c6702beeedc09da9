// The HTTP half of the client: one POST per call, and the error envelope turned back into a HubError.
import { Pool } from 'undici';
import { z } from 'zod';
import { ApiError, HubError, type MethodName } from '../../../shared/api.js';
import { isErrorCode } from '../api-server/http-error.js';

const ErrorReply = z.object({ error: ApiError });

export interface Transport {
  call(method: MethodName, args: unknown): Promise<unknown>;
  /** A POST to any authenticated path of the local API, e.g. a launch link. */
  post(path: string, body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export function httpTransport(url: string, token: string): Transport {
  const pool = new Pool(url);
  const post = async (path: string, args: unknown): Promise<unknown> => {
    let statusCode: number;
    let text: string;
    try {
      const response = await pool.request({
        path,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(args),
      });
      statusCode = response.statusCode;
      text = await response.body.text();
    } catch (error) {
      throw new HubError('unavailable', `hubtray at ${url} does not answer: ${(error as Error).message}`);
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HubError('failed', `hubtray at ${url} sent a reply that is not JSON (HTTP ${statusCode})`);
    }
    if (statusCode === 200) return body;
    const reply = ErrorReply.safeParse(body);
    if (!reply.success) throw new HubError('failed', `hubtray at ${url} answered HTTP ${statusCode}`);
    const { code, message } = reply.data.error;
    throw new HubError(isErrorCode(code) ? code : 'failed', message);
  };
  return {
    call: (method, args) => post(`/api/call/${method}`, args),
    post,
    close: () => pool.close(),
  };
}
