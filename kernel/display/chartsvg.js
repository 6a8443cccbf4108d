// chartsvg: the warm chart renderer. Node runs this file (node -e) with three
// arguments: the Unix socket to listen on, the ECharts bundle to load, and the process
// ID it lives for. It loads ECharts once, then answers each connection: the client
// writes {"option":…,"width":W,"height":H} and half-closes; the answer is "ok MS\n"
// (the milliseconds the chart took) and the chart as SVG, made by ECharts' server-side rendering (no DOM), or "error\n" and
// the reason. It exits when the watched process is gone or another renderer has taken
// its socket; it leaves alone a socket that a live renderer already answers on.
'use strict';
const fs = require('fs');
const net = require('net');
const [sock, bundle, watchArg] = process.argv.slice(-3);
const watch = Number(watchArg);

// render draws one chart; the picture has a white background of its own, so that
// it reads on a dark page too, and no animation (the first frame is the last).
function render(echarts, req) {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: req.width, height: req.height });
  try {
    const option = Object.assign({}, req.option, { animation: false });
    if (!option.backgroundColor || option.backgroundColor === 'transparent') option.backgroundColor = '#ffffff';
    chart.setOption(option);
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

// warm renders a chart like the lessons' a few times, so that the first picture a
// learner waits for runs compiled code.
function warm(echarts) {
  const data = Array.from({ length: 200 }, (_, i) => [i / 20, Math.sin(i / 20)]);
  for (let i = 0; i < 15; i++) {
    render(echarts, { width: 640, height: 360, option: {
      title: { text: 'warm-up', subtext: 'sub' }, legend: {}, tooltip: { trigger: 'axis' },
      xAxis: { type: 'value', name: 'x' }, yAxis: { type: 'value' },
      series: [{ type: 'line', name: 'a', data, markPoint: { data: [{ coord: [1, 1] }] } },
        { type: 'scatter', name: 'b', data: data.slice(0, 20) }, { type: 'bar', name: 'c', data: [1, 2, 3] }] } });
  }
}

function answer(echarts, conn) {
  const chunks = [];
  conn.on('data', (c) => chunks.push(c));
  conn.on('error', () => conn.destroy());
  conn.on('end', () => {
    let out;
    try {
      const req = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const start = process.hrtime.bigint();
      const svg = render(echarts, req);
      out = `ok ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(2)}\n` + svg;
    } catch (e) {
      out = 'error\n' + ((e && e.message) || e);
    }
    conn.end(out);
  });
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

function serve(echarts) {
  const server = net.createServer({ allowHalfOpen: true }, (conn) => answer(echarts, conn));
  server.on('error', (e) => { console.error('chartsvg: ' + sock + ': ' + e.message); process.exit(1); });
  try { fs.unlinkSync(sock); } catch (e) { /* none there */ }
  server.listen(sock, () => {
    fs.chmodSync(sock, 0o600);
    const ino = fs.statSync(sock).ino;
    console.error(`chartsvg: pid ${process.pid} serving ${sock} for pid ${watch}`);
    setInterval(() => {
      let mine = false;
      try { mine = fs.statSync(sock).ino === ino; } catch (e) { /* removed */ }
      if (!mine || !alive(watch)) {
        if (mine) try { fs.unlinkSync(sock); } catch (e) { /* gone */ }
        process.exit(0);
      }
    }, 1000);
  });
}

// A renderer already answering on the socket keeps it; this one leaves.
const probe = net.connect(sock);
probe.on('connect', () => { probe.destroy(); process.exit(0); });
probe.on('error', () => {
  const echarts = require(bundle);
  warm(echarts);
  serve(echarts);
});
