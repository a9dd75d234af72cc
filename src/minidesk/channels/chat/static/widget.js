/* minidesk web chat widget. Embed with:
 *   <script src="https://desk.example/widget.js" data-channel="ID" async></script>
 * Optional identity, signed by the shop's server (docs/channels.md, "Web chat"):
 *   data-name, data-email, data-user-id, data-user-hash, or window.minideskChat = {...}.
 * It suggests help articles for the page and for what the visitor types (the desk's help
 * widget endpoints: docs/knowledge-base.md, "Help widget").
 * No framework; every text is inserted as text (textContent), never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__minideskChat) return;
  window.__minideskChat = true;
  var CHANNEL = script.getAttribute("data-channel");
  var BASE = new URL(script.src, location.href);
  var WS_URL = (BASE.protocol === "https:" ? "wss://" : "ws://") + BASE.host + "/chat/ws?channel=" + encodeURIComponent(CHANNEL);
  var KEY = "minidesk-chat:" + BASE.host + ":" + CHANNEL + ":";
  var given = window.minideskChat || {};
  var ident = {
    name: given.name || script.getAttribute("data-name") || "",
    email: given.email || script.getAttribute("data-email") || null,
    user_id: given.user_id || script.getAttribute("data-user-id") || null,
    user_hash: given.user_hash || script.getAttribute("data-user-hash") || null
  };

  function load(name, fallback) {
    try { var v = localStorage.getItem(KEY + name); return v === null ? fallback : JSON.parse(v); } catch (e) { return fallback; }
  }
  function save(name, value) {
    try { localStorage.setItem(KEY + name, JSON.stringify(value)); } catch (e) { /* private mode: this tab only */ }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs || {}) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }
  function newId() { return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10); }

  // --- state -------------------------------------------------------------------------------
  var token = load("token", null);
  var profile = load("profile", { name: "", email: "" });
  // Lines sent but not yet seen back with their seq: resent after a reconnect (the server
  // keeps one per client id, so a resend is never a second message).
  var pending = load("pending", []);
  var shown = {};        // seq -> true: a line replayed twice is shown once
  var byClientId = {};   // client id -> its line's node
  var lastSeq = 0;
  var hello = null, sock = null, retries = 0, retryAfter = 0, typingSent = 0, readSent = 0, isOpen = false;

  // --- DOM -----------------------------------------------------------------------------------
  var css = ".mdc-l{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:28px;padding:14px 18px;background:#1f4fd1;color:#fff;font:600 15px system-ui,sans-serif;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.25)}" +
    ".mdc-l:focus-visible,.mdc-p :focus-visible{outline:3px solid #f5a300;outline-offset:2px}" +
    ".mdc-p{position:fixed;right:20px;bottom:84px;z-index:2147483000;width:340px;max-width:calc(100vw - 40px);height:480px;max-height:calc(100vh - 110px);display:flex;flex-direction:column;background:#fff;color:#1b1b1b;border-radius:12px;box-shadow:0 6px 24px rgba(0,0,0,.3);font:14px/1.4 system-ui,sans-serif;overflow:hidden}" +
    ".mdc-p[hidden]{display:none}.mdc-h{display:flex;justify-content:space-between;align-items:center;padding:10px 14px;background:#1f4fd1;color:#fff}" +
    ".mdc-h h2{font-size:15px;margin:0}.mdc-x{background:none;border:0;color:#fff;font-size:20px;cursor:pointer}" +
    ".mdc-g{padding:8px 14px;background:#eef2fd;font-size:13px}.mdc-log{flex:1;overflow-y:auto;padding:10px 14px;margin:0;list-style:none}" +
    ".mdc-m{margin:6px 0;max-width:85%;padding:7px 10px;border-radius:10px;white-space:pre-wrap;word-wrap:break-word}" +
    ".mdc-v{margin-left:auto;background:#1f4fd1;color:#fff}.mdc-a{background:#f0f0f0}.mdc-s{font-size:11px;opacity:.75;display:block}" +
    ".mdc-f{display:flex;gap:6px;padding:8px;border-top:1px solid #ddd;flex-wrap:wrap}.mdc-f input,.mdc-f textarea{flex:1;min-width:0;font:inherit;padding:6px;border:1px solid #aaa;border-radius:6px}" +
    ".mdc-f textarea{resize:none;height:38px}.mdc-f button{font:inherit;padding:6px 10px;border:0;border-radius:6px;background:#1f4fd1;color:#fff;cursor:pointer}" +
    ".mdc-c{display:flex;flex-wrap:wrap;gap:4px;margin-top:6px}.mdc-c button{font:inherit;min-width:32px;padding:4px 8px;border:1px solid #1f4fd1;border-radius:6px;background:#fff;color:#1f4fd1;cursor:pointer}" +
    ".mdc-c button[aria-pressed=true]{background:#1f4fd1;color:#fff}.mdc-cf{border:0;padding:6px 0 0}" +
    ".mdc-f label{width:100%;font-size:12px}.mdc-t{font-size:12px;padding:0 14px;min-height:16px;color:#555}.mdc-e{color:#b00020;font-size:12px;padding:0 14px}" +
    ".mdc-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}" +
    ".mdc-k{padding:6px 14px;border-bottom:1px solid #ddd;max-height:130px;overflow-y:auto;font-size:13px}.mdc-k[hidden]{display:none}" +
    ".mdc-k h3{font-size:12px;margin:0 0 2px;color:#444}.mdc-k ul{margin:0;padding-left:18px}.mdc-k a{color:#1a47b8}";
  var style = el("style");
  style.textContent = css;
  var launcher = el("button", { type: "button", "class": "mdc-l", "aria-haspopup": "dialog", "aria-expanded": "false", "aria-controls": "mdc-panel" }, "Chat with us");
  var panel = el("div", { id: "mdc-panel", "class": "mdc-p", role: "dialog", "aria-modal": "true", "aria-labelledby": "mdc-title", hidden: "" });
  var head = el("div", { "class": "mdc-h" });
  var title = el("h2", { id: "mdc-title" }, "Chat");
  var closer = el("button", { type: "button", "class": "mdc-x", "aria-label": "Close chat" }, "\u00d7");
  head.appendChild(title); head.appendChild(closer);
  var greeting = el("p", { "class": "mdc-g" });
  var log = el("div", { "class": "mdc-log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { "class": "mdc-t", "aria-live": "polite" });
  var errors = el("div", { "class": "mdc-e", role: "alert" });
  var forms = el("div");
  // Articles that may answer the question before anyone has to: the page's (the desk's page
  // rules) before the chat starts, then what the visitor is typing.
  var articles = el("section", { "class": "mdc-k", "aria-labelledby": "mdc-k-title", hidden: "" });
  articles.appendChild(el("h3", { id: "mdc-k-title" }, "Articles that may help"));
  var articleList = el("ul");
  articles.appendChild(articleList);
  [head, greeting, articles, log, typing, errors, forms].forEach(function (n) { panel.appendChild(n); });

  function field(form, label, attrs) {
    var id = "mdc-" + attrs.name;
    var lab = el("label", { "for": id }, label);
    var input = el(attrs.tag || "input", { id: id, name: attrs.name });
    for (var k in attrs) if (k !== "tag" && k !== "name") input.setAttribute(k, attrs[k]);
    form.appendChild(lab); form.appendChild(input);
    return input;
  }

  // Pre-chat: name and email (optional unless the shop requires an email).
  var pre = el("form", { "class": "mdc-f", "aria-label": "Before we start" });
  var preName = field(pre, "Your name", { name: "pre-name", autocomplete: "name", maxlength: "200" });
  var preEmail = field(pre, "Your email", { name: "pre-email", type: "email", autocomplete: "email", maxlength: "320" });
  pre.appendChild(el("button", { type: "submit" }, "Start chat"));

  // The conversation.
  var composer = el("form", { "class": "mdc-f", "aria-label": "Send a message" });
  var text = field(composer, "Message", { tag: "textarea", name: "text", maxlength: "4000", placeholder: "Type your message\u2026" });
  var fileLabel = el("label", { "for": "mdc-file", "class": "mdc-sr" }, "Attach a file");
  var file = el("input", { id: "mdc-file", type: "file", "class": "mdc-sr" });
  var attach = el("button", { type: "button", "aria-label": "Attach a file" }, "\ud83d\udcce");
  composer.appendChild(fileLabel); composer.appendChild(file); composer.appendChild(attach);
  composer.appendChild(el("button", { type: "submit" }, "Send"));

  // Offline: an email ticket instead.
  var off = el("form", { "class": "mdc-f", "aria-label": "Leave a message" });
  var offName = field(off, "Your name", { name: "off-name", autocomplete: "name", maxlength: "200" });
  var offEmail = field(off, "Your email (we reply there)", { name: "off-email", type: "email", required: "", autocomplete: "email", maxlength: "320" });
  var offText = field(off, "Message", { tag: "textarea", name: "off-text", required: "", maxlength: "4000" });
  off.appendChild(el("button", { type: "submit" }, "Send message"));

  function showForm(which) {
    forms.textContent = "";
    forms.appendChild(which);
  }

  // --- article suggestions (the help widget's endpoints; shared visit for deflection) ---------
  var KB = BASE.protocol + "//" + BASE.host + "/api/v1/kb";
  var VISIT_KEY = "minidesk-help-visit";
  var suggestSeq = 0, suggestTimer = null;
  function visitKey(make) {
    var v = null;
    try { v = sessionStorage.getItem(VISIT_KEY); } catch (e) { return null; }
    if (!v && make) {
      var bytes = new Uint8Array(12);
      crypto.getRandomValues(bytes);
      v = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { sessionStorage.setItem(VISIT_KEY, v); } catch (e) { return null; }
    }
    return v;
  }
  function recordHelp(action, articleId) {
    var v = visitKey(action === "opened");
    if (!v) return;  // nothing read or searched in this tab: nothing to count it against
    var body = { visit: v, action: action };
    if (articleId) body.article_id = articleId;
    fetch(KB + "/widget/events", { method: "POST", mode: "cors", credentials: "omit", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) }).catch(function () {});
  }
  function suggestArticles(q) {
    var params = new URLSearchParams({ url: location.href.slice(0, 2000), source: "chat" });
    if (q) {
      params.set("q", q.slice(0, 200));
      // Logged as the visit's search: what the visitor types as they type is one search.
      var v = visitKey(true);
      if (v) params.set("visit", v);
    }
    var mine = ++suggestSeq;
    fetch(KB + "/suggest?" + params.toString(), { mode: "cors", credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (data) { if (mine === suggestSeq) showArticles((data.items || []).slice(0, 3)); })
      .catch(function () { /* suggestions are a help, never in the way */ });
  }
  function showArticles(items) {
    articleList.textContent = "";
    items.forEach(function (item) {
      if (!item.help_url) return;
      var li = el("li");
      var link = el("a", { href: BASE.protocol + "//" + BASE.host + item.help_url, target: "_blank", rel: "noopener noreferrer" }, item.title);
      link.addEventListener("click", function (e) {
        // The help widget on the same page shows it in place; otherwise the help centre opens.
        if (typeof window.minideskHelpOpen === "function") { e.preventDefault(); window.minideskHelpOpen(item.id); }
        else recordHelp("opened", item.id);
      });
      li.appendChild(link);
      articleList.appendChild(li);
    });
    articles.hidden = articleList.children.length === 0;
  }
  function contacted() {
    var flag = "minidesk-help-contacted";
    try { if (sessionStorage.getItem(flag)) return; sessionStorage.setItem(flag, "1"); } catch (e) { return; }
    recordHelp("contacted");
  }

  // --- lines -------------------------------------------------------------------------------
  function status(node, what) {
    var s = node.querySelector(".mdc-s");
    if (s) s.textContent = what;
  }
  function addLine(frame) {
    if (frame.seq && shown[frame.seq]) return;
    var node = frame.id && byClientId[frame.id];
    if (!node) {
      var mine = frame.from === "visitor";
      node = el("div", { "class": "mdc-m " + (mine ? "mdc-v" : "mdc-a") });
      var who = mine ? "You" : (frame.from === "bot" ? "Assistant" : (frame.name || "Support"));
      node.appendChild(el("span", { "class": "mdc-sr" }, who + ": "));
      node.appendChild(document.createTextNode(frame.text || ""));
      (frame.attachments || []).forEach(function (a) {
        node.appendChild(el("span", { "class": "mdc-s" }, "\ud83d\udcce " + a.filename));
      });
      node.appendChild(el("span", { "class": "mdc-s" }, mine ? "Sending\u2026" : who));
      if (!mine && frame.choices && frame.choices.options.length) addChoices(node, frame.choices);
      if (frame.id) byClientId[frame.id] = node;
      insertInOrder(node, frame.seq || Infinity);
    }
    if (frame.seq) {
      shown[frame.seq] = true;
      node.setAttribute("data-seq", frame.seq);
      insertInOrder(node, frame.seq);
      if (frame.from === "visitor") status(node, "Delivered");
      lastSeq = Math.max(lastSeq, frame.seq);
      if (frame.id) dropPending(frame.id);
    }
    log.scrollTop = log.scrollHeight;
  }
  // Answers to tap under a line (a survey's scores): one click answers; a comment on the
  // chosen answer may follow. Tapping another answer changes it.
  function addChoices(node, choices) {
    var group = el("div", { "class": "mdc-c", role: "group", "aria-label": choices.label || "Answers" });
    var chosen = null, note = null;
    choices.options.forEach(function (option) {
      var button = el("button", { type: "button", "aria-pressed": "false" }, option.title);
      button.addEventListener("click", function () {
        var all = group.querySelectorAll("button[aria-pressed]");
        for (var i = 0; i < all.length; i++) all[i].setAttribute("aria-pressed", "false");
        button.setAttribute("aria-pressed", "true");
        chosen = option.id;
        sendLine({ op: "message", id: newId(), text: option.title, choice: option.id });
        if (choices.comment && !note) { note = commentForm(choices.comment, function () { return chosen; }); node.appendChild(note); }
      });
      group.appendChild(button);
    });
    node.appendChild(group);
  }
  function commentForm(label, chosen) {
    var form = el("form", { "class": "mdc-f mdc-cf", "aria-label": "Comment on your answer" });
    var input = field(form, label, { name: "comment-" + newId(), maxlength: "2000" });
    form.appendChild(el("button", { type: "submit" }, "Send comment"));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var value = input.value.trim();
      if (!value) return;
      sendLine({ op: "message", id: newId(), text: value, choice: chosen(), comment: true });
      form.parentNode.removeChild(form);
    });
    return form;
  }
  function insertInOrder(node, seq) {
    // Replays after a reconnect may bring an older line late: keep the log in seq order
    // (lines not yet stored have no seq and stay at the end).
    for (var i = 0; i < log.children.length; i++) {
      var child = log.children[i];
      if (child !== node && (+child.getAttribute("data-seq") || Infinity) > seq) { log.insertBefore(node, child); return; }
    }
    log.appendChild(node);
  }
  function dropPending(id) {
    pending = pending.filter(function (p) { return p.id !== id; });
    save("pending", pending);
  }
  function markRead() {
    if (!isOpen || document.hidden || lastSeq <= readSent || !sock || sock.readyState !== 1) return;
    readSent = lastSeq;
    send({ op: "read", seq: lastSeq });
  }

  // --- socket --------------------------------------------------------------------------------
  function send(frame) {
    if (sock && sock.readyState === 1) { sock.send(JSON.stringify(frame)); return true; }
    return false;
  }
  function connect() {
    sock = new WebSocket(WS_URL);
    sock.onopen = function () {
      retries = 0;
      var first = { op: "hello", token: token, last_seq: lastSeq, name: ident.name || profile.name, page: location.href.slice(0, 2000) };
      var email = ident.email || profile.email;
      if (email) first.email = email;
      if (ident.user_id) first.user_id = String(ident.user_id);
      if (ident.user_hash) first.user_hash = ident.user_hash;
      sock.send(JSON.stringify(first));
    };
    sock.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      var handler = handlers[frame.type];
      if (handler) handler(frame);
    };
    sock.onclose = function (event) {
      sock = null;
      if (event.code === 4403 || event.code === 4404) { errors.textContent = "Chat is not available on this page."; return; }
      // A hello the server could not read (an email it refuses): start again without it.
      if (event.code === 4400) { profile.email = ""; ident.email = null; save("profile", profile); }
      // Reconnect with back-off (1 s, 2 s, 4 s ... 30 s), then resume from the last seq.
      var wait = Math.min(30000, 1000 * Math.pow(2, retries++)) * (0.8 + Math.random() * 0.4);
      // Too many new chats from this address: the server said how long to wait.
      if (event.code === 1013) wait = Math.max(wait, retryAfter * 1000);
      setTimeout(connect, wait);
    };
  }
  var handlers = {
    hello: function (f) {
      if (hello && hello.visitor !== f.visitor) {
        // Another visitor on this browser (another customer signed in): not their lines.
        log.textContent = ""; shown = {}; byClientId = {}; lastSeq = 0; pending = []; save("pending", pending);
      }
      hello = f;
      if (f.token) { token = f.token; save("token", token); }
      title.textContent = f.title || "Chat";
      greeting.textContent = f.greeting || "";
      if (f.offline) showForm(off);
      else if (!f.name && !profile.name && !profile.email && !f.verified) showForm(pre);
      else showForm(composer);
      if (f.email) offEmail.value = f.email;
    },
    message: function (f) {
      addLine(f);
      if (f.from !== "visitor") typing.textContent = "";
      markRead();
    },
    synced: function () {
      // What was sent but never seen stored goes again (the same ids: never a second line).
      pending.forEach(function (p) { send(p); });
      markRead();
    },
    ack: function (f) {
      var node = byClientId[f.id];
      if (f.offline) {
        dropPending(f.id);
        greeting.textContent = "Thanks! We'll reply by email.";
        offText.value = "";
      } else if (node) status(node, "Sent");
    },
    typing: function (f) { typing.textContent = f.active ? (f.name || "Support") + " is typing\u2026" : ""; },
    read: function () {
      var nodes = log.querySelectorAll(".mdc-v[data-seq]");
      for (var i = 0; i < nodes.length; i++) status(nodes[i], "Seen");
    },
    error: function (f) {
      errors.textContent = f.detail || f.error;
      if (f.error === "rate_limited" && f.retry_after) retryAfter = f.retry_after;
      if (!f.id) return;
      var frame = pending.filter(function (p) { return p.id === f.id; })[0];
      if (f.error === "rate_limited" && frame) {
        setTimeout(function () { send(frame); }, (f.retry_after || 2) * 1000);
        return;
      }
      if (f.error === "unavailable") return;  // still pending: the next sync sends it again
      dropPending(f.id);
      if (byClientId[f.id]) status(byClientId[f.id], "Not sent");
    }
  };

  function sendLine(frame) {
    pending.push(frame);
    save("pending", pending);
    addLine({ id: frame.id, from: "visitor", text: frame.text, attachments: (frame.attachments || []).map(function (a) { return { filename: a.filename }; }) });
    send(frame);  // if the socket is down, the next sync sends it
  }

  // --- events --------------------------------------------------------------------------------
  pre.addEventListener("submit", function (e) {
    e.preventDefault();
    if (hello && hello.require_email && !preEmail.value) { errors.textContent = "Please give your email."; return; }
    profile = { name: preName.value.trim(), email: preEmail.value.trim() };
    save("profile", profile);
    ident.name = ident.name || profile.name;
    if (sock) sock.close(1000);  // hello again, with the name and email
    showForm(composer);
    text.focus();
  });
  composer.addEventListener("submit", function (e) {
    e.preventDefault();
    var value = text.value.trim();
    if (!value) return;
    text.value = "";
    send({ op: "typing", active: false });
    typingSent = 0;
    contacted();
    showArticles([]);
    sendLine({ op: "message", id: newId(), text: value });
  });
  text.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); composer.requestSubmit ? composer.requestSubmit() : composer.dispatchEvent(new Event("submit")); }
  });
  text.addEventListener("input", function () {
    clearTimeout(suggestTimer);
    var typed = text.value.trim();
    if (typed.length >= 3) suggestTimer = setTimeout(function () { suggestArticles(typed); }, 400);
    var now = Date.now();
    if (now - typingSent > 2500) { typingSent = now; send({ op: "typing", active: true }); }
  });
  attach.addEventListener("click", function () { file.click(); });
  file.addEventListener("change", function () {
    var chosen = file.files && file.files[0];
    file.value = "";
    if (!chosen || !hello) return;
    var limits = hello.limits;
    if (limits.attachment_types.indexOf(chosen.type) < 0) { errors.textContent = "This kind of file cannot be sent here."; return; }
    if (chosen.size > limits.attachment_bytes) { errors.textContent = "The file is too large (limit " + Math.round(limits.attachment_bytes / 1024) + " KB)."; return; }
    var reader = new FileReader();
    reader.onload = function () {
      var data = String(reader.result).split(",")[1] || "";
      sendLine({ op: "message", id: newId(), text: text.value.trim(), attachments: [{ filename: chosen.name, content_type: chosen.type, data: data }] });
      text.value = "";
    };
    reader.readAsDataURL(chosen);
  });
  off.addEventListener("submit", function (e) {
    e.preventDefault();
    var frame = { op: "offline", id: newId(), email: offEmail.value.trim(), name: offName.value.trim(), text: offText.value.trim() };
    contacted();
    pending.push(frame);
    save("pending", pending);
    send(frame);
  });

  // Open, close, focus trap, Esc.
  function focusables() {
    return Array.prototype.filter.call(panel.querySelectorAll("button,input,textarea,[tabindex]"), function (n) {
      return !n.disabled && n.offsetParent !== null && n.getAttribute("tabindex") !== "-1";
    });
  }
  function open() {
    isOpen = true;
    panel.hidden = false;
    launcher.setAttribute("aria-expanded", "true");
    var first = forms.querySelector("input,textarea") || closer;
    first.focus();
    if (!log.children.length && !articleList.children.length) suggestArticles("");
    markRead();
  }
  function close() {
    isOpen = false;
    panel.hidden = true;
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  launcher.addEventListener("click", function () { if (isOpen) close(); else open(); });
  closer.addEventListener("click", close);
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && isOpen) { e.preventDefault(); close(); }
  });
  panel.addEventListener("keydown", function (e) {
    if (e.key !== "Tab") return;
    var items = focusables();
    if (!items.length) return;
    var first = items[0], last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) { e.preventDefault(); last.focus(); }
    else if (!e.shiftKey && document.activeElement === last) { e.preventDefault(); first.focus(); }
  });
  document.addEventListener("visibilitychange", markRead);

  function start() {
    document.body.appendChild(style);
    document.body.appendChild(panel);
    document.body.appendChild(launcher);
    // Pending lines from before a reload show at once; the replay fills in the rest.
    pending.forEach(function (p) { if (p.op === "message") addLine({ id: p.id, from: "visitor", text: p.text }); });
    connect();
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
