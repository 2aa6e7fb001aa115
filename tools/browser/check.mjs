#!/usr/bin/env node
// Checks HTML pages in Debian's headless Chromium: axe-core (WCAG 2.2 A and AA), lang, skip link,
// heading order, keyboard focus order and visibility, reflow at 320 and 640 CSS px, print.
//
//   node tools/browser/check.mjs --out <dir> [--lang en-GB] [--chromium /usr/bin/chromium] <file.html> ...
//
// Writes <dir>/results.json and, per page, <dir>/<name>-desktop.png (1280 px, whole page),
// <name>-focus.png (1280 x 800, after one Tab: the skip link focused), <name>-320.png (whole page),
// <name>-print.png (print media at A4 width) and <name>-print.pdf.  Failed checks are data in
// results.json, not a failed run: the exit code is 0 when every page was checked, 1 when a page
// could not be checked (its "error" says why), 2 for a usage error and 3 when Chromium is missing.
// Nothing is fetched: the browser is Debian's, axe-core comes from node_modules, and any request
// a page makes other than file: and data: is blocked (and listed).  Chromium is driven over a pipe,
// so it opens no port at all.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'];
const DESKTOP = { width: 1280, height: 800, deviceScaleFactor: 1 };
// 1280 px at 400% zoom is 320 CSS px; 1280 px at 200% zoom is 640 CSS px (drawn at 2 device px each).
const REFLOW = [
  { key: '320', width: 320, height: 640, deviceScaleFactor: 1 },
  { key: '640', width: 640, height: 800, deviceScaleFactor: 2 },
];
// A4 is 210 mm = 794 CSS px; less 15 mm margins each side (the PDF's, unless the page's @page sets
// its own), 680 CSS px of it carry the page.
const PRINT = { width: 680, height: 1123, margin: '15mm' };
const PAGE_TIMEOUT_MS = 30000;

function usage(message) {
  if (message) process.stderr.write(`check.mjs: ${message}\n`);
  process.stderr.write('usage: node tools/browser/check.mjs --out <dir> [--lang en-GB] [--chromium PATH] <file.html> ...\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { out: null, lang: 'en-GB', chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium', files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' || a === '--lang' || a === '--chromium') {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      opts[a.slice(2)] = argv[++i];
    } else if (a === '-h' || a === '--help') {
      usage();
    } else if (a.startsWith('--')) {
      usage(`unknown option ${a}`);
    } else {
      opts.files.push(a);
    }
  }
  if (!opts.out) usage('--out <dir> is required');
  if (!opts.files.length) usage('no pages given');
  return opts;
}

// Page names: the file's stem; where two files share one, their paths below the common folder.
function pageNames(files) {
  const stems = files.map((f) => path.basename(f).replace(/\.x?html?$/i, ''));
  const dirs = files.map((f) => path.dirname(f).split(path.sep));
  let common = dirs[0];
  for (const d of dirs) {
    let n = 0;
    while (n < common.length && n < d.length && common[n] === d[n]) n++;
    common = common.slice(0, n);
  }
  const seen = new Map();
  stems.forEach((s) => seen.set(s, (seen.get(s) || 0) + 1));
  const names = files.map((f, i) => {
    if (seen.get(stems[i]) === 1) return stems[i];
    const rel = [...dirs[i].slice(common.length), stems[i]].join('__');
    return rel;
  });
  return names.map((n) => n.replace(/[^A-Za-z0-9._-]+/g, '-'));
}

