"use strict";
(function () {
  var doc = document;
  var cards = Array.prototype.slice.call(doc.querySelectorAll("li.finding"));
  var total = cards.length;
  var shown = doc.getElementById("shown");
  var search = doc.getElementById("search");
  var category = doc.getElementById("category");
  var rule = doc.getElementById("rule");
  var severities = Array.prototype.slice.call(doc.querySelectorAll("input[name=severity]"));

  function all(selector) { return Array.prototype.slice.call(doc.querySelectorAll(selector)); }
  function byKey(selector, key) { return all(selector + '[data-key="' + key + '"]'); }

  function apply() {
    var sev = {};
    severities.forEach(function (box) { sev[box.value] = box.checked; });
    var q = search.value.trim().toLowerCase();
    var count = 0;
    cards.forEach(function (card) {
      var d = card.dataset;
      var visible = sev[d.severity] &&
        (!category.value || category.value === d.category) &&
        (!rule.value || rule.value === d.rule) &&
        (!q || d.search.indexOf(q) >= 0);
      card.hidden = !visible;
      byKey(".box", d.key).forEach(function (el) { el.hidden = !visible; });
      byKey(".index-list a", d.key).forEach(function (el) { el.parentNode.hidden = !visible; });
      if (visible) { count += 1; }
    });
    all("section.page").forEach(function (page) {
      page.hidden = !page.querySelector("li.finding:not([hidden])");
    });
    all(".index-report").forEach(function (head) {
      var list = head.nextElementSibling;
      head.hidden = list ? !list.querySelector("li:not([hidden])") : false;
    });
    shown.textContent = "显示 " + count + " / " + total + " 条";
  }

  // scroll: "box" (from the index: the box on its page), "card" (from a box: its finding), or "near" (from a card)
  function activate(key, scroll) {
    all(".active").forEach(function (el) { el.classList.remove("active"); });
    var card = doc.getElementById(key);
    if (!card) { return; }
    card.classList.add("active");
    var boxes = byKey(".box", key).filter(function (el) { return !el.classList.contains("related"); });
    boxes.forEach(function (el) { el.classList.add("active"); });
    byKey(".index-list a", key).forEach(function (el) {
      el.classList.add("active");
      el.scrollIntoView({ block: "nearest" });
    });
    if (scroll === "box") {
      (boxes[0] || card).scrollIntoView({ block: "center" });
    } else if (scroll === "card") {
      card.scrollIntoView({ block: "nearest" });
    } else if (boxes[0]) {
      boxes[0].scrollIntoView({ block: "nearest" });
    }
  }

  doc.addEventListener("click", function (event) {
    var target = event.target.closest("[data-key]");
    if (!target) { return; }
    if (target.tagName === "A") { event.preventDefault(); }
    var key = target.getAttribute("data-key");
    var from = target.classList.contains("finding") ? "near" : target.classList.contains("box") ? "card" : "box";
    activate(key, from);
    if (history.replaceState) { history.replaceState(null, "", "#" + key); }
  });
  doc.querySelector("form.filters").addEventListener("submit", function (event) { event.preventDefault(); });
  [search, category, rule].concat(severities).forEach(function (el) {
    el.addEventListener("input", apply);
    el.addEventListener("change", apply);
  });
  apply();
  if (location.hash.length > 1) { activate(decodeURIComponent(location.hash.slice(1)), "box"); }
})();
