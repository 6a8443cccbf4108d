// Opens pages in headless Chromium and reports, for each, whether every chart drew
// pixels, every formula was typeset and the console stayed free of errors.
// Used by `go run ./kernel test`. Input: one JSON argument
//   {"chromium": path, "screenshots": dir, "pages": [page, ...]}
// where a page is
//   {"name", "url", "offline", "noScript", "serve", "print", "origin", "frontEnd", "scenarios", "settings", "viewport", "ignore"}
// offline:  the browser context has no network at all (exported pages opened from disk);
// noScript: JavaScript is disabled (GitHub and nbviewer without scripts);
// serve:    a file served at url; every other URL answers 404 (VS Code's ECharts);
// print:    once checked, the page is printed to this PDF file;
// origin:   only requests to this origin are allowed, others fail the check (live Jupyter);
// frontEnd: "" (a static page), "lab", "notebook7" or "classic": the page is a notebook
//           that is run with Run All before it is checked;
// scenarios: what else to prove on the page, in this order (see scenarios below);
// settings: JupyterLab settings to store through the server's API before the page opens;
// ignore:   regular expressions for problems that belong to Jupyter itself, not the lesson.
// Output: one JSON line per page:
//   {"name", "ok", "problems": [...], "charts", "formulas", "sliders", "screenshots": [...], "seconds",
//    "phases": [{"name", "seconds"}, ...]} (where the page's time went, in order).
// Every wait is for a condition, with a generous limit and a message naming what never happened.
import { launch, waitFor } from './chromium.mjs';
import { pageChecks, pictureStates, pictureProblems } from './pagecheck.mjs';

const job = JSON.parse(process.argv[2]);
const MINUTE = 60000;

// has says whether the page's scenarios include name.
const has = (spec, name) => (spec.scenarios || []).includes(name);

// ---- JupyterLab and Notebook 7, through the app the page exposes (window.jupyterapp) ----

function panelReady() {
  const app = window.jupyterapp;
  const panel = app && app.shell && app.shell.currentWidget;
  const kernel = panel && panel.sessionContext && panel.sessionContext.session && panel.sessionContext.session.kernel;
  // GoNB reports no status until it first runs something: connected is ready.
  return !!(panel && panel.content && panel.context && panel.context.isReady && kernel &&
    kernel.connectionStatus === 'connected' && (kernel.status === 'idle' || kernel.status === 'unknown'));
}

// runState says whether Run All has finished: the kernel idle and every code cell
// run, or stopped at a cell that raised an error (JupyterLab runs nothing after it).
function runState() {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = panel.content.widgets.filter((c) => c.model.type === 'code');
  const failed = cells.findIndex((c) => [...c.model.outputs.toJSON()].some((o) => o.output_type === 'error'));
  const idle = kernel && kernel.status === 'idle';
  if (idle && failed >= 0) {
    const err = panel.content.widgets[panel.content.widgets.indexOf(cells[failed])].model.outputs.toJSON().find((o) => o.output_type === 'error');
    return { done: true, error: `code cell ${failed + 1} raised ${err.ename}: ${err.evalue}`.slice(0, 300) };
  }
  const pending = cells.filter((c) => c.model.executionCount === null || c.model.executionState === 'running').length;
  return idle && pending === 0 ? { done: true } : false;
}

