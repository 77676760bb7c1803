// End to end in headless Chromium: the example admin console (embedding the
// real plugin) with the stand-in Wise-Pay (run with --test-controls on, so
// the test can revoke the merchant's key, slow Wise-Pay down and count the
// sign-in sessions it created).
//
// The walk: an admin saves a key Wise-Pay does not know and is shown the
// field at fault, focused; tests the demo key without losing it and saves it
// from the answer; a payer's invoice link opens "Opening Wise-Pay..." in a
// new tab and then the Wise-Pay dashboard, signed in; a double click costs
// Wise-Pay one session; without JavaScript the page's button gets there too;
// a non-payer is refused with the registration button; when Wise-Pay drops
// the key, the next click is refused, the links disappear and the admin sees
// the health banner; with Enabled off the invoices show no links; the key is
// removed after a confirmation; History lists the saves. axe-core checks the
// pages on the way, and no page may break the Content-Security-Policy.
//
// Usage: node console.e2e.mjs CONSOLE_BIN STANDIN_BIN OUTPUT_DIR
// Screenshots along the way (numbered in the order taken), the two programs'
// logs and the accessibility report (axe-report.json, axe-summary.txt) go to
// OUTPUT_DIR.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [consoleBin, standinBin, outputDir] = process.argv.slice(2);
const DEMO_KEY = 'wp_demo_3f9a7c2e41b8d6a5';
const UNKNOWN_KEY = 'wp_live_0123456789abcdef';  // well formed, but no merchant has it
// A slow Wise-Pay: longer than the 4 s after which the Opening page says so,
// well within the plugin's deadline (8 s in the config below).
const SLOW_MS = 5000;
const results = { passed: 0, failed: 0 };
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const axeReport = [];
const cspViolations = [];

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
  child.log = () => Buffer.concat(log).toString('utf8');
  return child;
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

// Runs axe-core in the page (injected through the DevTools protocol, which
// the page's CSP does not govern) and records the violations by impact.
async function axeCheck(page, name) {
  await page.evaluate(axeSource);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  axeReport.push({ page: name, url: page.url(), violations: found });
  const grave = found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(grave.length === 0, `axe: no serious or critical violation on ${name}` +
    (grave.length ? ` (${grave.map((v) => `${v.impact} ${v.id}: ${v.nodes.join(', ')}`).join('; ')})` : ''));
}

function writeAxeReport() {
  writeFileSync(join(outputDir, 'axe-report.json'), JSON.stringify(axeReport, null, 2));
  const impacts = ['critical', 'serious', 'moderate', 'minor'];
  const lines = [`axe-core ${JSON.parse(readFileSync(createRequire(import.meta.url).resolve('axe-core/package.json'), 'utf8')).version}: violations by impact`];
  for (const { page, violations } of axeReport) {
    const counts = impacts.map((i) => `${i} ${violations.filter((v) => v.impact === i).length}`).join(', ');
    lines.push(`${page}: ${counts}`);
    for (const v of violations) lines.push(`  ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} node(s))`);
  }
  writeFileSync(join(outputDir, 'axe-summary.txt'), lines.join('\n') + '\n');
}