// Installed in the page as window.__bc after each load: the DOM side of the checks.
function pageHelpers() {
  const TABBABLE = [
    'a[href]', 'area[href]', 'button', 'input', 'select', 'textarea', 'iframe', 'summary',
    '[tabindex]', '[contenteditable]:not([contenteditable="false"])', 'audio[controls]', 'video[controls]',
  ].join(',');

  function text(el) {
    let t = el.getAttribute('aria-label') || '';
    if (!t && el.getAttribute('aria-labelledby')) {
      t = el.getAttribute('aria-labelledby').split(/\s+/).map((id) => document.getElementById(id))
        .filter(Boolean).map((l) => l.textContent).join(' ');
    }
    if (!t) t = el.innerText || el.textContent || el.getAttribute('alt') || el.getAttribute('title') || '';
    return t.replace(/\s+/g, ' ').trim().slice(0, 60);
  }
  function describe(el) {
    if (!el || el === document.body || el === document.documentElement) return el ? el.tagName.toLowerCase() : 'nothing';
    let d = el.tagName.toLowerCase();
    if (el.id) d += `#${el.id}`;
    else if (!/^(A|BUTTON|SUMMARY|INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && el.classList.length) d += `.${el.classList[0]}`;
    const href = el.getAttribute('href');
    if (href) d += `[href="${href.slice(0, 60)}"]`;
    const t = text(el);
    if (t) d += ` "${t}"`;
    return d;
  }
  function rendered(el) {
    if (el.closest('[inert], [aria-hidden="true"]')) return false;
    if (typeof el.checkVisibility === 'function') {
      if (!el.checkVisibility({ visibilityProperty: true, contentVisibilityAuto: true })) return false;
    }
    return el.getClientRects().length > 0;
  }
  function tabbable(el) {
    if (el.disabled) return false;
    if (el.tagName === 'INPUT' && el.type === 'hidden') return false;
    const ti = el.getAttribute('tabindex');
    if (ti !== null && ti.trim() !== '' && Number(ti) < 0) return false;
    if (el.tagName === 'SUMMARY') {
      const details = el.parentElement;
      if (!details || details.tagName !== 'DETAILS' || details.querySelector('summary') !== el) return ti !== null;
    }
    if (el.tagName === 'INPUT' && el.type === 'radio' && el.name) {  // one stop per radio group
      const group = [...document.querySelectorAll(`input[type=radio][name="${CSS.escape(el.name)}"]`)]
        .filter((r) => r.form === el.form && !r.disabled);
      const checked = group.find((r) => r.checked);
      if ((checked || group[0]) !== el) return false;
    }
    return rendered(el);
  }
  function focusables() {
    return [...document.querySelectorAll(TABBABLE)].filter(tabbable);
  }
  // Chromium makes a scrolling box without focusable content reachable by Tab on its own.
  function isScroller(el) {
    const s = getComputedStyle(el);
    return (/(auto|scroll)/.test(s.overflowX) && el.scrollWidth > el.clientWidth)
      || (/(auto|scroll)/.test(s.overflowY) && el.scrollHeight > el.clientHeight);
  }
  const FOCUS_PROPS = ['outlineStyle', 'outlineWidth', 'outlineColor', 'outlineOffset', 'boxShadow',
    'backgroundColor', 'color', 'borderTopColor', 'borderBottomColor', 'borderBottomWidth', 'textDecorationLine',
    'textDecorationThickness'];
  function styleOf(el) {
    const s = getComputedStyle(el);
    const o = {};
    for (const p of FOCUS_PROPS) o[p] = s[p];
    return o;
  }
  function transparent(color) {
    return color === 'transparent' || /rgba\([^)]*,\s*0(\.0+)?\)$/.test(color) || /\/\s*0(\.0+)?\)$/.test(color);
  }
  function hasOutline(s) {
    return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && !transparent(s.outlineColor);
  }
  function hasShadow(s) {
    return s.boxShadow && s.boxShadow !== 'none' && !/^(rgba\([^)]*,\s*0\)\s*)?(0px\s*){2,4}$/.test(s.boxShadow);
  }
  // The indicator of focus: an outline or a box-shadow that the unfocused element does not have.
  function focusIndicator(el, before) {
    const now = styleOf(el);
    if (!before) before = {};
    const outlineChanged = ['outlineStyle', 'outlineWidth', 'outlineColor'].some((p) => now[p] !== before[p]);
    let indicator = null;
    if (hasOutline(now) && (outlineChanged || !hasOutline(before))) indicator = 'outline';
    else if (hasShadow(now) && now.boxShadow !== before.boxShadow) indicator = 'box-shadow';
    const otherChanges = FOCUS_PROPS.filter((p) => !/^outline|boxShadow/.test(p) && now[p] !== before[p]);
    return { indicator, other_changes: otherChanges };
  }
  function inViewport(el) {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
      && r.left < window.innerWidth && r.top < window.innerHeight;
  }

  function headings() {
    const list = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')]
      .filter(rendered)
      .map((el) => {
        let level = /^H[1-6]$/.test(el.tagName) ? Number(el.tagName[1]) : 2;
        if (el.getAttribute('role') === 'heading' && el.getAttribute('aria-level')) level = Number(el.getAttribute('aria-level'));
        return { level, text: text(el), tag: el.tagName.toLowerCase() };
      });
    const problems = [];
    if (!list.length) problems.push('the page has no headings');
    else {
      if (list[0].level !== 1) problems.push(`the first heading is h${list[0].level} "${list[0].text}", not h1`);
      const h1s = list.filter((h) => h.level === 1).length;
      if (h1s !== 1) problems.push(`${h1s} h1 headings (want exactly one)`);
      for (let i = 1; i < list.length; i++) {
        const a = list[i - 1], b = list[i];
        if (b.level > a.level + 1) {
          problems.push(`h${a.level} "${a.text}" is followed by h${b.level} "${b.text}" (skips h${a.level + 1})`);
        }
      }
      for (const h of list) if (!h.text) problems.push(`an empty h${h.level}`);
    }
    return { list, ok: problems.length === 0, problems };
  }

  function printRules() {
    const found = { media_print_rules: 0, print_stylesheets: 0, page_rules: 0, unreadable_stylesheets: 0 };
    const walk = (rules) => {
      for (const r of rules) {
        if (r instanceof CSSMediaRule) {
          if (/\bprint\b/i.test(r.media.mediaText)) found.media_print_rules++;
          walk(r.cssRules);
        } else if (r instanceof CSSPageRule) {
          found.page_rules++;
        } else if (r instanceof CSSImportRule) {
          if (r.media && /\bprint\b/i.test(r.media.mediaText)) found.print_stylesheets++;
          if (r.styleSheet) try { walk(r.styleSheet.cssRules); } catch { found.unreadable_stylesheets++; }
        } else if (r.cssRules) {
          walk(r.cssRules);  // @supports, @layer, @container, nesting
        }
      }
    };
    for (const sheet of document.styleSheets) {
      const media = sheet.media ? sheet.media.mediaText : '';
      if (media && !/\b(print|all)\b/i.test(media)) continue;  // a screen-only sheet never prints
      if (/\bprint\b/i.test(media)) found.print_stylesheets++;
      try { walk(sheet.cssRules); } catch { found.unreadable_stylesheets++; }
    }
    found.has_print_styles = found.media_print_rules + found.print_stylesheets > 0;
    return found;
  }

  // Elements that stick out of a viewport `width` wide (the outermost ones, not those that
  // scroll inside their own box, as a wide table in an overflow-x: auto wrapper may).
  function overflow(width) {
    const root = document.documentElement;
    const result = { scroll_width: root.scrollWidth, client_width: root.clientWidth, width };
    result.ok = root.scrollWidth <= width;
    result.offenders = [];
    if (!result.ok) {
      const clipped = (el) => {
        for (let p = el.parentElement; p && p !== document.body && p !== root; p = p.parentElement) {
          if (getComputedStyle(p).overflowX !== 'visible') return true;
        }
        return false;
      };
      const sticks = (el) => el.getBoundingClientRect().right > width + 0.5;
      for (const el of document.body ? document.body.querySelectorAll('*') : []) {
        if (!sticks(el) || clipped(el)) continue;
        if (el.parentElement && el.parentElement !== document.body && sticks(el.parentElement)) continue;
        const r = el.getBoundingClientRect();
        result.offenders.push(`${describe(el).slice(0, 90)} (${Math.round(r.left)}..${Math.round(r.right)} px)`);
        if (result.offenders.length >= 5) break;
      }
    }
    return result;
  }

  window.__bc = { describe, rendered, focusables, isScroller, styleOf, focusIndicator, inViewport, headings, printRules, overflow };
}

