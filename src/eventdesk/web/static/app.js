// eventdesk's page: a client of the read-only API (/api/...). Hash routes:
//   #/                stories        #/story/ID       a story
//   #/events?...      events table   #/map?...        map of events
//   #/article/ID?hl=  an article     #/figures?...    figure groups    #/articles?... articles
// Stored text (titles, article text, names) only ever reaches the page as text nodes
// (textContent / createTextNode): never as HTML.
"use strict";

const main = document.getElementById("main");

// -- helpers ------------------------------------------------------------------------------------

// h("a", {href: "#/"}, "text", child, ...): an element; strings become text nodes.
function h(tag, attrs) {
  const e = document.createElement(tag);
  for (const k in attrs || {}) {
    const v = attrs[k];
    if (v == null || v === false) continue;
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(e.dataset, v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (let i = 2; i < arguments.length; i++) add(e, arguments[i]);
  return e;
}

function add(e, c) {
  if (c == null || c === false) return;
  if (Array.isArray(c)) c.forEach(function (x) { add(e, x); });
  else if (c instanceof Node) e.appendChild(c);
  else e.appendChild(document.createTextNode(String(c)));
}

function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

function qs(params) {
  const u = new URLSearchParams();
  for (const k in params) if (params[k] != null && params[k] !== "") u.set(k, params[k]);
  const s = u.toString();
  return s ? "?" + s : "";
}

async function api(path) {
  const r = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await r.json();
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

function articleLink(id, label, hl) {
  return h("a", { href: "#/article/" + encodeURIComponent(id) + (hl ? "?hl=" + hl : "") }, label || id);
}

function cites(sources) {
  return h("sup", { class: "cite" }, (sources || []).map(function (aid, i) {
    return [i ? " " : "", h("a", { href: "#/article/" + encodeURIComponent(aid), title: aid }, "[" + (i + 1) + "]")];
  }));
}

function partyText(a) { return a.entity_text + (a.code ? " (" + a.code + ")" : ""); }
// The party, then the others in the same role ("Muhandis (IRQMILPMF) with Soleimani (IRNMIL)").
function actorText(a) {
  if (!a) return "";
  const also = (a.also || []).map(partyText);
  return partyText(a) + (also.length ? " with " + also.join(", ") : "");
}

function describeEvent(ev) {
  const loc = ev.location || {};
  return h("div", null,
    h("strong", null, ev.event), ev.mode ? " · " + ev.mode : "", h("br"),
    ev.date ? ev.date + " · " : "", loc.name || "", h("br"),
    ev.actor ? ["actor: ", actorText(ev.actor), h("br")] : "",
    ev.recipient ? ["recipient: ", actorText(ev.recipient), h("br")] : "",
    (ev.sources || []).slice(0, 5).map(function (s) {
      return [articleLink(s.article_id, (s.source || s.article_id) + (s.published ? " " + s.published : ""), s.start + "-" + s.end), h("br")];
    }),
    h("a", { href: "#/events?id=" + encodeURIComponent(ev.event_id) }, "event " + ev.event_id));
}

function downloads(base, params) {
  const p = Object.assign({}, params);
  delete p.limit; delete p.offset; delete p.facets;
  const q = qs(p);
  return h("div", { class: "downloads" }, h("span", { class: "muted" }, "Download:"),
    [["JSON", ".json"], ["PLOVER JSONL", ".jsonl"], ["CSV", ".csv"], ["GeoJSON", ".geojson"],
     ["ACLED-style CSV", ".acled.csv"], ["Kepler.gl CSV", ".kepler.csv"]].map(function (f) {
      return h("a", { class: "button", href: base + f[1] + q, download: "" }, f[0]);
    }));
}

function pager(page, go) {
  const end = page.offset + page.items.length;
  return h("div", { class: "pager" },
    h("button", { type: "button", disabled: page.offset === 0, onclick: function () { go(Math.max(0, page.offset - page.limit)); } }, "← previous"),
    h("span", { class: "muted" }, page.total ? (page.offset + 1) + "–" + end + " of " + page.total : "none"),
    h("button", { type: "button", disabled: end >= page.total, onclick: function () { go(end); } }, "next →"));
}

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const qi = raw.indexOf("?");
  const path = qi < 0 ? raw : raw.slice(0, qi);
  const params = Object.fromEntries(new URLSearchParams(qi < 0 ? "" : raw.slice(qi + 1)));
  return { path: path, params: params };
}

function go(path, params) { location.hash = "#" + path + qs(params); }

// -- stories ------------------------------------------------------------------------------------

async function storiesPage(params) {
  const page = await api("/api/stories" + qs({ limit: 50, offset: params.offset, q: params.q }));
  clear(main);
  add(main, [h("h1", null, "Stories"),
    h("form", { class: "filters", onsubmit: function (e) { e.preventDefault(); go("/", { q: e.target.q.value }); } },
      h("label", null, "title words", h("input", { name: "q", value: params.q || "" })), h("button", null, "Filter")),
    h("table", { id: "stories" },
      h("thead", null, h("tr", null, ["Story", "Articles", "Events", "First", "Last"].map(function (t) { return h("th", null, t); }))),
      h("tbody", null, page.items.map(function (s) {
        return h("tr", null, h("td", null, h("a", { href: "#/story/" + encodeURIComponent(s.story_id) }, s.title)),
          h("td", { class: "num" }, s.articles), h("td", { class: "num" }, s.events),
          h("td", null, s.first || ""), h("td", null, s.last || ""));
      }))),
    pager(page, function (off) { go("/", Object.assign({}, params, { offset: off })); }),
    h("p", { class: "muted" }, "Data: ", h("a", { href: "/api/stories.json" + qs({ q: params.q }) }, "JSON"), " · ",
      h("a", { href: "/api/stories.csv" + qs({ q: params.q }) }, "CSV"))]);
}

async function storyPage(id) {
  const [st, evs, figs] = await Promise.all([
    api("/api/stories/" + encodeURIComponent(id)),
    api("/api/events" + qs({ story: id, limit: 1000 })),
    api("/api/figures" + qs({ story: id, limit: 200 })),
  ]);
  clear(main);
  const titles = {};
  st.articles.forEach(function (a) { titles[a.article_id] = a; });
  add(main, [h("h1", null, st.title),
    h("p", { class: "muted" }, st.articles.length + " articles · " + st.events + " events · ",
      h("a", { href: "#/events?story=" + encodeURIComponent(id) }, "events table"), " · ",
      h("a", { href: "/api/stories/" + encodeURIComponent(id) }, "JSON"))]);
  const left = h("div"), right = h("div");
  add(main, h("div", { class: "grid2" }, left, right));
  add(left, h("h2", null, "Summary"));
  add(left, st.summary.length
    ? h("div", { class: "summary", id: "summary" }, st.summary.map(function (s) { return h("p", null, s.text, cites(s.sources)); }))
    : h("p", { class: "muted" }, "No summary stored for this story."));
  add(left, h("h2", null, "Timeline"));
  add(left, timeline(st, evs.items));
  add(right, h("h2", null, "Map"));
  const mapBox = h("div", { id: "story-map" });
  add(right, mapBox);
  window.EventMap(mapBox, evs.items, { describe: describeEvent });
  add(right, h("h2", null, "Figures"));
  add(right, figuresTable(figs.items));
  add(right, h("h2", null, "Articles"));
  add(right, h("ol", null, st.articles.map(function (a) {
    return h("li", null, articleLink(a.article_id, a.title || a.article_id), h("span", { class: "muted" }, " " + [a.source, a.published].filter(Boolean).join(" · ")));
  })));
  add(main, downloads("/api/events", { story: id }));
}

// The stored timeline when the story has one; otherwise its events by date, said as such.
function timeline(st, events) {
  if (st.timeline.length) {
    return h("ul", { class: "timeline", id: "timeline" }, st.timeline.map(function (t) {
      return h("li", null, h("span", { class: "date" }, t.date), t.text, cites(t.sources));
    }));
  }
  const byDate = {};
  events.forEach(function (ev) { if (ev.date) (byDate[ev.date] = byDate[ev.date] || []).push(ev); });
  const dates = Object.keys(byDate).sort();
  if (!dates.length) return h("p", { class: "muted" }, "No dated events in this story.");
  return h("div", null, h("p", { class: "muted" }, "No stored timeline: the story's dated events, by date."),
    h("ul", { class: "timeline", id: "timeline" }, dates.map(function (d) {
      return h("li", null, h("span", { class: "date" }, d), byDate[d].map(function (ev, i) {
        const s = (ev.sources || [])[0];
        return [i ? "; " : "", h("a", { href: "#/events?id=" + encodeURIComponent(ev.event_id) }, ev.event),
          ev.actor ? " " + ev.actor.entity_text : "", ev.location && ev.location.name ? " in " + ev.location.name : "",
          s ? [" ", articleLink(s.article_id, "[source]", s.start + "-" + s.end)] : ""];
      }));
    })));
}

function figuresTable(groups) {
  if (!groups.length) return h("p", { class: "muted" }, "No figures.");
  return h("table", { class: "figures" },
    h("thead", null, h("tr", null, ["Counts", "Values by source", ""].map(function (t) { return h("th", null, t); }))),
    h("tbody", null, groups.map(function (g) {
      return h("tr", { id: "fig-" + g.figure_id }, h("td", null, g.about, g.unit ? h("span", { class: "muted" }, " (" + g.unit + ")") : ""),
        h("td", null, g.values.map(function (v, i) {
          const q = (v.bound === "lower" ? "over " : v.bound === "upper" ? "up to " : "") + (v.approximate ? "about " : "");
          return [i ? h("br") : "", q + v.value + " — ", articleLink(v.article_id, v.source || v.article_id, v.start + "-" + v.end), v.published ? " " + v.published : ""];
        })),
        h("td", null, g.discrepancy ? h("span", { class: "badge warn", title: "the sources' values disagree beyond their wording" }, "discrepancy") : ""));
    })));
}

// -- events -------------------------------------------------------------------------------------

const EVENT_FILTERS = [["type", "type"], ["mode", "mode"], ["country", "country (ISO3)"], ["actor", "actor"],
  ["date_from", "from"], ["date_to", "to"], ["source", "source"], ["story", "story"], ["q", "article words"]];
const COLUMNS = [["date", "Date"], ["event", "Type"], ["mode", "Mode"], ["actor", "Actor"], ["recipient", "Recipient"],
  ["place", "Place"], ["country", "Country"], ["dead", "Dead"], ["confidence", "Conf."], [null, "Sources"]];

function filterForm(params, path) {
  return h("form", { class: "filters", id: "filters", onsubmit: function (e) {
      e.preventDefault();
      const p = {};
      EVENT_FILTERS.forEach(function (f) { p[f[0]] = e.target.elements[f[0]].value.trim(); });
      if (params.sort) p.sort = params.sort;
      go(path, p);
    } },
    EVENT_FILTERS.map(function (f) { return h("label", null, f[1], h("input", { name: f[0], value: params[f[0]] || "" })); }),
    h("button", null, "Filter"), h("a", { href: "#" + path }, "clear"));
}

async function eventsPage(params) {
  const t0 = performance.now();
  // The table first; its facets (a scan of every matching event) in a second request, filled
  // in when they come, so the rows never wait for the counts.
  const page = await api("/api/events" + qs(Object.assign({}, params, { limit: 50 })));
  const ms = Math.round(performance.now() - t0);
  clear(main);
  const facetBox = h("div", { class: "facets", id: "facets" });
  const facetQuery = Object.assign({}, params, { limit: 0, facets: "event,country,source,mode" });
  delete facetQuery.offset; delete facetQuery.sort;
  api("/api/events" + qs(facetQuery))
    .then(function (body) { fillFacets(facetBox, body.facets, params); })
    .catch(function (err) { add(facetBox, h("p", { class: "muted" }, "facets: " + err.message)); });
  const table = eventsTable(page, params);
  add(main, [h("h1", null, "Events"),
    filterForm(params, "/events"),
    h("p", { class: "muted", id: "events-status" }, page.total + " events · " + ms + " ms · ",
      h("a", { href: "#/map" + qs(params) }, "show on map")),
    downloads("/api/events", params),
    h("div", { class: "layout" }, facetBox, h("div", null, table,
      pager(page, function (off) { go("/events", Object.assign({}, params, { offset: off })); })))]);
}

function fillFacets(facetBox, facets, params) {
  [["event", "type"], ["country", "country"], ["source", "source"], ["mode", "mode"]].forEach(function (f) {
    const values = facets[f[0]] || [];
    if (!values.length) return;
    add(facetBox, h("h3", null, f[0] === "event" ? "Type" : f[0][0].toUpperCase() + f[0].slice(1)));
    add(facetBox, h("ul", null, values.map(function (v) {
      const on = v.value != null && params[f[1]] === String(v.value);
      return h("li", { class: on ? "on" : "", onclick: function () {
          if (v.value == null) return;
          const p = Object.assign({}, params); delete p.offset;
          if (on) delete p[f[1]]; else p[f[1]] = v.value;
          go("/events", p);
        } }, h("span", null, v.value == null ? "(none)" : v.value), h("span", { class: "muted" }, v.count));
    })));
  });
}

function eventsTable(page, params) {
  return h("table", { id: "events" },
    h("thead", null, h("tr", null, COLUMNS.map(function (c) {
      if (!c[0]) return h("th", null, c[1]);
      const cls = "sortable" + (params.sort === c[0] ? " sorted-asc" : params.sort === "-" + c[0] ? " sorted-desc" : "");
      return h("th", { class: cls, onclick: function () {
          const p = Object.assign({}, params); delete p.offset;
          p.sort = params.sort === c[0] ? "-" + c[0] : c[0];
          go("/events", p);
        } }, c[1]);
    }))),
    h("tbody", null, page.items.map(function (ev) {
      const loc = ev.location || {};
      return h("tr", { dataset: { type: ev.event } },
        h("td", null, ev.date || ""), h("td", null, h("a", { href: "#/events?id=" + encodeURIComponent(ev.event_id) }, ev.event)),
        h("td", null, ev.mode || ""), h("td", null, actorText(ev.actor)), h("td", null, actorText(ev.recipient)),
        h("td", null, loc.name || ""), h("td", null, loc.country || ""), h("td", { class: "num" }, ev.size.dead == null ? "" : ev.size.dead),
        h("td", { class: "num" }, ev.confidence),
        h("td", null, (ev.sources || []).map(function (s, i) {
          return [i ? ", " : "", articleLink(s.article_id, s.source || s.article_id, s.start + "-" + s.end)];
        })));
    })));
}

async function mapPage(params) {
  const p = Object.assign({}, params, { located: "true", limit: 1000 });
  const page = await api("/api/events" + qs(p));
  clear(main);
  add(main, [h("h1", null, "Map of events"), filterForm(params, "/map"),
    h("p", { class: "muted" }, page.total + " located events" + (page.total > page.items.length ? " (the first " + page.items.length + " shown)" : ""),
      " · ", h("a", { href: "#/events" + qs(params) }, "as a table"))]);
  const box = h("div", { id: "events-map" });
  add(main, box);
  window.EventMap(box, page.items, { describe: describeEvent });
  add(main, downloads("/api/events", params));
}

// -- figures and articles -----------------------------------------------------------------------

async function figuresPage(params) {
  const page = await api("/api/figures" + qs(Object.assign({ limit: 100 }, params)));
  clear(main);
  add(main, [h("h1", null, "Figures"),
    h("p", { class: "muted" }, page.total + " quantities, those whose sources disagree first · ",
      h("a", { href: "#/figures?discrepancy=true" }, "discrepancies only"), " · ", h("a", { href: "/api/figures.csv" + qs(params) }, "CSV")),
    figuresTable(page.items), pager(page, function (off) { go("/figures", Object.assign({}, params, { offset: off })); })]);
}

async function articlesPage(params) {
  const page = await api("/api/articles" + qs(Object.assign({ limit: 50 }, params)));
  clear(main);
  add(main, [h("h1", null, "Articles"),
    h("form", { class: "filters", onsubmit: function (e) { e.preventDefault(); go("/articles", { q: e.target.q.value, source: e.target.source.value }); } },
      h("label", null, "words", h("input", { name: "q", value: params.q || "" })),
      h("label", null, "source", h("input", { name: "source", value: params.source || "" })), h("button", null, "Search")),
    h("table", { id: "articles" }, h("thead", null, h("tr", null, ["Title", "Source", "Published", "Events"].map(function (t) { return h("th", null, t); }))),
      h("tbody", null, page.items.map(function (a) {
        return h("tr", null, h("td", null, articleLink(a.article_id, a.title || a.article_id)), h("td", null, a.source || ""),
          h("td", null, a.published || ""), h("td", { class: "num" }, a.events));
      }))),
    pager(page, function (off) { go("/articles", Object.assign({}, params, { offset: off })); })]);
}

// The article's text cut at every span boundary; each piece knows the spans covering it.
function segments(text, spans) {
  const cuts = new Set([0, text.length]);
  spans.forEach(function (s) { cuts.add(Math.max(0, Math.min(text.length, s.start))); cuts.add(Math.max(0, Math.min(text.length, s.end))); });
  const points = Array.from(cuts).sort(function (a, b) { return a - b; });
  const out = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i], b = points[i + 1];
    out.push({ start: a, end: b, spans: spans.filter(function (s) { return s.start <= a && s.end >= b && s.end > s.start; }) });
  }
  return out;
}

