// The audience switch ("Which best describes you?"). Its links work without this script;
// with it, the reader's choice is remembered, and a page opened at its own URL (where links,
// listings and search lead) moves to the variant for that choice. A link to a variant is
// followed as written.
(function () {
  "use strict";
  var KEY = "sourced-audience";
  var nav = document.querySelector("nav.audience-switch");
  if (!nav) return;
  var links = Array.prototype.slice.call(nav.querySelectorAll("a[data-audience]"));
  if (!links.length) return;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function store(audience) {
    try { window.localStorage.setItem(KEY, audience); } catch (e) { /* storage off: links still work */ }
  }

  links.forEach(function (link) {
    link.addEventListener("click", function () { store(link.getAttribute("data-audience")); });
  });

  var current = nav.querySelector('a[aria-current="page"]');
  if (current !== links[0]) return;
  var wanted = stored();
  if (!wanted || wanted === current.getAttribute("data-audience")) return;
  for (var i = 1; i < links.length; i++) {
    if (links[i].getAttribute("data-audience") === wanted) {
      window.location.replace(links[i].href + window.location.hash);
      return;
    }
  }
})();
