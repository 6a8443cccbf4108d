// page.js WASM WASM_EXEC_JS [TIMED_RUNS]: runs the page program as the exported
// page's worker does (wasm_exec.js with its own fs, whose writeSync is replaced),
// then prints one JSON object: each run's answer and outputs, and timings.
"use strict";
const [wasmPath, wasmExec, timedRuns] = process.argv.slice(2);
const bytes = require("fs").readFileSync(wasmPath);
require(wasmExec); // defines globalThis.fs (no fs was defined) and Go

let outputs = null; // index → nbformat outputs of the run in progress
let current = -1;
function add(out) {
  if (current < 0) throw new Error("output outside a cell: " + JSON.stringify(out));
  (outputs[current] ||= []).push(out);
}
const decoder = new TextDecoder();
globalThis.fs.writeSync = (fd, buf) => {
  const text = decoder.decode(buf);
  const name = fd === 2 ? "stderr" : "stdout";
  const list = outputs && outputs[current];
  const last = list && list[list.length - 1];
  if (last && last.output_type === "stream" && last.name === name) last.text += text;
  else add({output_type: "stream", name, text});
  return buf.length;
};
globalThis.backpropCellStart = (index) => { current = index; outputs[index] = []; };
globalThis.backpropCellEnd = (index, errJSON) => {
  if (errJSON !== "") add(Object.assign({output_type: "error"}, JSON.parse(errJSON)));
  current = -1;
};
globalThis.backpropDisplay = (json) => add({output_type: "display_data", data: JSON.parse(json)});

function run(from, sources) {
  outputs = {};
  const answer = JSON.parse(globalThis.backpropRun("demo", from, JSON.stringify(sources)));
  return {answer, outputs};
}

const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const t0 = performance.now();
const ready = new Promise((resolve) => { globalThis.backpropReady = resolve; });
const go = new Go();
WebAssembly.instantiate(bytes, go.importObject).then(({instance}) => {
  const instantiated = performance.now();
  go.run(instance);
  return ready.then(() => {
    const t1 = performance.now();
    const cell = (w, steps) => `var (\n\tw     = ${w}\n\tsteps = ${steps}\n)\n`;
    const result = {
      original: run(1, {"1": cell("0.8", "3")}),
      fromCell3: run(3, {}),
      stopped: run(1, {"1": cell("2", "3")}),
      panicked: run(1, {"1": cell("0.5", "0")}),
      notANumber: run(1, {"1": cell("abc", "3")}),
      nan: run(1, {"1": cell("math.NaN()", "2")}),
    };
    const times = [];
    for (let i = 0; i < Number(timedRuns || 0); i++) {
      const s = performance.now();
      run(1, {"1": cell("0.8", "3")});
      times.push(performance.now() - s);
    }
    result.ms = {instantiate: instantiated - t0, instantiateAndMain: t1 - t0, runMedian: median(times), runMin: Math.min(...times), runMax: Math.max(...times), runs: times.length};
    process.stdout.write(JSON.stringify(result) + "\n");
    process.exit(0);
  });
}).catch((err) => { console.error(err); process.exit(1); });
