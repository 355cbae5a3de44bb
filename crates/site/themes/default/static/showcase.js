// The showcase's filters and search. Without this script every entry is still listed on the
// paginated pages; with it, filters act on a compact index and keep their state in the URL, so a
// filtered view is a link one can send.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var cards = document.getElementById("cards");
  var results = document.getElementById("results");
  var staticPager = document.getElementById("pagination");
  var base = form.dataset.base;
  var PER_PAGE = 48;
  var FIELDS = ["q", "category", "type", "unit"];
  var index = null;
  var staticCards = cards.innerHTML;
  form.hidden = false;

  function params() {
    var p = new URLSearchParams(location.search);
    var out = {};
    FIELDS.forEach(function (k) { out[k] = (p.get(k) || "").trim(); });
    out.page = Math.max(1, parseInt(p.get("page") || "1", 10) || 1);
    return out;
  }

  function active(p) {
    return FIELDS.some(function (k) { return p[k] !== ""; });
  }

  // The unit list comes with the index: units that published something, in registry order.
  function fillUnits() {
    var select = form.elements.unit;
    if (select.options.length > 1) return;
    var used = {};
    index.entries.forEach(function (e) { used[e[0]] = true; });
    index.units.forEach(function (u, i) {
      if (!used[i]) return;
      var o = el("option", null, u[1]);
      o.value = u[0];
      o.dataset.type = u[2];
      select.appendChild(o);
    });
  }

  function fill(p) {
    if (index) fillUnits();
    FIELDS.forEach(function (k) { form.elements[k].value = p[k]; });
    if (form.elements.unit.value !== p.unit) form.elements.unit.value = "";
    limitUnits(p.type);
  }

  function limitUnits(type) {
    Array.prototype.forEach.call(form.elements.unit.options, function (o) {
      o.hidden = o.value !== "" && type !== "" && o.dataset.type !== type;
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function card(e) {
    var unit = index.units[e[0]], cat = index.categories[e[3]] || ["", ""];
    var a = el("article", "card");
    var cover = el("a", "card-cover");
    cover.href = base + e[1];
    cover.tabIndex = -1;
    cover.setAttribute("aria-hidden", "true");
    if (e[5]) {
      var img = el("img");
      img.src = base + e[5]; img.width = e[6]; img.height = e[7];
      img.alt = ""; img.loading = "lazy"; img.decoding = "async";
      cover.appendChild(img);
    } else {
      cover.appendChild(el("span", "cover-blank", cat[1]));
    }
    a.appendChild(cover);
    var body = el("div", "card-body");
    var tag = el("p", "tag");
    tag.appendChild(el("span", "tag-no", cat[0]));
    tag.appendChild(document.createTextNode(cat[1]));
    body.appendChild(tag);
    var h = el("h3", "card-title");
    var link = el("a", null, e[2]);
    link.href = base + e[1];
    h.appendChild(link);
    body.appendChild(h);
    var u = el("p", "card-unit", unit[1]);
    if (e[8]) u.appendChild(el("span", "muted", " · " + e[8]));
    body.appendChild(u);
    body.appendChild(el("p", "card-summary", e[4]));
    a.appendChild(body);
    return a;
  }

  function matches(e, p, terms) {
    var unit = index.units[e[0]], cat = index.categories[e[3]] || ["", ""];
    if (p.category && cat[0] !== p.category) return false;
    if (p.type && unit[2] !== p.type) return false;
    if (p.unit && unit[0] !== p.unit) return false;
    if (!terms.length) return true;
    var hay = (e[2] + " " + e[4] + " " + unit[1] + " " + (e[8] || "") + " " + cat[1]).toLowerCase();
    return terms.every(function (t) { return hay.indexOf(t) !== -1; });
  }

  function pager(total, page) {
    var nav = document.getElementById("filtered-pages");
    if (!nav) {
      nav = el("nav", "pagination");
      nav.id = "filtered-pages";
      cards.parentNode.insertBefore(nav, staticPager);
    }
    nav.textContent = "";
    var pages = Math.ceil(total / PER_PAGE);
    if (pages < 2) return;
    function go(n, label) {
      var b = el("a", null, label || String(n));
      var p = new URLSearchParams(location.search);
      p.set("page", n);
      b.href = "?" + p.toString();
      b.addEventListener("click", function (ev) {
        ev.preventDefault();
        history.pushState(null, "", b.href);
        render();
        window.scrollTo(0, 0);
      });
      return b;
    }
    if (page > 1) nav.appendChild(go(page - 1, "← " + form.dataset.previous));
    for (var n = 1; n <= pages; n++) {
      if (n === 1 || n === pages || Math.abs(n - page) <= 2) {
        if (n === page) {
          var cur = el("span", null, String(n));
          cur.setAttribute("aria-current", "page");
          nav.appendChild(cur);
        } else nav.appendChild(go(n));
      } else if (Math.abs(n - page) === 3) nav.appendChild(el("span", "gap", "…"));
    }
    if (page < pages) nav.appendChild(go(page + 1, form.dataset.next + " →"));
  }

  function render() {
    var p = params();
    fill(p);
    if (!active(p)) {
      cards.innerHTML = staticCards;
      results.textContent = "";
      if (staticPager) staticPager.hidden = false;
      var nav = document.getElementById("filtered-pages");
      if (nav) nav.textContent = "";
      return;
    }
    if (!index) { load().then(render); return; }
    var terms = p.q.toLowerCase().split(/\s+/).filter(Boolean);
    var found = index.entries.filter(function (e) { return matches(e, p, terms); });
    var page = Math.min(p.page, Math.max(1, Math.ceil(found.length / PER_PAGE)));
    cards.textContent = "";
    found.slice((page - 1) * PER_PAGE, page * PER_PAGE).forEach(function (e) { cards.appendChild(card(e)); });
    results.textContent = found.length ? found.length + " " + form.dataset.results : form.dataset.empty;
    if (staticPager) staticPager.hidden = true;
    pager(found.length, page);
  }

  var loading = null;
  function load() {
    if (!loading) {
      loading = fetch(form.dataset.index).then(function (r) { return r.json(); }).then(function (j) { index = j; });
    }
    return loading;
  }

  function update() {
    var p = new URLSearchParams();
    FIELDS.forEach(function (k) {
      var v = form.elements[k].value.trim();
      if (v) p.set(k, v);
    });
    var q = p.toString();
    history.replaceState(null, "", location.pathname + (q ? "?" + q : ""));
    render();
  }

  // Without a filter in the URL the index is fetched only when someone reaches for the units.
  ["focus", "pointerdown"].forEach(function (type) {
    form.elements.unit.addEventListener(type, function () {
      load().then(function () { var v = form.elements.unit.value; fillUnits(); form.elements.unit.value = v; limitUnits(form.elements.type.value); });
    }, { once: true });
  });

  var timer = null;
  form.elements.q.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  });
  ["category", "type", "unit"].forEach(function (k) {
    form.elements[k].addEventListener("change", function () {
      if (k === "type") {
        limitUnits(form.elements.type.value);
        var opt = form.elements.unit.selectedOptions[0];
        if (opt && opt.hidden) form.elements.unit.value = "";
      }
      update();
    });
  });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); update(); });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  window.addEventListener("popstate", render);
  render();
})();
