// The empty state: nothing has been started yet. It offers the two ways in: Jupyter on this computer (when
// hubtray found it), or an SSH host.
import type { SystemInfo } from '../../../shared/api.js';
import { href } from '../lib/route.js';

export function FirstRun({ systems }: { systems: SystemInfo[] }) {
  const local = systems.find((s) => s.kind === 'local');
  const others = systems.filter((s) => s !== local);
  return (
    <section className="first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">Start your first Jupyter server</h2>
      <p>
        hubtray starts JupyterLab where you want it, keeps a tunnel to it alive, and opens it in your browser, already logged in. Servers keep running
        when you close hubtray.
      </p>
      <div className="choices">
        {local ? (
          <div className="choice card">
            <h3>{local.name}</h3>
            <p>{local.description}</p>
            <a className="button primary" href={href({ view: 'start', system: local.name })}>
              Start on {local.name.toLowerCase()}
            </a>
          </div>
        ) : (
          <div className="choice card">
            <h3>This computer</h3>
            <p>No Jupyter was found on this computer's PATH. Install JupyterLab here, or use a remote host.</p>
          </div>
        )}
        <div className="choice card">
          <h3>A remote machine over SSH</h3>
          <p>A workstation, a server or a cluster's login node where Jupyter is installed. Your ~/.ssh/config, keys and ssh-agent are used.</p>
          <a className={local ? 'button' : 'button primary'} href={href({ view: 'add-system', kind: 'ssh' })}>
            Add an SSH host
          </a>
        </div>
      </div>
      {others.length > 0 ? (
        <p>
          Or start on {others.map((s, i) => [i > 0 ? ', ' : '', <a key={s.name} href={href({ view: 'start', system: s.name })}>{s.name}</a>])}.
        </p>
      ) : null}
    </section>
  );
}
