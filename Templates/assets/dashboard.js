// Status, reviewer and owner filters for the review dashboard; works on the static page.
(function () {
  "use strict";
  var buttons = document.querySelectorAll(".filters .filter");
  var select = document.getElementById("reviewer-filter");
  var owners = document.getElementById("owner-filter");
  var rows = document.querySelectorAll(".review-table tbody tr");
  var status = "all";

  function apply() {
    var reviewer = select ? select.value : "";
    var owner = owners ? owners.value : "";
    rows.forEach(function (row) {
      var names = (row.getAttribute("data-reviewers") || "").split("\n");
      var statusOK = status === "all" || row.getAttribute("data-status") === status;
      var reviewerOK = !reviewer || names.indexOf(reviewer) !== -1;
      var ownerOK = !owner || row.getAttribute("data-owner") === owner;
      row.hidden = !(statusOK && reviewerOK && ownerOK);
    });
  }

  buttons.forEach(function (button) {
    button.addEventListener("click", function () {
      status = button.getAttribute("data-filter");
      buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
      apply();
    });
  });
  if (select) select.addEventListener("change", apply);
  if (owners) owners.addEventListener("change", apply);
})();
