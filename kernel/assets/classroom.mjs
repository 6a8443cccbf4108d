// The classroom check of `go run ./kernel test`: real students log in to a real
// JupyterHub in headless Chromium and use the lessons as a class would.
// Input: one JSON argument
//   {"chromium", "base", "password", "students": [...], "homes": {name: home}, "stranger",
//    "lessons": folder, "welcome": file, "chainRule": file, "training": file, "install": dir, "screenshots": dir,
//    "limitMs": longest any one wait may take, "trainingLimitMs": the same while lesson 07 trains}
// Output: one JSON line per check: {"check", "ok", "problems": [...], ...figures}.
// Every wait is for a condition, with a generous limit and a message naming what never happened.
import { chromium } from 'playwright-core';

const job = JSON.parse(process.argv[2]);
const limit = job.limitMs || 600000;
const report = (r) => console.log(JSON.stringify({ ok: r.problems.length === 0, ...r }));

// waitFor polls fn in the page until it returns a truthy value; on timeout it fails
// with what never happened.
async function waitFor(page, what, fn, arg, ms = limit) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await (await page.waitForFunction(fn, arg, { timeout: Math.max(1, deadline - Date.now()), polling: 250 })).jsonValue();
    } catch (e) {
      // A navigation while polling (a redirect, a reload) destroys the page's context: poll again.
      if (e.name !== 'TimeoutError' && Date.now() < deadline && !page.isClosed()) {
        await page.waitForLoadState('load', { timeout: Math.max(1, deadline - Date.now()) }).catch(() => {});
        continue;
      }
      throw new Error(`${what} did not happen within ${Math.round(ms / 1000)} s${e.name === 'TimeoutError' ? '' : ` (${e.message.split('\n')[0]})`}`);
    }
  }
}

// watch records what goes wrong on a page: console errors, failed requests, HTTP errors
// and any request that leaves the hub.
function watch(page, problems, base) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text().split('\n')[0]}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  page.on('requestfailed', (r) => {
    const why = r.failure() && r.failure().errorText;
    if (why !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} (${why})`);
  });
  page.context().route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    problems.push(`page asked the network for ${url}`);
    return route.abort();
  });
}

// login logs a student in with the class password; the hub starts their server, which
// opens JupyterLab at the first lesson. It waits for that lesson's kernel.
async function login(page, name) {
  await page.goto(`${job.base}hub/login`, { waitUntil: 'load', timeout: limit });
  await page.fill('#username_input', name);
  await page.fill('#password_input', job.password);
  await page.click('#login_submit');
}

// promptCounts returns each code cell's execution count (0 before it has run).
const promptCounts = () => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell .jp-InputPrompt')]
  .map((p) => { const m = /\[(\d+)\]/.exec(p.textContent); return m ? Number(m[1]) : 0; });

const labURL = (name, file) => `${job.base}user/${name}/lab/tree/${job.lessons}/${file}`;

// kernelIdle waits until the student's server reports the notebook's kernel started
// and idle. It asks the server's REST API from Node with the student's cookies, so a
// reload of the page does not disturb it.
async function kernelIdle(page, name, file, ms = limit) {
  const path = `${job.lessons}/${file}`;
  const deadline = Date.now() + ms;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    try {
      const r = await page.context().request.get(`${job.base}user/${name}/api/sessions`, { timeout: 30000 });
      if (r.ok()) {
        const s = (await r.json()).find((s) => s.path === path);
        last = s ? `kernel ${s.kernel && s.kernel.execution_state}` : 'no session';
        if (s && s.kernel && s.kernel.execution_state === 'idle') return;
      } else {
        last = `HTTP ${r.status()}`;
      }
    } catch (e) {
      last = e.message.split('\n')[0];
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name}'s kernel for ${file} did not become idle within ${Math.round(ms / 1000)} s (last seen: ${last})`);
}

