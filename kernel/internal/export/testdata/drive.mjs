// Drives the exported page of testdata/numbers.ipynb through the page runtime
// (window.backpropLive) for TestPageRecomputes, and prints what it saw as one JSON line.
// Arguments: the page's file:// URL, the URL of playwright-core's index.mjs, Chromium's path.
const [url, playwright, executablePath] = process.argv.slice(2);
const { chromium } = await import(playwright);

const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
const context = await browser.newContext({ offline: true });
const page = await context.newPage();
const seen = { problems: [] };
page.on('pageerror', (e) => seen.problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') seen.problems.push(`console error: ${m.text()}`); });
await page.goto(url, { waitUntil: 'load' });
await page.waitForFunction(() => window.backpropLive && window.backpropLive.state !== 'starting', null, { timeout: 60000 });
seen.state = await page.evaluate(() => window.backpropLive.state);

// run sets the numbers cell to `var x = <x>`, runs it and returns what the page shows.
const run = (x) => page.evaluate(async (x) => {
  const live = window.backpropLive;
  live.setSource(1, `var x = ${x}`);
  const r = await live.run(1);
  const text = (i) => {
    const area = document.getElementById(`cell-id=cell-${i}`).querySelector('.jp-OutputArea');
    return area ? area.innerText.trim() : '';
  };
  return { ok: r.ok, ran: r.ran, failed: r.failed, timedOut: !!r.timedOut, outputs: { ...live.outputs },
    shown: Object.fromEntries([1, 2, 3, 4].map((i) => [i, text(i)])), katex: document.querySelectorAll('#cell-id\\=cell-4 .jp-OutputArea .katex').length };
}, x);

seen.three = await run('3');
seen.notANumber = await run('abc');
seen.negative = await run('-1');
seen.tooLong = await run('2000');
seen.afterStop = await run('4');
await page.fill('textarea.backprop-numbers', 'var x = 5');
await page.focus('textarea.backprop-numbers');
await page.keyboard.press('Shift+Enter');
await page.waitForFunction(() => window.backpropLive.runs === 6 && !window.backpropLive.busy);
seen.shiftEnter = await page.evaluate(() => window.backpropLive.outputs[2]);
console.log(JSON.stringify(seen));
await browser.close();
