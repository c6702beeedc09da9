// Debian's Chromium, driven by playwright-core (Playwright's own browser download is not used). The flags keep it
// off the network: this machine has none, and Chromium would otherwise keep trying to reach Google's services.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const shots = fileURLToPath(new URL('../../test-results/renderer/', import.meta.url));

/** Saves a full-page screenshot of the step under test-results/renderer/, for a person to look at. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}
