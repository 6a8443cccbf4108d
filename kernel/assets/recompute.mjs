// Recomputes exported lessons in headless Chromium, from file:// with the network off,
// for the recompute step of `go run ./kernel test`. Input: one JSON argument
//   {"chromium": path, "screenshots": dir, "pages": [page, ...]}
// where a page is
//   {"name", "url", "second": {"<numbers cell index>": source, ...}, "shots": bool,
//    "cases": [{"name", "cell", "source", "slow"}]}
// For each page: wait until the page's Go program serves, set every numbers cell to
// its second source, run from the first, and report every cell's outputs as the page
// keeps them (window.backpropLive.outputs). Snapshot cells must keep their exported
// outputs. Then each case edits one numbers cell to bad input and runs it: the run must
// fail in one cell (or, for a slow case, be stopped after 10 s) and leave the outputs
// of every cell it did not run as they were; after a slow case the page must run again.
// Output: one JSON line per page:
//   {"name", "ok", "problems": [...], "cells": [{index, kind, why}], "outputs": {index: [...]},
//    "run": {ok, ran, failed, ms}, "again": the same run repeated, "cases": [{name, failed, ran, timedOut, outputs}],
//    "startup": {...}, "screenshots": [...], "seconds"}
// Every wait is for a condition, with a generous limit and a message naming what never happened.
import { launch, waitFor } from './chromium.mjs';

const job = JSON.parse(process.argv[2]);
const MINUTE = 60000;

// drawEveryChart scrolls to each chart in turn, as a reader does, and waits for it to be
// drawn: the page draws a redrawn chart when it comes near the window.
async function drawEveryChart(page, what) {
  const count = await page.evaluate(() => document.querySelectorAll('.chainrule-chart').length);
  for (let i = 0; i < count; i++) {
    await page.evaluate((i) => document.querySelectorAll('.chainrule-chart')[i].scrollIntoView({ block: 'center' }), i);
    await waitFor(page, `${what} chart ${i + 1} of ${count} to draw once scrolled to`, (i) => {
      const b = document.querySelectorAll('.chainrule-chart')[i];
      return b.getAttribute('data-drawn') === 'true' || b.querySelector('.chainrule-chart-error');
    }, i, MINUTE);
  }
}

// outputTexts returns, for every cell with an output area, the text it shows without
// the page's notes (snapshot, not re-run): what a reader sees of each output.
function outputTexts() {
  const texts = {};
  const config = JSON.parse(document.getElementById('backprop-lesson').textContent);
  const nodes = document.querySelectorAll('.jp-Notebook-cell');
  for (const c of config.cells) {
    const node = (c.id && document.getElementById(`cell-id=${c.id}`)) || nodes[c.index];
    const area = node && node.querySelector('.jp-OutputArea');
    if (!area) continue;
    const copy = area.cloneNode(true);
    copy.querySelectorAll('.backprop-note').forEach((n) => n.remove());
    copy.querySelectorAll('.chainrule-chart').forEach((n) => n.replaceChildren()); // a canvas has no text; its box is redrawn
    texts[c.index] = copy.textContent;
  }
  return texts;
}

// runCells sets each numbers cell's source, then runs from each of them in order, as a
// learner who edits them all presses Run in each (a run re-runs only the cells that use
// that cell's numbers). It resolves to the runs together: every cell they ran, the first
// that failed (or -1), and their time.
async function runCells(page, sources, timeout) {
  const cells = Object.keys(sources).map(Number).sort((a, b) => a - b);
  await page.evaluate((sources) => {
    for (const [i, s] of Object.entries(sources)) window.backpropLive.setSource(Number(i), s);
  }, sources);
  const all = { ok: true, ran: [], failed: -1, ms: 0, timedOut: false };
  for (const from of cells) {
    const runs = await page.evaluate(() => window.backpropLive.runs);
    await page.evaluate((from) => { window.backpropLive.run(from); }, from);
    await waitFor(page, `the run from cell ${from} to finish`,
      (runs) => window.backpropLive.runs > runs && !window.backpropLive.busy, runs, timeout);
    const run = await page.evaluate(() => window.backpropLive.lastRun);
    all.ran.push(...run.ran.filter((i) => !all.ran.includes(i)));
    all.ms += run.ms;
    all.timedOut = all.timedOut || !!run.timedOut;
    if (!run.ok) {
      Object.assign(all, { ok: false, failed: run.failed });
      break;
    }
  }
  return all;
}

const outputs = (page) => page.evaluate(() => JSON.parse(JSON.stringify(window.backpropLive.outputs)));