async function loadPage(page, url) {
  await page.goto(url, { waitUntil: 'load', timeout: PAGE_TIMEOUT_MS });
  await page.evaluate(`(${pageHelpers.toString()})()`);
  await page.evaluate(() => document.fonts.ready.then(() => true));
}

async function runAxe(page, axeSource, tags) {
  await page.evaluate(axeSource);
  const r = await page.evaluate(async (values) => {
    const res = await window.axe.run(document, {
      runOnly: { type: 'tag', values },
      resultTypes: ['violations', 'incomplete'],
    });
    const node = (n) => ({
      target: n.target.map(String).join(' '),
      html: n.html.slice(0, 200),
      summary: (n.failureSummary || '').slice(0, 400),
    });
    return {
      violations: res.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, help_url: v.helpUrl,
        tags: v.tags.filter((t) => /^wcag/.test(t)), nodes: v.nodes.map(node),
      })),
      incomplete: res.incomplete.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.length })),
      passes: res.passes.length,
    };
  }, tags);
  return { ...r, ok: r.violations.length === 0 };
}

// One Tab from a freshly loaded page: is the first thing focused a link to the main content?
async function checkSkipLink(page, screenshot) {
  await page.keyboard.press('Tab');
  await screenshot();  // the top of the page with the skip link focused, to see its focus style
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { found: false };
    const href = el.getAttribute('href') || '';
    const id = href.startsWith('#') ? decodeURIComponent(href.slice(1)) : '';
    const target = id ? document.getElementById(id) : null;
    const r = el.getBoundingClientRect();
    return {
      found: true,
      element: window.__bc.describe(el),
      tag: el.tagName.toLowerCase(),
      href,
      text: (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim(),
      target: target ? window.__bc.describe(target).slice(0, 80) : null,
      target_is_main: !!target && (target.tagName === 'MAIN' || target.getAttribute('role') === 'main'),
      visible_when_focused: window.__bc.inViewport(el) && r.width >= 1 && r.height >= 1,
    };
  });
  const problems = [];
  if (!first.found) problems.push('one Tab press focuses nothing');
  else {
    if (first.tag !== 'a') problems.push(`the first focusable element is ${first.element}, not a link`);
    else if (!first.href.startsWith('#') || first.href.length < 2) problems.push(`the first link ${first.element} does not point at an id on the page`);
    else if (!first.target) problems.push(`the first link points at ${first.href}, which no element has as id`);
    if (first.tag === 'a' && !first.text) problems.push('the skip link has no text');
    if (!first.visible_when_focused) problems.push(`the first link ${first.element || ''} is not visible when focused`);
  }
  // Following it moves the keyboard on: Enter, then Tab lands at or after its target.
  if (problems.length === 0) {
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const after = await page.evaluate((href) => {
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      const el = document.activeElement;
      const landed = !el || el === document.body ? null : window.__bc.describe(el);
      const beyond = !!el && el !== document.body
        && (target.contains(el) || !!(target.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING));
      return { hash: location.hash, landed, beyond };
    }, first.href);
    first.after_enter_hash = after.hash;
    first.next_tab_after_enter = after.landed;
    if (after.hash !== first.href) problems.push(`pressing Enter on the skip link did not go to ${first.href}`);
    else if (after.landed && !after.beyond) problems.push(`after following the skip link, Tab went to ${after.landed}, before its target`);
  }
  return { ...first, ok: problems.length === 0, problems };
}

