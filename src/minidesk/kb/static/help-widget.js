/* minidesk help widget. Embed on any page of a site the desk allows (docs/knowledge-base.md,
 * "Help widget"):
 *   <script src="https://desk.example/help-widget.js" async></script>
 * Optional: data-locale="fr" (articles in that language), data-contact="https://shop.example/contact"
 * (where "Still need help?" leads when no chat widget is on the page).
 * It suggests articles for the page (the desk's page rules) and for what the visitor types,
 * shows one inline and tells the desk what the visitor did (read, "this answered my question",
 * went on to contact us) for deflection analytics. No framework, no inline styles or eval:
 * text is inserted as text, an article's (already sanitised) HTML is filtered again here. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__minideskHelp) return;
  window.__minideskHelp = true;
  var BASE = new URL(script.src, location.href);
  var ORIGIN = BASE.protocol + "//" + BASE.host;
  var API = ORIGIN + "/api/v1/kb";
  var LOCALE = script.getAttribute("data-locale") || "";
  var CONTACT = script.getAttribute("data-contact") || "";
  var DEBOUNCE_MS = 300;
  // Shared with the chat widget, so a chat started after reading counts against deflection.
  var VISIT_KEY = "minidesk-help-visit";

  var pageVisit = null;  // where storage is off, the visit lasts as long as the page
  function visit() {
    var v = pageVisit;
    try { v = sessionStorage.getItem(VISIT_KEY) || v; } catch (e) { /* storage off: one per load */ }
    if (!v) {
      var bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      v = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { sessionStorage.setItem(VISIT_KEY, v); } catch (e) { /* as above */ }
    }
    pageVisit = v;
    return v;
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }
  function record(action, articleId) {
    var body = { visit: visit(), action: action };
    if (articleId) body.article_id = articleId;
    fetch(API + "/widget/events", {
      method: "POST", mode: "cors", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
    }).catch(function () { /* analytics only: never in the visitor's way */ });
  }

  // --- DOM ---------------------------------------------------------------------------------
  var sheet = el("link", { rel: "stylesheet", href: ORIGIN + "/help-widget.css" });
  var launcher = el("button", { type: "button", "class": "mdh-l", "aria-expanded": "false", "aria-controls": "mdh-panel" }, "Help");
  var panel = el("div", { id: "mdh-panel", "class": "mdh-p", role: "dialog", "aria-labelledby": "mdh-title", hidden: "" });
  var head = el("div", { "class": "mdh-h" });
  head.appendChild(el("h2", { id: "mdh-title" }, "Help"));
  var closer = el("button", { type: "button", "class": "mdh-x", "aria-label": "Close help" }, "\u00d7");
  head.appendChild(closer);
  var search = el("form", { "class": "mdh-s", role: "search" });
  search.appendChild(el("label", { "for": "mdh-q" }, "Search our help articles"));
  var input = el("input", { id: "mdh-q", type: "search", autocomplete: "off", maxlength: "200", "aria-controls": "mdh-results" });
  search.appendChild(input);
  var body = el("div", { "class": "mdh-b" });
  var results = el("div", { id: "mdh-results" });
  var heading = el("h3", { id: "mdh-list-title" }, "Suggested articles");
  var list = el("ul", { "class": "mdh-list", "aria-labelledby": "mdh-list-title" });
  var empty = el("p", { "class": "mdh-empty", hidden: "" }, "No articles found. Try other words.");
  results.appendChild(heading); results.appendChild(list); results.appendChild(empty);
  var reader = el("article", { "class": "mdh-a", hidden: "", "aria-labelledby": "mdh-article-title", tabindex: "-1" });
  var status = el("p", { "class": "mdh-sr", role: "status", "aria-live": "polite" });
  body.appendChild(results); body.appendChild(reader); body.appendChild(status);
  var foot = el("div", { "class": "mdh-f" });
  foot.appendChild(el("span", {}, "Still need help?"));
  var more = null;
  [head, search, body, foot].forEach(function (n) { panel.appendChild(n); });

  // --- an article's HTML: allow-listed elements and attributes only ---------------------------
  var TAGS = /^(P|H[1-6]|UL|OL|LI|A|EM|STRONG|CODE|PRE|BLOCKQUOTE|BR|HR|IMG|TABLE|THEAD|TBODY|TR|TH|TD|DIV|SPAN|IFRAME)$/;
  var ATTRS = { A: ["href", "title"], IMG: ["src", "alt", "title"], IFRAME: ["src", "title", "loading", "allowfullscreen", "sandbox", "referrerpolicy"], DIV: ["class"], TH: ["align"], TD: ["align"] };
  var FRAMES = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\/|www\.loom\.com\/embed\/)/;
  function safeUrl(value) {
    try { var u = new URL(value, ORIGIN); return u.protocol === "https:" || u.protocol === "http:" || u.protocol === "mailto:" ? u.href : null; } catch (e) { return null; }
  }
  function clean(node) {
    Array.prototype.slice.call(node.childNodes).forEach(function (child) {
      if (child.nodeType === 3) return;
      if (child.nodeType !== 1 || !TAGS.test(child.tagName) || (child.tagName === "IFRAME" && !FRAMES.test(child.getAttribute("src") || ""))) {
        node.removeChild(child);
        return;
      }
      var keep = ATTRS[child.tagName] || [];
      Array.prototype.slice.call(child.attributes).forEach(function (a) {
        if (keep.indexOf(a.name) < 0) child.removeAttribute(a.name);
        else if (a.name === "href" || a.name === "src") {
          // The desk's links ("/help/files/7") point at the desk, not at the shop's page.
          var absolute = safeUrl(a.value);
          if (absolute) child.setAttribute(a.name, absolute); else child.removeAttribute(a.name);
        }
      });
      if (child.tagName === "A") { child.setAttribute("target", "_blank"); child.setAttribute("rel", "noopener noreferrer"); }
      clean(child);
    });
    return node;
  }

  // --- suggestions -----------------------------------------------------------------------------
  var seq = 0, timer = null, shownId = null;
  function suggest() {
    var q = input.value.trim();
    var params = new URLSearchParams({ url: location.href.slice(0, 2000) });
    // The visit lets the desk log a search typed letter by letter as one search.
    if (q) { params.set("q", q.slice(0, 200)); params.set("visit", visit()); }
    if (LOCALE) params.set("locale", LOCALE);
    var mine = ++seq;
    fetch(API + "/suggest?" + params.toString(), { mode: "cors", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) { if (mine === seq) showList(data.items || [], q); })
      .catch(function () { if (mine === seq) showList([], q); });
  }
  function showList(items, q) {
    list.textContent = "";
    heading.textContent = q ? "Articles for \u201c" + q + "\u201d" : "Suggested articles";
    items.forEach(function (item) {
      var li = el("li");
      var button = el("button", { type: "button", "data-article": String(item.id) }, item.title);
      button.addEventListener("click", function () { openArticle(item.id); });
      li.appendChild(button);
      list.appendChild(li);
    });
    empty.hidden = items.length > 0 || !q;
    status.textContent = items.length === 1 ? "1 article" : items.length + " articles";
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(suggest, DEBOUNCE_MS);
  });
  search.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); suggest(); });

  // --- one article inline ------------------------------------------------------------------------
  function openArticle(id) {
    fetch(API + "/widget/articles/" + encodeURIComponent(id), { mode: "cors", credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (a) { showArticle(a); record("opened", a.id); })
      .catch(function () { status.textContent = "This article could not be opened."; });
  }
  function showArticle(a) {
    shownId = a.id;
    reader.textContent = "";
    var back = el("button", { type: "button", "class": "mdh-back" }, "\u2190 Back to articles");
    back.addEventListener("click", showResults);
    reader.appendChild(back);
    reader.appendChild(el("h3", { id: "mdh-article-title" }, a.title));
    var content = el("div");
    // DOMParser's document is inert (no script runs, nothing loads) while it is filtered.
    var parsed = clean(new DOMParser().parseFromString(a.html, "text/html").body);
    while (parsed.firstChild) content.appendChild(parsed.firstChild);
    reader.appendChild(content);
    var yes = el("button", { type: "button", "class": "mdh-yes" }, "This answered my question");
    yes.addEventListener("click", function () {
      record("answered", a.id);
      var thanks = el("p", { role: "status" }, "Thanks! Glad it helped.");
      yes.replaceWith(thanks);
      reader.focus();  // the pressed button is gone: keep focus (and Escape) in the panel
    });
    reader.appendChild(yes);
    if (a.help_url) {
      reader.appendChild(document.createTextNode(" "));
      reader.appendChild(el("a", { href: ORIGIN + a.help_url, target: "_blank", rel: "noopener noreferrer", "class": "mdh-more" }, "Open in the help centre"));
    }
    results.hidden = true; search.hidden = true;
    reader.hidden = false;
    reader.focus();
  }
  function showResults() {
    var was = shownId;
    shownId = null;
    reader.hidden = true; results.hidden = false; search.hidden = false;
    var again = was && list.querySelector('[data-article="' + was + '"]');
    (again || input).focus();
  }

  // --- "Still need help?": the page's chat widget, else the shop's contact page -------------------
  function contactControl() {
    if (more) return;
    var chat = document.querySelector(".mdc-l");
    if (chat) {
      more = el("button", { type: "button", "class": "mdh-more" }, "Chat with us");
      more.addEventListener("click", function () { close(false); if (chat.getAttribute("aria-expanded") !== "true") chat.click(); });
    } else if (CONTACT && safeUrl(CONTACT)) {
      more = el("a", { href: safeUrl(CONTACT), "class": "mdh-more" }, "Contact us");
      more.addEventListener("click", function () { record("contacted"); });
    } else {
      more = el("span", {}, "Write to us and we'll reply.");
    }
    foot.appendChild(more);
  }

  // --- open, close, keyboard -----------------------------------------------------------------------
  var isOpen = false, loaded = false;
  function open() {
    isOpen = true;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    contactControl();
    if (!loaded) { loaded = true; suggest(); }
    input.focus();
  }
  function close(refocus) {
    isOpen = false;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    if (refocus !== false) launcher.focus();
  }
  launcher.addEventListener("click", function () { if (isOpen) close(); else open(); });
  closer.addEventListener("click", function () { close(); });
  document.addEventListener("keydown", function (e) {
    var here = panel.contains(document.activeElement) || document.activeElement === launcher;
    if (e.key !== "Escape" || !isOpen || !here) return;  // another widget's Escape is its own
    e.preventDefault();
    if (!reader.hidden) showResults(); else close();
  });

  // The chat widget on the same page opens the articles it suggests here, in place.
  window.minideskHelpOpen = function (id) { if (!isOpen) open(); openArticle(id); };

  function start() {
    document.head.appendChild(sheet);
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
