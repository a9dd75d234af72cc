// minidesk live inbox: rows, counts and the sidebar's saved views follow the stream (stream.js,
// docs/realtime.md) without reloading. The stream says only *which* ticket or view changed;
// what to show is fetched from the server's own partials (/inbox/rows, /inbox/counts) or the
// page itself, rendered and escaped there, so this script never builds markup from data. The
// page works without it.
(function () {
  "use strict";

  // The admin queues page marks its rows with data-inbox too: the workspace inbox is the div.
  const inbox = document.querySelector("div.inbox[data-inbox]");
  if (!inbox || !window.minidesk) return;

  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const { later, parse, fetchText, announce } = window.minidesk.html;
  const stream = window.minidesk.stream;

  // --- rows and counts ------------------------------------------------------------------------

  const TEAM_KINDS = ["team.created", "team.updated", "team.deleted"];
  const changed = new Set();
  const pending = [];  // new rows held back while the agent works in the list
  const PAGE_SIZE = 50;

  function tbody() { return inbox.querySelector("[data-list] tbody"); }
  function rowOf(number) { return tbody().querySelector('tr[data-ticket="' + number + '"]'); }

  stream.on((message, context) => {
    if (message.type === "hello") hello(context.reconnected);
    else if (message.type === "subscribed" && message.topic === "desk") inbox.dataset.desk = "on";
    else if (message.type === "access.changed" || (message.type === "desk.changed" && message.kind === "workspace.updated")) {
      // A changed role or team, or the workspace's team restriction: which tickets this agent
      // sees changed, so refetch what the page shows, as after a reconnect.
      catchUp();
    } else if (message.type === "desk.changed" && (message.kind.startsWith("view.") || TEAM_KINDS.includes(message.kind))) {
      // A saved view this agent sees was added, renamed, refiltered or deleted, or a team
      // added, renamed or deleted: the sidebar and the team lists are redrawn as the server renders them now.
      // The notice does not say which view changed: a page showing a saved view also
      // refetches its rows, in case it was that one's filters.
      if (message.kind === "view.updated" && inbox.dataset.query.startsWith("saved=")) catchUp();
      else refreshSidebar();
    } else if (message.type === "desk.changed" && message.customer !== undefined) {
      // A customer renamed or merged: the rows show customers' names.
      tbody().querySelectorAll("tr[data-ticket]").forEach((row) => changed.add(row.dataset.ticket));
      refreshRows();
    } else if (["ticket.created", "ticket.updated", "message.created"].includes(message.type)) {
      changed.add(String(message.ticket));
      refreshRows();
      refreshCounts();
    } else if (message.type === "ticket.hidden") {
      // Out of this agent's sight now (another team or assignee): the rows partial would
      // not render it, so the row goes here.
      const row = rowOf(message.ticket);
      if (row) row.remove();
      refreshCounts();
    }
  });

  function hello(reconnected) {
    stream.send({ op: "subscribe", view: "all" });
    stream.send({ op: "subscribe", topic: "desk" });  // changes of no ticket (desk.changed)
    if (reconnected) catchUp();
  }

  // Notices sent while the socket was down are not replayed: refetch the rows shown (which
  // also marks those that left the view), the counts, and the tickets that joined the first
  // page meanwhile, taken from the page itself as the server renders it now.
  async function catchUp() {
    tbody().querySelectorAll("tr[data-ticket]").forEach((row) => changed.add(row.dataset.ticket));
    refreshRows();
    refreshCounts();
    refreshSidebar();
    if (!("firstPage" in inbox.dataset)) return;
    let fresh;
    try {
      fresh = new DOMParser().parseFromString(await fetchText(location.pathname + location.search), "text/html");
    } catch (_) { return; }
    fresh.querySelectorAll("[data-list] tbody tr[data-ticket]").forEach((row) => {
      if (!rowOf(row.dataset.ticket)) place(row);
    });
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

  // --- the sidebar: saved views (with their counts) and the lists of teams ------------------

  const TEAM_LISTS = ["filter-team", "new-view-share"];

  const refreshSidebar = later(async () => {
    let fresh;
    try {
      fresh = await page(location.pathname + location.search);
    } catch (_) {
      // The view this page shows was deleted (or unshared from this agent): it answers 404,
      // so the sidebar comes from the inbox's default page and the page says so.
      try { fresh = await page("/inbox"); } catch (_) { return; }
      inbox.dataset.gone = "";
      announce("This saved view no longer exists; reload to see another.");
    }
    const nav = inbox.querySelector("nav.views");
    const replacement = fresh.querySelector("div.inbox[data-inbox] nav.views");
    if (nav && replacement) {
      // Keep focus on the same link if the agent was moving through the sidebar.
      const focused = nav.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
      if ("gone" in inbox.dataset) replacement.querySelectorAll("[aria-current]").forEach((a) => a.removeAttribute("aria-current"));
      nav.replaceWith(replacement);
      const again = focused && replacement.querySelector('a[href="' + CSS.escape(focused) + '"]');
      if (again) again.focus();
    }
    TEAM_LISTS.forEach((id) => {
      const list = document.getElementById(id);
      const options = fresh.getElementById(id);
      if (!list || !options || list === document.activeElement) return;
      const chosen = list.value;
      list.replaceChildren(...Array.from(options.options));
      list.value = chosen;
    });
    const title = fresh.getElementById("view-title");
    if (title && !("gone" in inbox.dataset)) document.getElementById("view-title").textContent = title.textContent;
  }, 250);

  async function page(url) {
    return new DOMParser().parseFromString(await fetchText(url), "text/html");
  }

  const refreshRows = later(async () => {
    const numbers = Array.from(changed).slice(0, PAGE_SIZE);
    numbers.forEach((n) => changed.delete(n));
    if (!numbers.length) return;
    const query = new URLSearchParams(inbox.dataset.query);
    numbers.forEach((n) => query.append("ticket", n));
    let fragment;
    try { fragment = parse(await fetchText("/inbox/rows?" + query)); } catch (_) { return; }
    const rows = Array.from(fragment.querySelectorAll("tr[data-ticket]"));
    rows.forEach(place);
    // The server leaves out a ticket this agent may no longer see (a team they left): its row
    // goes, as on `ticket.hidden`.
    const drawn = new Set(rows.map((row) => row.dataset.ticket));
    numbers.filter((n) => !drawn.has(n)).forEach((n) => { const row = rowOf(n); if (row) row.remove(); });
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
    keys.a = () => { const me = stream.user(); if (me !== null) act({ assignee_id: me }, "assigned to you"); };
    keys.s = () => act({ status: "solved" }, "solved");
    const open = (hash) => () => {
      const row = tbody() && tbody().querySelector("tr.current");
      if (row) location.assign(row.querySelector("[data-open]").getAttribute("href") + hash);
    };
    keys.r = open("#reply");
    keys.n = open("#note");
  }

  document.addEventListener("DOMContentLoaded", () => {
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
  });
})();
