/**
 * Real Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (`npx playwright install`
 * cannot download here). When Chromium is missing it is installed with the CI step (.ci/setup.d/20-chromium.sh,
 * apt-get); when that is impossible the test fails with the command to run — it never skips.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
const INSTALL_STEP = join(__dirname, '..', '..', '.ci', 'setup.d', '20-chromium.sh');

export function ensureChromium(): string {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  try {
    execFileSync('bash', [INSTALL_STEP], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 15 * 60_000 });
  } catch (err) {
    throw new Error(
      `the browser tests need Chromium at ${CHROMIUM}, and installing it failed (${(err as Error).message.split('\n')[0]}). ` +
        'Install it with `sudo apt-get update && sudo apt-get install -y chromium` (or run `bash .ci/setup.d/20-chromium.sh` as root), then run the tests again.',
    );
  }
  if (!existsSync(CHROMIUM)) throw new Error(`apt-get finished but ${CHROMIUM} is still missing: install the Debian package "chromium"`);
  return CHROMIUM;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A fresh page of the status page at `url`, open once its live updates are: it records console errors, uncaught
 * exceptions and dialogs (an alert would mean script ran; a confirm the page asks is accepted).
 */
export async function openStatusPage(browser: Browser, t: TestContext, url: string, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  t.after(() => context.close());
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('dialog', (d) => {
    if (d.type() === 'confirm') void d.accept();
    else {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    }
  });
  await page.goto(url);
  await page.waitForFunction(() => document.getElementById('live')?.dataset.state === 'open');
  return { page, problems };
}