function spanDetails(s) {
  const d = s.item, rows = [];
  function row(k, v) { if (v != null && v !== "") rows.push(h("dt", null, k), h("dd", null, v)); }
  row("layer", s.layer);
  row("text", d.text || (s.layer === "event" ? "(passage)" : ""));
  if (s.layer === "entity") {
    row("kind", d.kind); row("canonical", d.canonical); row("code", d.code); row("country", d.country); row("sector", d.sector);
    row("coded as", h("a", { href: "#/events?actor=" + encodeURIComponent(d.code || d.canonical || d.text) }, "events with this actor"));
  } else if (s.layer === "place") {
    row("name", d.name); row("country", d.country); row("admin1", d.admin1); row("feature", d.feature);
    row("coordinates", d.lat != null ? d.lat + ", " + d.lon : "not resolved");
    if (d.country) row("coded as", h("a", { href: "#/map?country=" + encodeURIComponent(d.country) }, "events in " + d.country));
  } else if (s.layer === "date") {
    row("value", d.value); row("precision", d.precision);
    if (d.value) row("coded as", h("a", { href: "#/events?date_from=" + d.value + "&date_to=" + d.value }, "events on " + d.value));
  } else if (s.layer === "figure") {
    row("value", d.value); row("unit", d.unit); row("about", d.about); row("approximate", d.approximate ? "yes" : "no"); row("bound", d.bound);
    if (d.figure_id) row("coded as", h("a", { href: "#/figures?q=" + encodeURIComponent(d.about || "") }, "figure " + d.figure_id));
  } else if (s.layer === "event") {
    row("event", d.event); row("mode", d.mode); row("actor", actorText(d.actor)); row("recipient", actorText(d.recipient));
    row("date", d.date); row("place", d.location ? d.location.name : null); row("dead", d.size.dead); row("confidence", d.confidence);
    row("coded as", h("a", { href: "#/events?id=" + encodeURIComponent(d.event_id) }, "event " + d.event_id));
  }
  return h("dl", null, rows);
}

