// The classroom check of `go run ./kernel test`: real students log in to a real
// JupyterHub in headless Chromium and use the lessons as a class would.
// Input: one JSON argument
//   {"phase": "class" (the default) or "secure", "chromium", "base", "screenshots": dir,
//    "lessons": folder, "welcome": file, "limitMs": longest any one wait may take, and
//    for "class": "password", "students": [...], "homes": {name: home}, "stranger", "admin",
//      "adminPassword", "chainRule": file, "training": file, "install": dir,
//      "trainingLimitMs": the longest wait while lesson 07 trains;
//    for "secure" (PAM, HTTPS): "passwords": {name: system password}, "student" (logs in
//      and runs "lesson"), "refused" (tries a wrong password), "offList" (right password,
//      no longer on the list), "admin", "students": the names the admin page lists}
// Output: one JSON line per check: {"check", "ok", "problems": [...], ...figures}.
// Every wait is for a condition, with a generous limit and a message naming what never happened.
import { launch } from './chromium.mjs';

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

// login fills the hub's login form and submits it, returning the hub's answer to the
// form (a redirect when the login is accepted, 403 when refused). On success the hub
// starts the student's server, which opens JupyterLab at the first lesson.
async function login(page, name, password, next = '') {
  await page.goto(`${job.base}hub/login${next ? `?next=${encodeURIComponent(next)}` : ''}`, { waitUntil: 'load', timeout: limit });
  await page.fill('#username_input', name);
  await page.fill('#password_input', password);
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.endsWith('/hub/login'), { timeout: limit }),
    page.click('#login_submit'),
  ]);
  return answer.status();
}

