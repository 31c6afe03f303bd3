// The results matrix page's script (inlined into docs/results/matrix.html by
// tools/results_page.py): the filters by verdict and by server, and the explanations opened
// under a row by a click on "why". The address can preset both:
// #verdict=FAIL,WARN&server=postfix,exim&open=postfix:SCENARIO-ID. Without it the page shows
// every verdict and the "why" links jump to the list of explanations.
"use strict";
(() => {
  const form = document.getElementById("filters");
  const matrix = document.getElementById("matrix");
  const ticked = (name) =>
    new Set([...form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value));

  // Each element marked with a server: hidden when the server is not ticked; a matrix cell is
  // dimmed, and an explanation in the list hidden, when its verdict is not ticked.
  function showServersAndVerdicts(servers, verdicts) {
    for (const element of document.querySelectorAll("[data-server]")) {
      const serverShown = servers.has(element.dataset.server);
      const verdict = element.dataset.verdict;
      if (verdict && matrix.contains(element)) {
        element.hidden = !serverShown;
        element.classList.toggle("dim", !verdicts.has(verdict));
      } else {
        element.hidden = !serverShown || (verdict !== undefined && !verdicts.has(verdict));
      }
    }
    for (const opened of matrix.querySelectorAll("[data-for]")) {
      opened.hidden = !servers.has(opened.dataset.for);
    }
    // A server's list of explanations goes when none of them is left.
    for (const list of document.querySelectorAll("section[data-server]")) {
      list.hidden ||= !list.querySelector("tr[data-verdict]:not([hidden])");
    }
  }

  // A scenario's row stays when a shown server has a ticked verdict there; an RFC's heading
  // row when one of its rows stays. Returns how many scenarios are shown, and of how many.
  function showRows(servers, verdicts) {
    let heading = null, shown = 0, total = 0, lastShown = false;
    for (const row of matrix.tBodies[0].rows) {
      if (row.classList.contains("rfc")) {
        heading = row;
        heading.hidden = true;
      } else if (row.classList.contains("why-row")) {
        row.hidden = !lastShown;
      } else {
        lastShown = [...row.querySelectorAll("td[data-server]")].some(
          (cell) => servers.has(cell.dataset.server) && verdicts.has(cell.dataset.verdict));
        row.hidden = !lastShown;
        total += 1;
        if (lastShown) {
          shown += 1;
          heading.hidden = false;
        }
      }
    }
    return [shown, total];
  }

  function apply() {
    const servers = ticked("server"), verdicts = ticked("verdict");
    showServersAndVerdicts(servers, verdicts);
    const [shown, total] = showRows(servers, verdicts);
    document.getElementById("shown").textContent = `Showing ${shown} of ${total} scenarios.`;
  }

  // The explanation of one cell, copied from the list under the matrix into a row under the
  // cell's row; a second click takes it away.
  function toggleExplanation(link) {
    const row = link.closest("tr");
    let extra = row.nextElementSibling;
    if (!extra || !extra.classList.contains("why-row")) {
      extra = document.createElement("tr");
      extra.className = "why-row";
      extra.insertCell().colSpan = row.cells.length;
      row.after(extra);
    }
    const cell = extra.cells[0];
    const server = link.dataset.open;
    const open = [...cell.children].find((p) => p.dataset.for === server);
    if (open) {
      open.remove();
    } else {
      // In the order of the columns, whichever was opened first.
      const column = (name) => [...row.cells].findIndex((c) => c.dataset.server === name);
      const later = [...cell.children].find((p) => column(p.dataset.for) > column(server));
      cell.insertBefore(explanationParagraph(server, link.getAttribute("href").slice(1)),
                        later || null);
    }
    if (!cell.children.length) extra.remove();
  }

  function explanationParagraph(server, listed) {
    const source = document.getElementById(listed);
    const paragraph = document.createElement("p");
    paragraph.dataset.for = server;
    const label = document.createElement("strong");
    label.textContent = matrix.querySelector(`th[data-server="${server}"]`).textContent + ": ";
    const verdict = document.createElement("span");
    verdict.className = source.cells[1].className.replace(/\bv\b/, "badge");
    verdict.append(...source.cells[1].cloneNode(true).childNodes);
    paragraph.append(label, verdict, " ", ...source.cells[2].cloneNode(true).childNodes);
    return paragraph;
  }

  function readAddress() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const name of ["verdict", "server"]) {
      if (!params.has(name)) continue;
      const wanted = new Set(params.get(name).split(","));
      for (const box of form.querySelectorAll(`input[name=${name}]`)) {
        box.checked = wanted.has(box.value);
      }
    }
    for (const pair of (params.get("open") || "").split(",").filter(Boolean)) {
      const link = [...matrix.querySelectorAll("a.why")].find(
        (why) => `${why.dataset.open}:${why.closest("tr").dataset.scenario}` === pair);
      if (link) toggleExplanation(link);
    }
  }

  function writeAddress() {
    const params = [];
    for (const name of ["verdict", "server"]) {
      const boxes = [...form.querySelectorAll(`input[name=${name}]`)];
      if (boxes.every((box) => box.checked)) continue;
      params.push(`${name}=${boxes.filter((box) => box.checked).map((box) => box.value)}`);
    }
    history.replaceState(null, "", params.length ? `#${params.join("&")}` : location.pathname);
  }

  form.hidden = false;
  if (location.hash.includes("=")) readAddress();
  apply();
  form.addEventListener("change", () => {
    apply();
    writeAddress();
  });
  matrix.addEventListener("click", (event) => {
    const link = event.target.closest("a.why");
    if (!link) return;
    event.preventDefault();
    toggleExplanation(link);
    apply();
  });
})();