// Tab through a freshly loaded page: every focusable, visible element once, in document order,
// each with a visible focus indicator.
async function checkFocus(page) {
  const expected = await page.evaluate(() => {
    document.activeElement && document.activeElement.blur && document.activeElement.blur();
    const els = window.__bc.focusables();
    window.__bcFocusables = els;
    window.__bcUnfocused = els.map((el) => window.__bc.styleOf(el));
    return els.map((el) => window.__bc.describe(el));
  });
  const maxPresses = Math.min(Math.max(expected.length + 5, 10), 600);
  const seq = [];
  let left = false;
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    const step = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body || el === document.documentElement) return { left: true };
      if (el.tagName === 'IFRAME') return { left: false, element: window.__bc.describe(el), index: window.__bcFocusables.indexOf(el) };
      const index = window.__bcFocusables.indexOf(el);
      const before = index >= 0 ? window.__bcUnfocused[index] : null;
      const fi = window.__bc.focusIndicator(el, before);
      // A scrolling box that Chromium makes focusable: note what it looks like unfocused, next time.
      return {
        left: false, index, element: window.__bc.describe(el),
        scroller: index < 0 && window.__bc.isScroller(el),
        rendered: window.__bc.rendered(el),
        in_viewport: window.__bc.inViewport(el),
        indicator: fi.indicator, other_changes: fi.other_changes,
      };
    });
    if (step.left) { left = true; break; }
    if (seq.length && step.element === seq[0].element && step.index === seq[0].index) { left = true; break; }  // cycled back
    seq.push(step);
  }

  const order = [];
  const visible = [];
  const reached = new Set();
  let prev = null;
  for (const s of seq) {
    if (s.index >= 0) {
      if (reached.has(s.index)) order.push(`${s.element} is reached twice`);
      else if (prev && prev.index >= 0 && s.index < prev.index) {
        order.push(`Tab goes from ${prev.element} back up the page to ${s.element}, against the document order`);
      }
      reached.add(s.index);
    } else if (!s.scroller) {
      order.push(`focus went to ${s.element}, which is hidden or not in the page's focus order`);
    }
    prev = s;
    if (s.rendered === false || s.in_viewport === false) visible.push(`${s.element} is off screen or hidden when focused`);
    else if (!s.indicator) visible.push(`${s.element} shows no focus indicator (no outline or box-shadow of its own when focused)`);
  }
  expected.forEach((e, i) => { if (!reached.has(i)) order.push(`${e} is never reached by Tab`); });
  if (!left) order.push(`focus did not leave the page after ${maxPresses} Tab presses (a keyboard trap?)`);

  return {
    expected: expected.length,
    reached: reached.size,
    sequence: seq.map((s) => ({ element: s.element, index: s.index, indicator: s.indicator || null, scroller: !!s.scroller })),
    order: { ok: order.length === 0, problems: order },
    visible: { ok: visible.length === 0, problems: visible },
  };
}

