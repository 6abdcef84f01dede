// Sorting and filtering for build/index.html. Without JavaScript the page shows every
// agreement, sorted by the next date to act on; the controls appear only when they work, and the
// table's caption always says the order it is in.
(function () {
  "use strict";
  var table = document.getElementById("agreements");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var form = document.querySelector("form.filters");
  var query = document.getElementById("q");
  var status = document.getElementById("status");
  var count = document.getElementById("count");
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var caption = table.caption;

  function filter() {
    var wanted = query.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var match = (!wanted || row.dataset.search.indexOf(wanted) !== -1) &&
        (!status.value || row.dataset.status === status.value);
      row.hidden = !match;
      if (match) { shown += 1; }
    });
    count.textContent = shown + " af " + rows.length + (rows.length === 1 ? " aftale vises." : " aftaler vises.");
  }

  function sortBy(header) {
    var key = header.dataset.sort;
    var numeric = header.dataset.numeric === "true";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (cell) {
      if (cell.dataset.sort) { cell.setAttribute("aria-sort", "none"); }
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    caption.textContent = "Alle partnerskabsaftaler, sorteret efter «" + header.textContent + "», " +
      (ascending ? "stigende" : "faldende");
    rows.sort(function (a, b) {
      var x = a.dataset[key];
      var y = b.dataset[key];
      var order = numeric ? Number(x) - Number(y) : x.localeCompare(y, "da");
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  headers.forEach(function (header) {
    if (!header.dataset.sort) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = header.textContent;
    header.textContent = "";
    header.appendChild(button);
    header.setAttribute("aria-sort", header.dataset.sort === "end" ? "ascending" : "none");
    button.addEventListener("click", function () { sortBy(header); });
  });
  form.addEventListener("submit", function (event) {  // filter in place; never reload the page
    event.preventDefault();
    filter();
  });
  query.addEventListener("input", filter);
  status.addEventListener("change", filter);
  form.hidden = false;
  filter();
}());
