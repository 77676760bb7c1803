// End to end in headless Chromium: the example admin console (embedding the
// real plugin) with the stand-in Wise-Pay. An admin sets the key, a
// payer clicks an invoice and lands signed in on the Wise-Pay dashboard in a
// new tab, a non-payer is refused, and unticking Enabled refuses everyone.
//
// Usage: node console.e2e.mjs CONSOLE_BIN STANDIN_BIN OUTPUT_DIR
// Screenshots of every step go to OUTPUT_DIR.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [consoleBin, standinBin, outputDir] = process.argv.slice(2);
const DEMO_KEY = 'wp_demo_3f9a7c2e41b8d6a5';
const results = { passed: 0, failed: 0 };

function check(condition, what) {
  console.log(`${condition ? 'ok  ' : 'FAIL'} ${what}`);
  results[condition ? 'passed' : 'failed'] += 1;
}

async function waitForFile(path, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(path) && readFileSync(path, 'utf8').trim()) return readFileSync(path, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${path}`);
}

function start(bin, args, logPath) {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = [];
  child.stdout.on('data', (d) => log.push(d));
  child.stderr.on('data', (d) => log.push(d));
  child.on('exit', () => writeFileSync(logPath, Buffer.concat(log)));
  return child;
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

async function main() {
  mkdirSync(outputDir, { recursive: true });
  const work = mkdtempSync(join(outputDir, 'run-'));
  const standin = start(standinBin, ['--port', '0', '--port-file', join(work, 'standin.port')], join(outputDir, 'standin.log'));
  let consoleProcess;
  let browser;
  try {
    const standinBase = `http://127.0.0.1:${await waitForFile(join(work, 'standin.port'))}`;
    writeFileSync(join(work, 'config.json'), JSON.stringify({
      database_path: join(work, 'settings.db'),
      master_key: { source: 'file', path: join(work, 'master.key'), create: true },
      wisepay_base_url: standinBase,
      allow_insecure_http: true,
    }));
    consoleProcess = start(consoleBin, ['--config-file', join(work, 'config.json'), '--port', '0',
      '--port-file', join(work, 'console.port')], join(outputDir, 'console.log'));
    const base = `http://127.0.0.1:${await waitForFile(join(work, 'console.port'))}`;

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const shot = (p, name) => p.screenshot({ path: join(outputDir, name), fullPage: true });
    const signInAs = async (who) => {
      await page.goto(`${base}/`);
      await page.click(`#login-${who}`);
    };
    const adminPage = `${base}/admin/integrations/wisepay`;
    const save = () => Promise.all([page.waitForLoadState(), page.click('button:has-text("Save Settings")')]);

    // 1. A wrong key gets a field error beside the API Key field.
    await signInAs('ada');
    await page.goto(adminPage);
    check(await page.isVisible('input[name="api_key"][type="password"]'), 'the API Key field is a password input');
    check(await page.isVisible('input[name="enabled"][type="checkbox"]'), 'Enabled is a checkbox');
    await page.fill('input[name="api_key"]', 'not a real key');
    await page.check('input[name="enabled"]');
    await save();
    const fieldError = (await page.textContent('#error-api_key')) || '';
    check(fieldError.trim().length > 0, `a wrong key shows a field error: "${fieldError.trim()}"`);
    await shot(page, '01-wrong-key-field-error.png');

    // 2. The demo key with Enabled saves.
    await page.fill('input[name="api_key"]', DEMO_KEY);
    await page.check('input[name="enabled"]');
    await save();
    check(((await page.textContent('#page-message')) || '').includes('saved'), 'the demo key saves');
    await shot(page, '02-saved.png');

    // 3. After a reload the key is masked: only its last four show.
    await page.goto(adminPage);
    const placeholder = await page.getAttribute('input[name="api_key"]', 'placeholder');
    check((placeholder || '').includes('d6a5'), `the key shows masked: "${placeholder}"`);
    check((await page.inputValue('input[name="api_key"]')) === '', 'the key field is empty');
    check(!(await page.content()).includes(DEMO_KEY), 'the page never holds the key');
    check(await page.isChecked('input[name="enabled"]'), 'Enabled stays checked');
    await shot(page, '03-key-masked-after-reload.png');

    // 4. Pat, a payer, clicks an invoice: a new tab lands signed in on the dashboard.
    await signInAs('pat');
    await page.goto(`${base}/invoices`);
    const link = page.locator('a.pay-link').first();
    check((await link.getAttribute('target')) === '_blank', 'invoice links open a new tab');
    check((await link.getAttribute('rel') || '').includes('noopener') &&
          (await link.getAttribute('rel') || '').includes('noreferrer'), 'with rel="noopener noreferrer"');
    await shot(page, '04-invoices-as-payer.png');
    const [dashboard] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await dashboard.waitForLoadState();
    check(dashboard.url().startsWith(`${standinBase}/dashboard`), `the new tab is the Wise-Pay dashboard (${dashboard.url()})`);
    const signedIn = (await dashboard.textContent('#signed-in-as').catch(() => '')) || '';
    check(signedIn.includes('Pat Payer') && signedIn.includes('pat.payer@example.com'),
      `signed in as the payer: "${signedIn.trim()}"`);
    check(await dashboard.evaluate(() => window.opener === null), 'the new tab has no opener');
    await shot(dashboard, '05-dashboard-signed-in.png');
    await dashboard.close();

    // 5. Nora is not a Wise-Pay payer: a friendly refusal.
    await signInAs('nora');
    await page.goto(`${base}/invoices`);
    const [refusal] = await Promise.all([context.waitForEvent('page'), page.locator('a.pay-link').first().click()]);
    await refusal.waitForLoadState();
    const refusalText = (await refusal.textContent('#refusal').catch(() => '')) || '';
    check(refusalText.includes('no payer'), `a non-payer sees the refusal: "${refusalText.trim().slice(0, 80)}"`);
    check(!refusal.url().startsWith(standinBase), 'and stays on the portal');
    await shot(refusal, '06-non-payer-refused.png');
    await refusal.close();

    // 6. Unticking Enabled refuses the payer's links too.
    await signInAs('ada');
    await page.goto(adminPage);
    await page.uncheck('input[name="enabled"]');
    await save();
    check(!(await page.isChecked('input[name="enabled"]')), 'Enabled is unticked and saved');
    await shot(page, '07-disabled.png');
    await signInAs('pat');
    await page.goto(`${base}/invoices`);
    const [disabled] = await Promise.all([context.waitForEvent('page'), page.locator('a.pay-link').first().click()]);
    await disabled.waitForLoadState();
    const disabledText = (await disabled.textContent('#refusal').catch(() => '')) || '';
    check(disabledText.includes('not switched on'), `links are refused when disabled: "${disabledText.trim().slice(0, 80)}"`);
    await shot(disabled, '08-disabled-refused.png');
  } finally {
    if (browser) await browser.close();
    if (consoleProcess) await stop(consoleProcess);
    await stop(standin);
    rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((e) => { check(false, `the run finished: ${e.stack || e}`); })
  .finally(() => {
    console.log(`${results.passed} passed, ${results.failed} failed`);
    process.exitCode = results.failed ? 1 : 0;
  });