async function checkPage(browser, file, name, opts, axeSource, tags) {
  const t0 = Date.now();
  const abs = path.resolve(file);
  const url = pathToFileURL(abs).href;
  const result = { name, path: abs, url, error: null };
  const blocked = [];
  const failed = [];
  const consoleErrors = [];
  const page = await browser.newPage();
  try {
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    await page.setRequestInterception(true);
    page.on('request', (req) => {
      const u = req.url();
      if (u.startsWith('file:') || u.startsWith('data:') || u.startsWith('about:')) req.continue();
      else { blocked.push(u.slice(0, 200)); req.abort('blockedbyclient'); }
    });
    page.on('requestfailed', (req) => {
      const u = req.url();
      if (!blocked.includes(u.slice(0, 200))) failed.push(`${u.slice(0, 200)} (${req.failure()?.errorText || 'failed'})`);
    });
    page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text().slice(0, 300)); });
    page.on('pageerror', (e) => consoleErrors.push(String(e).slice(0, 300)));

    // Desktop: 1280 px, axe, lang, headings, screenshot.
    await page.setViewport(DESKTOP);
    await loadPage(page, url);
    result.title = await page.title();
    const lang = await page.evaluate(() => document.documentElement.getAttribute('lang'));
    result.lang = { value: lang, expected: opts.lang, ok: !!lang && lang.toLowerCase() === opts.lang.toLowerCase() };
    result.headings = await page.evaluate(() => window.__bc.headings());
    result.desktop = await page.evaluate(() => window.__bc.overflow(window.innerWidth));
    result.screenshots = {};
    result.screenshots.desktop = `${name}-desktop.png`;
    await page.screenshot({ path: path.join(opts.out, result.screenshots.desktop), fullPage: true });
    result.axe = await runAxe(page, axeSource, tags);

    // Keyboard, each from a fresh load.
    await loadPage(page, url);
    result.screenshots.focus = `${name}-focus.png`;
    result.skip_link = await checkSkipLink(page, () => page.screenshot({ path: path.join(opts.out, result.screenshots.focus) }));
    await loadPage(page, url);
    result.focus = await checkFocus(page);

    // Reflow: 320 CSS px (400% zoom) and 640 CSS px at 2 device px (200% zoom).
    result.reflow = {};
    for (const v of REFLOW) {
      await page.setViewport({ width: v.width, height: v.height, deviceScaleFactor: v.deviceScaleFactor });
      await loadPage(page, url);
      result.reflow[v.key] = { ...(await page.evaluate((w) => window.__bc.overflow(w), v.width)), device_scale_factor: v.deviceScaleFactor };
      if (v.key === '320') {
        result.screenshots['320'] = `${name}-320.png`;
        await page.screenshot({ path: path.join(opts.out, result.screenshots['320']), fullPage: true });
      }
    }

    // Print: print media at A4's printable width, then a real PDF.
    await page.setViewport({ width: PRINT.width, height: PRINT.height, deviceScaleFactor: 1 });
    await page.emulateMediaType('print');
    await loadPage(page, url);
    const printed = await page.evaluate((w) => ({ ...window.__bc.overflow(w), ...window.__bc.printRules() }), PRINT.width);
    result.screenshots.print = `${name}-print.png`;
    await page.screenshot({ path: path.join(opts.out, result.screenshots.print), fullPage: true });
    result.screenshots.pdf = `${name}-print.pdf`;
    const pdfPath = path.join(opts.out, result.screenshots.pdf);
    await page.pdf({
      path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true,
      margin: { top: PRINT.margin, right: PRINT.margin, bottom: PRINT.margin, left: PRINT.margin },
    });
    const pdf = fs.readFileSync(pdfPath, 'latin1');
    printed.pdf_bytes = pdf.length;
    printed.pdf_pages = (pdf.match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
    const problems = [];
    if (!printed.ok) problems.push(`printed at A4 (${PRINT.width} CSS px) the page is ${printed.scroll_width} px wide: ${printed.offenders.join('; ')}`);
    if (!printed.has_print_styles) problems.push('no print stylesheet (no @media print rule and no media="print" stylesheet)');
    if (!pdf.startsWith('%PDF') || printed.pdf_pages < 1) problems.push('printing to PDF gave no pages');
    printed.ok = problems.length === 0;
    printed.problems = problems;
    result.print = printed;
    await page.emulateMediaType(null);
  } catch (e) {
    result.error = String(e && e.stack ? e.stack : e).slice(0, 2000);
  } finally {
    await page.close().catch(() => {});
  }
  result.requests = { blocked, failed };
  result.console_errors = consoleErrors;
  result.seconds = Math.round((Date.now() - t0) / 10) / 100;
  result.checks = summarise(result);
  result.ok = !result.error && Object.values(result.checks).every((c) => c.ok);
  return result;
}

