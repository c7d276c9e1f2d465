// Progressive enhancement: the page already shows the count; this keeps it current.
(function () {
  "use strict";
  var box = document.querySelector(".petition-counter[data-count-url]");
  if (!box || !window.fetch) { return; }
  var number = box.querySelector("[data-counter=count]");
  var bar = box.querySelector("[data-counter=bar]");
  var every = parseInt(box.getAttribute("data-interval") || "10000", 10);
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function refresh() {
    if (document.hidden) { return; }
    fetch(box.getAttribute("data-count-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (number) { number.textContent = format.format(data.count); }
        if (bar) {
          bar.max = data.goal;
          bar.value = Math.min(data.count, data.goal);
          bar.textContent = data.percent + "%";
        }
        box.setAttribute("data-updated", String(Date.now()));
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }
  setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
  window.addEventListener("pageshow", refresh);
})();
