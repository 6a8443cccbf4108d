// pageChecks runs in every page the browser check opens (as an init script) and puts
// the in-page checks on window.chainruleCheck. It must be self-contained: Playwright
// sends its source to the page.
export function pageChecks() {
  // root is the notebook (JupyterLab, Notebook 7, classic Notebook) or the whole page.
  const root = () => document.querySelector('.jp-Notebook') || document.querySelector('#notebook-container') || document.body;
  const boxes = () => [...document.querySelectorAll('.chainrule-chart')];
  const settled = (b) => b.getAttribute('data-drawn') === 'true' || !!b.querySelector('.chainrule-chart-error');

  // rawTeX lists prose that still holds TeX: code, editors and typeset math are skipped.
  function rawTeX() {
    const skip = 'pre, code, script, style, textarea, .CodeMirror, .cm-editor, .jp-InputArea-editor, .katex, .MathJax, ' +
      'mjx-container, .MathJax_Preview, .MathJax_Display, .jp-RenderedText';
    const tex = /\$[^$]*\\[a-zA-Z]+|\$\$|\\frac|\\partial|\\sigma|\^\{|_\{/;
    const found = [];
    const walker = document.createTreeWalker(root(), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement && n.parentElement.closest(skip)) continue;
      if (tex.test(n.textContent)) found.push(`raw TeX left in the page: "${n.textContent.trim().slice(0, 80)}"`);
    }
    return found;
  }

  // inked counts the pixels of a chart's canvases that are not blank or near-white.
  function inked(box) {
    let count = 0;
    for (const c of box.querySelectorAll('canvas')) {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) continue;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let p = 0; p < data.length; p += 4) {
        if (data[p + 3] > 0 && (data[p] < 235 || data[p + 1] < 235 || data[p + 2] < 235)) count++;
      }
    }
    return count;
  }

  // inspect counts charts and formulas and lists what is wrong.
  function inspect() {
    const problems = [];
    boxes().forEach((box, i) => {
      const err = box.querySelector('.chainrule-chart-error');
      if (err) { problems.push(`chart ${i + 1}: ${err.textContent}`); return; }
      const n = inked(box);
      if (n < 200) problems.push(`chart ${i + 1} ("${box.getAttribute('data-chart')}") drew ${n} pixels`);
    });
    const formulas = root().querySelectorAll('.katex, .MathJax, mjx-container, .MathJax_Display').length;
    document.querySelectorAll('.katex-error').forEach((e) => problems.push(`formula not typeset: ${e.textContent.slice(0, 80)}`));
    problems.push(...rawTeX());
    return { charts: boxes().length, formulas, problems };
  }

  // moveSliders drags every slider under a chart (the nudge explorer) to its far end and
  // requires the readout beside it to change: the page must work with no kernel behind it.
  function moveSliders() {
    const problems = [];
    const sliders = [...document.querySelectorAll('.chainrule-chart + * input[type=range]')];
    sliders.forEach((slider, i) => {
      const controls = slider.closest('.chainrule-chart + *');
      const before = controls.textContent;
      slider.value = slider.value === slider.max ? slider.min : slider.max;
      slider.dispatchEvent(new Event('input', { bubbles: true }));
      if (controls.textContent === before) problems.push(`slider ${i + 1}: moving it changed nothing beside it`);
    });
    return { sliders: sliders.length, problems };
  }

  // contrast is WCAG's contrast ratio of two CSS colours (#rgb, #rrggbb, rgb(), rgba()).
  function contrast(a, b) {
    const lum = (color) => {
      let m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color), rgb;
      if (m) {
        const h = m[1].length === 3 ? m[1].replace(/./g, '$&$&') : m[1];
        rgb = [0, 2, 4].map((i) => parseInt(h.substr(i, 2), 16));
      } else if ((m = /^rgba?\(([^)]+)\)$/.exec(color))) rgb = m[1].split(',').slice(0, 3).map(Number);
      else return null;
      const c = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
    };
    const la = lum(a), lb = lum(b);
    if (la === null || lb === null) return null;
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }

  function background(el) {
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      const c = getComputedStyle(e).backgroundColor;
      if (c && c !== 'transparent' && !/^rgba\([^)]*,\s*0\)$/.test(c)) return c;
    }
    return '#ffffff';
  }

  // readability checks, in every drawn chart, that the text drawn on the page's
  // background (titles, subtitles, axis labels and names, legends) and the tooltip's
  // text on its own background reach a contrast of 4.5 (WCAG AA for text).
  function readability() {
    const problems = [];
    boxes().forEach((box, i) => {
      const chart = window.echarts && window.echarts.getInstanceByDom(box);
      if (!chart) return;
      const model = chart.getModel();
      const bg = background(box);
      const globalText = model.get(['textStyle', 'color']);
      const texts = [];
      const each = (type, f) => { for (let k = 0; model.getComponent(type, k); k++) f(model.getComponent(type, k)); };
      each('title', (t) => {
        if (t.get('text')) texts.push(['title', t.get(['textStyle', 'color']) || globalText]);
        if (t.get('subtext')) texts.push(['subtitle', t.get(['subtextStyle', 'color']) || globalText]);
      });
      for (const axis of ['xAxis', 'yAxis']) {
        each(axis, (a) => {
          if (a.get('show') === false) return;
          if (a.get(['axisLabel', 'show']) !== false) {
            texts.push([`${axis} labels`, a.get(['axisLabel', 'color']) || a.get(['axisLine', 'lineStyle', 'color']) || globalText]);
          }
          if (a.get('name')) texts.push([`${axis} name`, a.get(['nameTextStyle', 'color']) || globalText]);
        });
      }
      each('legend', (l) => texts.push(['legend', l.get(['textStyle', 'color']) || globalText]));
      for (const [what, color] of texts) {
        const r = contrast(String(color), bg);
        if (r !== null && r < 4.5) problems.push(`chart ${i + 1}: ${what} ${color} on ${bg} has contrast ${r.toFixed(1)}, under 4.5`);
      }
      each('tooltip', (t) => {
        const r = contrast(String(t.get(['textStyle', 'color'])), String(t.get('backgroundColor')));
        if (r !== null && r < 4.5) problems.push(`chart ${i + 1}: tooltip text on its background has contrast ${r.toFixed(1)}, under 4.5`);
      });
      if (box.getAttribute('data-theme') !== 'dark') problems.push(`chart ${i + 1} was not drawn in dark colours`);
    });
    return problems;
  }

  // liveState says whether an exported page that can recompute has started its Go
  // program (kernel/assets/live/live.js): 'static' for a page without numbers cells.
  function liveState() {
    const config = document.getElementById('backprop-lesson');
    if (!config || !JSON.parse(config.textContent).cells.some((c) => c.kind === 'numbers')) return 'static';
    if (!window.backpropLive) return 'failed: the page runtime did not run (is assets/live.js there?)';
    return window.backpropLive.state;
  }

  window.chainruleCheck = {
    inspect: () => {
      const found = inspect();
      const state = liveState();
      if (state.startsWith('failed')) found.problems.push(`the page cannot recompute: ${state}`);
      else if (state === 'starting') found.problems.push('the page\'s Go program was still starting');
      return found;
    },
    moveSliders,
    readability,
    // Settled: every chart drawn or saying why not, and an exported page's Go program
    // started or failed to.
    chartsSettled: () => boxes().every(settled) && liveState() !== 'starting',
    chartStates: () => ({ total: boxes().length, drawn: boxes().filter((b) => b.getAttribute('data-drawn') === 'true').length }),
    texLeft: () => rawTeX().length === 0,
  };
}