async function articlePage(id, params) {
  const art = await api("/api/articles/" + encodeURIComponent(id));
  clear(main);
  const spans = [];
  art.entities.forEach(function (e) { spans.push({ layer: "entity", start: e.start, end: e.end, item: e }); });
  art.places.forEach(function (e) { spans.push({ layer: "place", start: e.start, end: e.end, item: e }); });
  art.dates.forEach(function (e) { spans.push({ layer: "date", start: e.start, end: e.end, item: e }); });
  art.figures.forEach(function (e) { spans.push({ layer: "figure", start: e.start, end: e.end, item: e }); });
  art.events.forEach(function (e) {
    spans.push({ layer: "event", start: e.text_info.start, end: e.text_info.end, item: e });
    if (e.trigger) spans.push({ layer: "trigger", start: e.trigger.start, end: e.trigger.end, item: e });
  });
  let hl = null;
  if (params.hl && /^\d+-\d+$/.test(params.hl)) hl = params.hl.split("-").map(Number);
  const details = h("div", { class: "details", id: "span-details" }, h("p", { class: "muted" }, "Click a highlighted span to see what it was coded as."));
  const textBox = h("div", { class: "article-text", id: "article-text" });
  let firstHl = null;
  segments(art.text, spans).forEach(function (seg) {
    const piece = art.text.slice(seg.start, seg.end);
    const isHl = hl && seg.start >= hl[0] && seg.end <= hl[1];
    if (!seg.spans.length && !isHl) { textBox.appendChild(document.createTextNode(piece)); return; }
    const layers = Array.from(new Set(seg.spans.map(function (s) { return s.layer; })));
    const el = h("span", { class: "seg " + layers.join(" ") + (isHl ? " hl" : ""), title: layers.join(", ") }, piece);
    el.addEventListener("click", function () {
      clear(details);
      add(details, h("h3", null, "“" + piece + "”"));
      seg.spans.filter(function (s) { return s.layer !== "trigger"; }).forEach(function (s) { add(details, spanDetails(s)); });
    });
    if (isHl && !firstHl) firstHl = el;
    textBox.appendChild(el);
  });
  const toggles = h("div", { class: "layer-toggles" }, ["entity", "place", "date", "figure", "event"].map(function (l) {
    return h("label", null, h("input", { type: "checkbox", checked: true, onchange: function (e) { textBox.classList.toggle("hide-" + l, !e.target.checked); } }),
      " ", h("span", { class: "seg " + l }, l === "entity" ? "actors & names" : l + "s"),
      " (" + (l === "entity" ? art.entities.length : art[l + "s"].length) + ")");
  }));
  add(main, [h("h1", { id: "article-title" }, art.title || art.article_id),
    h("p", { class: "muted" }, [art.source, art.published, art.article_id].filter(Boolean).join(" · "), " ",
      art.url ? h("a", { href: art.url, rel: "noreferrer noopener" }, "original") : "",
      art.story_ids.map(function (s) { return [" · ", h("a", { href: "#/story/" + encodeURIComponent(s) }, "story")]; }), " · ",
      h("a", { href: "/api/articles/" + encodeURIComponent(art.article_id) }, "JSON")),
    toggles, h("div", { class: "article-layout" }, textBox, details)]);
  if (firstHl) firstHl.scrollIntoView({ block: "center" });
}

