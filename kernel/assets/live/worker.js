// The Web Worker of an exported lesson page. `kernel export` puts it after Go's
// wasm_exec.js in one string (live-worker.js); the page starts it from a Blob URL,
// because a page opened from disk cannot load a worker from a file.
//
// It runs the lessons' Go program (package kernel/pagerun) and relays to the page, as
// messages, what a run produces:
//   {type: 'ready'}                                   the program is serving
//   {type: 'cellStart', index} / {type: 'cellEnd', index, error}
//   {type: 'stream', name: 'stdout'|'stderr', text}   printed text, in order
//   {type: 'display', data}                           one display_data's MIME bundle
//   {type: 'done', result, ms}                        backpropRun's answer, and the time Go took
//   {type: 'exit'}                                    the Go program ended (it should not)
//   {type: 'failed', error}                           the program could not be started
// The page sends {type: 'start', module} (a compiled WebAssembly.Module) once, then
// {type: 'run', lesson, from, sources}.
'use strict';

// pending is printed text not yet posted: consecutive writes to one stream are posted
// as one message, before anything else is.
let pending = null;
const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };

function flush() {
  if (pending) postMessage({ type: 'stream', name: pending.name, text: pending.text });
  pending = null;
}

// Go's os.Stdout and os.Stderr, and the runtime's own messages, end in fs.writeSync.
globalThis.fs.writeSync = function (fd, buf) {
  const name = fd === 2 ? 'stderr' : 'stdout';
  const text = decoders[name].decode(buf, { stream: true });
  if (pending && pending.name !== name) flush();
  pending = pending || { name, text: '' };
  pending.text += text;
  if (pending.text.length > 1 << 16) flush();
  return buf.length;
};

globalThis.backpropReady = () => postMessage({ type: 'ready' });
globalThis.backpropCellStart = (index) => {
  flush();
  postMessage({ type: 'cellStart', index });
};
globalThis.backpropCellEnd = (index, errJSON) => {
  flush();
  postMessage({ type: 'cellEnd', index, error: errJSON ? JSON.parse(errJSON) : null });
};
globalThis.backpropDisplay = (json) => {
  flush();
  postMessage({ type: 'display', data: JSON.parse(json) });
};

// run asks Go for one run. A failure of the program itself (it exited, or threw) is
// reported as the run's error in the cell the run started from.
async function run(m) {
  const t0 = performance.now();
  let result;
  try {
    result = JSON.parse(await globalThis.backpropRun(m.lesson, m.from, JSON.stringify(m.sources)));
  } catch (e) {
    const evalue = String((e && e.message) || e);
    result = { ok: false, cell: m.from, error: { ename: 'the page\'s Go program failed', evalue, traceback: [evalue] } };
  }
  flush();
  postMessage({ type: 'done', result, ms: performance.now() - t0 });
}

onmessage = async (e) => {
  const m = e.data;
  if (m.type === 'start') {
    try {
      const go = new Go();
      const instance = await WebAssembly.instantiate(m.module, go.importObject);
      go.run(instance).then(() => postMessage({ type: 'exit' }));
    } catch (err) {
      postMessage({ type: 'failed', error: String((err && err.message) || err) });
    }
  } else if (m.type === 'run') {
    await run(m);
  }
};
