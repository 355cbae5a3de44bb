// The portal's forms work without this file. With it: upload progress bars, live checking of
// the entry as the clerk types (the server runs `check`'s rules), and a copy of what was typed
// kept in the browser, offered back if the page is left before saving.
(function () {
  "use strict";
  var zh = document.documentElement.lang !== "en";

  // Uploads: send with progress, then follow where the server sends us.
  document.querySelectorAll("form.upload-form").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) return;
      event.preventDefault();
      var bar = form.querySelector("progress");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (bar && e.lengthComputable) { bar.hidden = false; bar.value = Math.round(e.loaded * 100 / e.total); }
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300) { window.location.assign(xhr.responseURL); }
        else { document.open(); document.write(xhr.responseText); document.close(); }
      };
      xhr.onerror = function () { form.submit(); };
      xhr.send(new FormData(form));
    });
  });

  function copyOf(action) {
    try { return JSON.parse(window.localStorage.getItem("shenbao-draft:" + action) || "null"); }
    catch (e) { return null; }
  }
  function letGo(action) {
    try { window.localStorage.removeItem("shenbao-draft:" + action); } catch (e) { /* ignore */ }
  }
  // A receipt: the submit went through, for this entry, or for the new entry it was made from.
  var receipt = window.location.pathname.match(/^\/entries\/([^/]+)\/receipt$/);
  if (receipt) {
    ["/entries/" + receipt[1], "/entries/new"].forEach(function (action) {
      var copy = copyOf(action);
      if (copy && copy.sent) letGo(action);
    });
  }

  var form = document.getElementById("entry-form");
  if (!form) return;
  var status = document.getElementById("live-status");
  // One copy per entry, by the address the form posts to. Not `form.action`: the buttons are
  // named "action", so that is the buttons, and every form once shared one copy.
  var action = form.getAttribute("action");
  var key = "shenbao-draft:" + action;

  // Autosave in the browser: what was typed survives a closed tab or a lost connection.
  function snapshot() {
    var data = {};
    new FormData(form).forEach(function (v, k) { if (k !== "csrf" && k !== "base") data[k] = v; });
    return data;
  }
  function field(k) {
    var el = form.elements[k];
    return el && el.value !== undefined && el.type !== "radio" ? el : null;
  }
  // The fields the clerk changed in a copy: what it holds that the page it was typed on did not.
  function typed(copy) {
    return Object.keys(copy.data).filter(function (k) {
      return !copy.original || copy.data[k] !== copy.original[k];
    });
  }
  // Whether this page holds everything the copy's clerk typed: the save went through.
  function holds(copy) {
    return typed(copy).every(function (k) { var el = field(k); return !el || el.value === copy.data[k]; });
  }
  // What the page came with, to tell what the clerk typed from what was stored.
  var original = snapshot();
  try {
    var kept = copyOf(action);
    // Sent, and this is a newer version holding what was typed: saved, let go. Sent and the
    // same version: the save did not go through (the session ended, the network dropped).
    if (kept && kept.sent && kept.base !== form.elements.base.value && holds(kept)) {
      letGo(action);
      kept = null;
    }
    // A new entry saved: its page holds what was typed in the new-entry form.
    var fresh = action !== "/entries/new" && copyOf("/entries/new");
    if (fresh && fresh.sent && holds(fresh)) letGo("/entries/new");
    var restored = false;
    if (kept) {
      var same = kept.base === form.elements.base.value;
      Object.keys(kept.data).forEach(function (k) {
        var el = field(k);
        if (!el) return;
        // The same version: all of it. A newer one (an upload added a file to the entry): only
        // the fields the clerk changed and the new version did not — not rows by number, which
        // a removed file shifts.
        var changed = kept.original && kept.data[k] !== kept.original[k];
        var row = /^(attachment|recognition)\.\d+\./.test(k);
        if (same || (changed && !row && el.value === kept.original[k])) {
          if (el.value !== kept.data[k]) restored = true;
          el.value = kept.data[k];
        }
      });
    }
    if (restored && status) status.textContent = zh ? "已恢复上次未保存的填写内容。" : "Restored what you typed before.";
  } catch (e) { /* storage unavailable: nothing to restore */ }
  // Kept until the save is known to have gone through (above): a save that fails loses
  // nothing. Marked sent, so that it is then let go; a preview is not a save.
  form.addEventListener("submit", function (event) {
    if (event.submitter && event.submitter.value === "preview") return;
    try {
      var copy = copyOf(action);
      if (copy) { copy.sent = true; window.localStorage.setItem(key, JSON.stringify(copy)); }
    } catch (e) { /* ignore */ }
  });

  // A message into `node` as the page's own are written: what it quotes between backticks as
  // code, all of it as text (never HTML).
  function codeSpans(node, text) {
    var pieces = text.split("`");
    var pairs = Math.floor((pieces.length - 1) / 2);
    pieces.forEach(function (piece, i) {
      if (i % 2 === 1 && i <= pairs * 2) {
        var code = document.createElement("code");
        code.textContent = piece;
        node.appendChild(code);
      } else {
        node.appendChild(document.createTextNode((i > pairs * 2 ? "`" : "") + piece));
      }
    });
  }

  // Live checking: the server answers with `check`'s diagnostics, by field.
  var timer = null;
  function check() {
    var body = new URLSearchParams(new FormData(form));
    fetch("/entries/check", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (answer) {
        if (!answer) return;
        form.querySelectorAll(".field-problems").forEach(function (n) { n.remove(); });
        Object.keys(answer.fields).forEach(function (name) {
          var el = form.elements[name];
          var field = el && el.closest ? el.closest(".field") : null;
          if (!field) return;
          var ul = document.createElement("ul");
          ul.className = "field-problems live";
          answer.fields[name].forEach(function (d) {
            var li = document.createElement("li");
            li.className = d.severity;
            codeSpans(li, d.message);
            if (d.help) {
              var help = document.createElement("span");
              help.className = "help";
              codeSpans(help, d.help);
              li.appendChild(help);
            }
            ul.appendChild(li);
          });
          field.appendChild(ul);
        });
        if (status) {
          status.textContent = answer.errors
            ? (zh ? "检查：还有 " + answer.errors + " 处错误。" : "Check: " + answer.errors + " error(s).")
            : (zh ? "检查：没有错误，可以提交。" : "Check: no errors; ready to submit.");
        }
      })
      .catch(function () { /* offline: the server checks again on save */ });
  }
  form.addEventListener("input", function () {
    try { window.localStorage.setItem(key, JSON.stringify({ base: form.elements.base.value, data: snapshot(), original: original })); } catch (e) { /* ignore */ }
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 800);
  });
})();
