// A table wider than the screen gets smaller type until it fits (not below 60 % of the text),
// so that no column of a result runs off the projected page. Tables are drawn after the page
// loads, so every change to the page and every resize fits them again.
(function () {
  function fitTables() {
    document.querySelectorAll("#rendered_cells .jp-OutputArea-output table").forEach(function (table) {
      table.style.fontSize = "";
      var room = table.parentElement.clientWidth;
      var size = parseFloat(getComputedStyle(table).fontSize);
      var smallest = 0.6 * size;
      for (var step = 0; step < 3 && table.offsetWidth > room && size > smallest; step++) {
        size = Math.max(smallest, (size * room) / table.offsetWidth - 0.5);
        table.style.fontSize = size + "px";
      }
    });
  }
  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(fitTables, 100);
  }
  window.addEventListener("resize", later);
  document.addEventListener("DOMContentLoaded", function () {
    var cells = document.getElementById("rendered_cells");
    if (cells) {
      new MutationObserver(later).observe(cells, { childList: true, subtree: true });
    }
    later();
  });
})();
