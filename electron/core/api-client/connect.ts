// Finding and connecting to whichever hub runs for this HUBTRAY_HOME: the tray app or `hubtray serve`.
import { HubError } from '../../../shared/api.js';
import { findLiveHub } from '../boundary/registration.js';
import { apiTokenKey } from '../boundary/registration.js';
import { Keychain } from '../secrets/keychain.js';
import { createHubClient, type HubClient } from './client.js';

export const noHubMessage =
  'No hubtray is running. Start the tray app, or run `hubtray serve` on a machine without a desktop.';

export interface ConnectOptions {
  /** HUBTRAY_HOME; defaults like the hub's own. */
  home?: string;
}

export async function connectHub(options: ConnectOptions = {}): Promise<HubClient> {
  const hub = await findLiveHub(options.home);
  if (!hub) throw new HubError('unavailable', noHubMessage);
  const token = await new Keychain().get(apiTokenKey(options.home));
  if (!token) {
    throw new HubError('unavailable', `hubtray (pid ${hub.pid}) at ${hub.url} runs, but its access token is not in the keychain; restart it`);
  }
  return createHubClient(hub.url, token);
}
