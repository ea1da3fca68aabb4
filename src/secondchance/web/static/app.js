// Progressive enhancement only: every page works without it. A search box with
// data-filter hides, as you type, the items (its selector) whose data-search does not
// contain every word typed; submitting the form still filters on the server.
"use strict";
(function () {
  function words(text) {
    return text.toLowerCase().split(/\s+/).filter(function (w) { return w.length > 0; });
  }
  function wire(input) {
    var selector = input.getAttribute("data-filter");
    input.addEventListener("input", function () {
      var wanted = words(input.value);
      document.querySelectorAll(selector).forEach(function (item) {
        var hay = (item.getAttribute("data-search") || item.textContent || "").toLowerCase();
        item.hidden = !wanted.every(function (w) { return hay.indexOf(w) !== -1; });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-filter]").forEach(wire);
  });
})();

// Live updates: new alerts and finished polls arrive as server-sent events
// (/events). The count of alerts not yet seen is kept for this tab
// (sessionStorage), shown in the tab title and in the page's polite live region;
// "Seen" clears it. Board text goes in with textContent only, never as markup.
(function () {
  if (!window.EventSource || !document.getElementById) { return; }
  var KEY = "secondchance.unseen";
  var baseTitle = document.title;
  var source = null;
  var latest = "";
  var polled = "";

  function unseen() {
    try { return parseInt(window.sessionStorage.getItem(KEY) || "0", 10) || 0; }
    catch (e) { return 0; }
  }
  function store(count) {
    try { window.sessionStorage.setItem(KEY, String(count)); } catch (e) { /* private mode */ }
  }
  function show() {
    var count = unseen();
    document.title = count > 0 ? "(" + count + ") " + baseTitle : baseTitle;
    var region = document.getElementById("live");
    if (!region) { return; }
    while (region.firstChild) { region.removeChild(region.firstChild); }
    var words = [];
    if (count > 0) {
      words.push(count + (count === 1 ? " new alert" : " new alerts") + (latest ? ", latest: " + latest : "") + ".");
    }
    if (polled) { words.push("Last poll: " + polled + "."); }
    if (!words.length) { return; }
    region.appendChild(document.createTextNode(words.join(" ") + " "));
    if (count > 0) {
      var seen = document.createElement("button");
      seen.type = "button";
      seen.textContent = "Seen";
      seen.addEventListener("click", function () { store(0); latest = ""; show(); });
      region.appendChild(seen);
    }
  }
  function data(event) {
    try { return JSON.parse(event.data); } catch (e) { return null; }
  }
  function open() {
    if (source) { return; }
    source = new EventSource("/events");
    // Marks the page as following (tests wait for it before writing an alert).
    source.addEventListener("open", function () { document.documentElement.setAttribute("data-live", "open"); });
    source.addEventListener("alert", function (event) {
      var alert = data(event);
      if (!alert) { return; }
      store(unseen() + 1);
      latest = String(alert.company) + ": " + String(alert.kind) + ": " + String(alert.title);
      show();
    });
    source.addEventListener("poll", function (event) {
      var poll = data(event);
      if (!poll) { return; }
      polled = String(poll.company) + " (" + String(poll.outcome) + ")";
      show();
    });
  }
  function close() {
    if (source) { source.close(); source = null; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    show();
    // Opened once the page is shown (not while prerendered); kept while the tab is
    // in the background, which is when the title's count matters.
    if (document.visibilityState === "visible") { open(); }
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") { open(); }
    });
  });
  // Frees the server's slot (streams are capped) as the page goes.
  window.addEventListener("pagehide", close);
  // Back from the back/forward cache: follow again, and show the tab's count.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { show(); open(); }
  });
})();
