// The systems as every face lists them, each with the options form it offers right now (an Outpost's flavors, a
// cluster's partitions). Asking a system for its form may take as long as that peer's own timeout (an Outpost's
// request_timeout is 20 s), and one slow peer must slow nothing else: a list waits at most FORM_WAIT_MS for a system
// that answered in time last, and not at all for one that did not. Until a system answers, the list shows the form
// it offered last (or the configured one) and says why; an answer that comes after the list was given is announced.
import { type SystemInfo } from '../../../shared/api.js';
import { errorMessage } from '../../../shared/error-message.js';
import type { SystemConfig } from '../../../shared/config.js';
import type { OfferedForm, Systems } from './systems.js';

const FORM_WAIT_MS = 3_000;

interface Known extends OfferedForm {
  /** Its last answer took longer than FORM_WAIT_MS, or failed: no list waits for its next one. */
  slow: boolean;
  /** While an ask is out: settles once it is answered or no longer waited for, so that none is asked twice. */
  asking: Promise<void> | null;
}

export interface SystemListParts {
  systems(): Systems;
  remembered(name: string): Pick<SystemInfo, 'lastOptions' | 'presets' | 'lastUsed' | 'address'>;
  /** Brings what `remembered` knows up to date (each system's SSH address), within its own bound. */
  refresh(): Promise<void>;
  /** The list changed after it was given: a system answered late. */
  announce(systems: SystemInfo[]): void;
}

export class SystemList {
  // By settings object: a system edited in config.json is a new object, so what its old settings offered is dropped.
  private readonly known = new WeakMap<SystemConfig, Known>();

  constructor(private readonly parts: SystemListParts) {}

  /** Every system, after asking those named in `ask` (default: all) for their form, each within its bound. */
  async list(ask: string[] = this.parts.systems().names()): Promise<SystemInfo[]> {
    const systems = this.parts.systems();
    await Promise.all([...ask.map((name) => this.ask(systems, name)), this.parts.refresh()]);
    return this.current();
  }

  private current(): SystemInfo[] {
    const systems = this.parts.systems();
    return systems.names().map((name) => systems.info(name, this.parts.remembered(name), this.known.get(systems.get(name)) ?? { form: null, problem: null }));
  }

  private ask(systems: Systems, name: string): Promise<void> {
    const config = systems.get(name);
    const known = this.known.get(config) ?? { form: null, problem: null, slow: false, asking: null };
    this.known.set(config, known);
    if (known.asking) return known.asking;
    const answer = systems.liveForm(name);
    if (!answer) return Promise.resolve();
    const asked = performance.now();
    let waitedFor = !known.slow;
    const answered = answer
      .then(
        (form) => {
          known.form = form;
          known.problem = null;
          known.slow = performance.now() - asked > FORM_WAIT_MS;
        },
        (error: unknown) => {
          known.problem = `its options could not be fetched: ${errorMessage(error)}`;
          known.slow = true;
        },
      )
      .then(() => {
        known.asking = null;
        if (!waitedFor) this.parts.announce(this.current());
      });
    known.asking = !waitedFor
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            waitedFor = false;
            known.problem = `its options could not be fetched within ${FORM_WAIT_MS / 1000} s; showing ${known.form ? 'the last ones it offered' : 'the configured ones'}`;
            resolve();
          }, FORM_WAIT_MS).unref();
          void answered.then(() => {
            clearTimeout(timer);
            resolve();
          });
        });
    return known.asking;
  }
}
