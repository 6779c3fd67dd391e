#!/usr/bin/env node
// Browser checks for the Observatoire's server-rendered pages (accessibility,
// keyboard, responsive layout, no-JS rendering), in Debian's Chromium driven
// by playwright-core. Never downloads a browser, never talks to anything but --base.
//
//   node tests/browser/run.mjs --base http://127.0.0.1:8080 --pages tests/browser/pages.json [--screenshots DIR]
//
// pages.json: [{"name": "accueil", "path": "/", "nojs": true}, ...]
//
// Checks per page (each counts as one "page check" in the summary line):
//   load         main document answers 2xx; no uncaught JS error, no console error
//                (which includes CSP violations and failed sub-resources), no
//                same-origin sub-resource >= 400 or failed, no request to another origin
//                (those are aborted before leaving the browser and reported here)
//   axe          axe-core, WCAG 2.0/2.1 A + AA and best-practice rules, at 1280 px;
//                any violation fails
//   skip-link    first Tab focuses an <a> inside .fr-skiplinks; Enter on it moves to its
//                target (#contenu): URL fragment set, target in the viewport, and the
//                next Tab lands inside or after the target
//   focus        Tab through up to 60 stops: each focused element has a focus
//                indicator (outline-style not none with a width, or a box-shadow, on
//                the element, its ::before/::after, or for a visually hidden input its
//                label) and is visible on screen (in the viewport, not hidden, not
//                covered by another element)
//   overflow-375, overflow-1280   documentElement.scrollWidth <= width + 1 at 375 and 1280 px
//   nojs         (only when "nojs": true) with JavaScript disabled, #contenu has content
//   menu-modal-375 (only when "menu": true) at 375 px the header menu opens with Enter, keeps
//                the focus inside while open, closes with Escape and gives focus back
//   screenshots  (only with --screenshots) full-page PNGs {name}-375.png, {name}-1280.png
//
// Exit code 0 when every check passed, 1 otherwise (2 for bad arguments). The last line
// printed is always exactly "N passed, M failed".

import { readFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Flags from the machine notes: without the background-networking ones, Chromium
// tries to reach Google's hosts at every start. chromium.launch() gives the browser
// a fresh temporary --user-data-dir of its own and deletes it on close.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];
const MAX_TAB_STOPS = 60;
const MOBILE = { width: 375, height: 800 };
const DESKTOP = { width: 1280, height: 800 };
const NAV_TIMEOUT = 30_000;

let passed = 0;
let failed = 0;

function summaryAndExit(code) {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(code ?? (failed > 0 ? 1 : 0));
}

function usage(msg) {
  if (msg) console.error(`run.mjs: ${msg}`);
  console.error('usage: node tests/browser/run.mjs --base http://127.0.0.1:PORT --pages tests/browser/pages.json [--screenshots DIR]');
  failed += 1;
  summaryAndExit(2);
}

function parseArgs(argv) {
  const opts = { base: null, pages: null, screenshots: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const take = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--base') opts.base = take();
    else if (a === '--pages') opts.pages = take();
    else if (a === '--screenshots') opts.screenshots = take();
    else if (a === '-h' || a === '--help') usage();
    else usage(`unknown argument ${a}`);
  }
  if (!opts.base || !opts.pages) usage('--base and --pages are required');
  return opts;
}

function record(page, check, problems) {
  if (problems.length === 0) {
    passed += 1;
    console.log(`ok   ${page} ${check}`);
  } else {
    failed += 1;
    console.log(`FAIL ${page} ${check}`);
    for (const p of problems) console.log(`       ${p.replace(/\n/g, '\n       ')}`);
  }
}

// Runs a check; an exception (timeout, navigation error...) is a failure of that check.
async function check(page, name, fn) {
  let problems;
  try {
    problems = await fn();
  } catch (err) {
    problems = [`error: ${String(err && err.message ? err.message : err).split('\n')[0]}`];
  }
  record(page, name, problems);
}

// A new context per page entry: its own cookies, listeners and network guard.
async function newContext(browser, origin, extra = {}) {
  const context = await browser.newContext({
    viewport: DESKTOP,
    // Deterministic rendering: no animations half-way when we read positions.
    reducedMotion: 'reduce',
    locale: 'fr-FR',
    serviceWorkers: 'block',
    ...extra,
  });
  context.setDefaultNavigationTimeout(NAV_TIMEOUT);
  context.setDefaultTimeout(NAV_TIMEOUT);
  const blocked = [];
  // Never contact anything but --base: every request to another origin is aborted
  // here, inside the browser, and reported by the "load" check.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    let reqOrigin;
    try {
      reqOrigin = new URL(url).origin;
    } catch {
      reqOrigin = null;
    }
    if (reqOrigin === origin) return route.continue();
    blocked.push(url);
    return route.abort('blockedbyclient');
  });
  return { context, blocked };
}

