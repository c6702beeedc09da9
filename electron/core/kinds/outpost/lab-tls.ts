// A lab started with `certs` (the seed's internal_ssl) serves https, and, as jupyterhub-singleuser does with
// JUPYTERHUB_SSL_CLIENT_CA, only talks to clients holding a certificate its CAs signed: in JupyterHub, the hub and the
// proxy hold one. Here it is this relay on 127.0.0.1: the Hub's readiness check and the browser speak plain HTTP to
// it (a browser trusts neither the lab's CA nor has the client certificate), and it speaks TLS to the lab, trusting
// certs.cafile (with additional_cafile) for the lab's certificate and presenting the client certificate.
import net from 'node:net';
import tls from 'node:tls';
import type { OutpostSystemConfig } from '../../../../shared/config.js';
import { listenOnLoopback } from '../../net/listen.js';
import type { PersonalHub } from '../../singleuser-api/personal-hub.js';
import type { LocalForward, SshPool } from '../../ssh/ssh-pool.js';
import type { SshTarget } from '../../ssh/ssh-target.js';
import { readCerts, readPem } from './start-body.js';
import { errorMessage } from '../../../../shared/error-message.js';

export interface LabRelay {
  readonly port: number;
  close(): Promise<void>;
}

export interface LabRelayOptions {
  pool: SshPool;
  /** The relay closes with it at the latest, so that the next hubtray finds the port free. */
  personalHub: PersonalHub;
  /** The SSH node the lab is reached through; null: directly. */
  via: SshTarget | null;
  /** Where the lab listens, as the Outpost said; its certificate must be for this host. */
  lab: { host: string; port: number };
  /** The port the relay had before (a restart keeps open tabs working); 0: any. */
  port: number;
  /** Why a connection to the lab failed, for the server's log. */
  onError: (message: string) => void;
}

export async function openLabRelay(config: OutpostSystemConfig, options: LabRelayOptions): Promise<LabRelay> {
  const secureContext = await clientContext(config);
  const forward: LocalForward | null = options.via ? await options.pool.forwardLocal(options.via, options.lab) : null;
  const upstream = forward ? { host: '127.0.0.1', port: forward.localPort } : options.lab;
  const { host } = options.lab;
  const open = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (client) => {
    const lab = tls.connect({
      ...upstream,
      secureContext,
      ...(net.isIP(host) ? {} : { servername: host }),
      // Through the tunnel the connection goes to 127.0.0.1, but the certificate is the lab's, for its own host.
      checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
    });
    lab.on('error', (error) => {
      options.onError(describe(error, options.lab));
      client.destroy();
    });
    client.on('error', () => lab.destroy());
    client.on('close', () => {
      lab.destroy();
      open.delete(client);
    });
    open.add(client);
    client.pipe(lab).pipe(client);
  });
  try {
    const port = await listenOnLoopback(server, options.port).catch(() => listenOnLoopback(server, 0));
    const shut = async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const client of open) client.destroy();
      await closed;
      await forward?.close();
    };
    const release = options.personalHub.hold({ close: shut });
    return {
      port,
      async close() {
        release();
        await shut();
      },
    };
  } catch (error) {
    await forward?.close();
    throw error;
  }
}

/** The CAs to trust for the lab's certificate, and the client certificate the lab asks for; bad PEM fails here, once. */
async function clientContext(config: OutpostSystemConfig): Promise<tls.SecureContext> {
  const certs = config.certs;
  if (!certs) throw new Error('the lab serves https only with certs set');
  const pem = await readCerts(config);
  const cert = certs.client_certfile ? await readPem(certs.client_certfile, 'certs.client_certfile') : pem.certfile;
  const key = certs.client_keyfile ? await readPem(certs.client_keyfile, 'certs.client_keyfile') : pem.keyfile;
  try {
    return tls.createSecureContext({ ca: pem.cafile, cert, key });
  } catch (error) {
    throw new Error(`certs: hubtray cannot use these files for TLS to the lab: ${errorMessage(error)}`, { cause: error });
  }
}

function describe(error: Error & { code?: string }, lab: { host: string; port: number }): string {
  const where = `the lab at ${lab.host}:${lab.port}`;
  const code = error.code ?? '';
  if (/CERT|SIGNATURE|ISSUER/.test(code) && code !== 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `hubtray: ${where} has a certificate its certs.cafile (with additional_cafile) does not vouch for (${code}: ${error.message}); set certs.cafile to the CA that signed it`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `hubtray: the certificate of ${where} is not for ${lab.host} (${error.message})`;
  return `hubtray: TLS to ${where} failed: ${error.message}${/alert|handshake/i.test(error.message) ? ' (does the lab accept the client certificate, certs.client_certfile or certs.certfile?)' : ''}`;
}
