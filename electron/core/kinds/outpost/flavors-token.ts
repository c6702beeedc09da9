// JUPYTERHUB_FLAVORS_UPDATE_TOKEN. When a start's environment names JUPYTERHUB_FLAVORS_UPDATE_URL (through custom_env,
// as OutpostSpawner's documentation shows), the Outpost posts its flavor use there after each start and stop, with the
// token the environment gives it. One per Outpost, random, in the keychain: the update after a stop comes when the
// server's own token is revoked already, and it must work after a restart of hubtray too.
import { randomBytes } from 'node:crypto';
import type { PersonalHub } from '../../singleuser-api/personal-hub.js';
import type { SecretStore } from '../../secrets/secret-store.js';

function tokenKey(requestUrl: string): string {
  return `outpost-flavors-token/${requestUrl}`;
}

/** The Outpost's token, made the first time it is needed; the personal hub accepts it from now on. */
export async function flavorsToken(requestUrl: string, secrets: SecretStore, hub: PersonalHub): Promise<string> {
  let token = await secrets.get(tokenKey(requestUrl));
  if (!token) {
    token = randomBytes(32).toString('base64url');
    await secrets.set(tokenKey(requestUrl), token);
  }
  hub.acceptFlavorUpdates(requestUrl, token);
  return token;
}

/** After a restart of hubtray: the personal hub accepts the Outpost's token again, if it has one. */
export async function acceptFlavorsToken(requestUrl: string, secrets: SecretStore, hub: PersonalHub): Promise<void> {
  const token = await secrets.get(tokenKey(requestUrl));
  if (token) hub.acceptFlavorUpdates(requestUrl, token);
}