// Collects what goes wrong while a page loads.
function watch(page, origin) {
  const issues = [];
  page.on('pageerror', (err) => issues.push(`uncaught JS error: ${err.message.split('\n')[0]}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') issues.push(`console error: ${msg.text()}`);
  });
  page.on('requestfailed', (req) => {
    if (new URL(req.url()).origin === origin) {
      issues.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
    }
  });
  page.on('response', (res) => {
    if (res.status() >= 400 && res.request().resourceType() !== 'document') {
      issues.push(`HTTP ${res.status()} for ${res.url()}`);
    }
  });
  return issues;
}

async function goto(page, url) {
  const res = await page.goto(url, { waitUntil: 'load' });
  // Web fonts change line breaks and widths: wait for them before measuring.
  await page.evaluate(() => (document.fonts ? document.fonts.ready.then(() => true) : true));
  return res;
}

// ---------------------------------------------------------------------------
// In-page helpers (serialised into the page by page.evaluate).

function describeInPage(el) {
  if (!el || !el.tagName) return String(el);
  let d = el.tagName.toLowerCase();
  if (el.id) d += `#${el.id}`;
  const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
  if (cls.length) d += `.${cls.slice(0, 3).join('.')}`;
  const href = el.getAttribute && el.getAttribute('href');
  if (href) d += `[href="${href}"]`;
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
  if (text) d += ` "${text.slice(0, 40)}${text.length > 40 ? '…' : ''}"`;
  return d;
}

// Facts about document.activeElement: focus indicator and on-screen visibility.
function focusStateInPage() {
  const describe = window.__obsDescribe;
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  window.__obsSeen = window.__obsSeen || new Set();
  const repeated = window.__obsSeen.has(el);
  window.__obsSeen.add(el);

  const transparent = (c) => c === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(c);
  const ring = (cs) => {
    if (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0 && !transparent(cs.outlineColor)) {
      return `outline ${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`;
    }
    if (cs.boxShadow && cs.boxShadow !== 'none') return `box-shadow ${cs.boxShadow}`;
    return null;
  };
  // DSFR draws some rings on pseudo-elements (.fr-enlarge-link a::before) or, for
  // visually hidden checkboxes and radios, on the label's ::before.
  const candidates = [el];
  if (el.labels) candidates.push(...el.labels);
  for (let s = el.nextElementSibling; s; s = s.nextElementSibling) if (s.tagName === 'LABEL') candidates.push(s);
  let indicator = null;
  outer: for (const c of candidates) {
    for (const pseudo of [null, '::before', '::after']) {
      const r = ring(getComputedStyle(c, pseudo));
      if (r) {
        indicator = `${c === el ? '' : 'label '}${pseudo || ''} ${r}`.trim();
        break outer;
      }
    }
  }

  const onScreen = (node) => {
    const r = node.getBoundingClientRect();
    if (r.width <= 0 || r.height <= 0) return { ok: false, why: 'has no size' };
    if (node.checkVisibility && !node.checkVisibility({ opacityProperty: true, visibilityProperty: true })) {
      return { ok: false, why: 'is hidden (display, visibility or opacity)' };
    }
    const left = Math.max(r.left, 0);
    const right = Math.min(r.right, window.innerWidth);
    const top = Math.max(r.top, 0);
    const bottom = Math.min(r.bottom, window.innerHeight);
    if (right <= left || bottom <= top) {
      return { ok: false, why: `is outside the viewport (${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}x${Math.round(r.height)})` };
    }
    const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
    const related = (h) => h && (h === node || node.contains(h) || h.contains(node) || (el.labels && [...el.labels].some((l) => l === h || l.contains(h))));
    if (hit && !related(hit)) return { ok: false, why: `is covered by ${describe(hit)}` };
    return { ok: true };
  };
  let vis = onScreen(el);
  if (!vis.ok && el.labels && el.labels.length) {
    // Visually hidden native input (DSFR checkbox, radio, toggle): its label is what shows.
    const lv = onScreen(el.labels[0]);
    if (lv.ok) vis = lv;
  }
  return { desc: describe(el), repeated, indicator, visible: vis.ok, why: vis.why || null };
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let baseUrl;
  try {
    baseUrl = new URL(opts.base);
  } catch {
    usage(`--base is not a URL: ${opts.base}`);
  }
  const origin = baseUrl.origin;
  let pages;
  try {
    pages = JSON.parse(readFileSync(opts.pages, 'utf8'));
    if (!Array.isArray(pages) || pages.some((p) => !p || typeof p.name !== 'string' || typeof p.path !== 'string')) {
      throw new Error('expected an array of {"name": string, "path": string, "nojs"?: bool}');
    }
  } catch (err) {
    usage(`cannot read ${opts.pages}: ${err.message}`);
  }
  if (opts.screenshots) mkdirSync(opts.screenshots, { recursive: true });

  // axe-core is vendored (scripts/update-dsfr.sh) so this needs no node_modules lookup.
  const axeSource = readFileSync(path.join(HERE, 'vendor', 'axe.min.js'), 'utf8');

  process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD = '1';
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  } catch (err) {
    console.log(`FAIL launch ${CHROMIUM}: ${err.message.split('\n')[0]}`);
    failed += 1;
    summaryAndExit(1);
  }

  for (const entry of pages) {
    const url = new URL(entry.path, baseUrl).href;
    const name = entry.name;
    console.log(`# ${name} ${url}`);
    const { context, blocked } = await newContext(browser, origin);
    try {
      const page = await context.newPage();
      // Shared element describer for the in-page helpers. Init scripts are injected by the
      // DevTools protocol, so the page's CSP does not block them (and we need no eval).
      await page.addInitScript(`window.__obsDescribe = ${describeInPage.toString()};`);
      const issues = watch(page, origin);

      // --- load + axe, at 1280 px
      let loaded = false;
      await check(name, 'load', async () => {
        const res = await goto(page, url);
        loaded = true;
        const problems = [];
        if (!res) problems.push('no response for the main document');
        else if (res.status() < 200 || res.status() >= 300) problems.push(`HTTP ${res.status()} for ${res.url()}`);
        problems.push(...issues);
        problems.push(...blocked.map((u) => `blocked request to another origin: ${u}`));
        return problems;
      });

      await check(name, 'axe', async () => {
        if (!loaded) await goto(page, url);
        // The site sends `Content-Security-Policy: script-src 'self'`, so
        // page.addScriptTag({path}) — which inserts an inline <script> with the file's
        // content — is refused by the page's CSP and `axe` stays undefined.
        // page.evaluate() runs the source through the DevTools protocol
        // (Runtime.evaluate), which CSP does not govern, in the page's main world.
        // We do not use bypassCSP: true, which would disable the CSP for the whole page
        // and hide real CSP violations from the "load" check.
        await page.evaluate(`${axeSource}\n;true`);
        const results = await page.evaluate(
          (tags) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] }),
          AXE_TAGS,
        );
        console.log(`       (axe ${results.testEngine.version}: ${results.passes.length} rules passed, ${results.violations.length} violated, ${results.incomplete.length} need review, ${results.inapplicable.length} inapplicable)`);
        const problems = [];
        for (const v of results.violations) {
          const lines = [`[${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`];
          const shown = v.nodes.slice(0, 20);
          for (const n of shown) lines.push(`  - ${n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' >> ')}`);
          if (v.nodes.length > shown.length) lines.push(`  … and ${v.nodes.length - shown.length} more`);
          problems.push(lines.join('\n'));
        }
        return problems;
      });

      // --- skip link: first Tab from the top of a fresh load
      await check(name, 'skip-link', async () => {
        await goto(page, url);
        await page.keyboard.press('Tab');
        const first = await page.evaluate(() => {
          const el = document.activeElement;
          const describe = window.__obsDescribe;
          return {
            desc: el && el !== document.body ? describe(el) : '(nothing: focus stayed on <body>)',
            isSkip: !!(el && el.tagName === 'A' && el.closest('.fr-skiplinks')),
            href: el && el.getAttribute ? el.getAttribute('href') : null,
          };
        });
        if (!first.isSkip) return [`first Tab focuses ${first.desc}, expected an <a> inside .fr-skiplinks`];
        if (!first.href || !first.href.startsWith('#') || first.href.length < 2) {
          return [`skip link ${first.desc} has href ${JSON.stringify(first.href)}, expected #id (e.g. #contenu)`];
        }
        const id = decodeURIComponent(first.href.slice(1));
        const problems = [];
        if (id !== 'contenu') console.log(`       note: the first skip link targets #${id}, not #contenu`);
        const exists = await page.evaluate((i) => !!document.getElementById(i), id);
        if (!exists) return [`skip link target #${id} does not exist`];
        await page.keyboard.press('Enter');
        await page.waitForTimeout(100);
        const after = await page.evaluate((i) => {
          const t = document.getElementById(i);
          const r = t.getBoundingClientRect();
          const a = document.activeElement;
          return {
            hash: location.hash,
            inView: r.bottom > 0 && r.top < window.innerHeight - 1,
            top: Math.round(r.top),
            focusInTarget: !!(a && (a === t || t.contains(a))),
          };
        }, id);
        if (decodeURIComponent(after.hash.slice(1)) !== id) problems.push(`after Enter on the skip link, location.hash is "${after.hash}", expected "#${id}"`);
        if (!after.inView) problems.push(`after Enter on the skip link, #${id} is not in the viewport (top=${after.top}px)`);
        if (!after.focusInTarget) {
          // Chromium moves the sequential focus starting point to a non-focusable
          // fragment target: the next Tab must land inside #id or after it.
          await page.keyboard.press('Tab');
          const next = await page.evaluate((i) => {
            const t = document.getElementById(i);
            const a = document.activeElement;
            const describe = window.__obsDescribe;
            if (!a || a === document.body) return { ok: false, desc: '(nothing)' };
            const ok = a === t || t.contains(a) || !!(t.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING);
            return { ok, desc: describe(a) };
          }, id);
          if (!next.ok) problems.push(`after the skip link, the next Tab focuses ${next.desc}, which is before #${id}: focus did not move to the target`);
        }
        return problems;
      });

      // --- focus indicator and visibility over up to 60 Tab stops
      await check(name, 'focus', async () => {
        await goto(page, url);
        const problems = [];
        let stops = 0;
        for (let i = 0; i < MAX_TAB_STOPS; i++) {
          await page.keyboard.press('Tab');
          const st = await page.evaluate(focusStateInPage);
          if (!st || st.repeated) break; // reached the end of the page (or cycled)
          stops += 1;
          if (!st.indicator) problems.push(`stop ${stops}: ${st.desc} has no visible focus indicator (outline none and no box-shadow)`);
          if (!st.visible) problems.push(`stop ${stops}: ${st.desc} ${st.why}`);
        }
        if (stops === 0) problems.push('no focusable element reached with Tab');
        console.log(`       (${stops} tab stop${stops === 1 ? '' : 's'})`);
        return problems;
      });

      if (opts.screenshots) {
        await check(name, 'screenshot-1280', async () => {
          await page.setViewportSize(DESKTOP);
          await goto(page, url);
          await page.screenshot({ path: path.join(opts.screenshots, `${name}-1280.png`), fullPage: true });
          return [];
        });
      }

      // --- horizontal overflow, on a phone and on a desktop screen
      for (const viewport of [MOBILE, DESKTOP]) {
        await check(name, `overflow-${viewport.width}`, async () => {
          await page.setViewportSize(viewport);
          await goto(page, url);
          const r = await page.evaluate((limit) => {
            const describe = window.__obsDescribe;
            const sw = document.documentElement.scrollWidth;
            const wide = [];
            if (sw > limit) {
              for (const el of document.body.querySelectorAll('*')) {
                const rect = el.getBoundingClientRect();
                if (rect.right > limit && rect.width > 0) {
                  // keep the innermost culprits only
                  if (![...el.children].some((c) => c.getBoundingClientRect().right > limit)) {
                    wide.push(`${describe(el)} right=${Math.round(rect.right)}px`);
                  }
                }
                if (wide.length >= 5) break;
              }
            }
            return { sw, wide };
          }, viewport.width + 1);
          if (r.sw <= viewport.width + 1) return [];
          return [`documentElement.scrollWidth is ${r.sw}px at ${viewport.width}px wide`, ...r.wide.map((w) => `too wide: ${w}`)];
        });
      }

      // --- the mobile menu is a modal: keyboard opens it, focus stays inside, Escape closes it
      // and gives focus back to the button that opened it
      if (entry.menu) {
        await check(name, 'menu-modal-375', async () => {
          await page.setViewportSize(MOBILE);
          await goto(page, url);
          const problems = [];
          const button = page.locator('button.fr-btn--menu');
          if ((await button.count()) !== 1) return ['no single menu button (button.fr-btn--menu)'];
          await button.focus();
          await page.keyboard.press('Enter');
          await page.waitForTimeout(400);
          const opened = await page.evaluate(() => {
            const m = document.getElementById(document.querySelector('button.fr-btn--menu').getAttribute('aria-controls'));
            return { id: m && m.id, visible: !!m && m.getBoundingClientRect().height > 0 && getComputedStyle(m).visibility !== 'hidden', inside: !!m && m.contains(document.activeElement) };
          });
          if (!opened.visible) problems.push('Enter on the menu button does not open the menu');
          for (let i = 0; i < 25 && opened.visible; i++) {
            await page.keyboard.press('Tab');
            const inside = await page.evaluate((id) => document.getElementById(id).contains(document.activeElement), opened.id);
            if (!inside) {
              problems.push(`focus left the open menu after ${i + 1} Tab(s)`);
              break;
            }
          }
          await page.keyboard.press('Escape');
          await page.waitForTimeout(400);
          const closed = await page.evaluate(() => {
            const b = document.querySelector('button.fr-btn--menu');
            return { back: document.activeElement === b, expanded: b.getAttribute('aria-expanded') };
          });
          if (closed.expanded === 'true') problems.push('Escape does not close the menu');
          if (!closed.back) problems.push('focus does not return to the menu button after Escape');
          return problems;
        });
      }

      if (opts.screenshots) {
        await check(name, 'screenshot-375', async () => {
          await page.setViewportSize(MOBILE);
          await goto(page, url);
          await page.screenshot({ path: path.join(opts.screenshots, `${name}-375.png`), fullPage: true });
          return [];
        });
      }
    } finally {
      // context.close() closes its pages (page.close() on a Chromium error page,
      // e.g. after a refused connection, was seen to take a minute).
      await context.close();
    }

    // --- JavaScript disabled
    if (entry.nojs) {
      const { context: ctx, blocked: nojsBlocked } = await newContext(browser, origin, { javaScriptEnabled: false });
      try {
        await check(name, 'nojs', async () => {
          const page = await ctx.newPage();
          const res = await page.goto(url, { waitUntil: 'load' });
          const problems = [];
          if (!res || res.status() < 200 || res.status() >= 300) problems.push(`HTTP ${res ? res.status() : '(none)'} for ${url}`);
          // page.evaluate still works with JS disabled (it goes through CDP).
          const main = await page.evaluate(() => {
            const m = document.getElementById('contenu');
            if (!m) return null;
            return { text: (m.textContent || '').trim().length, elements: m.querySelectorAll('img,svg,table,video,iframe,object').length };
          });
          if (!main) problems.push('no #contenu element without JavaScript');
          else if (main.text === 0 && main.elements === 0) problems.push('#contenu is empty without JavaScript');
          problems.push(...nojsBlocked.map((u) => `blocked request to another origin: ${u}`));
          return problems;
        });
      } finally {
        await ctx.close();
      }
    }
  }

  await browser.close();
  summaryAndExit();
}

main().catch((err) => {
  console.log(`FAIL harness: ${err && err.stack ? err.stack.split('\n').slice(0, 3).join(' | ') : err}`);
  failed += 1;
  summaryAndExit(1);
});