function watchCsp(page) {
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(`${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => cspViolations.push(`${page.url()}: script error ${error.message}`));
}

async function main() {
  // Start empty, so that what the folder shows is this run's and no
  // screenshot left by an older version of the walkthrough passes for one.
  rmSync(outputDir, { recursive: true, force: true });
  mkdirSync(outputDir, { recursive: true });
  const work = mkdtempSync(join(outputDir, 'run-'));
  const standin = start(standinBin, ['--port', '0', '--port-file', join(work, 'standin.port'),
    '--test-controls', 'on'], join(outputDir, 'standin.log'));
  let consoleProcess;
  let browser;
  try {
    const standinBase = `http://127.0.0.1:${await waitForFile(join(work, 'standin.port'))}`;
    const control = async (path, body) => {
      const res = await fetch(`${standinBase}/_standin/${path}`, {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`stand-in control ${path}: ${res.status}`);
    };
    const sessionsCreated = async () =>
      (await (await fetch(`${standinBase}/_standin/stats`)).json()).sso_sessions_created;

    writeFileSync(join(work, 'config.json'), JSON.stringify({
      database_path: join(work, 'settings.db'),
      master_key: { source: 'file', path: join(work, 'master.key'), create: true },
      wisepay_base_url: standinBase,
      allow_insecure_http: true,
      deadline_ms: 8000,
    }));
    consoleProcess = start(consoleBin, ['--config-file', join(work, 'config.json'), '--port', '0',
      '--port-file', join(work, 'console.port')], join(outputDir, 'console.log'));
    const base = `http://127.0.0.1:${await waitForFile(join(work, 'console.port'))}`;

    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // Far from UTC, so that the page's local times visibly differ from it.
    const context = await browser.newContext({ timezoneId: 'Pacific/Auckland' });
    context.on('page', watchCsp);
    const page = await context.newPage();
    const shot = (p, name) => p.screenshot({ path: join(outputDir, name), fullPage: true });
    const signInAs = async (who) => {
      await page.goto(`${base}/`);
      await page.click(`#login-${who}`);
    };
    const adminPage = `${base}/admin/integrations/wisepay`;
    const save = () => Promise.all([page.waitForNavigation(), page.click('#settings-form button[value="save"]')]);
    const newTab = async (click) => {
      const [tab] = await Promise.all([context.waitForEvent('page'), click()]);
      return tab;
    };
    const refusalShown = (tab) => tab.waitForSelector('#refusal:not([hidden])', { timeout: 15000 });

    // 1. A key Wise-Pay does not know is refused at save, on its field.
    await signInAs('ada');
    await page.goto(adminPage);
    check(await page.isVisible('input[name="api_key"][type="password"]'), 'the API Key field is a password input');
    check((await page.textContent('#state-api_key')).includes('No key saved.'), 'the page says no key is saved');
    await axeCheck(page, 'Wise-Pay page, nothing saved');
    await page.fill('input[name="api_key"]', UNKNOWN_KEY);
    await page.check('input[name="enabled"]');
    await save();
    const fieldError = (await page.textContent('#error-api_key')) || '';
    check(fieldError.includes('Wise-Pay does not accept this key'), `a key Wise-Pay does not know is refused at save: "${fieldError.trim().slice(0, 60)}..."`);
    check(await page.getAttribute('#input-api_key', 'aria-invalid') === 'true', 'the field is aria-invalid');
    check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'input-api_key', 'and has the focus');
    check(await page.evaluate(() => getComputedStyle(document.getElementById('input-api_key')).borderTopColor) !== 'rgb(138, 150, 165)',
      'and is highlighted');
    check(await page.getAttribute('#page-message', 'role') === 'alert', 'the banner is an alert');
    check((await page.inputValue('#input-api_key')) === '' && !(await page.content()).includes(UNKNOWN_KEY), 'the refused key is not echoed');
    await shot(page, '01-save-time-field-error.png');
    await axeCheck(page, 'Wise-Pay page, field error');

    // 2. Test connection keeps the typed key; Save is offered in the answer.
    await page.fill('input[name="api_key"]', DEMO_KEY);
    await page.click('#settings-form button[value="test_connection"]');
    await page.waitForSelector('#page-message.success', { timeout: 15000 });
    check((await page.textContent('#page-message')).includes('Connected to Demo Merchant.'), 'Test connection names the merchant');
    check((await page.inputValue('#input-api_key')) === DEMO_KEY, 'the typed key is still in the field');
    check(await page.getAttribute('#input-api_key', 'aria-invalid') === null, 'the old field error is cleared');
    check(await page.isVisible('#save-tested-key'), 'the answer offers Save Settings');
    await shot(page, '02-test-connection-offers-save.png');
    await page.check('input[name="enabled"]');
    await Promise.all([page.waitForNavigation(), page.click('#save-tested-key')]);
    check(((await page.textContent('#page-message')) || '').includes('Settings saved.'), 'saving from the answer works');

    // 3. After a reload: the saved key as text, masked; times in local time.
    await page.goto(adminPage);
    check((await page.textContent('#state-api_key')).includes('Key ending in d6a5 saved.'), 'the page says "Key ending in d6a5 saved."');
    check(((await page.getAttribute('input[name="api_key"]', 'placeholder')) || '').includes('d6a5'), 'the placeholder says so too');
    check(!(await page.content()).includes(DEMO_KEY), 'the page never holds the key');
    const saved = page.locator('#last-saved time');
    const savedText = await saved.textContent();
    check(!savedText.includes('UTC') && (await saved.getAttribute('title')).endsWith('UTC'),
      `times are shown in the reader's zone ("${savedText}", title "${await saved.getAttribute('title')}")`);
    await shot(page, '03-key-saved.png');
    await axeCheck(page, 'Wise-Pay page, key saved, history');

    // 4. Pat: no admin link; invoice links open in a new tab.
    await signInAs('pat');
    await page.goto(`${base}/invoices`);
    check(await page.locator('#nav-integration').count() === 0, 'Pat does not see the admin link');
    const link = page.locator('a.pay-link').first();
    check((await link.getAttribute('target')) === '_blank', 'invoice links open a new tab');
    check((await link.getAttribute('rel') || '') === 'noopener noreferrer', 'with rel="noopener noreferrer"');
    await shot(page, '04-invoices-as-payer.png');
    await axeCheck(page, 'invoices with links');

    // 5. A slow Wise-Pay: the new tab says what is going on, then lands on
    //    the dashboard, with no sign-in link left in its history.
    await control('api-delay', { ms: SLOW_MS });
    let before = await sessionsCreated();
    const opening = await newTab(() => link.click());
    await opening.waitForSelector('#open-heading');
    check((await opening.textContent('#open-heading')).startsWith('Opening Wise-Pay'), 'the new tab says "Opening Wise-Pay..."');
    check(await opening.isVisible('#open-progress'), 'and shows progress');
    await shot(opening, '05-opening-wise-pay.png');
    await opening.waitForFunction(() => document.getElementById('open-status').textContent.includes('longer than usual'), null, { timeout: 6000 })
      .then(() => check(true, 'a slow Wise-Pay: the tab says it is taking longer than usual'),
        () => check(false, 'a slow Wise-Pay: the tab says it is taking longer than usual'));
    await opening.waitForURL(`${standinBase}/dashboard`, { timeout: 20000 });
    const signedIn = (await opening.textContent('#signed-in-as').catch(() => '')) || '';
    check(signedIn.includes('Pat Payer'), `then the Wise-Pay dashboard, signed in: "${signedIn.trim()}"`);
    check(await opening.evaluate(() => window.opener === null), 'the new tab has no opener');
    check(await opening.evaluate(() => history.length) === 1, 'the tab history holds only the dashboard');
    check(await sessionsCreated() - before === 1, 'one click, one Wise-Pay session');
    await shot(opening, '06-dashboard-signed-in.png');
    await opening.close();

    // 6. A double click opens two tabs but one Wise-Pay session.
    before = await sessionsCreated();
    const tabs = [];
    const collect = (tab) => tabs.push(tab);
    context.on('page', collect);
    await page.locator('a.pay-link').nth(1).dblclick();
    const until = Date.now() + 10000;
    while (tabs.length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    context.off('page', collect);
    check(tabs.length === 2, `a double click opens two tabs (${tabs.length})`);
    const outcomes = await Promise.all(tabs.map(async (tab) => {
      const landed = await Promise.race([
        tab.waitForURL(`${standinBase}/dashboard`, { timeout: 20000 }).then(() => 'dashboard'),
        refusalShown(tab).then(() => 'refused'),
      ]).catch(() => 'stuck');
      return { tab, landed };
    }));
    check(outcomes.filter((o) => o.landed === 'dashboard').length === 1, 'one tab reaches the dashboard');
    const second = outcomes.find((o) => o.landed === 'refused');
    const secondText = second ? await second.tab.textContent('#refusal-message') : '';
    check(secondText.includes('already opening') && secondText.includes('another tab'), `the other says so: "${secondText}"`);
    check(await sessionsCreated() - before === 1, 'and Wise-Pay counted one sign-in session for the double click');
    if (second) await shot(second.tab, '07-double-click-second-tab.png');
    for (const { tab } of outcomes) await tab.close();
    await control('api-delay', { ms: 0 });

    // 7. Without JavaScript, the Opening page's button gets there too (and
    //    the CSP lets its form end up at Wise-Pay).
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    noScript.on('page', watchCsp);
    const plain = await noScript.newPage();
    await plain.goto(`${base}/`);
    await plain.click('#login-pat');
    await plain.goto(`${base}/invoices`);
    // Followed in the same tab: a popup's first document can be parsed
    // before Playwright switches its scripts off, and then shows no
    // <noscript> content.
    await plain.goto(base + await plain.locator('a.pay-link').nth(2).getAttribute('href'));
    const plainTab = plain;
    await plainTab.waitForSelector('#continue-without-script');
    await Promise.all([plainTab.waitForURL(`${standinBase}/dashboard`, { timeout: 20000 }), plainTab.click('#continue-without-script')]);
    check((await plainTab.textContent('#signed-in-as')).includes('Pat Payer'), 'without JavaScript, Continue opens the dashboard');
    await noScript.close();

    // 8. Nora is not a payer: the Opening page shows the refusal and the
    //    registration button.
    await signInAs('nora');
    await page.goto(`${base}/invoices`);
    const refusal = await newTab(() => page.locator('a.pay-link').first().click());
    await refusalShown(refusal);
    const refusalText = (await refusal.textContent('#refusal-message')) || '';
    check(refusalText.includes('no payer'), `a non-payer is refused: "${refusalText.slice(0, 70)}..."`);
    check((await refusal.textContent('#open-heading')).startsWith('Wise-Pay could not open'), 'the heading says Wise-Pay could not open it');
    check((await refusal.textContent('#help-link')) === 'Register as a Wise-Pay payer' &&
          (await refusal.getAttribute('#help-link', 'href')) === `${standinBase}/payers/register`,
    'with a "Register as a Wise-Pay payer" button');
    check(!refusal.url().startsWith(standinBase), 'and stays on the portal');
    await shot(refusal, '08-non-payer-refused.png');
    await axeCheck(refusal, 'Opening Wise-Pay page, refused');
    await refusal.close();

    // 9. Wise-Pay stops accepting the key: the next click is refused with a
    //    support id, the links go, and the admin sees the health banner.
    await control('merchants/m_demo/key', { revoked: true });
    await signInAs('pat');
    await page.goto(`${base}/invoices`);
    const rejected = await newTab(() => page.locator('a.pay-link').first().click());
    await refusalShown(rejected);
    check(/\S/.test(await rejected.textContent('#correlation-id')) && await rejected.isVisible('#support'),
      'a click with a rejected key is refused with a support id');
    check(!/admin|settings|config/i.test(await rejected.textContent('#refusal-message')), 'in words for the portal user');
    await shot(rejected, '09-key-rejected-refused.png');
    await rejected.close();
    await page.goto(`${base}/invoices`);
    check(await page.locator('a.pay-link').count() === 0 && await page.isVisible('#pay-unavailable'),
      'then the invoices show no links, only a note');
    await shot(page, '10-invoices-without-links-key-rejected.png');
    await signInAs('ada');
    await page.goto(adminPage);
    const banner = (await page.textContent('#health-banner').catch(() => '')) || '';
    check(banner.includes('rejects the saved API key') && banner.includes('Copy the key again'),
      'the admin sees what is wrong and what to do');
    check(await page.locator('#health-banner time').count() === 2, 'since when, and the last click that worked');
    await shot(page, '11-health-banner.png');
    await axeCheck(page, 'Wise-Pay page, health banner');

    // 10. Wise-Pay takes the key again; saving it clears the banner.
    await control('merchants/m_demo/key', { revoked: false });
    await page.fill('input[name="api_key"]', DEMO_KEY);
    await save();
    check(await page.locator('#health-banner').count() === 0, 'a newly saved key clears the banner');

    // 11. Enabled off: the invoices show no links at all.
    await page.uncheck('input[name="enabled"]');
    await save();
    check(!(await page.isChecked('input[name="enabled"]')), 'Enabled is unticked and saved');
    await signInAs('pat');
    await page.goto(`${base}/invoices`);
    check(await page.locator('a.pay-link').count() === 0, 'while disabled the invoices have no links');
    check((await page.textContent('#pay-unavailable')).includes('not available'), 'but a short note');
    await shot(page, '12-invoices-disabled-no-links.png');
    await axeCheck(page, 'invoices without links');

    // 12. Remove key, after a confirmation.
    await signInAs('ada');
    await page.goto(adminPage);
    await Promise.all([page.waitForNavigation(), page.click('#remove-api_key')]);
    check((await page.textContent('#remove-what')).includes('d6a5'), 'Remove key asks first, naming the key');
    await shot(page, '13-remove-key-confirm.png');
    await axeCheck(page, 'Remove key confirmation');
    await Promise.all([page.waitForNavigation(), page.click('#confirm-remove')]);
    check((await page.textContent('#page-message')).includes('API key removed.'), 'the key is removed');
    check((await page.textContent('#state-api_key')).includes('No key saved.') &&
          await page.locator('#remove-api_key').count() === 0, 'the page says no key is saved');
    await shot(page, '14-key-removed.png');

    // 13. History lists the saves, newest first, with who and when.
    const entries = page.locator('#history-entries li');
    const texts = (await entries.allInnerTexts()).map((t) => t.trim().replace(/\s+/g, ' '));
    // The saves of this walk: the key with Enabled, the key again, Enabled
    // off, the key removed.
    check(texts.length === 4 && texts[0].startsWith('API key removed') && texts.every((t) => t.includes('ada.admin@example.com')),
      `History lists the ${texts.length} saves, newest first: "${texts[0] || ''}"`);
    check(texts[1].startsWith('Enabled turned off') && texts[2].startsWith('API key replaced') &&
          texts[3].includes('API key set') && texts[3].includes('Enabled turned on'),
    `each with what changed: ${texts.map((t) => `"${t.split(' ada.')[0]}"`).join(', ')}`);
    check(texts.every((t, i) => t.endsWith(`version ${4 - i}`)), 'and the version it made');
    await page.locator('#history').screenshot({ path: join(outputDir, '15-history.png') });

    check(cspViolations.length === 0, `no page broke the Content-Security-Policy or threw${cspViolations.length ? ': ' + cspViolations.join(' | ') : ''}`);
    const consoleLog = consoleProcess.log();
    check(!consoleLog.includes('token=') && !consoleLog.includes(DEMO_KEY), "the console's log holds no sign-in link and no key");
  } finally {
    writeAxeReport();
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
