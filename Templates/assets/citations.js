// Citation previews: hovering or focusing a citation number shows its source (the entry of the
// page's reference list: type, authors, title, journal, year, DOI and PubMed links) in a
// popover, as WCAG 2.2 SC 1.4.13 asks of content on hover or focus:
//   dismissible: Esc hides it, without moving the pointer or the focus;
//   hoverable:   the pointer can move onto it (it stays while the pointer is over either);
//   persistent:  it stays until the pointer and the focus have left both, or Esc.
// It sits right after its number in the page, so Tab moves from the number into its links.
// Without this script a citation is a link to its reference entry, which links back.
(function () {
  "use strict";
  var body = document.querySelector(".topic-body");
  if (!body) return;
  var popover = null;   // the open popover, if any
  var owner = null;     // the citation link it belongs to
  var hideTimer = 0;
  var count = 0;
  var dismissed = null; // the citation whose popover Esc hid, until the pointer or focus leaves it

  function entryFor(link) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var entry = document.getElementById(id);
    return entry && entry.matches("ol.references > li") ? entry : null;
  }

  function build(link, entry) {
    var box = document.createElement("span");
    box.className = "citation-popover";
    box.id = "citation-popover-" + (++count);
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Source " + link.textContent);
    var number = Array.prototype.indexOf.call(entry.parentNode.children, entry) + 1;
    var head = document.createElement("span");
    head.className = "citation-popover-number";
    head.textContent = number + ". ";
    box.appendChild(head);
    ["reference-type", "reference-text", "reference-links"].forEach(function (name) {
      var part = entry.querySelector("." + name);
      if (part) box.appendChild(part.cloneNode(true));
    });
    return box;
  }

  function place(box, link) {
    var parent = box.offsetParent || document.body;
    var frame = parent.getBoundingClientRect();
    var at = link.getBoundingClientRect();
    var width = box.offsetWidth;
    var left = Math.max(0, Math.min(at.left - frame.left, frame.width - width));
    box.style.left = left + "px";
    box.style.top = (at.bottom - frame.top + 4) + "px";
  }

  function show(link) {
    clearTimeout(hideTimer);
    if (owner === link || dismissed === link) return;
    hide();
    var entry = entryFor(link);
    if (!entry) return;
    popover = build(link, entry);
    owner = link;
    // Right after its number, before the group's next one: Tab goes from the number into it.
    link.parentNode.insertBefore(popover, link.nextSibling);
    place(popover, link);
    link.setAttribute("aria-describedby", popover.id);
    link.setAttribute("aria-expanded", "true");
    popover.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    popover.addEventListener("mouseleave", hideSoon);
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!popover) return;
    owner.removeAttribute("aria-describedby");
    owner.removeAttribute("aria-expanded");
    popover.parentNode.removeChild(popover);
    popover = null;
    owner = null;
  }

  // A moment's grace, so the pointer can cross the gap between the number and the popover.
  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      var active = document.activeElement;
      if (popover && (popover.contains(active) || active === owner)) return;
      if (popover && (popover.matches(":hover") || owner.matches(":hover"))) return;
      hide();
    }, 300);
  }

  function citationLink(target) {
    if (!(target instanceof Element)) return null;
    var link = target.closest("sup.citation a[href^='#ref-']");
    return link && !link.classList.contains("citation-in-range") ? link : null;
  }

  body.addEventListener("mouseover", function (event) {
    var link = citationLink(event.target);
    if (link) show(link);
  });
  body.addEventListener("mouseout", function (event) {
    var link = citationLink(event.target);
    if (link && link === dismissed && document.activeElement !== link) dismissed = null;
    if (link && link === owner) hideSoon();
  });
  body.addEventListener("focusin", function (event) {
    var link = citationLink(event.target);
    if (link !== dismissed) dismissed = null;
    if (link) { show(link); return; }
    if (popover && popover.contains(event.target)) clearTimeout(hideTimer);
  });
  body.addEventListener("focusout", function (event) {
    if (!popover) return;
    var next = event.relatedTarget;
    if (next && (next === owner || popover.contains(next))) return;
    hideSoon();
  });
  // A grade's meaning (shown by CSS on hover and focus) hides on Esc until the pointer or the
  // focus leaves the grade.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var grades = document.querySelectorAll(".evidence-grade:hover, .evidence-grade:focus");
    Array.prototype.forEach.call(grades, function (grade) {
      grade.classList.add("dismissed");
      var clear = function () {
        grade.classList.remove("dismissed");
        grade.removeEventListener("mouseleave", clear);
        grade.removeEventListener("blur", clear);
      };
      grade.addEventListener("mouseleave", clear);
      grade.addEventListener("blur", clear);
    });
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !popover) return;
    // Focus inside the popover goes back to its number, which then stays where it is.
    var link = owner;
    dismissed = link;
    if (popover.contains(document.activeElement)) link.focus();
    hide();
    event.preventDefault();
  });
  window.addEventListener("resize", function () { if (popover) place(popover, owner); });
})();
