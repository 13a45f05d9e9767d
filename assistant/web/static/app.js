// assist: the little JavaScript the app needs. No inline scripts (the Content Security Policy forbids them).
"use strict";
(function () {
  // Sortable tables: <th data-sort> headers sort their column (numbers as numbers).
  document.addEventListener("click", function (ev) {
    var th = ev.target.closest("th[data-sort]");
    if (!th) return;
    var table = th.closest("table"), body = table.tBodies[0], index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var down = th.getAttribute("aria-sort") !== "descending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index].getAttribute("data-value") || a.cells[index].textContent;
      var y = b.cells[index].getAttribute("data-value") || b.cells[index].textContent;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return down ? -c : c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
  });
  // Forms that change something ask first when they say so: <form data-confirm="...">.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  });
})();

// Drafts: a draft page follows its file. The server watches it and says "update" over Server-Sent
// Events once it has re-scored a new version; the page then fetches the fragment and swaps it in
// (no reload: scroll position and the address stay). <div id="draft" data-events data-fragment>.
(function () {
  var root = document.getElementById("draft");
  if (!root || !window.EventSource) return;
  var live = document.getElementById("draft-live"), status = document.getElementById("live-status");
  var busy = false, again = false;
  root.setAttribute("data-updates", "0");
  function show(text, off) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("off", !!off);
  }
  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(root.getAttribute("data-fragment"), { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.text().then(function (t) { return { ok: r.ok, hash: r.headers.get("X-Draft-Hash"), html: t }; }); })
      .then(function (res) {
        if (!res.ok) { show("update failed: reload the page", true); return; }
        live.innerHTML = res.html;
        var box = live.querySelector(".draft-live");
        if (box && box.getAttribute("data-title")) document.title = box.getAttribute("data-title") + " · assist";
        if (res.hash) root.setAttribute("data-hash", res.hash);
        root.setAttribute("data-updates", String(Number(root.getAttribute("data-updates")) + 1));
        root.setAttribute("data-updated-at", String(Date.now()));
        show("live · updated " + new Date().toLocaleTimeString());
      })
      .catch(function () { show("update failed: reload the page", true); })
      .then(function () { busy = false; if (again) { again = false; refresh(); } });
  }
  // One stream per visible tab: a browser allows 6 connections per host, so hidden tabs let theirs go
  // and reconnect (with the hash they show, so a save made meanwhile arrives at once) when shown.
  var source = null;
  function connect() {
    var hash = encodeURIComponent(root.getAttribute("data-hash") || "");
    var url = root.getAttribute("data-events").replace(/([?&]hash=)[^&]*/, "$1" + hash);
    source = new EventSource(url);
    source.addEventListener("update", refresh);
    source.addEventListener("open", function () { show("live"); });
    source.addEventListener("error", function () { show("reconnecting…", true); });
  }
  connect();
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && source) { source.close(); source = null; show("paused while the tab is hidden", true); }
    else if (!document.hidden && !source) connect();
  });
  window.addEventListener("pagehide", function () { if (source) source.close(); });
})();
