/* A data table wider than the screen scrolls sideways: it is then reachable with the keyboard (tabindex)
   so that a keyboard user can scroll it with the arrow keys; its caption names it. A table that fits
   adds no tab stop. A chart too wide for the screen ({% bar_chart %}, its .spro-chart__scroll box) too. */
(function () {
  "use strict";

  function update(root) {
    (root || document).querySelectorAll(".fr-table table, .spro-chart__scroll").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }

  var pending = null;
  function later() {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () { update(); }, 100);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { update(); });
  } else {
    update();
  }
  window.addEventListener("load", function () { update(); });
  window.addEventListener("resize", later);
  document.addEventListener("htmx:afterSettle", function (event) { update(event.target); });
})();