function reflowProblems(r, label) {
  if (!r) return ['not checked'];
  return r.ok ? [] : [`at ${label} the page is ${r.scroll_width} CSS px wide and scrolls sideways: ${r.offenders.join('; ')}`];
}

// Every check as {ok, problems}: what the Python harness and the tests read.
function summarise(r) {
  const c = {};
  const missing = ['not checked'];
  c.axe = r.axe ? { ok: r.axe.ok, problems: r.axe.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target).slice(0, 5).join(', ')}`) } : { ok: false, problems: missing };
  c.lang = r.lang ? { ok: r.lang.ok, problems: r.lang.ok ? [] : [r.lang.value === null ? `<html> has no lang attribute, want lang="${r.lang.expected}"` : `<html lang="${r.lang.value}">, want lang="${r.lang.expected}"`] } : { ok: false, problems: missing };
  c.skip_link = r.skip_link ? { ok: r.skip_link.ok, problems: r.skip_link.problems } : { ok: false, problems: missing };
  c.headings = r.headings ? { ok: r.headings.ok, problems: r.headings.problems } : { ok: false, problems: missing };
  c.focus_order = r.focus ? r.focus.order : { ok: false, problems: missing };
  c.focus_visible = r.focus ? r.focus.visible : { ok: false, problems: missing };
  const p320 = reflowProblems(r.reflow && r.reflow['320'], '320 CSS px (400% zoom)');
  c.reflow_320 = { ok: p320.length === 0, problems: p320 };
  const p640 = reflowProblems(r.reflow && r.reflow['640'], '640 CSS px (200% zoom)');
  c.reflow_640 = { ok: p640.length === 0, problems: p640 };
  c.print = r.print ? { ok: r.print.ok, problems: r.print.problems } : { ok: false, problems: missing };
  const ext = [...(r.requests?.blocked || []).map((u) => `blocked request to ${u}`), ...(r.requests?.failed || []).map((u) => `failed to load ${u}`)];
  c.self_contained = { ok: ext.length === 0, problems: ext };
  return c;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const f of opts.files) {
    if (!fs.existsSync(f) || !fs.statSync(f).isFile()) usage(`no such file: ${f}`);
  }
  if (!fs.existsSync(opts.chromium)) {
    process.stderr.write(`check.mjs: Chromium is not at ${opts.chromium}: install Debian's chromium: make browser\n`);
    process.exit(3);
  }
  let puppeteer, axe;
  try {
    puppeteer = (await import('puppeteer-core')).default;
    axe = require('axe-core');
  } catch (e) {
    process.stderr.write(`check.mjs: the node packages are not installed (${e.message.split('\n')[0]}): make browser (npm ci --prefix tools/browser)\n`);
    process.exit(3);
  }
  fs.mkdirSync(opts.out, { recursive: true });

  // Tags this axe-core has rules for (4.x has none tagged wcag22a yet; asking for it is harmless).
  const known = new Set(axe.getRules().flatMap((r) => r.tags));
  const tags = AXE_TAGS.filter((t) => known.has(t));

  const t0 = Date.now();
  let browser;
  try {
    browser = await puppeteer.launch({
      executablePath: opts.chromium,
      headless: true,
      pipe: true,  // DevTools over a pipe: no port is opened
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--allow-file-access-from-files',
        '--no-first-run', '--no-default-browser-check', '--disable-extensions', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--font-render-hinting=none', '--hide-scrollbars'],
      timeout: 60000,
    });
  } catch (e) {
    process.stderr.write(`check.mjs: could not start ${opts.chromium}: ${e.message}\ninstall Debian's chromium: make browser\n`);
    process.exit(3);
  }
  const names = pageNames(opts.files);
  const pages = [];
  try {
    for (let i = 0; i < opts.files.length; i++) {
      const r = await checkPage(browser, opts.files[i], names[i], opts, axe.source, tags);
      pages.push(r);
      const failedChecks = Object.entries(r.checks).filter(([, c]) => !c.ok).map(([k]) => k);
      process.stderr.write(`${r.name}: ${r.error ? 'ERROR ' + r.error.split('\n')[0] : (failedChecks.length ? 'fails ' + failedChecks.join(', ') : 'passes')} (${r.seconds} s)\n`);
    }
    const results = {
      tool: {
        chromium: await browser.version(),
        chromium_path: opts.chromium,
        axe_core: axe.version,
        puppeteer_core: require('puppeteer-core/package.json').version,
        node: process.version,
      },
      axe_tags: tags,
      axe_tags_without_rules: AXE_TAGS.filter((t) => !known.has(t)),
      lang: opts.lang,
      viewports: { desktop: DESKTOP, reflow: REFLOW, print: PRINT },
      seconds: Math.round((Date.now() - t0) / 10) / 100,
      pages,
    };
    fs.writeFileSync(path.join(opts.out, 'results.json'), JSON.stringify(results, null, 2));
  } finally {
    await browser.close();
  }
  process.exit(pages.some((p) => p.error) ? 1 : 0);
}

main().catch((e) => {
  process.stderr.write(`check.mjs: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
