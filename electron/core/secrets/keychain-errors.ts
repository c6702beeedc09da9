// Errors from the OS keychain. Their messages are built from the store's own diagnosis plus advice; they never
// include a secret value, because error text ends up in logs, notices and API responses.
import { CodedError } from '../../../shared/api.js';

/** The keychain cannot be reached at all, so hubtray cannot keep secrets; there is deliberately no fallback. */
export class KeychainUnavailableError extends CodedError {
  constructor(detail: string, platform: NodeJS.Platform = process.platform) {
    super('unavailable', `${storeName(platform)} is not reachable (${detail}). ${advice(platform)}`);
    this.name = 'KeychainUnavailableError';
  }
}

/** The keychain was reached but refused one operation (e.g. an ambiguous or too-long entry). */
export class KeychainError extends CodedError {
  constructor(operation: string, key: string, detail: string) {
    super('failed', `could not ${operation} "${key}" in the keychain: ${detail}`);
    this.name = 'KeychainError';
  }
}

function storeName(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'hubtray keeps secrets in the macOS Keychain, and it';
    case 'win32':
      return 'hubtray keeps secrets in the Windows Credential Manager, and it';
    default:
      return 'hubtray keeps secrets in the Secret Service (gnome-keyring or KeePassXC), and it';
  }
}

function advice(platform: NodeJS.Platform): string {
  switch (platform) {
    case 'darwin':
      return 'Unlock your login keychain in Keychain Access and try again.';
    case 'win32':
      return 'Make sure the Credential Manager service is running and try again.';
    default:
      // libdbus reads DBUS_SESSION_BUS_ADDRESS once per process, so a fixed session needs a new hubtray process.
      // `gnome-keyring-daemon --start` is no advice: it creates no login keyring, and a second daemon on a session
      // takes the bus name from the first. build/headless-keyring.sh does each step once, and says what it found.
      return (
        'Install gnome-keyring and start it in your D-Bus session (`sudo apt install gnome-keyring dbus`): on a desktop, ' +
        'log in to it; on a machine without one, run `eval "$(build/headless-keyring.sh)"` in hubtray\'s folder, which ' +
        'asks for the login keyring\'s password (or reads it from standard input), creates or unlocks that keyring, and ' +
        'starts nothing when one already answers. Or turn on the Secret Service integration of KeePassXC. If one runs, ' +
        'check that DBUS_SESSION_BUS_ADDRESS is set and the keyring is unlocked. Then restart hubtray.'
      );
  }
}