// openLesson opens a lesson in the student's Lab and waits for its kernel.
async function openLesson(page, name, file) {
  // ?reset: JupyterLab opens only this notebook instead of restoring the tabs open before.
  if (!page.url().startsWith(labURL(name, file))) await page.goto(labURL(name, file) + '?reset', { waitUntil: 'load', timeout: limit });
  await waitFor(page, `${file} opening in JupyterLab for ${name}`, () => document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell').length > 0);
  await kernelIdle(page, name, file);
}

// runAll clicks Run → Run All Cells and waits until every code cell has run and the
// kernel is idle again. It returns the seconds until the first code cell finished and
// until all had.
async function runAll(page, name, file, ms = limit) {
  // A cell's prompt shows [n] once it has run; n counts up across runs, so a re-run is
  // told apart from an earlier one by numbers above the highest shown before.
  const before = Math.max(0, ...(await page.evaluate(promptCounts)));
  // Run All acts on the notebook that has the focus.
  await page.click('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell .jp-InputPrompt >> nth=0');
  await page.click('.lm-MenuBar-itemLabel:text-is("Run")');
  await page.click('li.lm-Menu-item[data-command="runmenu:run-all"]:not(.lm-mod-disabled)', { timeout: limit });
  const start = Date.now();
  await waitFor(page, `the first code cell of ${file} finishing for ${name}`, (before) => {
    const p = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell .jp-InputPrompt');
    const m = p && /\[(\d+)\]/.exec(p.textContent);
    return !!m && Number(m[1]) > before;
  }, before, ms);
  const first = (Date.now() - start) / 1000;
  await waitFor(page, `every code cell of ${file} running for ${name}`, (before) => {
    const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    return prompts.length > 0 && prompts.every((p) => { const m = /\[(\d+)\]/.exec(p.textContent); return !!m && Number(m[1]) > before; });
  }, before, ms);
  await kernelIdle(page, name, file, ms);
  return { first, all: (Date.now() - start) / 1000 };
}

// settle waits until every chart box is drawn or says why not, and MathJax has
// typeset every formula (no TeX left outside code).
async function settle(page, name, file) {
  await waitFor(page, `every chart of ${file} drawing for ${name}`, () => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .chainrule-chart')].every(
    (b) => b.getAttribute('data-drawn') === 'true' || b.querySelector('.chainrule-chart-error')));
  await waitFor(page, `MathJax typesetting every formula of ${file} for ${name}`, () => {
    const skip = 'pre, code, script, style, textarea, .cm-editor, .CodeMirror, mjx-container, .MathJax, .jp-InputArea-editor';
    const tex = /\$[^$]*\\[a-zA-Z]+|\$\$|\\frac|\\partial|\\sigma|\^\{|_\{/;
    const walker = document.createTreeWalker(document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook'), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement && n.parentElement.closest(skip)) continue;
      if (tex.test(n.textContent)) return false;
    }
    return true;
  });
}

// inspect counts charts (each must have inked at least 200 pixels) and typeset formulas.
function inspect() {
  const problems = [];
  const boxes = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .chainrule-chart')];
  boxes.forEach((box, i) => {
    const err = box.querySelector('.chainrule-chart-error');
    if (err) { problems.push(`chart ${i + 1}: ${err.textContent}`); return; }
    let inked = 0;
    for (const c of box.querySelectorAll('canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let p = 0; p < d.length; p += 4) if (d[p + 3] > 0 && (d[p] < 235 || d[p + 1] < 235 || d[p + 2] < 235)) inked++;
    }
    if (inked < 200) problems.push(`chart ${i + 1} drew ${inked} pixels`);
  });
  const formulas = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook mjx-container').length;
  if (formulas === 0) problems.push('no formula was typeset');
  return { charts: boxes.length, formulas, problems };
}

const outputsText = () => [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-OutputArea-output')].map((e) => e.textContent).join('\n');

const shot = async (page, name) => {
  if (!job.screenshots) return undefined;
  const path = `${job.screenshots}/classroom-${name}.png`;
  await page.screenshot({ path });
  return path;
};

const browser = await chromium.launch({
  executablePath: job.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic'],
});
const pages = {};
// drain takes the problems a student's page has logged since the last call.
const drain = (name) => pages[name].problems.splice(0);
try {
  // 1. Each student logs in, lands in lesson 02 and runs it all: every chart drawn from
  //    ECharts under /user/<name>/static/, every formula typeset.
  for (const name of job.students) {
    const r = { check: `chain-rule ${name}`, student: name, problems: [] };
    const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    const page = await context.newPage();
    pages[name] = { page, problems: [] };
    watch(page, pages[name].problems, job.base);
    const echarts = [];
    page.on('response', (resp) => { if (/echarts[^/]*\.js/.test(resp.url())) echarts.push(`${resp.status()} ${resp.url()}`); });
    try {
      const t0 = Date.now();
      await login(page, name);
      await waitFor(page, `${name} landing in JupyterLab at ${job.welcome}`,
        (url) => location.href.startsWith(url) && document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell').length > 0, labURL(name, job.welcome));
      await kernelIdle(page, name, job.welcome);
      r.loginSeconds = (Date.now() - t0) / 1000;
      await openLesson(page, name, job.chainRule);
      const t = await runAll(page, name, job.chainRule);
      r.firstCellSeconds = t.first;
      r.runAllSeconds = t.all;
      await settle(page, name, job.chainRule);
      const found = await page.evaluate(inspect);
      r.charts = found.charts;
      r.formulas = found.formulas;
      r.problems.push(...found.problems);
      if (found.charts === 0) r.problems.push(`${job.chainRule} showed no chart`);
      const want = `200 ${job.base}user/${name}/static/echarts.min.js`;
      if (!echarts.some((e) => e.startsWith(want))) r.problems.push(`ECharts was not loaded from ${want.slice(4)} (requests: ${echarts.join(', ') || 'none'})`);
      r.echarts = echarts;
    } catch (e) {
      r.problems.push(e.message.split('\n')[0]);
    }
    await page.evaluate(() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .chainrule-chart')?.scrollIntoView()).catch(() => {});
    r.screenshot = await shot(page, `${name}-${job.chainRule.replace('.ipynb', '')}`).catch(() => undefined);
    r.problems.push(...drain(name));
    report(r);
  }

  // 2. Isolation through the API: a student's browser asks for another student's files.
  {
    const [a, b] = job.students;
    const r = { check: 'isolation api', problems: [] };
    try {
      const resp = await pages[a].page.request.get(`${job.base}user/${b}/api/contents/${job.lessons}`, { maxRedirects: 10 });
      const body = await resp.text();
      r.status = resp.status();
      if (resp.status() !== 403) r.problems.push(`${a} asked for ${b}'s lessons through the API and got HTTP ${resp.status()}, not 403`);
      if (body.includes(job.chainRule)) r.problems.push(`${a} could list ${b}'s lessons through the API`);
    } catch (e) {
      r.problems.push(e.message.split('\n')[0]);
    }
    report(r);
  }

  // 3. Isolation from a kernel: a cell of one student tries to read another's home and to
  //    change the shared mathx.
  {
    const [a, b] = job.students;
    const r = { check: 'isolation kernel', problems: [] };
    const page = pages[a].page;
    const file = 'isolation.ipynb';
    const code = [
      '%%',
      `_, err := os.ReadFile(${JSON.stringify(`${job.homes[b]}/${job.lessons}/${job.chainRule}`)})`,
      'fmt.Println("read another home:", err)',
      `_, err = os.ReadDir(${JSON.stringify(job.homes[b])})`,
      'fmt.Println("list another home:", err)',
      `err = os.WriteFile(${JSON.stringify(`${job.install}/module/mathx/mine.go`)}, []byte("package mathx"), 0o644)`,
      'fmt.Println("change the shared mathx:", err)',
    ].join('\n');
    const nb = {
      nbformat: 4, nbformat_minor: 5,
      metadata: { kernelspec: { name: 'gonb-backprop', display_name: 'Go (backprop lessons)', language: 'go' } },
      cells: [{ cell_type: 'code', id: 'isolation', metadata: {}, execution_count: null, outputs: [], source: code }],
    };
    try {
      const xsrf = (await page.context().cookies()).find((c) => c.name === '_xsrf');
      const put = await page.request.put(`${job.base}user/${a}/api/contents/${job.lessons}/${file}`, {
        data: { type: 'notebook', content: nb }, headers: xsrf ? { 'X-XSRFToken': xsrf.value } : {},
      });
      if (!put.ok()) throw new Error(`saving ${file} for ${a} failed: HTTP ${put.status()} ${await put.text()}`);
      await openLesson(page, a, file);
      await runAll(page, a, file);
      const text = await page.evaluate(outputsText);
      r.output = text.trim().split('\n');
      for (const what of ['read another home', 'list another home', 'change the shared mathx']) {
        const line = r.output.find((l) => l.startsWith(what + ':')) || '';
        if (!/permission denied/.test(line)) r.problems.push(`a kernel cell of ${a} tried to ${what} and got "${line || 'no output'}", not "permission denied"`);
      }
    } catch (e) {
      r.problems.push(e.message.split('\n')[0]);
    }
    r.problems.push(...drain(a));
    report(r);
  }

  // 4. A user who is not on the list cannot log in, even with the class password.
  {
    const r = { check: 'stranger', problems: [] };
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await login(page, job.stranger);
      await page.waitForLoadState('load');
      await waitFor(page, 'the login page answering the stranger',
        () => document.querySelector('#login_submit') !== null || /\/user\//.test(location.pathname));
      if (/\/user\//.test(new URL(page.url()).pathname) || !page.url().includes('/hub/login')) {
        r.problems.push(`${job.stranger}, who is not a student, logged in (now at ${page.url()})`);
      }
      const cookies = (await context.cookies()).filter((c) => c.name.startsWith('jupyterhub-session') || c.name === 'jupyterhub-hub-login');
      if (cookies.some((c) => c.name === 'jupyterhub-hub-login')) r.problems.push(`${job.stranger} was given a hub login cookie`);
    } catch (e) {
      r.problems.push(e.message.split('\n')[0]);
    }
    await context.close();
    report(r);
  }

  // 5. Training: lesson 07 run by one student alone, then by every student at once.
  const train = async (name) => {
    const { page } = pages[name];
    await openLesson(page, name, job.training);
    const t = await runAll(page, name, job.training, job.trainingLimitMs || limit);
    const text = await page.evaluate(outputsText);
    const epochs = [...text.matchAll(/^epoch .*\((\d+(?:\.\d+)?) s\)\s*$/gm)].map((m) => Number(m[1]));
    return { runAllSeconds: t.all, trainSeconds: epochs.reduce((s, x) => s + x, 0), epochs: epochs.length, text };
  };
  {
    const name = job.students[0];
    const r = { check: 'training alone', student: name, problems: [] };
    try {
      const t = await train(name);
      Object.assign(r, t);
      r.screenshot = await shot(pages[name].page, `${name}-${job.training.replace('.ipynb', '')}-alone`).catch(() => undefined);
    } catch (e) {
      r.problems.push(e.message.split('\n')[0]);
    }
    r.problems.push(...drain(name));
    report(r);
  }
  {
    const r = { check: 'training at once', problems: [], students: {} };
    // Each student opens the lesson first, so that the three Run All start together.
    await Promise.all(job.students.map((name) => openLesson(pages[name].page, name, job.training).catch((e) => r.problems.push(e.message))));
    const results = await Promise.all(job.students.map(async (name) => {
      try {
        return [name, await train(name)];
      } catch (e) {
        return [name, { error: e.message.split('\n')[0] }];
      }
    }));
    for (const [name, t] of results) {
      r.students[name] = t;
      if (t.error) r.problems.push(`${name}: ${t.error}`);
      r.problems.push(...drain(name).map((p) => `${name}: ${p}`));
      await shot(pages[name].page, `${name}-${job.training.replace('.ipynb', '')}-together`).catch(() => undefined);
    }
    report(r);
  }
} finally {
  await browser.close();
}