// pictureStates describes, for every chart box, the static picture inside it: whether
// it is there and loaded, how many of its pixels are inked (not near-white), the texts
// its SVG draws, and the chart's title (the picture's alt). Self-contained, and run with
// page.evaluate: it must work in a page whose own scripts are disabled.
export function pictureStates() {
  return [...document.querySelectorAll('.chainrule-chart')].map((box) => {
    const img = box.querySelector('img.chainrule-chart-picture');
    const state = { drawn: box.getAttribute('data-drawn'), picture: !!img, loaded: false, inked: 0, texts: [], title: '', tooltip: '', shown: 0 };
    if (!img) return state;
    Object.assign(state, { title: img.alt, tooltip: img.title, shown: img.getBoundingClientRect().width, loaded: img.complete && img.naturalWidth > 0 });
    if (state.loaded) {
      const c = document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let p = 0; p < data.length; p += 4) {
        if (data[p + 3] > 0 && (data[p] < 235 || data[p + 1] < 235 || data[p + 2] < 235)) state.inked++;
      }
    }
    const m = /^data:image\/svg\+xml;base64,(.*)$/.exec(img.getAttribute('src') || '');
    if (m) {
      const svg = new TextDecoder().decode(Uint8Array.from(atob(m[1]), (ch) => ch.charCodeAt(0)));
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      state.texts = [...doc.querySelectorAll('text')].map((t) => t.textContent.trim());
    }
    return state;
  });
}

// pictureProblems lists what is wrong with the pictures pictureStates described: each
// chart must show a loaded picture of at least 200 inked pixels, not shrunk below half
// its size, with the chart's title drawn in it as text.
export function pictureProblems(states) {
  const problems = [];
  states.forEach((s, i) => {
    const name = `chart ${i + 1}${s.title ? ` ("${s.title}")` : ''}`;
    if (!s.picture) problems.push(`${name} has no picture`);
    else if (!s.loaded) problems.push(`${name}'s picture did not load`);
    else if (s.inked < 200) problems.push(`${name}'s picture has ${s.inked} inked pixels`);
    else if (!s.title || !s.texts.includes(s.title)) problems.push(`${name}'s picture does not draw its title (texts: ${s.texts.slice(0, 3).join(' | ')})`);
    else if (s.shown < 320) problems.push(`${name}'s picture is shown ${Math.round(s.shown)} px wide, too small to read`);
  });
  if (states.length === 0) problems.push('the page shows no charts');
  return problems;
}
