// The page runtime of an exported lesson (`kernel export`). It typesets the page's
// formulas with KaTeX, labels the snapshot cells (<script id="backprop-lesson"> lists the
// cells' kinds) and, when the lesson has numbers cells, starts the lessons' Go program
// (window.backpropWasm: base64 of the gzipped WebAssembly) in a Web Worker and makes
// those cells editable: Run or Shift-Enter sends the edited text to the program, and the
// outputs of the cells below are replaced as they arrive. A run over 10 s is stopped:
// the worker is ended and started again.
//
// window.backpropLive is for the browser checks:
//   outputs[index]   the nbformat outputs of the cell's last run
//   run(index)       runs from a numbers cell; resolves to lastRun
//   setSource(index, text), source(index)
//   ready            resolves once the program is serving (rejects if it cannot start)
//   state            'starting', 'ready' or 'failed: <why>'
//   busy, lastRun    {from, ok, ran, failed, timedOut, ms, goMs}: ms from Run to the last
//                    output shown, goMs the part the worker spent in Go; runs (how many finished)
//   startup          {decodeMs, compileMs, workerMs}: where the first start's time went
(function () {
  'use strict';

  const TIME_LIMIT_MS = 10000;
  const DELIMITERS = [
    { left: '$$', right: '$$', display: true }, { left: '\\[', right: '\\]', display: true },
    { left: '$', right: '$', display: false }, { left: '\\(', right: '\\)', display: false },
  ];

  const CSS = `
.backprop-editor textarea { width: 100%; box-sizing: border-box; padding: 6px 8px; border: 1px solid #7a9cc6; border-radius: 3px;
  background: #fbfdff; color: #111; font: 13px/1.45 var(--jp-code-font-family, monospace); tab-size: 4; resize: vertical; }
.backprop-bar { display: flex; gap: .8em; align-items: center; margin: .35em 0; font: 13px sans-serif; color: #333; }
.backprop-run { font: 600 13px sans-serif; padding: .3em 1.2em; border: 1px solid #1a5fb4; border-radius: 3px;
  background: #1a5fb4; color: #fff; cursor: pointer; }
.backprop-run:disabled { opacity: .6; cursor: progress; }
.backprop-note { font: 12px sans-serif; padding: 2px 8px; margin: 2px 0 4px; border-left: 3px solid; }
.backprop-snapshot { color: #4d3d00; background: #fff7d6; border-color: #c9a400; }
.backprop-stale { color: #6b1a1a; background: #fdecea; border-color: #c33; }
.backprop-timing { color: #1c3d5a; background: #eaf2fb; border-color: #1a5fb4; }
@media print { .backprop-bar { display: none; } }
`;

  function typeset(el) {
    if (window.renderMathInElement) window.renderMathInElement(el, { delimiters: DELIMITERS, throwOnError: false });
  }

  typeset(document.body);
  const configNode = document.getElementById('backprop-lesson');
  if (!configNode) return;
  const config = JSON.parse(configNode.textContent); // {lesson, cells: [{index, id, kind, why, source}]}
  const cells = new Map(config.cells.map((c) => [c.index, c]));
  const live = {
    outputs: {}, busy: false, lastRun: null, runs: 0, startup: {}, state: 'static',
    run: (index) => runFrom(index), setSource, source,
  };

  // ---- the worker ----

  let modulePromise = null; // the compiled program, kept for restarts
  let worker = null;
  let onMessage = () => {};

  async function compileProgram() {
    const t0 = performance.now();
    const zipped = Uint8Array.from(atob(window.backpropWasm), (ch) => ch.charCodeAt(0));
    const bytes = await new Response(new Blob([zipped]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer();
    const t1 = performance.now();
    const module = await WebAssembly.compile(bytes);
    live.startup.decodeMs = t1 - t0;
    live.startup.compileMs = performance.now() - t1;
    return module;
  }

  // startWorker starts the program in a new worker; it resolves once Go is serving.
  function startWorker() {
    const t0 = performance.now();
    modulePromise = modulePromise || compileProgram();
    return modulePromise.then((module) => new Promise((resolve, reject) => {
      const url = URL.createObjectURL(new Blob([window.backpropWorkerSource], { type: 'text/javascript' }));
      worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.onerror = (e) => reject(new Error(`the page's Go program did not start: ${e.message}`));
      worker.onmessage = (e) => {
        if (e.data.type === 'failed') reject(new Error(`the page's Go program did not start: ${e.data.error}`));
        if (e.data.type === 'ready') {
          if (live.startup.workerMs === undefined) live.startup.workerMs = performance.now() - t0;
          worker.onmessage = (e) => onMessage(e.data);
          resolve();
        }
      };
      worker.postMessage({ type: 'start', module });
    }));
  }

  // restart starts the program in a new worker: at load, and after a run was stopped.
  function restart() {
    live.state = 'starting';
    live.ready = startWorker();
    live.ready.then(() => { live.state = 'ready'; }, (e) => {
      live.state = `failed: ${e.message || e}`;
      status(String(e.message || e));
    });
  }

  // ---- cells and their outputs ----

  function cellNode(index) {
    const c = cells.get(index);
    return (c && c.id && document.getElementById(`cell-id=${c.id}`)) || document.querySelectorAll('.jp-Notebook-cell')[index];
  }

  // outputArea returns the cell's output area, made if the cell had no outputs.
  function outputArea(index) {
    const node = cellNode(index);
    let area = node.querySelector('.jp-OutputArea');
    if (!area) {
      const wrapper = document.createElement('div');
      wrapper.className = 'jp-Cell-outputWrapper';
      wrapper.innerHTML = '<div class="jp-Collapser jp-OutputCollapser jp-Cell-outputCollapser"></div><div class="jp-OutputArea jp-Cell-outputArea"></div>';
      node.appendChild(wrapper);
      node.classList.remove('jp-mod-noOutputs');
      area = wrapper.lastChild;
    }
    return area;
  }

  function escapeHTML(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]));
  }

  // note puts a line above the cell's outputs (kind: snapshot or stale).
  // A cell that prints a duration timed itself: in the page, that is this browser's time.
  const DURATION = /\d(\.\d+)?([eE][-+]?\d+)?\s?(ns|µs|μs|us|ms|s)\b/;
  const TIMING_NOTE = 'Measured in this browser, by the lesson\'s Go code compiled to WebAssembly: the kernel\'s times differ.';
  function printsDuration(index) {
    return (live.outputs[index] || []).some((o) => o.output_type === 'stream' && DURATION.test(o.text));
  }

  function note(index, kind, text) {
    const area = outputArea(index);
    let el = area.querySelector(':scope > .backprop-note');
    if (!el) {
      el = document.createElement('div');
      area.prepend(el);
    }
    el.className = `backprop-note backprop-${kind}`;
    el.textContent = text;
  }

  // renderMarkdown renders Markdown with its math kept from the Markdown renderer
  // (which would eat the backslashes and underscores of TeX), then typesets the math.
  function renderMarkdown(el, md) {
    const math = [];
    const kept = md.replace(/\$\$[\s\S]+?\$\$|\\\[[\s\S]+?\\\]|\\\([\s\S]+?\\\)|\$(?:\\\$|[^$\n])+?\$/g, (m) => {
      math.push(m);
      return `BACKPROPMATH${math.length - 1}X`;
    });
    el.innerHTML = window.marked.parse(kept).replace(/BACKPROPMATH(\d+)X/g, (_, i) => escapeHTML(math[i]));
    typeset(el);
  }

  // runScripts runs the scripts inserted as HTML in el, each in its place (charts find
  // their box beside the script that draws them).
  function runScripts(el) {
    pending.delete(el);
    el.querySelectorAll('script').forEach((old) => {
      const s = document.createElement('script');
      for (const a of old.attributes) s.setAttribute(a.name, a.value);
      s.textContent = old.textContent;
      old.replaceWith(s);
    });
  }

  // A chart takes 20-200 ms to draw, so the scripts of an output more than a window's
  // height away from the window wait until it comes near: a run shows what is on screen
  // first. Printing draws them all.
  const pending = new Set();
  const nearby = window.IntersectionObserver && new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      nearby.unobserve(e.target);
      runScripts(e.target);
    }
  }, { rootMargin: '100% 0px' });
  window.addEventListener('beforeprint', () => [...pending].forEach(runScripts));

  // renderHTML inserts HTML and runs its scripts, at once or when the output comes near.
  function renderHTML(el, html) {
    el.innerHTML = html;
    if (!nearby || !el.querySelector('script')) {
      runScripts(el);
      return;
    }
    pending.add(el);
    nearby.observe(el);
  }

  const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;

  // renderOutput makes the element for one nbformat output, as nbconvert's page shows it.
  function renderOutput(out) {
    const child = document.createElement('div');
    child.className = 'jp-OutputArea-child';
    child.innerHTML = '<div class="jp-OutputPrompt jp-OutputArea-prompt"></div>';
    const el = document.createElement('div');
    child.appendChild(el);
    const text = (mime, s) => {
      el.className = 'jp-RenderedText jp-OutputArea-output';
      el.setAttribute('data-mime-type', mime);
      el.innerHTML = `<pre>${escapeHTML(s)}</pre>`;
    };
    if (out.output_type === 'stream') {
      text(out.name === 'stderr' ? 'application/vnd.jupyter.stderr' : 'text/plain', out.text);
    } else if (out.output_type === 'error') {
      text('application/vnd.jupyter.stderr', (out.traceback || [`${out.ename}: ${out.evalue}`]).join('\n').replace(ANSI, ''));
    } else if (out.data['text/html'] !== undefined) {
      el.className = 'jp-RenderedHTMLCommon jp-RenderedHTML jp-OutputArea-output';
      el.setAttribute('data-mime-type', 'text/html');
      renderHTML(el, out.data['text/html']);
    } else if (out.data['text/markdown'] !== undefined) {
      el.className = 'jp-RenderedHTMLCommon jp-RenderedMarkdown jp-OutputArea-output';
      el.setAttribute('data-mime-type', 'text/markdown');
      renderMarkdown(el, out.data['text/markdown']);
    } else {
      text('text/plain', out.data['text/plain'] || '');
    }
    return child;
  }

  // addOutput appends one output to the cell: printed text joins the text just before
  // it on the same stream, as Jupyter shows it.
  function addOutput(index, out) {
    const outs = live.outputs[index] = live.outputs[index] || [];
    const last = outs[outs.length - 1];
    const area = outputArea(index);
    if (out.output_type === 'stream' && last && last.output_type === 'stream' && last.name === out.name) {
      last.text += out.text;
      area.lastElementChild.replaceWith(renderOutput(last));
      return;
    }
    outs.push(out);
    area.appendChild(renderOutput(out));
  }

  // clearOutputs empties the cell's outputs, first ending its charts (ECharts keeps every
  // chart it made until it is disposed).
  function clearOutputs(index) {
    live.outputs[index] = [];
    const area = outputArea(index);
    for (const el of pending) {
      if (area.contains(el)) {
        nearby.unobserve(el);
        pending.delete(el);
      }
    }
    area.querySelectorAll('.chainrule-chart').forEach((box) => {
      const chart = window.echarts && window.echarts.getInstanceByDom(box);
      if (chart) chart.dispose();
    });
    area.replaceChildren();
  }

  // ---- the numbers cells' editors ----

  function editor(index) {
    return cellNode(index).querySelector('textarea.backprop-numbers');
  }

  function source(index) {
    return editor(index).value;
  }

  function setSource(index, text) {
    const ed = editor(index);
    ed.value = text;
    ed.rows = text.split('\n').length;
  }

  // makeEditable replaces the numbers cell's code with a text box and a Run button.
  function makeEditable(c) {
    const input = cellNode(c.index).querySelector('.jp-InputArea-editor');
    const box = document.createElement('div');
    box.className = 'backprop-editor';
    box.innerHTML = '<textarea class="backprop-numbers" spellcheck="false" aria-label="The lesson\'s numbers: edit them, then Run"></textarea>' +
      '<div class="backprop-bar"><button type="button" class="backprop-run">Run</button>' +
      '<span class="backprop-status">Edit the numbers, then Run (or Shift-Enter): the cells below recompute in this page.</span></div>';
    input.replaceChildren(box);
    setSource(c.index, c.source);
    const ed = editor(c.index);
    ed.addEventListener('input', () => { ed.rows = ed.value.split('\n').length; });
    ed.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && e.shiftKey) {
        e.preventDefault();
        runFrom(c.index);
      }
    });
    box.querySelector('.backprop-run').addEventListener('click', () => runFrom(c.index));
  }

  function status(text) {
    document.querySelectorAll('.backprop-status').forEach((s) => { s.textContent = text; });
  }

  function setBusy(busy) {
    live.busy = busy;
    document.querySelectorAll('.backprop-run').forEach((b) => { b.disabled = busy; });
    document.body.classList.toggle('backprop-busy', busy);
  }

  // ---- a run ----

  const numbersCells = config.cells.filter((c) => c.kind === 'numbers');
  const liveCells = config.cells.filter((c) => c.kind === 'live');

  function sources() {
    const s = {};
    for (const c of numbersCells) s[String(c.index)] = source(c.index);
    return s;
  }

  // markNotRerun labels the live cells after `after` that this run did not reach.
  function markNotRerun(after, ran, why) {
    for (const c of liveCells) {
      if (c.index > after && !ran.includes(c.index)) note(c.index, 'stale', `Not re-run: ${why}. These outputs are from before.`);
    }
  }

  // execute sends one run to the worker and handles its messages until it is done or
  // stopped; it resolves to lastRun's fields.
  function execute(from) {
    return new Promise((resolve) => {
      const ran = [];
      let current = from;
      const timer = setTimeout(() => {
        worker.terminate();
        const evalue = `this run took longer than ${TIME_LIMIT_MS / 1000} s`;
        addOutput(current, { output_type: 'error', ename: 'Stopped', evalue,
          traceback: [`Stopped: ${evalue}, so the page ended it. Try smaller numbers.`] });
        markNotRerun(current, ran, `the run was stopped in cell ${current}`);
        resolve({ ok: false, ran, failed: current, timedOut: true });
        restart();
      }, TIME_LIMIT_MS);
      onMessage = (m) => {
        if (m.type === 'cellStart') {
          current = m.index;
          ran.push(m.index);
          clearOutputs(m.index);
        } else if (m.type === 'stream') {
          addOutput(current, { output_type: 'stream', name: m.name, text: m.text });
        } else if (m.type === 'display') {
          addOutput(current, { output_type: 'display_data', data: m.data, metadata: {} });
        } else if (m.type === 'cellEnd') {
          if (m.error) addOutput(m.index, { output_type: 'error', ...m.error });
          if (printsDuration(m.index)) note(m.index, 'timing', TIMING_NOTE);
        } else if (m.type === 'done' || m.type === 'exit') {
          clearTimeout(timer);
          const r = finish(m.result || { ok: false, cell: current, error: { ename: 'exit', evalue: 'the page\'s Go program ended' } }, ran);
          resolve({ ...r, goMs: m.ms });
          if (m.type === 'exit') restart();
        }
      };
      worker.postMessage({ type: 'run', lesson: config.lesson, from, sources: sources() });
    });
  }

  // finish shows what the run's answer says: an error in the numbers (nothing ran), or
  // the cell that failed, after which nothing ran.
  function finish(result, ran) {
    if (!result.ok) {
      clearOutputs(result.cell);
      addOutput(result.cell, { output_type: 'error', ...result.error });
      if (ran.length) markNotRerun(result.cell, ran, `cell ${result.cell} failed`);
      return { ok: false, ran, failed: result.cell };
    }
    if (result.failed >= 0) markNotRerun(result.failed, ran, `cell ${result.failed} above failed`);
    return { ok: result.failed < 0, ran: result.ran || ran, failed: result.failed };
  }

  // summary is what the status line says about a finished run.
  function summary(r) {
    if (r.timedOut) return `Stopped after ${TIME_LIMIT_MS / 1000} s: see the message in cell ${r.failed}.`;
    if (r.ok) return `Recomputed ${r.ran.length} cells in ${(r.ms / 1000).toFixed(2)} s.`;
    if (r.failed === r.from || !r.ran.length) return 'Nothing ran: the error is shown below the numbers.';
    return `Cell ${r.failed} failed (its error is shown under it); the cells after it were not re-run.`;
  }

  function nextFrame() {
    return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  }

  // runFrom runs every live cell after the numbers cell `from` with the edited numbers.
  async function runFrom(from) {
    if (live.busy) return live.current;
    setBusy(true);
    status('Running…');
    live.current = (async () => {
      try {
        await live.ready;
      } catch (e) {
        status(String(e.message || e));
        return { from, ok: false, ran: [], failed: from, error: String(e.message || e) };
      }
      document.querySelectorAll('.backprop-stale').forEach((el) => el.remove());
      for (const c of numbersCells) if (live.outputs[c.index]) clearOutputs(c.index);
      const t0 = performance.now();
      const r = await execute(from);
      await nextFrame(); // the charts on screen are drawn before the next frame is
      live.lastRun = { from, ...r, ms: performance.now() - t0 };
      live.runs++;
      status(summary(live.lastRun));
      return live.lastRun;
    })();
    try {
      return await live.current;
    } finally {
      setBusy(false);
    }
  }

  // ---- start ----

  const style = document.createElement('style');
  style.textContent = CSS;
  document.head.appendChild(style);
  for (const c of config.cells) {
    if (c.kind === 'snapshot' && cellNode(c.index).querySelector('.jp-OutputArea')) {
      note(c.index, 'snapshot', `Computed when this page was exported: not recomputed in the page${c.why ? `, because it ${c.why}` : ''}.`);
    }
  }
  if (!numbersCells.length) return;
  window.backpropLive = live;
  if (!window.backpropWasm) {
    live.state = 'failed: the page has numbers cells but not the program (lessons-wasm.js)';
    return;
  }
  numbersCells.forEach(makeEditable);
  restart();
})();