// refused checks that a login was turned away: HTTP 403, the login form again with its
// error, no login cookie. It returns the problems found.
async function refused(page, who, status) {
  const problems = [];
  if (status !== 403) problems.push(`${who}: the hub answered the login with HTTP ${status}, not 403`);
  await page.waitForLoadState('load');
  const error = await waitFor(page, `the login page telling ${who} the login failed`,
    () => (document.querySelector('.login_error') || {}).textContent || (/\/user\//.test(location.pathname) && 'logged in'));
  if (!/invalid username or password/i.test(error)) problems.push(`${who}: the login page said "${error}", not "Invalid username or password"`);
  const cookies = await page.context().cookies();
  if (cookies.some((c) => c.name === 'jupyterhub-hub-login')) problems.push(`${who} was given a hub login cookie`);
  return problems;
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

const firstLine = (e) => e.message.split('\n')[0];
const stem = (file) => file.replace('.ipynb', '');

const browser = await launch(job.chromium);
// Every user has a browser context of their own; a self-signed certificate is accepted
// (the Go side checks the one the hub serves against the certificate it was given).
const newContext = () => browser.newContext({ viewport: { width: 1200, height: 900 }, ignoreHTTPSErrors: true });
const pages = {};
// drain takes the problems a student's page has logged since the last call.
const drain = (name) => pages[name].problems.splice(0);

// studentPage opens a page in a context of the student's own, watched for problems,
// and records where it loads ECharts from.
async function studentPage(name) {
  const page = await (await newContext()).newPage();
  pages[name] = { page, problems: [], echarts: [] };
  watch(page, pages[name].problems, job.base);
  page.on('response', (resp) => { if (/echarts[^/]*\.js/.test(resp.url())) pages[name].echarts.push(`${resp.status()} ${resp.url()}`); });
  return page;
}

// loginToLab logs a student in through the form and waits until JupyterLab shows the
// first lesson with its kernel idle; it returns the seconds that took.
async function loginToLab(page, name, password) {
  const t0 = Date.now();
  const status = await login(page, name, password);
  if (status !== 302) throw new Error(`the hub answered ${name}'s login with HTTP ${status}, not a redirect`);
  await waitFor(page, `${name} landing in JupyterLab at ${job.welcome}`,
    (url) => location.href.startsWith(url) && document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-CodeCell').length > 0, labURL(name, job.welcome));
  await kernelIdle(page, name, job.welcome);
  return (Date.now() - t0) / 1000;
}

// lessonCharts opens a lesson, runs it all and requires every chart drawn with ECharts
// from /user/<name>/static/ and every formula typeset. It returns the figures and problems.
async function lessonCharts(page, name, file) {
  await openLesson(page, name, file);
  const t = await runAll(page, name, file);
  await settle(page, name, file);
  const found = await page.evaluate(inspect);
  const problems = found.problems;
  if (found.charts === 0) problems.push(`${file} showed no chart`);
  const echarts = pages[name].echarts;
  const want = `200 ${job.base}user/${name}/static/echarts.min.js`;
  if (!echarts.some((e) => e.startsWith(want))) problems.push(`ECharts was not loaded from ${want.slice(4)} (requests: ${echarts.join(', ') || 'none'})`);
  return { fig: { firstCellSeconds: t.first, runAllSeconds: t.all, charts: found.charts, formulas: found.formulas, echarts }, problems };
}

// studentRuns logs a student in, runs a lesson and reports the check, with a screenshot.
async function studentRuns(check, name, password, file) {
  const r = { check, student: name, problems: [] };
  const page = await studentPage(name);
  try {
    r.loginSeconds = await loginToLab(page, name, password);
    const { fig, problems } = await lessonCharts(page, name, file);
    Object.assign(r, fig);
    r.problems.push(...problems);
  } catch (e) {
    r.problems.push(firstLine(e));
  }
  await page.evaluate(() => document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .chainrule-chart')?.scrollIntoView()).catch(() => {});
  r.screenshot = await shot(page, `${name}-${stem(file)}`).catch(() => undefined);
  r.problems.push(...drain(name));
  report(r);
}

// isolationApi: a student's browser asks for another student's files.
async function isolationApi() {
  const [a, b] = job.students;
  const r = { check: 'isolation api', problems: [] };
  try {
    const resp = await pages[a].page.request.get(`${job.base}user/${b}/api/contents/${job.lessons}`, { maxRedirects: 10 });
    const body = await resp.text();
    r.status = resp.status();
    if (resp.status() !== 403) r.problems.push(`${a} asked for ${b}'s lessons through the API and got HTTP ${resp.status()}, not 403`);
    if (body.includes(job.chainRule)) r.problems.push(`${a} could list ${b}'s lessons through the API`);
  } catch (e) {
    r.problems.push(firstLine(e));
  }
  report(r);
}

// isolationKernel: a cell of one student tries to read another's home and to change
// the shared mathx.
async function isolationKernel() {
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
    r.output = (await page.evaluate(outputsText)).trim().split('\n');
    for (const what of ['read another home', 'list another home', 'change the shared mathx']) {
      const line = r.output.find((l) => l.startsWith(what + ':')) || '';
      if (!/permission denied/.test(line)) r.problems.push(`a kernel cell of ${a} tried to ${what} and got "${line || 'no output'}", not "permission denied"`);
    }
  } catch (e) {
    r.problems.push(firstLine(e));
  }
  r.problems.push(...drain(a));
  report(r);
}

// turnedAway checks that the hub refuses a login through the form.
async function turnedAway(check, name, password) {
  const r = { check, problems: [] };
  const context = await newContext();
  const page = await context.newPage();
  try {
    r.status = await login(page, name, password);
    r.problems.push(...await refused(page, name, r.status));
  } catch (e) {
    r.problems.push(firstLine(e));
  }
  await context.close();
  report(r);
}

// adminPage logs the admin in straight to /hub/admin and waits for it to list the
// students; a student who asks for the page gets HTTP 403.
async function adminPage(check, admin, password) {
  const r = { check, problems: [] };
  const context = await newContext();
  const page = await context.newPage();
  const problems = [];
  watch(page, problems, job.base);
  try {
    const status = await login(page, admin, password, `${new URL(job.base).pathname}hub/admin`);
    if (status !== 302) throw new Error(`the hub answered ${admin}'s login with HTTP ${status}, not a redirect`);
    await waitFor(page, `the admin page listing ${job.students.join(', ')} for ${admin}`,
      (names) => location.pathname.endsWith('/hub/admin') && !!document.body && names.every((n) => document.body.innerText.includes(n)), job.students);
    r.screenshot = await shot(page, `${admin}-admin`).catch(() => undefined);
    const student = Object.keys(pages)[0];
    if (student) {
      r.studentStatus = (await pages[student].page.request.get(`${job.base}hub/admin`, { maxRedirects: 0 })).status();
      if (r.studentStatus !== 403) r.problems.push(`${student}, a student, asked for the admin page and got HTTP ${r.studentStatus}, not 403`);
    }
  } catch (e) {
    r.problems.push(firstLine(e));
  }
  r.problems.push(...problems);
  await context.close();
  report(r);
}

// train runs lesson 07 for a student and returns its times and printed text.
async function train(name) {
  const { page } = pages[name];
  await openLesson(page, name, job.training);
  const t = await runAll(page, name, job.training, job.trainingLimitMs || limit);
  const text = await page.evaluate(outputsText);
  const epochs = [...text.matchAll(/^epoch .*\((\d+(?:\.\d+)?) s\)\s*$/gm)].map((m) => Number(m[1]));
  return { runAllSeconds: t.all, trainSeconds: epochs.reduce((s, x) => s + x, 0), epochs: epochs.length, text };
}

// trainingAlone: lesson 07 run by the first student alone.
async function trainingAlone() {
  const name = job.students[0];
  const r = { check: 'training alone', student: name, problems: [] };
  try {
    Object.assign(r, await train(name));
    r.screenshot = await shot(pages[name].page, `${name}-${stem(job.training)}-alone`).catch(() => undefined);
  } catch (e) {
    r.problems.push(firstLine(e));
  }
  r.problems.push(...drain(name));
  report(r);
}

// trainingAtOnce: lesson 07 run by every student at the same time.
async function trainingAtOnce() {
  const r = { check: 'training at once', problems: [], students: {} };
  // Each student opens the lesson first, so that the Run All start together.
  await Promise.all(job.students.map((name) => openLesson(pages[name].page, name, job.training).catch((e) => r.problems.push(`${name}: ${firstLine(e)}`))));
  const results = await Promise.all(job.students.map(async (name) => {
    try {
      return [name, await train(name)];
    } catch (e) {
      return [name, { error: firstLine(e) }];
    }
  }));
  for (const [name, t] of results) {
    r.students[name] = t;
    if (t.error) r.problems.push(`${name}: ${t.error}`);
    r.problems.push(...drain(name).map((p) => `${name}: ${p}`));
    await shot(pages[name].page, `${name}-${stem(job.training)}-together`).catch(() => undefined);
  }
  report(r);
}

// classPhase: the class with its shared password. The students log in and run lesson
// 02 at once, as a class starts; isolation through the API and from a kernel; a
// stranger is turned away; the admin reaches the admin page; lesson 07 trains for one
// student, then for all at once.
async function classPhase() {
  await Promise.all(job.students.map((name) => studentRuns(`chain-rule ${name}`, name, job.password, job.chainRule)));
  await isolationApi();
  await isolationKernel();
  await turnedAway('stranger', job.stranger, job.password);
  await adminPage('admin', job.admin, job.adminPassword);
  await trainingAlone();
  await trainingAtOnce();
}

// securePhase: a hub with PAM over HTTPS on a network address. A student logs in with
// their system password and runs a lesson with charts; a wrong password, and a right
// one of an account no longer on the list, are turned away; the admin logs in with
// their system password and reaches the admin page.
async function securePhase() {
  await studentRuns(`pam login ${job.student}`, job.student, job.passwords[job.student], job.lesson);
  await turnedAway('pam wrong password', job.refused, `${job.passwords[job.refused]}-not`);
  await turnedAway('pam off the list', job.offList, job.passwords[job.offList]);
  await adminPage('pam admin', job.admin, job.passwords[job.admin]);
}

try {
  await ((job.phase || 'class') === 'class' ? classPhase() : securePhase());
} finally {
  await browser.close();
}
