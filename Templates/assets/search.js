// Client-side search over search-index.json: no server-side code, nothing from other hosts.
(function () {
  "use strict";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = form.querySelector("input");
  var list = form.querySelector(".search-results");
  var index = null;

  function load() {
    if (index) return Promise.resolve(index);
    return fetch(form.getAttribute("data-index"))
      .then(function (r) { return r.json(); })
      .then(function (data) { index = data; return data; });
  }

  function score(entry, terms) {
    var fields = [entry.title, entry.summary || "", entry.question || "", entry.tags.join(" "), entry.headings.join(" ")];
    var weights = [5, 2, 2, 3, 1];
    var total = 0;
    for (var t = 0; t < terms.length; t++) {
      var found = 0;
      for (var f = 0; f < fields.length; f++) {
        if (fields[f].toLowerCase().indexOf(terms[t]) !== -1) found += weights[f];
      }
      if (!found) return 0;
      total += found;
    }
    return total;
  }

  // A page written for several audiences has an entry per variant: with a choice remembered
  // (see audience.js), only that variant of such a page is listed.
  function oneVariantEach(results) {
    var wanted = null;
    try { wanted = window.localStorage.getItem("sourced-audience"); } catch (e) { wanted = null; }
    if (!wanted) return results;
    var offered = {};
    results.forEach(function (e) { if (e.page && e.audience === wanted) offered[e.page] = true; });
    return results.filter(function (e) { return !e.page || !offered[e.page] || e.audience === wanted; });
  }

  function show(results, query) {
    list.textContent = "";
    if (!query) { list.hidden = true; return; }
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "hint";
      none.textContent = "No topics match.";
      list.appendChild(none);
    }
    results.slice(0, 8).forEach(function (entry) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = entry.url;
      a.textContent = entry.title;
      li.appendChild(a);
      if (entry.audience_label) {
        var audience = document.createElement("span");
        audience.className = "search-audience";
        audience.textContent = " · " + entry.audience_label;
        li.appendChild(audience);
      }
      list.appendChild(li);
    });
    list.hidden = false;
  }

  input.addEventListener("input", function () {
    var query = input.value.trim().toLowerCase();
    load().then(function (data) {
      var terms = query.split(/\s+/).filter(Boolean);
      var results = data
        .map(function (e) { return { e: e, s: score(e, terms) }; })
        .filter(function (x) { return x.s > 0; })
        .sort(function (a, b) { return b.s - a.s; })
        .map(function (x) { return x.e; });
      show(oneVariantEach(results), query);
    }).catch(function () { show([], query); });
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { input.value = ""; show([], ""); }
  });
})();
