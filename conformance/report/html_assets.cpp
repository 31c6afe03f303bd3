// Layer: conformance/report. The style sheet and the filter script of the HTML report
// (html_parts.hpp), written inline into the page so that it stays one file that works from
// file:// and loads nothing. The script reads only the page's own markup: each scenario's
// data- attributes (verdict, RFC numbers, tags, known, the text searched) and the filter bar.
// It shows the bar, hides what the filter leaves out, recounts each group, takes a preset
// filter from the address (`?verdict=FAIL,ERROR&rfc=5321&tag=tls&q=rcpt&known=hide`, also
// after `#`), and opens the folded lists that hold the scenario named by the fragment.
#include "report/html_parts.hpp"

namespace ehlo::report::html {

const std::string_view style = R"css(
:root{--fail:#c62828;--error:#6a1b9a;--warn:#e07b00;--info:#0277bd;--pass:#2e7d32;--skip:#888}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:78rem;padding:0 1.5rem 2rem;
color:#222;background:#fff}
header{padding-top:1rem}
h1{font-size:1.5rem;margin:.2rem 0}
h2{font-size:1.15rem;margin:1.6rem 0 .5rem}
code,pre{font:13px/1.35 ui-monospace,Menlo,Consolas,monospace}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
a{color:#0b57d0}
.meta{color:#555;margin:.2rem 0}
.v{display:inline-block;min-width:3.2rem;text-align:center;border-radius:3px;font-weight:600;
color:#fff;padding:0 .3rem;font-size:.8rem;line-height:1.6}
.v-PASS{background:var(--pass)}.v-FAIL{background:var(--fail)}.v-WARN{background:var(--warn)}
.v-INFO{background:var(--info)}.v-SKIP{background:var(--skip)}.v-ERROR{background:var(--error)}
.tally{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.7rem 0}
.count-badge{display:inline-flex;align-items:center;border:1px solid #ccc;border-radius:4px;
overflow:hidden;color:#222;text-decoration:none}
.count-badge .v{border-radius:0;line-height:2}
.count-badge b{padding:0 .6rem;font-size:1.1rem}
.count-badge.zero{opacity:.4}
.total{color:#555;margin-left:.3rem}
.baseline{margin:.2rem 0;color:#333}
.not-run{margin:.2rem 0;color:#555;font-size:.9rem}
.not-run ul{margin:.2rem 0;padding-left:1.4rem}
.fixed{border:1px solid #a5d6a7;background:#f1f8f1;border-radius:6px;padding:0 1rem .6rem;
margin:1rem 0}
.fixed h2{margin:.6rem 0 .3rem}
.fixed ul{margin:.3rem 0;padding-left:1.2rem}
.fixed li{margin:.2rem 0}
.listed{color:#555;font-size:.9rem}
.filters{position:sticky;top:0;z-index:2;display:flex;flex-wrap:wrap;gap:.4rem 1rem;
align-items:center;background:#fff;border-bottom:1px solid #ccc;padding:.5rem 0;margin-top:.6rem}
.filters label{display:inline-flex;align-items:center;gap:.25rem;white-space:nowrap}
.filters .verdicts{display:inline-flex;flex-wrap:wrap;gap:.2rem .6rem}
.filters input[type=search]{flex:1 1 14rem;padding:.25rem .45rem;font:inherit}
.filters select,.filters button{font:inherit}
.shown{color:#555;font-size:.9rem}
summary{cursor:pointer}
summary h2{display:inline;font-size:1.15rem}
.group>h2 .count,.group summary .count{font-size:1.15rem;margin:0 .2rem}
.folded{margin-top:1.4rem}
.folded>details>summary{margin:.3rem 0}
.scenario{border:1px solid #ddd;border-left:6px solid var(--skip);border-radius:4px;
margin:.6rem 0;background:#fff}
.scenario:target{box-shadow:0 0 0 3px #ffca28}
.s-FAIL{border-left-color:var(--fail)}.s-ERROR{border-left-color:var(--error)}
.s-WARN{border-left-color:var(--warn)}.s-INFO{border-left-color:var(--info)}
.s-PASS{border-left-color:var(--pass)}
.scenario>summary{padding:.4rem .7rem}
.scenario[open]>summary{border-bottom:1px solid #eee;background:#fcfcfc}
.scenario .body{padding:.4rem .8rem .5rem}
.folded .scenario{margin:.2rem 0}
.folded .scenario>summary{padding:.15rem .6rem}
.id{font-weight:700}
.title{color:#333}
.why{color:#666;font-style:italic}
.known{display:inline-block;border:1px solid #999;border-radius:3px;background:#eee;color:#444;
padding:0 .35rem;font-size:.75rem;font-weight:700;line-height:1.5;text-transform:uppercase}
.requirement{background:#f5f8fd;border:1px solid #dce4f2;border-radius:4px;padding:.3rem .6rem;
margin:.2rem 0 .4rem}
.requirement p{margin:.1rem 0}
.statement{font-size:1rem}
.level{font-weight:700}
.label{display:inline-block;min-width:6.2rem;color:#666;font-size:.75rem;font-weight:600;
text-transform:uppercase;letter-spacing:.03em}
.reason{font-weight:600;margin:.3rem 0}
.fixed-note{color:var(--pass);margin:.3rem 0}
.other{margin:.3rem 0}
.explain{border-collapse:collapse;width:100%;margin:.4rem 0}
.explain th{text-align:left;color:#666;font-size:.8rem;font-weight:600;padding:.1rem .5rem}
.explain td{width:50%;border:1px solid #ddd;background:#fafafa;padding:.2rem .5rem;
vertical-align:top}
.client-status{margin:.3rem 0}
.client-output{background:#f6f6f6;border:1px solid #eee;padding:.3rem .5rem}
.wire{margin:.4rem 0}
.wire summary,.log-title{color:#555;font-size:.9rem;margin:.2rem 0}
.log{border-collapse:collapse;width:100%;margin:.2rem 0}
.log td{padding:0 .4rem;vertical-align:top}
.log .text{width:100%}
.log .at,.log .conn,.log .side{color:#888;font-size:12px;text-align:right;white-space:nowrap}
.log .client .text{color:#0d47a1}
.log .note .text{color:#777;font-style:italic}
.log .mark{color:var(--fail);width:1em}
.log tr.decisive{background:#fff3cd;font-weight:600}
.tag{background:#eef1fb;border-radius:3px;padding:0 .3rem}
.no-findings,.none-shown{color:#555;font-style:italic}
table.counts{border-collapse:collapse;margin:.4rem 0}
.counts th,.counts td{padding:.15rem .5rem;text-align:right;border-bottom:1px solid #eee}
.counts th:first-child,.counts td:first-child{text-align:left}
.counts .v{min-width:3rem}
th{text-align:left;vertical-align:top;padding-right:.6rem}
)css";

const std::string_view script = R"js(
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !window.URLSearchParams) return;
  var items = [].slice.call(document.querySelectorAll("[data-verdict]"));
  var groups = [].slice.call(document.querySelectorAll("[data-group]"));
  var boxes = [].slice.call(form.querySelectorAll("input[name=verdict]"));
  var fields = form.elements;

  function current() {
    return {
      verdicts: boxes.filter(function (b) { return b.checked; })
                     .map(function (b) { return b.value; }),
      rfc: fields.rfc.value, tag: fields.tag.value,
      q: fields.q.value.trim().toLowerCase(),
      hideKnown: !!(fields.known && fields.known.checked)
    };
  }

  function matches(item, f) {
    var d = item.dataset;
    return f.verdicts.indexOf(d.verdict) >= 0 &&
      (!f.rfc || d.rfcs.indexOf(" " + f.rfc + " ") >= 0) &&
      (!f.tag || d.tags.indexOf(" " + f.tag + " ") >= 0) &&
      !(f.hideKnown && d.known === "1") &&
      (!f.q || d.text.toLowerCase().indexOf(f.q) >= 0);
  }

  function remember(f) {
    var p = new URLSearchParams();
    if (f.verdicts.length !== boxes.length) p.set("verdict", f.verdicts.join(","));
    if (f.rfc) p.set("rfc", f.rfc);
    if (f.tag) p.set("tag", f.tag);
    if (f.q) p.set("q", f.q);
    if (f.hideKnown) p.set("known", "hide");
    var query = p.toString();
    var hash = location.hash.indexOf("=") >= 0 ? "" : location.hash;
    try {
      history.replaceState(null, "", (query ? "?" + query : location.pathname) + hash);
    } catch (e) { /* some browsers refuse it for file:// pages; the filter still works */ }
  }

  function apply() {
    var f = current(), shown = 0;
    items.forEach(function (item) {
      item.hidden = !matches(item, f);
      if (!item.hidden) shown += 1;
    });
    groups.forEach(function (group) {
      var count = group.querySelector(".count");
      var total = Number(count.dataset.total);
      var visible = group.querySelectorAll("[data-verdict]:not([hidden])").length;
      count.textContent = visible === total ? String(total) : visible + " of " + total;
      group.hidden = visible === 0;
    });
    document.getElementById("shown").textContent =
      shown + " of " + items.length + " scenarios shown";
    document.getElementById("none-shown").hidden = shown > 0;
    remember(f);
  }

  function preset() {
    var text = location.search.slice(1);
    if (location.hash.indexOf("=") >= 0) text += "&" + location.hash.slice(1);
    var p = new URLSearchParams(text);
    var verdicts = p.getAll("verdict").join(",").toUpperCase().split(",")
                    .filter(function (v) { return v; });
    if (verdicts.length)
      boxes.forEach(function (b) { b.checked = verdicts.indexOf(b.value) >= 0; });
    if (p.has("rfc")) fields.rfc.value = p.get("rfc").replace(/^rfc\s*/i, "");
    if (p.has("tag")) fields.tag.value = p.get("tag");
    if (p.has("q")) fields.q.value = p.get("q");
    if (fields.known) fields.known.checked = p.get("known") === "hide";
  }

  function reveal() {
    var id = location.hash.slice(1);
    try { id = decodeURIComponent(id); } catch (e) { /* keep it as written */ }
    var target = id && id.indexOf("=") < 0 ? document.getElementById(id) : null;
    if (!target) return;
    if (target.closest("[hidden]")) { form.reset(); apply(); }
    for (var node = target; node; node = node.parentElement)
      if (node.tagName === "DETAILS") node.open = true;
    target.scrollIntoView();
  }

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  window.addEventListener("hashchange", reveal);
  preset();
  apply();
  reveal();
})();
)js";

}  // namespace ehlo::report::html
