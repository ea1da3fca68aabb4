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
