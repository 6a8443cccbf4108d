// Opens pages in headless Chromium and reports, for each, whether every chart drew
// pixels, every formula was typeset, and the console stayed free of errors.
// Used by `go run ./kernel test`. Input: one JSON argument
//   {"chromium": path, "screenshots": dir, "pages": [{"name", "url", "offline", "origin", "runAll"}]}
// offline: the browser context has no network at all (exported pages opened from disk);
// origin: only requests to this origin are allowed, others fail the check (live Jupyter);
// ignore: regular expressions for problems that belong to Jupyter itself, not the lesson.
// Output: one JSON line per page: {"name", "ok", "problems": [...], "charts", "formulas", "sliders", "screenshot"}.
import { chromium } from 'playwright-core';

const job = JSON.parse(process.argv[2]);

// inspect runs in the page: it counts charts and formulas and lists what is wrong.
function inspect() {
  const problems = [];
  const boxes = [...document.querySelectorAll('.chainrule-chart')];
  boxes.forEach((box, i) => {
    const err = box.querySelector('.chainrule-chart-error');
    if (err) { problems.push(`chart ${i + 1}: ${err.textContent}`); return; }
    const canvases = [...box.querySelectorAll('canvas')];
    let inked = 0;
    for (const c of canvases) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let p = 0; p < data.length; p += 4) {
        const [r, g, b, a] = [data[p], data[p + 1], data[p + 2], data[p + 3]];
        if (a > 0 && (r < 235 || g < 235 || b < 235)) inked++;
      }
    }
    if (inked < 200) problems.push(`chart ${i + 1} ("${box.getAttribute('id')}") drew ${inked} pixels`);
  });
  // Formulas: KaTeX (exported pages) or MathJax (Jupyter) output, and no TeX left in prose.
  const formulas = document.querySelectorAll('.katex, .MathJax, mjx-container, .MathJax_Display').length;
  document.querySelectorAll('.katex-error').forEach((e) => problems.push(`formula not typeset: ${e.textContent.slice(0, 80)}`));
  // Code (inputs and printed text) is in <pre> or CodeMirror; everything else is prose.
  const skip = 'pre, code, script, style, textarea, .CodeMirror, .katex, .MathJax, mjx-container, .MathJax_Preview';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const tex = /\$[^$]*\\[a-zA-Z]+|\$\$|\\frac|\\partial|\\sigma|\^\{|_\{/;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement && n.parentElement.closest(skip)) continue;
    const m = n.textContent.match(tex);
    if (m) problems.push(`raw TeX left in the page: "${n.textContent.trim().slice(0, 80)}"`);
  }
  return { charts: boxes.length, formulas, problems };
}

// moveSliders drags every slider under a chart (the nudge explorer) to its far end and
// requires the readout beside it to change: the page must work with no kernel behind it.
async function moveSliders() {
  const problems = [];
  const sliders = [...document.querySelectorAll('.chainrule-chart + * input[type=range]')];
  for (const [i, slider] of sliders.entries()) {
    const controls = slider.closest('.chainrule-chart + *');
    const before = controls.textContent;
    slider.value = slider.value === slider.max ? slider.min : slider.max;
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await new Promise((r) => setTimeout(r, 100));
    if (controls.textContent === before) problems.push(`slider ${i + 1}: moving it changed nothing beside it`);
  }
  return { sliders: sliders.length, problems };
}

async function waitForCharts(page, ms) {
  await page.waitForFunction(() => [...document.querySelectorAll('.chainrule-chart')].every(
    (b) => b.getAttribute('data-drawn') === 'true' || b.querySelector('.chainrule-chart-error')), null, { timeout: ms })
    .catch(() => {});
}

// runAll executes every cell of a notebook open in classic Notebook or JupyterLab and
// waits until the kernel is idle with every code cell run.
async function runAll(page) {
  // The page's scripts set up the notebook after the load event: wait for either kind.
  await page.waitForFunction(() => (window.Jupyter && window.Jupyter.notebook) || document.querySelector('.jp-Notebook'),
    null, { timeout: 60000 });
  const classic = await page.evaluate(() => !!(window.Jupyter && window.Jupyter.notebook));
  if (classic) {
    await page.waitForFunction(() => Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected(), null, { timeout: 60000 });
    await page.evaluate(() => Jupyter.notebook.execute_all_cells());
    await page.waitForFunction(() => {
      const cells = Jupyter.notebook.get_cells().filter((c) => c.cell_type === 'code');
      return !Jupyter.notebook.kernel_busy && cells.every((c) => typeof c.input_prompt_number === 'number');
    }, null, { timeout: 180000, polling: 500 });
    return;
  }
  // JupyterLab / Notebook 7: the Run menu's "Run All Cells".
  await page.waitForSelector('.jp-Notebook', { timeout: 60000 });
  await page.waitForSelector('.jp-Notebook-ExecutionIndicator[data-status="idle"], .jp-mod-idle', { timeout: 60000 }).catch(() => {});
  await page.click('text=Run');
  await page.click('text=Run All Cells');
  await page.waitForFunction(() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p.textContent));
  }, null, { timeout: 180000, polling: 500 });
}

const browser = await chromium.launch({
  executablePath: job.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
for (const spec of job.pages) {
  const result = { name: spec.name, ok: false, problems: [], charts: 0, formulas: 0, sliders: 0 };
  const context = await browser.newContext({ offline: !!spec.offline, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') result.problems.push(`console error: ${msg.text()}`); });
  page.on('response', (r) => { if (r.status() >= 400) result.problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  page.on('pageerror', (err) => result.problems.push(`page error: ${err.message}`));
  page.on('requestfailed', (req) => result.problems.push(`request failed: ${req.url()} (${req.failure() && req.failure().errorText})`));
  if (spec.origin) {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(spec.origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
      result.problems.push(`page asked the network for ${url}`);
      return route.abort();
    });
  }
  try {
    await page.goto(spec.url, { waitUntil: 'load', timeout: 60000 });
    if (spec.runAll) await runAll(page);
    await waitForCharts(page, 20000);
    await page.waitForTimeout(500); // let ECharts finish its first animation frame
    const moved = await page.evaluate(moveSliders);
    result.sliders = moved.sliders;
    result.problems.push(...moved.problems);
    const found = await page.evaluate(inspect);
    result.charts = found.charts;
    result.formulas = found.formulas;
    result.problems.push(...found.problems);
    if (job.screenshots) {
      result.screenshot = `${job.screenshots}/${spec.name.replace(/[^A-Za-z0-9_.-]/g, '_')}.png`;
      await page.screenshot({ path: result.screenshot, fullPage: true });
    }
  } catch (e) {
    result.problems.push(`could not check the page: ${e.message.split('\n')[0]}`);
  }
  // Jupyter's own pages have known noise that is not ours: classic Notebook's MathJax 2
  // asks for a font at about:blank. Failed requests are still caught by URL above.
  if (spec.ignore) {
    const ignore = spec.ignore.map((p) => new RegExp(p));
    result.problems = result.problems.filter((p) => !ignore.some((re) => re.test(p)));
  }
  result.ok = result.problems.length === 0;
  console.log(JSON.stringify(result));
  await context.close();
}
await browser.close();
