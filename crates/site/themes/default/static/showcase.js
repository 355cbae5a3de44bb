// The showcase's filters and search. Without this script every entry is still listed on the
// paginated pages; with it, the filters and the search act on the search index under `search/`
// (filters are its grams too), reading only the few small files a view needs, and keep their
// state in the URL, so a filtered view is a link one can send.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form || !window.fetch || !window.URLSearchParams) return;
  var cards = document.getElementById("cards");
  var results = document.getElementById("results");
  var staticPager = document.getElementById("pagination");
  // The heading's count of every entry: hidden while a view counts its own (two counts that
  // disagree, 26 above and 4 below, read as a contradiction).
  var total = document.getElementById("count");
  total = total && total.parentNode;
  var base = form.dataset.base;
  // A path of the site as a link: each part encoded, as an entry or file name may hold a space,
  // `#` or `%` (the pages' own links are encoded the same way by the templates).
  function at(path) { return base + path.split("/").map(encodeURIComponent).join("/"); }
  var FIELDS = ["q", "category", "type", "unit"];
  // The units to filter by (`entries/units.json`: `[id, name, type]` each), fetched when asked.
  var units = null;
  var staticCards = cards.innerHTML;
  form.hidden = false;
  // The filters sit in a fold: shut on a phone, so that the first screen shows entries, and open
  // on wider screens or when the address already filters.
  var fold = document.getElementById("filters-fold");
  if (fold) {
    fold.hidden = false;
    if (window.matchMedia("(min-width: 561px)").matches || active(params())) fold.open = true;
  }

  // A query is words to look for, not a pasted page: longer ones are cut here (each character
  // is a lookup, and a pasted paragraph made hundreds of requests).
  var MAX_QUERY = 64;
  function params() {
    var p = new URLSearchParams(location.search);
    var out = {};
    FIELDS.forEach(function (k) { out[k] = (p.get(k) || "").trim(); });
    out.q = Array.from(out.q).slice(0, MAX_QUERY).join("");
    out.page = Math.max(1, parseInt(p.get("page") || "1", 10) || 1);
    return out;
  }

  function active(p) {
    return FIELDS.some(function (k) { return p[k] !== ""; });
  }

  // The units that published something, in registry order (in place of a lone unit's option).
  function fillUnits() {
    var select = form.elements.unit;
    dropLone();
    if (select.options.length > 1) return;
    units.forEach(function (u) {
      var o = el("option", null, u[1]);
      o.value = u[0];
      o.dataset.type = u[2];
      select.appendChild(o);
    });
  }

  function fill(p) {
    if (units) fillUnits();
    else if (p.unit) loneUnit(p.unit);
    else dropLone();
    FIELDS.forEach(function (k) { form.elements[k].value = p[k]; });
    if (form.elements.unit.value !== p.unit) form.elements.unit.value = "";
    limitUnits(p.type);
  }

  // A unit the address names, before the list of units has come (it comes when the select is
  // reached): an option of its own, so that the next change keeps the unit in the address. It
  // is named by the view's cards (each is of that unit), or, with none, once the list has come:
  // a view loads no list of every unit (5,000 units are 190 KB).
  var lone = null;
  function loneUnit(id) {
    if (!lone) lone = form.elements.unit.appendChild(el("option"));
    if (lone.value !== id) { lone.value = id; lone.textContent = id; lone.dataset.named = ""; }
  }
  function dropLone() {
    if (lone) { form.elements.unit.removeChild(lone); lone = null; }
  }
  function nameLone(cardsShown) {
    if (!lone || units || lone.dataset.named) return;
    var f = cardsShown.filter(Boolean)[0];
    if (f) { lone.textContent = f.u; lone.dataset.named = "1"; }
    else load().then(listUnits, function () {});
  }

  // The list of units, come, in the select: the unit chosen stays chosen if it is listed. Only
  // the select changes (the reader may be typing a query meanwhile).
  function listUnits() {
    var select = form.elements.unit, v = select.value;
    fillUnits();
    select.value = v;
    if (select.value !== v) select.value = "";
    limitUnits(form.elements.type.value);
  }

  function limitUnits(type) {
    Array.prototype.forEach.call(form.elements.unit.options, function (o) {
      // The lone unit is shown whatever the type: its own is not known (its cards are of it).
      o.hidden = o !== lone && o.value !== "" && type !== "" && o.dataset.type !== type;
    });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function pager(total, page, perPage) {
    var nav = document.getElementById("filtered-pages");
    if (!nav) {
      nav = el("nav", "pagination");
      nav.id = "filtered-pages";
      cards.parentNode.insertBefore(nav, staticPager);
    }
    nav.textContent = "";
    var pages = Math.ceil(total / perPage);
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


  // ---- full-text search: the index under search/, read in part (see crates/site/src/search.rs;
  // normalise, grams and shardOf mirror it exactly) ----
  var SEARCH_PER_PAGE = 12;
  var meta = null, shardCache = {}, fragCache = {};

  function isHan(c) { return hanCode(c.codePointAt(0)); }
  function hanCode(n) {
    return (n >= 0x3400 && n <= 0x4DBF) || (n >= 0x4E00 && n <= 0x9FFF) ||
      (n >= 0xF900 && n <= 0xFAFF) || (n >= 0x20000 && n <= 0x2FA1F);
  }
  var WORD = /[\p{L}\p{N}]/u;
  function isWord(c) {
    var n = c.charCodeAt(0);
    // ASCII without the regular expression: most of what is checked.
    if (n < 128) return (n >= 48 && n <= 57) || (n >= 97 && n <= 122) || (n >= 65 && n <= 90);
    return WORD.test(c) && !isHan(c);
  }

  function normalise(text) {
    var out = "", pending = false, onlySpace = true, last = "";
    for (var c of text) {
      var n = c.codePointAt(0);
      // Han text after Han text, most of a Chinese body: kept as it is.
      if (!pending && hanCode(n)) { out += c; last = c; continue; }
      if (n >= 0xFF01 && n <= 0xFF5E) c = String.fromCodePoint(n - 0xFEE0);
      if (isHan(c) || isWord(c)) {
        if (pending) {
          var joins = onlySpace && isHan(c) && last !== "" && isHan(last);
          if (!joins && out !== "") out += " ";
          pending = false;
        }
        onlySpace = true;
        var lower = c.toLowerCase();
        out += lower;
        last = lower;
      } else {
        pending = true;
        onlySpace = onlySpace && /\s/.test(c);
      }
    }
    return out;
  }

  // A term's lookups: Han characters and pairs exactly, words as prefixes.
  function lookups(term) {
    var out = [];
    term.split(" ").forEach(function (run) {
      var han = [], word = "";
      function flushHan() {
        if (han.length === 1) out.push({ gram: "c:" + han[0] });
        for (var i = 1; i < han.length; i++) out.push({ gram: "c:" + han[i - 1] + han[i] });
        han = [];
      }
      for (var c of run) {
        if (isHan(c)) {
          if (word) { out.push(wordLookup(word)); word = ""; }
          han.push(c);
        } else {
          flushHan();
          word += c;
        }
      }
      flushHan();
      if (word) out.push(wordLookup(word));
    });
    return out;
  }

  // A word is looked up as the words it begins; one character by its own gram (words are
  // filed under their first two characters, so `7` alone would miss `70`).
  function wordLookup(word) {
    return Array.from(word).length === 1 ? { gram: "p:" + word } : { prefix: "w:" + word };
  }

  var encoder = new TextEncoder();
  function shardOf(gram) {
    var keyed = gram;
    if (gram.indexOf("w:") === 0) keyed = "w:" + Array.from(gram.slice(2)).slice(0, 2).join("");
    var h = 0x811c9dc5;
    encoder.encode(keyed).forEach(function (b) { h = Math.imul(h ^ b, 0x01000193) >>> 0; });
    return h % meta.shards;
  }

  // A file the search or the filters read, at `url`. A request that fails (a phone gone
  // offline, a site being replaced) is an error, not an answer: a 404 page read as the index
  // would find nonsense.
  function fetched(url, init) {
    return fetch(url, init).then(function (r) {
      if (!r.ok) throw unreachable(r.status + " " + url);
      return r;
    }, function () { throw unreachable(url); });
  }

  function unreachable(what) {
    var e = new Error(what);
    e.unreachable = true;
    return e;
  }

  // `make()` kept under `key` for whoever asks next; forgotten if it fails, so that trying
  // again asks again.
  function kept(cache, key, make) {
    if (!cache[key]) cache[key] = make().catch(function (e) { delete cache[key]; throw e; });
    return cache[key];
  }

  // The index's size and the name of its numbering, which names its files (search.rs,
  // `numbering`); `fresh`, asked of the site, not of the browser's cache. `metaAt`: when it
  // was read.
  var metaAt = 0;
  function loadMeta(fresh) {
    if (!meta) {
      meta = fetched(base + "search/meta.json", fresh ? { cache: "no-cache" } : undefined).then(function (r) { return r.json(); })
        .then(function (m) { meta = m; metaAt = Date.now(); return m; }, function (e) { meta = null; throw e; });
    }
    return Promise.resolve(meta);
  }

  // The index's size for a new search. After a pause it is read again from the site (a few
  // bytes): if the site was published since with its entries numbered otherwise, what the
  // page kept of the old index is dropped, where a query whose files were all kept showed the
  // old site's results. If the site cannot be reached, the page searches what it has.
  var RECHECK_MS = 60000;
  function metaForSearch() {
    if (!meta || typeof meta.then === "function" || Date.now() - metaAt < RECHECK_MS) return loadMeta();
    var was = meta;
    meta = null;
    return loadMeta(true).then(function (m) {
      if (m.numbering !== was.numbering || m.shards !== was.shards) dropKept();
      return m;
    }, function () {
      meta = was;
      metaAt = Date.now();
      return was;
    });
  }

  function varintAt(bytes, at) {
    var n = 0, shift = 0, b;
    do { b = bytes[at++]; n += (b & 0x7f) * Math.pow(2, shift); shift += 7; } while (b & 0x80);
    return [n, at];
  }

  // One gram's record in a shard from `at` (after its text and size): its entries and fields,
  // {docs, bits}.
  function record(bytes, at) {
    function varint() { var r = varintAt(bytes, at); at = r[1]; return r[0]; }
    var count = varint(), flags = bytes[at++];
    var docs = new Uint32Array(count), bits = new Uint8Array(count);
    var k = 0, r, runs, len, n;
    // Entries as gaps or as runs, fields as nibbles, as runs or field by field (flag bits 1,
    // 2 and 4).
    if (flags & 1) {
      var end = 0;
      for (runs = varint(), r = 0; r < runs; r++) {
        var start = end + varint();
        len = varint() + 1;
        for (var i = 0; i < len; i++) docs[k++] = start + i;
        end = start + len;
      }
    } else {
      for (var last = 0; k < count; k++) { last += varint(); docs[k] = last; }
    }
    if (flags & 4) {
      // Field by field: in none, in all, at these, at all but these, a bit per entry. The
      // fields in all entries (or all but some) are one fill; then only the listed entries
      // and the bitsets are walked.
      var all = 0, later = [];
      for (var f = 0; f < 4; f++) {
        var mode = bytes[at++], bit = 1 << f;
        if (mode === 1) all |= bit;
        else if (mode === 2 || mode === 3) {
          if (mode === 3) all |= bit;
          var listed = new Uint32Array(varint()), c = 0;
          for (n = 0; n < listed.length; n++) { c += varint(); listed[n] = c; }
          later.push([mode, bit, listed]);
        } else if (mode === 4) {
          later.push([4, bit, at]);
          at += (count + 7) >> 3;
        }
      }
      if (all) bits.fill(all);
      later.forEach(function (l) {
        var bit = l[1], x;
        if (l[0] === 2) for (x = 0; x < l[2].length; x++) bits[l[2][x]] |= bit;
        else if (l[0] === 3) for (x = 0; x < l[2].length; x++) bits[l[2][x]] &= ~bit;
        else for (x = 0; x < count; x++) if (bytes[l[2] + (x >> 3)] >> (x & 7) & 1) bits[x] |= bit;
      });
    } else if (flags & 2) {
      for (k = 0, runs = varint(), r = 0; r < runs; r++) {
        len = varint() + 1;
        bits.fill(bytes[at], k, k + len);
        at++;
        k += len;
      }
    } else {
      for (var j = 0; j < count; j += 2) {
        var b = bytes[at++];
        bits[j] = b & 15;
        if (j + 1 < count) bits[j + 1] = b >> 4;
      }
    }
    return { docs: docs, bits: bits };
  }

  // A shard: gram → its postings, decoded when first asked for (a shard holds many grams, and
  // a query wants one or two of them).
  function loadShard(i) {
    return kept(shardCache, i, function () {
      return fetched(base + "search/g/" + meta.numbering + "-" + meta.shards + "/" + i + ".bin").then(function (r) { return r.arrayBuffer(); }).then(function (buf) {
        return new Uint8Array(buf);
      });
    });
  }

  // The records of a shard whose gram is `want` (UTF-8), or begins with it (`prefix`): where
  // each begins after its gram and size. A shard holds a thousand grams or more, and a query
  // wants one or two: their texts are compared as bytes, never decoded, and each record says
  // its size, so the others are stepped over, not read.
  function recordsOf(bytes, want, prefix) {
    var out = [];
    for (var at = 0; at < bytes.length;) {
      var len = bytes[at], size = varintAt(bytes, at + 1 + len);
      var match = prefix ? len >= want.length : len === want.length;
      for (var x = 0; match && x < want.length; x++) match = bytes[at + 1 + x] === want[x];
      if (match) out.push(size[1]);
      at = size[1] + size[0];
    }
    return out;
  }

  // A bitset over `n` things, 32 to a word.
  function bitset(n) { return new Int32Array((n + 31) >>> 5); }

  // Set the bits [from, from + len) of `set`.
  function setRange(set, from, len) {
    for (var end = from + len; from < end;) {
      var b = from & 31, take = Math.min(32 - b, end - from);
      set[from >>> 5] |= (take === 32 ? -1 : (1 << take) - 1) << b;
      from += take;
    }
  }

  // OR the bits [from, from + len) of `src` into `dst` from `to`.
  function copyBits(src, from, dst, to, len) {
    while (len > 0) {
      var take = Math.min(32 - (to & 31), len), w = from >>> 5, b = from & 31;
      var v = src[w] >>> b;
      if (b && take > 32 - b) v |= src[w + 1] << (32 - b);
      if (take < 32) v &= (1 << take) - 1;
      dst[to >>> 5] |= v << (to & 31);
      from += take; to += take; len -= take;
    }
  }

  // Ones among the bits of `x`.
  function ones(x) {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return Math.imul((x + (x >>> 4)) & 0x0F0F0F0F, 0x01010101) >>> 24;
  }

  // One gram's record from `at`, as bitsets over all `n` entries: {m: its entries, f: the
  // entries it is in the title, summary, and unit or category of} (where it is in the body is
  // what ranks last: not needed). A common gram is in nearly every entry: its entries are a few
  // runs, its fields a few lists or bitsets, and these are read a word of 32 entries at a time,
  // never entry by entry.
  function recordSets(bytes, at, n) {
    function varint() { var r = varintAt(bytes, at); at = r[1]; return r[0]; }
    var count = varint(), flags = bytes[at++], r, len, k, f;
    // The entries as runs: the first entry, its place in the record, how many.
    var runs = flags & 1 ? varint() : count;
    r = 0;
    var starts = new Uint32Array(runs), lens = new Uint32Array(runs);
    if (flags & 1) {
      for (var end = 0; r < runs; r++) {
        starts[r] = end + varint();
        lens[r] = varint() + 1;
        end = starts[r] + lens[r];
      }
    } else {
      for (var last = 0; r < runs; r++) { last += varint(); starts[r] = last; lens[r] = 1; }
    }
    // The fields by place in the record, then by entry; the same when the entries are one run
    // from the first (a gram in every entry).
    var same = runs === 1 && starts[0] === 0, size0 = same ? n : count;
    var own = [bitset(size0), bitset(size0), bitset(size0)];
    var view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (flags & 4) {
      for (f = 0; f < 3; f++) {
        var mode = bytes[at++];
        if (mode === 1 || mode === 3) setRange(own[f], 0, count);
        if (mode === 2 || mode === 3) {
          for (var listed = varint(), c = 0, x = 0; x < listed; x++) {
            c += varint();
            if (mode === 2) own[f][c >>> 5] |= 1 << (c & 31); else own[f][c >>> 5] &= ~(1 << (c & 31));
          }
        } else if (mode === 4) {
          // A bit per entry: the record's bytes are the bitset's, four to a word.
          var size = (count + 7) >> 3, whole = size >> 2, y;
          for (y = 0; y < whole; y++) own[f][y] = view.getInt32(at + 4 * y, true);
          for (y *= 4; y < size; y++) own[f][y >>> 2] |= bytes[at + y] << ((y & 3) * 8);
          at += size;
        }
      }
    } else if (flags & 2) {
      for (k = 0, r = varint(); r > 0; r--) {
        len = varint() + 1;
        var v = bytes[at++];
        for (f = 0; f < 3; f++) if (v >> f & 1) setRange(own[f], k, len);
        k += len;
      }
    } else {
      for (k = 0; k < count; k++) {
        var nibble = bytes[at + (k >> 1)] >> (k & 1 ? 4 : 0);
        for (f = 0; f < 3; f++) if (nibble >> f & 1) own[f][k >>> 5] |= 1 << (k & 31);
      }
    }
    var m = bitset(n);
    if (same) {
      setRange(m, 0, count);
      return { m: m, f: own };
    }
    var fields = [bitset(n), bitset(n), bitset(n)];
    for (k = 0, r = 0; r < runs; r++) {
      var doc = starts[r];
      if (lens[r] === 1) {
        // An entry alone (a list written as gaps is all of them): its bits one by one.
        m[doc >>> 5] |= 1 << (doc & 31);
        for (f = 0; f < 3; f++) if (own[f][k >>> 5] >>> (k & 31) & 1) fields[f][doc >>> 5] |= 1 << (doc & 31);
        k++;
        continue;
      }
      setRange(m, doc, lens[r]);
      for (f = 0; f < 3; f++) copyBits(own[f], k, fields[f], doc, lens[r]);
      k += lens[r];
    }
    return { m: m, f: fields };
  }

  // The postings of a lookup: its records in their shard, with how many entries they list (a
  // prefix: the records of the words it begins). Read as arrays of entries and fields, or as
  // bitsets when the gram is common (see `searchRender`); kept for the next query that asks.
  var postingsCache = {};
  function postings(l) {
    var key = l.gram || l.prefix;
    return kept(postingsCache, key, function () {
      return loadShard(shardOf(key)).then(function (bytes) {
        var recs = recordsOf(bytes, encoder.encode(key), !l.gram);
        var list = { bytes: bytes, recs: recs, count: recs.reduce(function (c, at) { return c + varintAt(bytes, at)[0]; }, 0) };
        // Read now, while the other lookups' shards are on their way.
        if (dense(list)) setsOf(list); else arraysOf(list);
        return list;
      });
    });
  }

  // Whether a list is read as bitsets: when it holds one entry in 32 or more, a word of its
  // bitset costs no more than one of its entries.
  function dense(list) { return list.count * 32 >= meta.entries; }

  // A list's entries ascending and their fields: {docs, bits}.
  var NONE = { docs: new Uint32Array(0), bits: new Uint8Array(0) };
  function arraysOf(list) {
    if (list.arrays) return list.arrays;
    var words = list.recs.map(function (at) { return record(list.bytes, at); });
    if (words.length < 2) return (list.arrays = words[0] || NONE);
    var union = new Map();
    words.forEach(function (p) {
      for (var k = 0; k < p.docs.length; k++) union.set(p.docs[k], (union.get(p.docs[k]) || 0) | p.bits[k]);
    });
    var docs = Uint32Array.from(union.keys()).sort(), bits = new Uint8Array(docs.length);
    for (var i = 0; i < docs.length; i++) bits[i] = union.get(docs[i]);
    return (list.arrays = { docs: docs, bits: bits });
  }

  // A list as bitsets (`recordSets`; a prefix's words joined: a rare word's entries one by
  // one, a common one's a word at a time).
  function setsOf(list) {
    if (list.sets) return list.sets;
    var n = meta.entries;
    if (list.recs.length === 1) return (list.sets = recordSets(list.bytes, list.recs[0], n));
    var out = { m: bitset(n), f: [bitset(n), bitset(n), bitset(n)] }, w, f;
    list.recs.forEach(function (at) {
      if (varintAt(list.bytes, at)[0] * 32 < n) {
        var a = record(list.bytes, at);
        for (var k = 0; k < a.docs.length; k++) {
          var doc = a.docs[k], bit = 1 << (doc & 31);
          w = doc >>> 5;
          out.m[w] |= bit;
          for (f = 0; f < 3; f++) if (a.bits[k] >> f & 1) out.f[f][w] |= bit;
        }
        return;
      }
      var s = recordSets(list.bytes, at, n);
      for (w = 0; w < out.m.length; w++) {
        out.m[w] |= s.m[w];
        for (f = 0; f < 3; f++) out.f[f][w] |= s.f[f][w];
      }
    });
    return (list.sets = out);
  }

  // An entry's fragment: its fields apart by U+0000, in UTF-16LE after a byte-order mark or
  // in UTF-8 (search.rs writes the shorter).
  function fragment(doc) {
    return kept(fragCache, doc, function () {
      return fetched(base + "search/e/" + meta.numbering + "/" + doc + ".txt").then(function (r) { return r.arrayBuffer(); }).then(function (buf) {
        var b = new Uint8Array(buf);
        var wide = b.length >= 2 && b[0] === 0xFF && b[1] === 0xFE;
        var x = (wide ? new TextDecoder("utf-16le").decode(b.subarray(2)) : new TextDecoder().decode(b)).split("\u0000");
        return { p: x[0], t: x[1], s: x[2], u: x[3], c: [x[4], x[5]], i: x[6], v: x[7] ? [x[7], +x[8], +x[9]] : null, m: x[10], b: x[11] };
      });
    });
  }

  // Whether the fragment holds every term as it was typed (not only its pieces, apart); a term
  // that begins with a letter or digit must begin a word.
  function verified(f, terms) {
    if (!f.n) f.n = [f.t, f.s, f.m, f.b].map(normalise);
    return terms.every(function (t) {
      return f.n.some(function (text) {
        var at = text.indexOf(t);
        while (at !== -1) {
          var before = at === 0 ? "" : Array.from(text.slice(Math.max(0, at - 2), at)).pop();
          if (!isWord(Array.from(t)[0]) || before === "" || !isWord(before)) return true;
          at = text.indexOf(t, at + 1);
        }
        return false;
      });
    });
  }

  // The passage of `text` around the first term, the terms marked: built as text nodes, never
  // as HTML from an entry.
  function snippet(text, terms) {
    var p = el("p", "card-snippet");
    // As the text was matched: a space of a normalised term stands for any run of marks and
    // spaces (8.6% is `8 6`), letters in any case.
    var patterns = terms.map(function (t) {
      return Array.from(t).map(function (c) {
        return c === " " ? "[^\\p{L}\\p{N}]+" : c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("\\s*");
    });
    var re = new RegExp(patterns.join("|"), "giu");
    // A match of a term that begins with a letter or digit counts where it begins a word, as
    // the search counts it (20 in 320万 is not 20).
    function marked(s) {
      var out = [], m;
      re.lastIndex = 0;
      while ((m = re.exec(s)) !== null) {
        if (m[0] === "") { re.lastIndex++; continue; }
        var before = Array.from(s.slice(Math.max(0, m.index - 2), m.index)).pop();
        var first = Array.from(normalise(m[0]))[0];
        if (!first || !isWord(first) || !before || !isWord(normalise(before) || " ")) out.push(m);
      }
      return out;
    }
    if (!terms.length) return null;
    var found = marked(text);
    if (!found.length) return null;
    var start = Math.max(0, found[0].index - 30), end = Math.min(text.length, found[0].index + 60);
    var part = (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
    var last = 0;
    marked(part).forEach(function (m) {
      p.appendChild(document.createTextNode(part.slice(last, m.index)));
      p.appendChild(el("mark", null, m[0]));
      last = m.index + m[0].length;
    });
    p.appendChild(document.createTextNode(part.slice(last)));
    return p;
  }

  function resultCard(f, terms) {
    var a = el("article", "card");
    var cover = el("a", "card-cover");
    cover.href = at(f.p);
    cover.tabIndex = -1;
    cover.setAttribute("aria-hidden", "true");
    if (f.v) {
      var img = el("img");
      img.src = at(f.v[0]); img.width = f.v[1]; img.height = f.v[2];
      img.alt = ""; img.loading = "lazy"; img.decoding = "async";
      cover.appendChild(img);
    } else cover.appendChild(el("span", "cover-blank", f.c[1]));
    a.appendChild(cover);
    var body = el("div", "card-body");
    var tag = el("p", "tag");
    tag.appendChild(el("span", "tag-no", f.c[0]));
    tag.appendChild(document.createTextNode(f.c[1]));
    body.appendChild(tag);
    var h = el("h3", "card-title");
    var link = el("a", null, f.t);
    link.href = at(f.p);
    h.appendChild(link);
    body.appendChild(h);
    var u = el("p", "card-unit", f.u);
    if (f.i) u.appendChild(el("span", "muted", " · " + f.i));
    body.appendChild(u);
    body.appendChild(snippet(f.b, terms) || snippet(f.s, terms) || el("p", "card-summary", f.s));
    a.appendChild(body);
    return a;
  }

  var searchRun = 0;
  // Terms are apart where the reader set them apart: spaces, and the marks that separate the
  // items of a list (回访、制度; 回访,制度). Other marks stay inside a term (8.6%, 5G-A).
  var SEPARATORS = /[\s,;，；、]+/;
  // `again`: run once more, on an index found replaced.
  function searchRender(p, run, again) {
    var terms = p.q.split(SEPARATORS).map(normalise).filter(Boolean);
    // Filters alone are a search without terms, but to the reader they are filtering. (A
    // theme's own showcase.html from before these words says searching.)
    var filtering = !p.q.trim() && !!form.dataset.filtering;
    results.textContent = filtering ? form.dataset.filtering : form.dataset.searching;
    var looks = terms.map(lookups);
    var filters = [];
    if (p.category) filters.push({ gram: "f:c:" + p.category });
    if (p.type) filters.push({ gram: "f:t:" + p.type });
    if (p.unit) filters.push({ gram: "f:u:" + p.unit });
    metaForSearch().then(function () {
      var all = [].concat.apply([], looks).concat(filters);
      return Promise.all(all.map(postings));
    }).then(function (lists) {
      if (run !== searchRun) return;
      // Candidates: in every list; ranked by where each term stands (title, summary, unit and
      // category, body), then in showcase order — each rank a bucket, filled in entry order,
      // so nothing needs sorting. Each rank is counted, and keeps no more candidates than the
      // results can look at (`reach`). A term looked up as one gram (one or two Han characters,
      // or one word) is found exactly by its postings; only a longer one can be there in
      // pieces, apart.
      var exact = looks.every(function (l) { return l.length === 1; });
      var ranked = { buckets: [], counts: [], reach: checkable(p, exact), sizes: looks.map(function (l) { return l.length; }) };
      // The shortest list leads. When even it is common, all are bitsets, intersected and
      // ranked 32 entries at a time; else its entries are looked for in the others.
      var lead = 0;
      for (var j = 1; j < lists.length; j++) if (lists[j].count < lists[lead].count) lead = j;
      if (lists.length && dense(lists[lead])) rankSets(lists.map(setsOf), ranked);
      else if (lists.length) rankFrom(lists, lead, ranked);
      var found = [].concat.apply([], ranked.buckets.filter(Boolean)).slice(0, ranked.reach);
      var total = ranked.counts.reduce(function (a, b) { return a + (b || 0); }, 0);
      return showResults(run, p, terms, found, total, exact);
    }).catch(function (e) {
      if (run !== searchRun) return;
      // A file that is not there may be of a site replaced since the page read the index's
      // size: if the index now numbers its entries otherwise (entries added, removed or
      // moved, or more shards), the search runs again on it, once; else it failed.
      var was = meta && meta.numbering && meta.numbering + "-" + meta.shards;
      if (again || !was || !e || !e.unreachable) return failed(e, filtering);
      forget();
      loadMeta(true).then(function (m) {
        if (run !== searchRun) return;
        if (m.numbering + "-" + m.shards !== was) searchRender(p, run, true);
        else failed(e, filtering);
      }, function (e) { if (run === searchRun) failed(e, filtering); });
    });
  }

  // Every file of the index read so far, and its size: forgotten, so that each is asked for
  // again.
  function forget() {
    meta = null;
    dropKept();
  }

  // Every shard, list and fragment kept: asked for again when next wanted.
  function dropKept() {
    shardCache = {}; postingsCache = {}; fragCache = {};
  }

  // The search could not finish (see `fetched`): said, with a button to try again, and no list
  // beside it that could pass for its answer.
  function failed(e, filtering) {
    // Whatever else went wrong is a fault of this script: said where a developer looks.
    if (!e || !e.unreachable) console.error(e);
    // What did arrive may be of the site before an update: all of it is asked for again.
    forget();
    cards.textContent = "";
    results.textContent = (filtering && form.dataset.filterFailed || form.dataset.failed) + " ";
    var button = el("button", "button", form.dataset.retry);
    button.type = "button";
    button.addEventListener("click", render);
    results.appendChild(button);
    if (staticPager) staticPager.hidden = true;
    var nav = document.getElementById("filtered-pages");
    if (nav) nav.textContent = "";
  }

  // A candidate of rank `rank`: counted, and kept if its bucket has room.
  function keep(ranked, rank, doc) {
    var bucket = ranked.buckets[rank] || (ranked.buckets[rank] = []);
    ranked.counts[rank] = (ranked.counts[rank] || 0) + 1;
    if (bucket.length < ranked.reach) bucket.push(doc);
  }

  // The rank of a term from the fields all of its lists have in common: title 0, summary 1,
  // unit and category 2, body 3.
  function rankOf(common) { return common & 1 ? 0 : common & 2 ? 1 : common & 4 ? 2 : 3; }

  // The lead's entries looked for in the other lists: in a common one by its bit, in the rest
  // searched forward (all are in entry order). Plain arrays and loops: at 100,000 entries this
  // may run for tens of thousands of candidates.
  function rankFrom(lists, lead, ranked) {
    var count = lists.length, sizes = ranked.sizes, termCount = sizes.length;
    var sets = lists.map(function (l, j) { return j !== lead && dense(l) ? setsOf(l) : null; });
    var arrays = lists.map(function (l, j) { return sets[j] ? null : arraysOf(l); });
    var at = lists.map(function () { return 0; });
    var first = arrays[lead].docs;
    outer: for (var i = 0; i < first.length; i++) {
      var doc = first[i], w = doc >>> 5, bit = 1 << (doc & 31);
      for (var j = 0; j < count; j++) {
        if (j === lead) continue;
        if (sets[j]) {
          if (!(sets[j].m[w] & bit)) continue outer;
          continue;
        }
        var d = arrays[j].docs, k = seek(d, at[j], doc);
        at[j] = k;
        if (k === d.length) break outer;
        if (d[k] !== doc) continue outer;
      }
      at[lead] = i;
      var rank = 0, n = 0;
      for (var ti = 0; ti < termCount; ti++) {
        var common = 15;
        for (var m = n + sizes[ti]; n < m; n++) {
          var s = sets[n];
          common &= s ? (s.f[0][w] & bit ? 1 : 0) | (s.f[1][w] & bit ? 2 : 0) | (s.f[2][w] & bit ? 4 : 0) : arrays[n].bits[at[n]];
        }
        rank += rankOf(common);
      }
      keep(ranked, rank, doc);
    }
  }

  // Every list a bitset: a word of 32 entries at a time, the candidates are the AND of the
  // lists, and each term splits them by rank (in its lists' titles, else summaries, else unit
  // or category, else only bodies); the ranks of the terms add up, a mask for each sum.
  function rankSets(sets, ranked) {
    var sizes = ranked.sizes, termCount = sizes.length, words = sets[0].m.length;
    var most = 3 * termCount;
    var sums = new Int32Array(most + 1), next = new Int32Array(most + 1), by = new Int32Array(4);
    for (var w = 0; w < words; w++) {
      var cand = -1, j;
      for (j = 0; j < sets.length && cand; j++) cand &= sets[j].m[w];
      if (!cand) continue;
      sums.fill(0);
      sums[0] = cand;
      for (var ti = 0, n = 0, top = 0; ti < termCount; ti++) {
        var t = -1, s = -1, u = -1;
        for (var m = n + sizes[ti]; n < m; n++) { t &= sets[n].f[0][w]; s &= sets[n].f[1][w]; u &= sets[n].f[2][w]; }
        by[0] = t; by[1] = s & ~t; by[2] = u & ~s & ~t; by[3] = ~(t | s | u);
        next.fill(0);
        for (var a = 0; a <= top; a++) if (sums[a]) for (var b = 0; b < 4; b++) next[a + b] |= sums[a] & by[b];
        top += 3;
        var swap = sums; sums = next; next = swap;
      }
      for (var rank = 0; rank <= most; rank++) {
        var x = sums[rank];
        if (!x) continue;
        var bucket = ranked.buckets[rank] || (ranked.buckets[rank] = []);
        ranked.counts[rank] = (ranked.counts[rank] || 0) + ones(x);
        while (x && bucket.length < ranked.reach) {
          bucket.push(w * 32 + 31 - Math.clz32(x & -x));
          x &= x - 1;
        }
      }
    }
  }

  // The first place from `k` on where the ascending `d` holds `doc` or more (its length if
  // none): the next place at once when it is there, else by steps that double, then halving.
  // A rare term's few entries are found in a common one's list without walking all of it.
  function seek(d, k, doc) {
    if (k >= d.length || d[k] >= doc) return k;
    var lo = k, step = 1, hi = k + 1;
    while (hi < d.length && d[hi] < doc) { lo = hi; step *= 2; hi = lo + step; }
    if (hi > d.length) hi = d.length;
    // d[lo] < doc; the place is in (lo, hi].
    while (lo + 1 < hi) {
      var mid = (lo + hi) >> 1;
      if (d[mid] < doc) lo = mid; else hi = mid;
    }
    return hi;
  }

  // Candidates a query checks against their text before it stops and says so: a phrase whose
  // pieces are everywhere and whole nowhere would otherwise fetch every entry's fragment.
  var CHECK_STEP = 48;
  var more = 0;
  // How many of the ranked candidates the results may look at: the pages up to the one asked
  // for, and (when a term must be checked against the text) the candidates checked beyond.
  function checkable(p, exact) {
    var wanted = Math.max(1, p.page) * SEARCH_PER_PAGE;
    return exact ? wanted : wanted + CHECK_STEP * (1 + more);
  }

  // `docs`: the first of the ranked candidates (as many as `checkable`); `count`: all of them.
  function showResults(run, p, terms, docs, count, exact) {
    var page = Math.max(1, p.page), wanted = page * SEARCH_PER_PAGE, shown = [], next = 0;
    var budget = checkable(p, exact);
    if (exact) {
      // Every candidate is a result: the pages before this one are known without their
      // cards (page 6 fetched 70 fragments to show the last 10).
      next = (Math.min(page, Math.max(1, Math.ceil(count / SEARCH_PER_PAGE))) - 1) * SEARCH_PER_PAGE;
      shown.length = next;
    }
    function fill() {
      if (shown.length >= wanted || next >= docs.length || next >= budget) return Promise.resolve();
      var batch = docs.slice(next, next + Math.min(wanted - shown.length, budget - next));
      next += batch.length;
      return Promise.all(batch.map(fragment)).then(function (fs) {
        fs.forEach(function (f) { if (exact || verified(f, terms)) shown.push(f); });
        return fill();
      });
    }
    return fill().then(function () {
      if (run !== searchRun) return;
      // Exact when every candidate was checked (or needs no check); else the share of matches
      // among those checked, told as an estimate, never less than what was found.
      var unchecked = exact ? 0 : count - next;
      var total = exact ? count : unchecked === 0 ? shown.length
        : Math.max(shown.length, Math.round(shown.length / Math.max(next, 1) * count));
      var last = Math.max(1, Math.ceil(total / SEARCH_PER_PAGE));
      var at = Math.min(page, unchecked ? page : last);
      cards.textContent = "";
      var onPage = shown.slice((at - 1) * SEARCH_PER_PAGE, at * SEARCH_PER_PAGE);
      onPage.forEach(function (f) { cards.appendChild(resultCard(f, terms)); });
      if (p.unit) nameLone(onPage);
      results.textContent = !total ? (unchecked ? form.dataset.noneYet : form.dataset.empty)
        : (unchecked ? form.dataset.about : "") + total + " " + form.dataset.results;
      if (unchecked && shown.length < wanted) {
        // The page is not full and candidates are left: checking more is the reader's call.
        results.appendChild(document.createTextNode(form.dataset.unchecked.replace("{n}", unchecked)));
        var button = el("button", "button", form.dataset.more);
        button.type = "button";
        button.addEventListener("click", function () { more++; render(); });
        results.appendChild(button);
      }
      if (staticPager) staticPager.hidden = true;
      pager(total, at, SEARCH_PER_PAGE);
    });
  }

  function render() {
    // Each view is a run: what an older one was still fetching is dropped when it arrives.
    var run = ++searchRun;
    var p = params();
    fill(p);
    if (total) total.hidden = active(p);
    if (!active(p)) {
      cards.innerHTML = staticCards;
      results.textContent = "";
      if (staticPager) staticPager.hidden = false;
      var nav = document.getElementById("filtered-pages");
      if (nav) nav.textContent = "";
      return;
    }
    // Filters alone are a search without terms: their lists' entries, in showcase order.
    searchRender(p, run);
  }

  var loading = null;
  function load() {
    if (!loading) {
      // A theme's own showcase.html of before `data-units` still gets its units.
      loading = fetched(form.dataset.units || base + "entries/units.json").then(function (r) { return r.json(); })
        .then(function (j) { units = j; }, function (e) { loading = null; throw e; });
    }
    return loading;
  }

  // Each search or filter change is a step Back returns from; the keystrokes of one query
  // replace each other.
  var typing = false;
  function update(keystroke) {
    var p = new URLSearchParams();
    FIELDS.forEach(function (k) {
      var v = form.elements[k].value.trim();
      if (v) p.set(k, v);
    });
    var q = p.toString(), url = location.pathname + (q ? "?" + q : "");
    if (url !== location.pathname + location.search) {
      if (keystroke && typing) history.replaceState(null, "", url);
      else history.pushState(null, "", url);
    }
    typing = keystroke === true;
    more = 0;
    render();
  }

  // The units are fetched only when someone reaches for them (and again the next time, if they
  // did not arrive).
  function unitsWhenReached() {
    var events = ["focus", "pointerdown"];
    function reached() {
      events.forEach(function (type) { form.elements.unit.removeEventListener(type, reached); });
      load().then(listUnits, unitsWhenReached);
    }
    events.forEach(function (type) { form.elements.unit.addEventListener(type, reached); });
  }
  unitsWhenReached();

  var timer = null;
  function typed() {
    clearTimeout(timer);
    timer = setTimeout(function () { update(true); }, 150);
  }
  // While an input method composes (pinyin before its characters are chosen) nothing is
  // searched: the letters are not what the reader is looking for.
  form.elements.q.addEventListener("input", function (ev) { if (!ev.isComposing) typed(); });
  form.elements.q.addEventListener("compositionend", typed);
  // A unit of another type than the one chosen is no longer chosen.
  function typeChanged() {
    limitUnits(form.elements.type.value);
    var opt = form.elements.unit.selectedOptions[0];
    if (opt && opt.hidden) form.elements.unit.value = "";
    update();
  }
  ["category", "type", "unit"].forEach(function (k) {
    form.elements[k].addEventListener("change", function () {
      if (k !== "type") return update();
      // A lone unit's type is known from the list of units only: the list comes first (without
      // it, the unit stays chosen). The reader who went elsewhere meanwhile stays there.
      if (lone && form.elements.type.value) {
        var was = location.search;
        load().then(listUnits, function () {}).then(function () {
          if (location.search === was) typeChanged();
        });
      } else typeChanged();
    });
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    update();
    // On a phone the keyboard goes, and the results it covered show.
    form.elements.q.blur();
  });
  form.addEventListener("reset", function () { setTimeout(update, 0); });
  window.addEventListener("popstate", function () { typing = false; more = 0; render(); });
  // The index's size is known before the first query is typed (one small file).
  function prefetch() { loadMeta().catch(function () {}); }
  form.elements.q.addEventListener("focus", prefetch, { once: true });
  window.addEventListener("load", prefetch);
  render();
})();