// runCase edits one numbers cell to bad input and runs it: the outputs of every cell
// the run did not reach must stay as they were.
async function runCase(page, spec, c, result) {
  const before = await page.evaluate(outputTexts);
  const run = await runCells(page, { [c.cell]: c.source }, 2 * MINUTE);
  const after = await page.evaluate(outputTexts);
  const failedAt = run.failed;
  const report = { name: c.name, failed: failedAt, ran: run.ran, timedOut: !!run.timedOut, ok: run.ok, outputs: await outputs(page) };
  if (run.ok) result.problems.push(`${c.name}: the run succeeded; it should have failed`);
  for (const i of Object.keys(before)) {
    if (Number(i) === failedAt || run.ran.includes(Number(i))) continue;
    if (before[i] !== after[i]) result.problems.push(`${c.name}: cell ${i}, which did not run, changed its outputs`);
  }
  if (c.slow) {
    if (!run.timedOut) result.problems.push(`${c.name}: the run was not stopped after 10 s (it ended after ${Math.round(run.ms)} ms)`);
    const again = await runCells(page, spec.second, 2 * MINUTE); // the page must still work
    if (!again.ok) result.problems.push(`${c.name}: after the stop, a run with the second values failed in cell ${again.failed}`);
    report.after = { ok: again.ok, ms: again.ms };
  }
  result.cases.push(report);
}

async function recompute(browser, spec) {
  const started = Date.now();
  const result = { name: spec.name, ok: false, problems: [], cells: [], outputs: {}, cases: [], screenshots: [] };
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') result.problems.push(`console error: ${msg.text()}`); });
  page.on('pageerror', (err) => result.problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (!req.url().startsWith('file:') && !req.url().startsWith('data:') && !req.url().startsWith('blob:')) {
      result.problems.push(`page asked the network for ${req.url()}`);
    }
  });
  // shots takes two pictures a person can read: the numbers cell with the outputs under
  // it, and the first chart below it.
  const shots = async (when) => {
    const from = Math.min(...Object.keys(spec.second).map(Number));
    for (const [what, selector] of [['numbers', `textarea.backprop-numbers`], ['chart', '.chainrule-chart']]) {
      const found = await page.evaluate(({ from, selector }) => {
        const config = JSON.parse(document.getElementById('backprop-lesson').textContent);
        const at = config.cells.find((c) => c.index === from);
        const start = (at.id && document.getElementById(`cell-id=${at.id}`)) || document.querySelectorAll('.jp-Notebook-cell')[from];
        const el = [...document.querySelectorAll(selector)].find((e) => start.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING || start.contains(e));
        if (!el) return false;
        el.scrollIntoView({ block: 'start' });
        window.scrollBy(0, -60);
        return true;
      }, { from, selector });
      if (!found) continue;
      const file = `${job.screenshots}/recompute-${spec.name}-${what}-${when}.png`;
      await page.screenshot({ path: file });
      result.screenshots.push(file);
    }
  };
  try {
    await page.goto(spec.url, { waitUntil: 'load', timeout: 2 * MINUTE });
    result.cells = await page.evaluate(() => {
      const node = document.getElementById('backprop-lesson');
      return node ? JSON.parse(node.textContent).cells.map(({ index, kind, why }) => ({ index, kind, why })) : [];
    });
    if (!result.cells.some((c) => c.kind === 'numbers')) throw new Error('the page has no numbers cell (no <script id="backprop-lesson"> naming one)');
    await waitFor(page, "the page's Go program to start", () => window.backpropLive && window.backpropLive.ready, null, MINUTE);
    await page.evaluate(() => window.backpropLive.ready);
    result.startup = await page.evaluate(() => window.backpropLive.startup);
    await waitFor(page, 'every chart to draw', () => [...document.querySelectorAll('.chainrule-chart')]
      .every((b) => b.getAttribute('data-drawn') === 'true' || b.querySelector('.chainrule-chart-error')), null, MINUTE);
    if (spec.shots) await shots('before');
    const snapshots = result.cells.filter((c) => c.kind === 'snapshot').map((c) => c.index);
    const before = await page.evaluate(outputTexts);
    result.run = await runCells(page, spec.second, 2 * MINUTE);
    result.outputs = await outputs(page);
    const after = await page.evaluate(outputTexts);
    for (const i of snapshots) {
      if (before[i] !== after[i]) result.problems.push(`snapshot cell ${i} changed its outputs`);
    }
    await drawEveryChart(page, 'redrawn');
    if (spec.shots) await shots('after');
    result.again = await runCells(page, spec.second, 2 * MINUTE); // a re-run: the program is warm
    for (const c of spec.cases || []) await runCase(page, spec, c, result);
  } catch (e) {
    result.problems.push(`could not recompute the page: ${e.message.split('\n')[0]}`);
  }
  await context.close();
  result.ok = result.problems.length === 0;
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

const browser = await launch(job.chromium);
for (const spec of job.pages) console.log(JSON.stringify(await recompute(browser, spec)));
await browser.close();
