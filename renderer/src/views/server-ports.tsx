// A server's Ports: its further forwarded ports (extra_forwards, and those added here or by `hubtray forward`), each
// with its local link and health and a Close button; the ports its own processes listen on, each to forward with a
// click; and a small form to forward any port of the server's host.
// Offered while the server runs and its ports can be reached (ServerInfo.forwardsVia): over SSH, or, where no SSH
// leads to the server, as links through its jupyter-server-proxy (no local port then, and no port discovery).
import { useState, type FormEvent } from 'react';
import type { ServerInfo } from '../../../shared/api.js';
import { errorMessage } from '../bridge/errors.js';
import { useHubAccess } from '../components/hub-unreachable.js';
import { healthText } from '../components/tunnel-health.js';
import { useHub } from '../state/hub-context.js';
import './server-ports.css';

export function ServerPorts({ server }: { server: ServerInfo }) {
  const forwards = server.forwards ?? [];
  const via = server.forwardsVia;
  if (!via && forwards.length === 0) return null;
  // The host's process tree is read over SSH, on the kinds that start the server there themselves.
  const discoverable = via === 'ssh' && (server.kind === 'ssh' || server.kind === 'slurm');
  return (
    <section className="ports" aria-labelledby="ports-title">
      <h3 id="ports-title">Ports</h3>
      {via === 'server-proxy' ? <p className="meta">No SSH leads to this server: its ports open as links through its jupyter-server-proxy.</p> : null}
      {forwards.length > 0 ? <PortList server={server} /> : <p className="meta">No further ports forwarded.</p>}
      {discoverable ? <ListeningPorts server={server} /> : null}
      {via ? <ForwardForm name={server.name} withLocalPort={via === 'ssh'} /> : null}
    </section>
  );
}

function PortList({ server }: { server: ServerInfo }) {
  const { bridge, report } = useHub();
  const access = useHubAccess();
  const [closing, setClosing] = useState<string | null>(null);
  const close = (forward: string) => {
    setClosing(forward);
    bridge
      .call('unforward', { name: server.name, forward })
      .catch(report)
      .finally(() => setClosing(null));
  };
  return (
    <ul className="port-list">
      {(server.forwards ?? []).map((f) => (
        <li key={f.name}>
          <strong>{f.name}</strong> remote port {f.remotePort}:{' '}
          {f.url ? (
            <a href={f.url} target="_blank" rel="noreferrer">
              {f.url}
            </a>
          ) : null}{' '}
          <span className={`tunnel tunnel-${f.health.state}`}>{f.via === 'server-proxy' ? 'link through jupyter-server-proxy' : healthText('forward', f.health, 'not open')}</span>{' '}
          <button type="button" disabled={access.blocked || closing !== null} title={access.title()} aria-label={`Close forward ${f.name}`} onClick={() => close(f.name)}>
            Close
          </button>
        </li>
      ))}
    </ul>
  );
}

/**
 * "Find ports": what the server's own processes listen on (asked on demand, one look-up on its host), each not yet
 * forwarded with a button that forwards it.
 */
function ListeningPorts({ server }: { server: ServerInfo }) {
  const { bridge, report } = useHub();
  const access = useHubAccess();
  const [found, setFound] = useState<number[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const run = (work: () => Promise<unknown>) => {
    setBusy(true);
    work()
      .catch(report)
      .finally(() => setBusy(false));
  };
  const find = () =>
    run(async () => {
      setFailure(null);
      await bridge.call('listeningPorts', { name: server.name }).then(
        ({ ports }) => setFound(ports),
        (error: unknown) => setFailure(errorMessage(error)),
      );
    });
  const forwarded = new Set((server.forwards ?? []).map((f) => f.remotePort));
  const offered = (found ?? []).filter((port) => !forwarded.has(port));
  return (
    <div className="listening-ports">
      <button type="button" disabled={access.blocked || busy} title={access.title("Look on the server's host for the ports its own processes listen on")} onClick={find}>
        {busy ? 'Looking…' : 'Find ports'}
      </button>
      {found !== null && offered.length === 0 ? <span className="meta">No other port of its processes to forward.</span> : null}
      {offered.map((port) => (
        <button key={port} type="button" disabled={access.blocked || busy} title={access.title()} onClick={() => run(() => bridge.call('forward', { name: server.name, remotePort: port }))}>
          Forward port {port}
        </button>
      ))}
      <Failure text={failure} />
    </div>
  );
}

function ForwardForm({ name, withLocalPort }: { name: string; withLocalPort: boolean }) {
  const { bridge } = useHub();
  const access = useHubAccess();
  const [remote, setRemote] = useState('');
  const [local, setLocal] = useState('');
  const [label, setLabel] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    bridge
      .call('forward', { name, remotePort: Number(remote), ...(local ? { localPort: Number(local) } : {}), ...(label ? { label } : {}) })
      .then(() => {
        setRemote('');
        setLocal('');
        setLabel('');
      })
      .catch((error: unknown) => setFailure(errorMessage(error)))
      .finally(() => setBusy(false));
  };
  return (
    <form className="forward-form" onSubmit={submit} aria-label={`Forward a port of ${name}`}>
      <label>
        Remote port <input type="number" min={1} max={65535} required value={remote} onChange={(e) => setRemote(e.target.value)} />
      </label>
      {withLocalPort ? (
        <label>
          Local port <input type="number" min={0} max={65535} placeholder="any free" value={local} onChange={(e) => setLocal(e.target.value)} />
        </label>
      ) : null}
      <label>
        Name <input type="text" placeholder="port-REMOTE" value={label} onChange={(e) => setLabel(e.target.value)} />
      </label>
      <button type="submit" disabled={access.blocked || busy} title={access.title()}>
        {busy ? 'Forwarding…' : 'Forward'}
      </button>
      <Failure text={failure} />
    </form>
  );
}

/** Why the last ask was refused, under what asked it. */
function Failure({ text }: { text: string | null }) {
  return text ? (
    <p className="alert alert-error" role="alert">
      {text}
    </p>
  ) : null;
}