// -- router -------------------------------------------------------------------------------------

async function route() {
  const r = parseHash();
  main.dataset.page = "loading";
  try {
    if (r.path === "/" || r.path === "/stories") await storiesPage(r.params);
    else if (r.path.startsWith("/story/")) await storyPage(decodeURIComponent(r.path.slice(7)));
    else if (r.path === "/events") await eventsPage(r.params);
    else if (r.path === "/map") await mapPage(r.params);
    else if (r.path === "/figures") await figuresPage(r.params);
    else if (r.path === "/articles") await articlesPage(r.params);
    else if (r.path.startsWith("/article/")) await articlePage(decodeURIComponent(r.path.slice(9)), r.params);
    else { clear(main); add(main, h("p", { class: "error" }, "No such page: " + r.path)); }
    main.dataset.page = r.path.split("/")[1] || "stories";
  } catch (err) {
    clear(main);
    add(main, h("p", { class: "error", id: "error" }, "Could not load this page: " + err.message));
    main.dataset.page = "error";
  }
}

window.addEventListener("hashchange", route);
api("/api").then(function (o) {
  document.getElementById("counts").textContent = o.counts.articles + " articles · " + o.counts.events + " events · " + o.counts.stories + " stories";
}).catch(function () { /* the page itself reports load errors */ });
route();
