// Status filters for the review dashboard; works on the static page.
(function () {
  "use strict";
  var buttons = document.querySelectorAll(".filters .filter");
  var rows = document.querySelectorAll(".review-table tbody tr");
  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      var wanted = button.getAttribute("data-filter");
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      rows.forEach(function (row) {
        row.hidden = wanted !== "all" && row.getAttribute("data-status") !== wanted;
      });
    });
  });
})();
