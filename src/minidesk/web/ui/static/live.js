// minidesk live workspace: follows /api/v1/stream (docs/realtime.md) so the inbox and a ticket
// stay current without reloading. The stream says only *which* ticket changed; what to show is
// fetched from the server's own partials (/inbox/rows, /tickets/N/entries), rendered and
// escaped there, so this script never builds markup from data. Names from the stream go in
// with textContent only. The pages work without it.
(function () {
  "use strict";

  const inbox = document.querySelector("[data-inbox]");
  const ticketPage = document.querySelector("[data-ticket-page]");
  if (!inbox && !ticketPage) return;

  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  let me = null;
  let socket = null;
  let attempt = 0;
  let connectedBefore = false;

  // --- helpers -------------------------------------------------------------------------------

  function announce(text) {
    const status = document.getElementById("live-status");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 30);
  }

  function later(fn, ms) {
    let timer = null;
    return () => {
      if (timer !== null) return;
      timer = window.setTimeout(() => { timer = null; fn(); }, ms);
    };
  }

  // Server HTML into nodes without running anything: a <template> parses but never executes.
  function parse(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    return template.content;
  }

  async function fetchText(url) {
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
    if (!response.ok) throw new Error(url + ": " + response.status);
    return response.text();
  }

  function send(op) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(op));
  }

  // --- the socket, with back-off ---------------------------------------------------------------

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/api/v1/stream", ["minidesk.v1"]);
    socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (_) { return; }
      receive(message);
    });
    socket.addEventListener("close", (event) => {
      document.documentElement.dataset.live = "disconnected";
      if (event.code === 4401) {
        announce("Live updates stopped: your session ended. Reload to sign in again.");
        return;
      }
      // 1 s, 2 s, 4 s … up to 30 s, jittered so a restarted server is not hit all at once.
      const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt = Math.min(attempt + 1, 5);
      window.setTimeout(connect, delay);
    });
  }

  function receive(message) {
    if (message.type === "hello") {
      me = message.user;
      attempt = 0;
      document.documentElement.dataset.live = "connected";
      if (inbox) inboxHello();
      if (ticketPage) ticketHello();
      connectedBefore = true;
      return;
    }
    if (inbox) inboxMessage(message);
    if (ticketPage) ticketMessage(message);
  }

  // --- the inbox -------------------------------------------------------------------------------

  const changed = new Set();
  const pending = [];  // new rows held back while the agent works in the list
  const PAGE_SIZE = 50;

  function tbody() { return inbox.querySelector("[data-list] tbody"); }
  function rowOf(number) { return tbody().querySelector('tr[data-ticket="' + number + '"]'); }

  function inboxHello() {
    send({ op: "subscribe", view: "all" });
    if (connectedBefore) {  // notices sent while disconnected are not replayed: refetch
      tbody().querySelectorAll("tr[data-ticket]").forEach((row) => changed.add(row.dataset.ticket));
      refreshRows();
      refreshCounts();
    }
  }

  function inboxMessage(message) {
    if (!["ticket.created", "ticket.updated", "message.created"].includes(message.type)) return;
    changed.add(String(message.ticket));
    refreshRows();
    refreshCounts();
  }

  const refreshCounts = later(async () => {
    const response = await fetch("/inbox/counts", { credentials: "same-origin" });
    if (!response.ok) return;
    const counts = await response.json();
    inbox.querySelectorAll("[data-count]").forEach((node) => {
      const value = counts[node.dataset.count];
      if (value !== undefined && node.textContent !== value) node.textContent = value;
    });
  }, 500);

  const refreshRows = later(async () => {
    const numbers = Array.from(changed).slice(0, PAGE_SIZE);
    numbers.forEach((n) => changed.delete(n));
    if (!numbers.length) return;
    const query = new URLSearchParams(inbox.dataset.query);
    numbers.forEach((n) => query.append("ticket", n));
    let fragment;
    try { fragment = parse(await fetchText("/inbox/rows?" + query)); } catch (_) { return; }
    fragment.querySelectorAll("tr[data-ticket]").forEach(place);
    if (changed.size) refreshRows();
  }, 250);

  function busy() {
    const list = tbody();
    return list.querySelector("tr.current") !== null ||
      list.querySelector("input[type=checkbox]:checked") !== null || window.scrollY > 80;
  }

  function place(row) {
    const existing = rowOf(row.dataset.ticket);
    if (existing) {
      replace(existing, row);
      return;
    }
    if (row.hasAttribute("data-stale") || !("firstPage" in inbox.dataset)) return;
    if (busy()) {
      if (!pending.some((held) => held.dataset.ticket === row.dataset.ticket)) pending.push(row);
      showPending();
    } else {
      insert(row);
      announce("New in this view: ticket " + row.dataset.ticket + ", " + subject(row));
    }
  }

  function subject(row) {
    const link = row.querySelector("[data-open]");
    return link ? link.textContent : "";
  }

  function replace(existing, row) {
    const wasCurrent = existing.classList.contains("current");
    const box = existing.querySelector("input[type=checkbox]");
    const focused = existing.contains(document.activeElement);
    if (wasCurrent) row.classList.add("current");
    const newBox = row.querySelector("input[type=checkbox]");
    if (box && newBox) newBox.checked = box.checked;
    existing.replaceWith(row);
    if (focused) { const link = row.querySelector("[data-open]"); if (link) link.focus(); }
  }

  function insert(row) {
    const list = tbody();
    const number = Number(row.dataset.ticket);
    const after = Array.from(list.querySelectorAll("tr[data-ticket]"))
      .find((other) => Number(other.dataset.ticket) < number);
    if (after) list.insertBefore(row, after);
    else if (list.querySelectorAll("tr[data-ticket]").length < PAGE_SIZE) list.appendChild(row);
    else return;  // older than this page shows: it is on a later page
    const table = inbox.querySelector("[data-list]");
    table.hidden = false;
    const empty = inbox.querySelector("[data-empty]");
    if (empty) empty.remove();
  }

  function showPending() {
    const holder = inbox.querySelector(".new-tickets");
    const button = inbox.querySelector("[data-show-new]");
    if (!holder || !button) return;
    button.textContent = pending.length + " new — show";
    holder.hidden = pending.length === 0;
    announce(pending.length + " new in this view");
  }

  function showNew() {
    pending.splice(0).forEach(insert);
    showPending();
    const first = tbody().querySelector("tr[data-ticket] [data-open]");
    if (first) first.focus();
  }

  async function act(changes, done) {
    const row = tbody() && tbody().querySelector("tr.current");
    if (!row) return;
    const number = row.dataset.ticket;
    const response = await fetch("/api/v1/tickets/" + number, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(changes),
    });
    if (!response.ok) {
      let detail = response.status;
      try { detail = (await response.json()).detail; } catch (_) { /* not JSON */ }
      announce("Ticket " + number + " not changed: " + detail);
      return;
    }
    announce("Ticket " + number + " " + done);
    changed.add(number);
    refreshRows();
    refreshCounts();
  }

  function inboxKeys(keys) {
    keys.a = () => { if (me !== null) act({ assignee_id: me }, "assigned to you"); };
    keys.s = () => act({ status: "solved" }, "solved");
    const open = (hash) => () => {
      const row = tbody() && tbody().querySelector("tr.current");
      if (row) location.assign(row.querySelector("[data-open]").getAttribute("href") + hash);
    };
    keys.r = open("#reply");
    keys.n = open("#note");
  }

  // --- a ticket --------------------------------------------------------------------------------

  const others = new Map();  // user id → {name, viewing: until, typing: until}
  let typingSince = 0;
  let typingStop = null;

  function ticketNumber() { return Number(ticketPage.dataset.ticketPage); }

  function ticketHello() {
    send({ op: "subscribe", ticket: ticketNumber() });
    send({ op: "viewing", ticket: ticketNumber() });
    if (connectedBefore) refreshEntries();
  }

  function ticketMessage(message) {
    if (message.type === "subscribed" && message.ticket === ticketNumber()) {
      others.clear();
      const soon = Date.now() / 1000 + 30;
      (message.on_ticket || []).forEach((person) => {
        if (person.user === me) return;
        others.set(person.user, {
          name: person.name, viewing: person.viewing ? soon : 0, typing: person.typing ? soon : 0,
        });
      });
      renderCollision();
      return;
    }
    if ((message.type === "viewing" || message.type === "typing") && message.ticket === ticketNumber()) {
      if (message.user === me) return;
      const person = others.get(message.user) || { name: message.name, viewing: 0, typing: 0 };
      person.name = message.name;
      person[message.type] = message.active ? message.until : 0;
      if (message.type === "typing" && message.active) person.viewing = Math.max(person.viewing, message.until);
      others.set(message.user, person);
      renderCollision();
      return;
    }
    if (message.ticket === ticketNumber() &&
        ["message.created", "ticket.updated", "ticket.activity"].includes(message.type)) {
      refreshEntries();
    }
  }

  function renderCollision() {
    const holder = ticketPage.querySelector("[data-collision]");
    if (!holder) return;
    const now = Date.now() / 1000;
    const typing = [];
    const viewing = [];
    others.forEach((person) => {
      if (person.typing > now) typing.push(person.name);
      else if (person.viewing > now) viewing.push(person.name);
    });
    const parts = [];
    if (typing.length) parts.push(typing.join(", ") + (typing.length > 1 ? " are" : " is") + " typing a reply");
    if (viewing.length) parts.push(viewing.join(", ") + (viewing.length > 1 ? " are" : " is") + " viewing this ticket");
    const text = parts.join(" · ");
    if (holder.textContent !== text) holder.textContent = text;
    holder.classList.toggle("active", text !== "");
  }

  const refreshEntries = later(async () => {
    const list = ticketPage.querySelector(".conversation");
    const last = (attribute) => Math.max(0, ...Array.from(list.querySelectorAll("[" + attribute + "]"))
      .map((node) => Number(node.getAttribute(attribute))));
    const query = new URLSearchParams({
      after_message: last("data-message-id"), after_event: last("data-event-id"),
    });
    let fragment;
    try { fragment = parse(await fetchText("/tickets/" + ticketNumber() + "/entries?" + query)); } catch (_) { return; }
    const root = fragment.querySelector("ol");
    if (!root) return;
    let added = 0;
    Array.from(root.children).forEach((entry) => {
      const id = entry.dataset.messageId ? "data-message-id" : "data-event-id";
      if (list.querySelector("[" + id + '="' + entry.getAttribute(id) + '"]')) return;
      list.appendChild(entry);
      if (id === "data-message-id") added += 1;
    });
    const status = ticketPage.querySelector('.summary [data-field="status"]');
    if (status && status.textContent !== root.dataset.status) {
      status.textContent = root.dataset.status;
      status.className = "status status-" + root.dataset.status;
      announce("Status is now " + root.dataset.status);
    }
    if (added) announce(added === 1 ? "A new message in the conversation" : added + " new messages in the conversation");
  }, 200);

  function typing() {
    const now = Date.now();
    if (now - typingSince > 4000) {  // the stream wants a refresh every < 6 s
      typingSince = now;
      send({ op: "typing", ticket: ticketNumber() });
    }
    window.clearTimeout(typingStop);
    typingStop = window.setTimeout(stopTyping, 5000);
  }

  function stopTyping() {
    if (!typingSince) return;
    typingSince = 0;
    window.clearTimeout(typingStop);
    send({ op: "typing", ticket: ticketNumber(), stop: true });
  }

  function ticketSetup() {
    const text = document.getElementById("composer-text");
    if (text) {
      text.addEventListener("input", typing);
      text.addEventListener("blur", stopTyping);
    }
    const composer = document.getElementById("composer");
    if (composer) composer.addEventListener("submit", stopTyping);
    window.setInterval(() => send({ op: "viewing", ticket: ticketNumber() }), 20000);
    window.setInterval(renderCollision, 2000);  // signals lapse at their `until`
    window.addEventListener("pagehide", () => {
      stopTyping();
      send({ op: "viewing", ticket: ticketNumber(), stop: true });
    });
    // "r" / "n" in the inbox open the ticket here, ready to write.
    const kind = { "#reply": "reply", "#note": "note" }[location.hash];
    const choice = kind && document.getElementById("type-" + kind);
    if (choice && text) { choice.checked = true; text.focus(); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (inbox) {
      const button = inbox.querySelector("[data-show-new]");
      if (button) button.addEventListener("click", showNew);
      if (window.minideskKeys) inboxKeys(window.minideskKeys);
      // Shareable URLs: fields left at "any" stay out of the query string.
      const filters = document.getElementById("filters");
      if (filters) {
        filters.addEventListener("submit", () => {
          filters.querySelectorAll("select, input:not([type=checkbox])").forEach((field) => {
            if (!field.value) field.disabled = true;
          });
        });
      }
    }
    if (ticketPage) ticketSetup();
    connect();
  });
})();