async function runAllJupyterLab(page, spec) {
  await waitFor(page, 'the notebook opening with its kernel idle', panelReady, null, 2 * MINUTE);
  if (has(spec, 'dark')) {
    await page.evaluate(() => window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Dark' }));
    await waitFor(page, 'JupyterLab Dark being applied', () => document.body.getAttribute('data-jp-theme-light') === 'false', null, MINUTE);
  }
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:run-all-cells'));
  const state = await waitFor(page, 'Run All finishing (the kernel idle, every code cell run)', runState, null, 6 * MINUTE);
  const result = await state.jsonValue();
  if (result.error) throw new Error(result.error);
}

async function shutdownKernel(page) {
  await page.evaluate(() => {
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    return panel && panel.sessionContext && panel.sessionContext.shutdown();
  }).catch(() => {});
}

// ---- classic Notebook 6 ----

async function runAllClassic(page) {
  await waitFor(page, 'the notebook connecting to its kernel',
    () => window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected(), null, 2 * MINUTE);
  await page.evaluate(() => Jupyter.notebook.execute_all_cells());
  await waitFor(page, 'Run All finishing (the kernel idle, every code cell run)', () => {
    const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
    return !Jupyter.notebook.kernel_busy && cells.every((c) => typeof c.input_prompt_number === 'number');
  }, null, 6 * MINUTE);
}

// mathSettled: MathJax has typeset everything it was given (classic Notebook's MathJax 2
// works through a queue some seconds after the output arrives), and no TeX is left raw.
async function waitForMath(page) {
  await page.evaluate(() => window.MathJax && MathJax.Hub && new Promise((done) => MathJax.Hub.Queue(done)));
  await waitFor(page, 'every formula being typeset', () => window.chainruleCheck.texLeft(), null, 2 * MINUTE).catch(() => {});
}

async function waitForCharts(page) {
  await waitFor(page, 'every chart being drawn or saying why not', () => window.chainruleCheck.chartsSettled(), null, 2 * MINUTE).catch(() => {});
}

// ---- scenarios: what else a live page proves ----

// scroll: under JupyterLab's default windowing, cells out of view are not rendered; each
// chart must draw once it is scrolled to. The notebook is scrolled top to bottom.
async function scrollThrough(page, result) {
  const before = await page.evaluate(() => window.chainruleCheck.chartStates());
  result.notes.push(`${before.drawn} of ${before.total} charts drawn before scrolling`);
  const steps = await page.evaluate(() => {
    const s = document.querySelector('.jp-WindowedPanel-outer');
    return s ? Math.ceil(s.scrollHeight / (s.clientHeight * 0.8)) + 1 : 0;
  });
  for (let i = 0; i <= steps; i++) {
    await page.evaluate((i) => {
      const s = document.querySelector('.jp-WindowedPanel-outer');
      s.scrollTop = i * s.clientHeight * 0.8;
    }, i);
    await waitFor(page, `the charts in view at scroll step ${i} being drawn`, () => {
      const view = document.querySelector('.jp-WindowedPanel-outer').getBoundingClientRect();
      return [...document.querySelectorAll('.chainrule-chart')].every((b) => {
        const r = b.getBoundingClientRect();
        const inView = r.height > 0 && r.bottom > view.top && r.top < view.bottom;
        return !inView || b.getAttribute('data-drawn') === 'true' || b.querySelector('.chainrule-chart-error');
      });
    }, null, MINUTE);
  }
  const after = await page.evaluate(() => window.chainruleCheck.chartStates());
  if (after.drawn !== after.total) result.problems.push(`after scrolling top to bottom, ${after.total - after.drawn} of ${after.total} charts are not drawn`);
}

// poll evaluates fn in the page every 250 ms until it returns a truthy value, or fails
// naming what never happened. Unlike waitFor, it works where the page's own scripts are
// disabled.
async function poll(page, what, fn, arg, timeout) {
  for (const end = Date.now() + timeout; ;) {
    if (await page.evaluate(fn, arg)) return;
    if (Date.now() > end) throw new Error(`${what} did not happen within ${Math.round(timeout / 1000)} s`);
    await new Promise((done) => setTimeout(done, 250));
  }
}

const picturesLoaded = () => [...document.querySelectorAll('img.chainrule-chart-picture')].every((i) => i.complete);

// saved: a notebook saved with outputs by someone else is untrusted: its scripts do not
// run, so every chart box must show the chart's picture, saying how to get the live
// chart, before Run All draws them. Its screen before Run All is kept too.
async function savedNotes(page, spec, result) {
  await waitFor(page, 'the saved notebook opening with its kernel idle', panelReady, null, 2 * MINUTE);
  await poll(page, 'the saved charts\' pictures loading', picturesLoaded, null, MINUTE);
  const states = await page.evaluate(pictureStates);
  result.problems.push(...pictureProblems(states).map((p) => `saved ${p}`));
  states.forEach((s, i) => {
    if (s.drawn) result.problems.push(`saved chart ${i + 1} was drawn by its script although its output is untrusted`);
    if (s.picture && !/run the cell/i.test(s.tooltip)) result.problems.push(`saved chart ${i + 1}'s picture does not say how to get the live chart`);
  });
  result.notes.push(`${states.length} saved charts shown as pictures before Run All`);
  if (job.screenshots) {
    const file = `${shotStem(spec)}-before-run-all.png`;
    await showFirstChart(page, false);
    await page.screenshot({ path: file });
    result.screenshots.push(file);
  }
}

// pictures: a page where the charts' script cannot draw them must show every chart's
// picture: with scripts running and ECharts missing (VS Code), the script must give up
// and keep the picture; with JavaScript disabled (GitHub, nbviewer) the picture is all.
async function pictures(page, spec, result) {
  if (!spec.noScript) {
    await poll(page, 'every chart\'s script giving up', () => [...document.querySelectorAll('.chainrule-chart')]
      .every((b) => b.getAttribute('data-drawn') || b.querySelector('.chainrule-chart-error')), null, 2 * MINUTE);
  }
  await poll(page, 'the pictures loading', picturesLoaded, null, MINUTE);
  const states = await page.evaluate(pictureStates);
  result.charts = states.length;
  result.problems.push(...pictureProblems(states));
  states.forEach((s, i) => {
    if (!spec.noScript && s.drawn !== 'picture') result.problems.push(`chart ${i + 1}: the script left the box as "${s.drawn}", not its picture`);
  });
  const least = states.length ? Math.min(...states.map((s) => s.inked)) : 0;
  result.notes.push(`${states.length} pictures, each with its title, ${least} inked pixels at least`);
}

// secondView: JupyterLab's "Create New View for Output" shows the first chart's output
// again; both views must draw, and no id in the charts may clash.
async function secondView(page, result) {
  const index = await page.evaluate(() => {
    const panel = window.jupyterapp.shell.currentWidget;
    const i = panel.content.widgets.findIndex((c) => c.node.querySelector('.chainrule-chart'));
    panel.content.activeCellIndex = i;
    return i;
  });
  if (index < 0) { result.problems.push('no chart to show in a second view'); return; }
  await page.evaluate(() => window.jupyterapp.commands.execute('notebook:create-output-view'));
  await waitFor(page, 'the second view of the chart being drawn', () => {
    const view = document.querySelector('.jp-LinkedOutputView .chainrule-chart');
    return view && (view.getAttribute('data-drawn') === 'true' || view.querySelector('.chainrule-chart-error'));
  }, null, MINUTE);
  const twice = await page.evaluate(() => {
    const view = document.querySelector('.jp-LinkedOutputView .chainrule-chart');
    const same = [...document.querySelectorAll(`.chainrule-chart[data-chart="${view.getAttribute('data-chart')}"]`)];
    const ids = [...document.querySelectorAll('.chainrule-chart [id], .chainrule-chart ~ * [id], .chainrule-chart[id]')].map((e) => e.id);
    return { boxes: same.length, drawn: same.filter((b) => b.querySelector('canvas')).length, dupes: ids.filter((v, i) => ids.indexOf(v) !== i) };
  });
  if (twice.boxes !== 2 || twice.drawn !== 2) result.problems.push(`the chart shown in two views drew in ${twice.drawn} of ${twice.boxes}`);
  if (twice.dupes.length) result.problems.push(`ids used twice in the page: ${twice.dupes.join(', ')}`);
  result.notes.push('a chart drawn in two views');
}

// layoutProblems names what a narrow box spoils in each chart of the notebook: a plot
// (an ECharts grid) that reaches past the box's right edge, and neighbouring x-axis
// labels that overlap or come closer than 5 px, which read as one ("-1.2 -1"). The
// labels are those ECharts drew: zrender text under an axis's "label_…" element.
function layoutProblems() {
  // xLabels lists the labels drawn on each x axis of chart, by the axis's index.
  function xLabels(chart) {
    const axes = {};
    chart.getZr().storage.getDisplayList(true).forEach((el) => {
      if (el.type !== 'tspan' || el.invisible || el.ignore) return;
      let label = null;
      let g = el.parent;
      for (; g && !g.__ecComponentInfo; g = g.parent) if (!label && g.anid && g.anid.startsWith('label_')) label = g;
      if (!label || !g || g.__ecComponentInfo.mainType !== 'xAxis') return;
      const r = el.getBoundingRect().clone();
      r.applyTransform(el.getComputedTransform());
      const index = g.__ecComponentInfo.index;
      (axes[index] = axes[index] || []).push({ text: el.style.text, x: r.x, end: r.x + r.width });
    });
    return Object.values(axes);
  }
  const out = [];
  document.querySelectorAll('.jp-Notebook .chainrule-chart').forEach((b) => {
    const chart = window.echarts && window.echarts.getInstanceByDom(b);
    if (!chart) return;
    const title = (chart.getOption().title || [{}])[0].text;
    const box = `a box ${b.clientWidth} px wide`;
    chart.getModel().eachComponent('grid', (grid) => {
      const r = grid.coordinateSystem.getRect();
      if (r.x + r.width > b.clientWidth + 1) out.push(`"${title}"'s plot ends at ${Math.round(r.x + r.width)} px in ${box}`);
    });
    for (const labels of xLabels(chart)) {
      labels.sort((p, q) => p.x - q.x);
      for (let i = 1; i < labels.length; i++) {
        const gap = Math.round(labels[i].x - labels[i - 1].end);
        if (gap < 5) out.push(`"${title}"'s x-axis labels "${labels[i - 1].text}" and "${labels[i].text}" are ${gap} px apart in ${box}`);
      }
    }
  });
  return out;
}

// still: no chart in the notebook is animating (its labels are where they end up).
function still() {
  return [...document.querySelectorAll('.jp-Notebook .chainrule-chart')].every((b) => {
    const chart = window.echarts && window.echarts.getInstanceByDom(b);
    return !chart || chart.getZr().animation.isFinished();
  });
}

// resize: opening and closing the left sidebar must redraw every chart at its box's new
// width, with every plot inside its box and no two x-axis labels touching.
async function resize(page, result) {
  const widths = () => [...document.querySelectorAll('.jp-Notebook .chainrule-chart')].map((b) => {
    const c = b.querySelector('canvas');
    return { box: b.clientWidth, canvas: c ? c.clientWidth : -1 };
  });
  const fits = () => [...document.querySelectorAll('.jp-Notebook .chainrule-chart')].every((b) => {
    const c = b.querySelector('canvas');
    return c && Math.abs(c.clientWidth - b.clientWidth) <= 1;
  });
  // The boxes' widths before, with the sidebar toggled once (JupyterLab opens with it
  // shown, so this hides it), and toggled back.
  const boxes = [(await page.evaluate(widths)).map((w) => w.box)];
  for (const step of ['toggling the sidebar', 'toggling it back']) {
    await page.evaluate(() => window.jupyterapp.commands.execute('application:toggle-left-area'));
    await waitFor(page, `every chart fitting its box after ${step}`, fits, null, MINUTE);
    boxes.push((await page.evaluate(widths)).map((w) => w.box));
    await waitFor(page, `every chart's animation ending after ${step}`, still, null, MINUTE);
    for (const p of await page.evaluate(layoutProblems)) result.problems.push(`after ${step}: ${p}`);
  }
  if (boxes[1].every((w, i) => w === boxes[0][i])) {
    result.problems.push(`toggling the sidebar left the chart boxes at ${boxes[0].join(', ')} px, so no resize was tested`);
  }
  const shown = boxes.map((ws) => (new Set(ws).size === 1 ? `${ws[0]}` : ws.join('/')));
  result.notes.push(`charts resized with the sidebar (box widths ${shown.join(' → ')} px)`);
}

// reveal: a chart in a hidden box (display:none, as windowing hides cells) must not give
// up: after more animation frames than the old loader's limit (600), the box is shown
// and the chart must draw.
async function reveal(page, result) {
  await page.evaluate(() => new Promise((done) => {
    let n = 0;
    const frame = () => (++n >= 700 ? done() : requestAnimationFrame(frame));
    requestAnimationFrame(frame);
  }));
  const early = await page.evaluate(() => [...document.querySelectorAll('[data-reveal] .chainrule-chart')]
    .filter((b) => b.getAttribute('data-drawn') || b.querySelector('.chainrule-chart-error')).length);
  if (early) result.problems.push(`${early} hidden charts were drawn or gave up before they were shown`);
  await page.evaluate(() => document.querySelectorAll('[data-reveal]').forEach((e) => { e.style.display = 'block'; }));
  result.notes.push('hidden charts drawn once shown, 700 frames later');
}

const scenarios = { resize, secondView };

// ---- the check of one page ----

async function storeSettings(context, spec) {
  const u = new URL(spec.url);
  const token = u.searchParams.get('token');
  const base = u.pathname.slice(0, u.pathname.search(/\/(lab|notebooks|tree)\//) + 1);
  for (const [plugin, value] of Object.entries(spec.settings || {})) {
    const r = await context.request.put(`${u.origin}${base}lab/api/settings/${plugin}`, {
      headers: { Authorization: `token ${token}` }, data: { raw: JSON.stringify(value) } });
    if (!r.ok()) throw new Error(`storing the setting ${plugin} failed: HTTP ${r.status()}`);
  }
}

// screenshots takes the pictures a person looks at: a static page whole, a live notebook
// one screen, at its first chart (or its top). The scroll scenario keeps the screen it
// ended on, scrolled to the bottom, where the last charts drew.
async function screenshots(page, spec) {
  const file = `${shotStem(spec)}.png`;
  if (!spec.frontEnd) {
    await page.screenshot({ path: file, fullPage: true });
    return [file];
  }
  if (!has(spec, 'scroll')) await showFirstChart(page);
  await page.screenshot({ path: file });
  return [file];
}

function shotStem(spec) {
  return `${job.screenshots}/${spec.name.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

// showFirstChart scrolls the notebook to its first chart, or to its top, and waits for the
// charts to settle (a screenshot is taken even if they do not: the check has judged them).
// Before Run All (settle false) nothing would draw them: the screen is taken as it is.
async function showFirstChart(page, settle = true) {
  await page.evaluate(() => {
    const box = document.querySelector('.chainrule-chart');
    const cell = box && (box.closest('.jp-Cell, .cell') || box);
    if (cell) cell.scrollIntoView({ block: 'start' });
    else {
      const s = document.querySelector('.jp-WindowedPanel-outer') || document.querySelector('#site') || document.scrollingElement;
      s.scrollTop = 0;
    }
  });
  if (settle) await page.waitForFunction(() => window.chainruleCheck.chartsSettled(), null, { timeout: 20000 }).catch(() => {});
}

// printPDF prints the page to spec.print as Chromium's print does (A4, print media),
// once its charts are drawn. Each chart box gets a magenta border (rgb 255,0,255), so
// that the check of the PDF can find every chart's place.
async function printPDF(page, spec, result) {
  await page.emulateMedia({ media: 'print' });
  await page.addStyleTag({ content: '.chainrule-chart { border: 4px solid rgb(255,0,255) !important; box-sizing: border-box; margin: 8px 0; }' });
  await waitFor(page, 'every chart being drawn for print', () => window.chainruleCheck.chartsSettled(), null, MINUTE);
  await page.pdf({ path: spec.print, format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
  result.notes.push(`printed to ${spec.print.split('/').pop()}`);
}

// checkDrawn runs a live notebook (Run All) or waits for a static page, then requires
// every chart drawn, every formula typeset and every slider working, with the checks of
// the page's scenario. echartsLoads says how many times the page has loaded ECharts.
async function checkDrawn(page, spec, result, echartsLoads, phase) {
  if (has(spec, 'saved')) await savedNotes(page, spec, result);
  if (spec.frontEnd === 'classic') await runAllClassic(page);
  else if (spec.frontEnd) await runAllJupyterLab(page, spec);
  if (spec.frontEnd) phase('Run All');
  if (has(spec, 'scroll')) await scrollThrough(page, result);
  if (has(spec, 'reveal')) await reveal(page, result);
  await waitForCharts(page);
  if (spec.frontEnd) await waitForMath(page); // exported pages typeset with KaTeX as they load
  for (const [name, prove] of Object.entries(scenarios)) if (has(spec, name)) await prove(page, result);
  const moved = await page.evaluate(() => window.chainruleCheck.moveSliders());
  result.sliders = moved.sliders;
  result.problems.push(...moved.problems);
  const found = await page.evaluate(() => window.chainruleCheck.inspect());
  Object.assign(result, { charts: found.charts, formulas: found.formulas });
  result.problems.push(...found.problems);
  if (has(spec, 'dark')) {
    result.problems.push(...await page.evaluate(() => window.chainruleCheck.readability()));
    result.notes.push('charts readable under JupyterLab Dark');
  }
  if (spec.frontEnd && found.charts > 0 && echartsLoads() !== 1) {
    result.problems.push(`ECharts was loaded ${echartsLoads()} times; it must load once per page`);
  }
}

const VIEWPORT = { width: 1280, height: 1000 };

// The live pages of one server share a browser context, as one person's tabs share a
// browser: JupyterLab's scripts then come from the HTTP cache after the first page.
// Every other page gets a context of its own, closed with the page.
let shared = null; // { origin, context }
async function contextFor(browser, spec) {
  if (spec.frontEnd && shared && shared.origin === spec.origin) return shared.context;
  const context = await browser.newContext({ offline: !!spec.offline, javaScriptEnabled: !spec.noScript, viewport: VIEWPORT });
  await context.addInitScript(pageChecks);
  if (spec.frontEnd) {
    if (shared) await shared.context.close();
    shared = { origin: spec.origin, context };
  }
  return context;
}

async function checkPage(browser, spec) {
  const started = Date.now();
  const result = { name: spec.name, ok: false, problems: [], notes: [], charts: 0, formulas: 0, sliders: 0, screenshots: [], phases: [] };
  // phase records how long the part of the check since the previous phase took.
  let last = started;
  const phase = (name) => { const now = Date.now(); result.phases.push({ name, seconds: (now - last) / 1000 }); last = now; };
  const context = await contextFor(browser, spec);
  const page = await context.newPage();
  await page.setViewportSize(spec.viewport || VIEWPORT);
  let echartsLoads = 0, closing = false;
  // Once the checks are done, the kernel is shut down and the page closed: what
  // Jupyter's page says about that is not about the lesson.
  const problem = (p) => { if (!closing) result.problems.push(p); };
  page.on('console', (msg) => { if (msg.type() === 'error') problem(`console error: ${msg.text()}`); });
  page.on('response', (r) => {
    if (r.status() >= 400) problem(`HTTP ${r.status()} for ${r.url()}`);
    if (/echarts\.min\.js(\?|$)/.test(r.url())) { echartsLoads++; result.echartsURL = r.url(); }
  });
  page.on('pageerror', (err) => problem(`page error: ${err.message}`));
  page.on('requestfailed', (req) => problem(`request failed: ${req.url()} (${req.failure() && req.failure().errorText})`));
  if (spec.origin) {
    // A listener, not a route: routing would turn the HTTP cache off.
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(spec.origin) && !url.startsWith('data:') && !url.startsWith('blob:')) result.problems.push(`page asked the network for ${url}`);
    });
  }
  if (spec.serve) {
    await page.route('**/*', (route) => (route.request().url() === spec.url
      ? route.fulfill({ path: spec.serve, contentType: 'text/html' })
      : route.fulfill({ status: 404, contentType: 'text/plain', body: 'not found' })));
  }
  try {
    await storeSettings(context, spec);
    await page.goto(spec.url, { waitUntil: 'load', timeout: 2 * MINUTE });
    phase('load');
    if (has(spec, 'pictures')) await pictures(page, spec, result);
    else await checkDrawn(page, spec, result, () => echartsLoads, phase);
    if (spec.print) await printPDF(page, spec, result);
    phase('check');
    if (job.screenshots) result.screenshots.push(...await screenshots(page, spec));
    phase('screenshots');
  } catch (e) {
    result.problems.push(`could not check the page: ${e.message.split('\n')[0]}`);
  }
  closing = true;
  if (has(spec, 'dark')) {
    await page.evaluate(() => window.jupyterapp.commands.execute('apputils:change-theme', { theme: 'JupyterLab Light' })).catch(() => {});
  }
  if (spec.frontEnd && spec.frontEnd !== 'classic') await shutdownKernel(page);
  if (spec.ignore) {
    const ignore = spec.ignore.map((p) => new RegExp(p));
    result.problems = result.problems.filter((p) => !ignore.some((re) => re.test(p)));
  }
  result.ok = result.problems.length === 0;
  await (spec.frontEnd ? page.close() : context.close());
  phase('close');
  result.seconds = (Date.now() - started) / 1000;
  return result;
}

const browser = await launch(job.chromium);
for (const spec of job.pages) console.log(JSON.stringify(await checkPage(browser, spec)));
await browser.close();
