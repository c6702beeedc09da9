// The forms as a person meets them, in Debian's Chromium on the page `hubtray serve` prints: a port typed wrong in
// the SSH editor says so in words and outlines the field, a misspelt setting in the JSON gets "did you mean", and
// the keyboard looks through the Start page's systems without opening each one, and the Host field offers the
// aliases of the user's ssh config. No SSH host is reached: nothing here connects, so the hosts need not exist.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHome, startServe, type ServeProcess } from '../fixtures/hubtray-process.js';
import { launchChromium, screenshot } from './browser.js';

let serve: ServeProcess;
let browser: Browser;
let page: Page;
const scratch = mkdtempSync(join(tmpdir(), 'hubtray-forms-'));

beforeAll(async () => {
  // The user's ssh config, as hubtray serve reads it: two hosts of their own, and patterns that are not hosts.
  const sshConfig = join(scratch, 'ssh_config');
  writeFileSync(sshConfig, 'Host cluster gpu-box\n  User me\nHost *.lab !jump.lab\n  ProxyJump cluster\n');
  process.env.HUBTRAY_SSH_CONFIG = sshConfig;
  const host = (name: string) => ({ kind: 'ssh', host: `${name}.example.org` });
  serve = await startServe(makeHome({ systems: { alpha: host('alpha'), beta: host('beta'), gamma: host('gamma') } }));
  let uiUrl: string | undefined;
  for (let i = 0; i < 100 && !uiUrl; i++) {
    uiUrl = /^UI: (\S+)$/m.exec(serve.output().stdout)?.[1];
    if (!uiUrl) await new Promise((r) => setTimeout(r, 50));
  }
  if (!uiUrl) throw new Error(`hubtray serve printed no UI address:\n${serve.output().stdout}`);
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
  await page.goto(uiUrl);
  await page.waitForFunction(() => !location.href.includes('token'));
});

afterAll(async () => {
  await browser?.close();
  await serve?.stop();
  delete process.env.HUBTRAY_SSH_CONFIG;
  if (serve) rmSync(serve.home, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});

async function go(hash: string): Promise<void> {
  await page.evaluate((h) => (location.hash = h), hash);
}

const hash = () => page.evaluate(() => location.hash);

/** The colour `var(--bad)` has on this page, as computed styles give it. */
const badColour = () =>
  page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--bad)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });

describe('forms for people, in a real browser against hubtray serve', () => {
  it('a port typed one digit too long in the SSH editor: worded message under Port and the field marked invalid', async () => {
    await go('#/add-system/ssh');
    await page.getByLabel('Host', { exact: true }).fill('cluster.example.org');
    const port = page.getByLabel('Port', { exact: true });
    await port.fill('70000');
    const field = page.locator('.field', { has: port });
    await expect.poll(() => field.locator('.field-error').textContent()).toBe('Port must be between 1 and 65535');
    expect(await port.getAttribute('aria-invalid')).toBe('true');
    // The error is what a screen reader hears with the field.
    const describedBy = (await port.getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain(await field.locator('.field-error').getAttribute('id'));
    expect(await page.locator('form').textContent()).not.toMatch(/Too big|expected number|<=/);
    await screenshot(page, 'forms-01-bad-port');
  });

  it('the invalid port is outlined in the error colour, which the valid host beside it is not', async () => {
    const port = page.getByLabel('Port', { exact: true });
    expect(await port.getAttribute('aria-invalid')).toBe('true');
    const border = await port.evaluate((el) => getComputedStyle(el).borderTopColor);
    const valid = await page.getByLabel('Host', { exact: true }).evaluate((el) => getComputedStyle(el).borderTopColor);
    expect(valid).not.toBe(await badColour());
    expect(border).toBe(await badColour());
  });

  it('a corrected port clears the message and the mark', async () => {
    const port = page.getByLabel('Port', { exact: true });
    await port.fill('2222');
    await expect.poll(() => port.getAttribute('aria-invalid')).toBe('false');
    expect(await page.locator('.field', { has: port }).locator('.field-error').textContent()).toBe('');
  });

  it('"Add an SSH host" offers the Host aliases of the ssh config in the Host field, without the patterns', async () => {
    const host = page.getByLabel('Host', { exact: true });
    const list = await host.getAttribute('list');
    expect(list).toBeTruthy();
    await expect.poll(() => page.locator(`datalist[id="${list}"] option`).evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(['cluster', 'gpu-box']);
  });

  it('a misspelt setting in the advanced JSON: "did you mean notebook_dir?"', async () => {
    await page.getByText('Advanced settings (JSON)').click();
    const json = page.getByLabel('Other settings');
    await json.fill('{"notbook_dir": "~/work"}');
    await expect.poll(() => page.locator('.field', { has: json }).locator('.field-error').textContent()).toBe('Unknown setting "notbook_dir" (did you mean notebook_dir?)');
    expect(await json.getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'forms-02-did-you-mean');
  });

  it('arrow keys look through the Start page systems without opening one; Space and a click open it', async () => {
    await go('#/start');
    const radio = (name: string) => page.locator(`input[type="radio"][value="${name}"]`);
    await radio('alpha').waitFor();
    const focused = () => page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.value);
    await radio('alpha').focus();

    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('beta');
    expect(await hash()).toBe('#/start');
    expect(await radio('beta').isChecked()).toBe(false);
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('gamma');
    // Past the last, round to the first, as a radio group does; up goes back.
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toBe('alpha');
    await page.keyboard.press('ArrowUp');
    expect(await focused()).toBe('gamma');
    await page.keyboard.press('ArrowLeft');
    expect(await focused()).toBe('beta');
    expect(await hash()).toBe('#/start');
    await screenshot(page, 'forms-03-radios-focus-only');

    await page.keyboard.press('Space');
    await expect.poll(hash).toBe('#/start/beta');
    // The radio follows the address, a render after the hash change: waited for, not read at the instant.
    await expect.poll(() => radio('beta').isChecked()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Start on beta' }).isVisible()).toBe(true);

    // With a system open, the arrows still only move the focus.
    await radio('beta').focus();
    await page.keyboard.press('ArrowRight');
    expect(await focused()).toBe('gamma');
    expect(await hash()).toBe('#/start/beta');
    expect(await radio('beta').isChecked()).toBe(true);

    await page.locator('label.system-option', { has: radio('alpha') }).click();
    await expect.poll(hash).toBe('#/start/alpha');
    await expect.poll(() => radio('alpha').isChecked()).toBe(true);
  });
});
