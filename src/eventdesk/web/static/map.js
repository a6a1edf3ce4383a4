// eventdesk map: country outlines decoded from the bundled Natural Earth TopoJSON, events as
// SVG points coloured by type, grid-clustered where they crowd. Plain JS, no library: the
// TopoJSON decoding (quantised, delta-encoded arcs) is a few lines, and an equirectangular
// projection is enough for "where did it happen".
"use strict";

(function () {
  const SVG = "http://www.w3.org/2000/svg";
  const W = 960, H = 480;
  const CELL = 26; // cluster cell size in screen pixels
  const PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"];
  const colours = {};

  function colourOf(type) {
    if (!(type in colours)) colours[type] = PALETTE[Object.keys(colours).length % PALETTE.length];
    return colours[type];
  }

  function project(lon, lat) { return [(lon + 180) / 360 * W, (90 - lat) / 180 * H]; }

  function el(name, attrs) {
    const e = document.createElementNS(SVG, name);
    for (const k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }

  // -- TopoJSON -> SVG path strings -----------------------------------------------------------
  let outlines = null;

  function decodeArcs(topo) {
    const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
    const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];
    return topo.arcs.map(function (arc) {
      let x = 0, y = 0;
      return arc.map(function (p) {
        if (topo.transform) { x += p[0]; y += p[1]; } else { x = p[0]; y = p[1]; }
        return project(x * sx + tx, y * sy + ty);
      });
    });
  }

  function ringPath(ring, arcs) {
    let pts = [];
    ring.forEach(function (i) {
      const a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      pts = pts.concat(pts.length ? a.slice(1) : a);
    });
    // A ring crossing the antimeridian (Russia, Fiji) would draw a line across the whole map
    // in this flat projection: start a new sub-path where it jumps.
    let d = "";
    pts.forEach(function (p, i) {
      const jump = i > 0 && Math.abs(p[0] - pts[i - 1][0]) > W / 2;
      d += (i === 0 || jump ? (i ? "ZM" : "M") : "L") + p[0].toFixed(1) + "," + p[1].toFixed(1);
    });
    return d + "Z";
  }

  function loadOutlines() {
    if (!outlines) {
      outlines = fetch("/static/vendor/world-atlas/countries-110m.json")
        .then(function (r) { return r.json(); })
        .then(function (topo) {
          const arcs = decodeArcs(topo);
          return topo.objects.countries.geometries.map(function (g) {
            const polys = g.type === "Polygon" ? [g.arcs] : g.type === "MultiPolygon" ? g.arcs : [];
            const d = polys.map(function (poly) {
              return poly.map(function (ring) { return ringPath(ring, arcs); }).join("");
            }).join("");
            return { name: (g.properties || {}).name || "", d: d };
          });
        });
    }
    return outlines;
  }

  // -- clustering -----------------------------------------------------------------------------
  // Points falling into one CELL x CELL screen square become one cluster: simple, stable, and
  // linear in the number of points.
  function cluster(points, scale) {
    const size = CELL / scale, cells = new Map();
    points.forEach(function (p) {
      const key = Math.floor(p.x / size) + ":" + Math.floor(p.y / size);
      let c = cells.get(key);
      if (!c) { c = { x: 0, y: 0, items: [] }; cells.set(key, c); }
      c.x += p.x; c.y += p.y; c.items.push(p);
    });
    return Array.from(cells.values()).map(function (c) {
      return { x: c.x / c.items.length, y: c.y / c.items.length, items: c.items };
    });
  }

  // -- the map widget -------------------------------------------------------------------------
  // events: records in the `export events` shape; onPick(event) is called for a clicked point.
  function EventMap(container, events, options) {
    const opts = options || {};
    const box = document.createElement("div");
    box.className = "map";
    container.appendChild(box);
    const svg = el("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "map of events" });
    box.appendChild(svg);
    const land = el("g", { class: "land" }), marks = el("g", { class: "marks" });
    svg.appendChild(land); svg.appendChild(marks);
    const popup = document.createElement("div");
    popup.className = "popup"; popup.hidden = true;
    box.appendChild(popup);
    const controls = document.createElement("div");
    controls.className = "controls";
    [["+", 1.6], ["−", 1 / 1.6], ["⟲", 0]].forEach(function (b) {
      const btn = document.createElement("button");
      btn.type = "button"; btn.textContent = b[0];
      btn.addEventListener("click", function () {
        if (b[1] === 0) { view = { x: 0, y: 0, w: W }; apply(); } else zoomAt(view.x + view.w / 2, view.y + view.w / 4, b[1]);
      });
      controls.appendChild(btn);
    });
    box.appendChild(controls);

    const points = [];
    events.forEach(function (ev) {
      const loc = ev.location;
      if (!loc || loc.lat == null || loc.lon == null) return;
      const xy = project(loc.lon, loc.lat);
      points.push({ x: xy[0], y: xy[1], ev: ev });
    });
    let view = { x: 0, y: 0, w: W };
    if (points.length && opts.fit !== false) view = fitView(points);

    loadOutlines().then(function (shapes) {
      shapes.forEach(function (s) {
        const p = el("path", { d: s.d, class: "country" });
        const t = el("title"); t.textContent = s.name; p.appendChild(t);
        land.appendChild(p);
      });
      box.dataset.ready = "1";
    });

    function fitView(pts) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      pts.forEach(function (p) { x0 = Math.min(x0, p.x); y0 = Math.min(y0, p.y); x1 = Math.max(x1, p.x); y1 = Math.max(y1, p.y); });
      const w = Math.min(W, Math.max(60, (x1 - x0) * 1.4, (y1 - y0) * 2.8));
      const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
      return clamp({ x: cx - w / 2, y: cy - w / 4, w: w });
    }

    function clamp(v) {
      v.w = Math.min(W, Math.max(8, v.w));
      v.x = Math.min(W - v.w, Math.max(0, v.x));
      v.y = Math.min(H - v.w / 2, Math.max(0, v.y));
      return v;
    }

    function zoomAt(cx, cy, factor) {
      const w = view.w / factor;
      view = clamp({ x: cx - (cx - view.x) / factor, y: cy - (cy - view.y) / factor, w: w });
      apply();
    }

    function apply() {
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.w / 2].join(" "));
      draw();
    }

    function draw() {
      while (marks.firstChild) marks.removeChild(marks.firstChild);
      popup.hidden = true;
      const scale = W / view.w;
      const r = 4.5 / scale;
      cluster(points, scale).forEach(function (c) {
        if (c.items.length === 1) {
          const p = c.items[0];
          const dot = el("circle", { cx: p.x, cy: p.y, r: r, class: "pt", fill: colourOf(p.ev.event) });
          dot.dataset.type = p.ev.event;
          const t = el("title");
          t.textContent = p.ev.event + (p.ev.date ? " · " + p.ev.date : "") + (p.ev.location && p.ev.location.name ? " · " + p.ev.location.name : "");
          dot.appendChild(t);
          dot.addEventListener("click", function (e) { e.stopPropagation(); show(p.ev, e); });
          marks.appendChild(dot);
          return;
        }
        // A cluster takes the colour of its most frequent type.
        const counts = {};
        c.items.forEach(function (p) { counts[p.ev.event] = (counts[p.ev.event] || 0) + 1; });
        const top = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })[0];
        const cr = (7 + 3 * Math.log2(c.items.length)) / scale;
        const g = el("g", { class: "cluster-g" });
        const circ = el("circle", { cx: c.x, cy: c.y, r: cr, class: "cluster", fill: colourOf(top) });
        const t = el("title");
        t.textContent = c.items.length + " events: " + Object.keys(counts).map(function (k) { return k + " " + counts[k]; }).join(", ");
        circ.appendChild(t);
        const label = el("text", { x: c.x, y: c.y, class: "ctext", "font-size": 10 / scale });
        label.textContent = String(c.items.length);
        g.appendChild(circ); g.appendChild(label);
        g.addEventListener("click", function (e) { e.stopPropagation(); zoomAt(c.x, c.y, 2.5); });
        marks.appendChild(g);
      });
    }

    function show(ev, e) {
      while (popup.firstChild) popup.removeChild(popup.firstChild);
      if (opts.describe) popup.appendChild(opts.describe(ev));
      const rect = box.getBoundingClientRect();
      popup.style.left = Math.min(rect.width - 260, e.clientX - rect.left + 8) + "px";
      popup.style.top = (e.clientY - rect.top + 8) + "px";
      popup.hidden = false;
    }

    // wheel zoom and drag pan
    svg.addEventListener("wheel", function (e) {
      e.preventDefault();
      const pt = toMap(e);
      zoomAt(pt[0], pt[1], e.deltaY < 0 ? 1.25 : 0.8);
    }, { passive: false });
    let drag = null;
    svg.addEventListener("mousedown", function (e) { drag = { x: e.clientX, y: e.clientY, v: Object.assign({}, view) }; });
    window.addEventListener("mouseup", function () { drag = null; });
    svg.addEventListener("mousemove", function (e) {
      if (!drag) return;
      const k = view.w / svg.getBoundingClientRect().width;
      view = clamp({ x: drag.v.x - (e.clientX - drag.x) * k, y: drag.v.y - (e.clientY - drag.y) * k, w: drag.v.w });
      apply();
    });
    svg.addEventListener("click", function () { popup.hidden = true; });

    function toMap(e) {
      const rect = svg.getBoundingClientRect();
      return [view.x + (e.clientX - rect.left) / rect.width * view.w, view.y + (e.clientY - rect.top) / rect.height * view.w / 2];
    }

    // legend
    const types = Array.from(new Set(points.map(function (p) { return p.ev.event; }))).sort();
    const legend = document.createElement("div");
    legend.className = "legend";
    types.forEach(function (t) {
      const item = document.createElement("span");
      const sw = document.createElement("span");
      sw.className = "sw"; sw.style.background = colourOf(t);
      item.appendChild(sw); item.appendChild(document.createTextNode(t));
      legend.appendChild(item);
    });
    const note = document.createElement("span");
    note.className = "muted";
    note.textContent = points.length + " of " + events.length + " events have a place";
    legend.appendChild(note);
    container.appendChild(legend);
    apply();
    return { box: box, redraw: apply };
  }

  window.EventMap = EventMap;
  window.eventColour = colourOf;
})();
