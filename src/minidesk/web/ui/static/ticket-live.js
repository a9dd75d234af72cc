// minidesk live ticket page: the timeline, the order panel and an approver's decision follow
// the stream (stream.js, docs/realtime.md), and colleagues see who is viewing or typing here.
// New entries come from the server's /tickets/N/entries partial and whole parts
// ([data-live-part]) from the page itself, both rendered, escaped and permission-checked by
// the server; names from the stream go in with textContent only. The page works without it.
(function () {
  "use strict";

  const page = document.querySelector("[data-ticket-page]");
  if (!page || !window.minidesk) return;
  const ticket = Number(page.dataset.ticketPage);
  const { later, parse, fetchText, announce } = window.minidesk.html;
  const stream = window.minidesk.stream;

  stream.on((message, context) => {
    if (message.type === "hello") {
      stream.send({ op: "subscribe", ticket: ticket });
      stream.send({ op: "subscribe", topic: "desk" });
      stream.send({ op: "viewing", ticket: ticket });
      page.dataset.live = "on";
      if (context.reconnected) {
        refreshEntries();
        refreshParts();  // the field panel among them
        ["macro", "customer-panel", ...PEOPLE, ...TEAMS].forEach((id) => deskParts.add(id));
        refreshDesk();
      }
    } else if (message.type === "closed") {
      page.dataset.live = "off";
    } else if (message.type === "subscribed" && message.topic === "desk") {
      page.dataset.desk = "on";
    } else if (message.type === "desk.changed") {
      deskChanged(message);
    } else if (message.type === "access.changed") {
      // A changed role or team: what the panels may show changed with it, and which teams
      // this agent may move the ticket to.
      refreshParts();
      TEAMS.forEach((id) => deskParts.add(id));
      refreshDesk();
    } else if (message.ticket !== ticket) {
      return;
    } else if (message.type === "subscribed") {
      subscribed(message);
    } else if (message.type === "ticket.hidden") {
      // Moved to a team or agent outside this agent's sight: the page stays as it was read,
      // but says that it no longer follows the ticket (the API answers 404 from now on).
      page.dataset.live = "hidden";
      news("This ticket has moved out of your view (another team or agent); it is no longer updated here.");
    } else if (message.type === "viewing" || message.type === "typing") {
      signal(message);
    } else if (["message.created", "ticket.updated", "ticket.activity"].includes(message.type)) {
      refreshEntries();
      // Messages only add to the timeline; the other parts change with the ticket's state and
      // its activity (store actions, approvals decided, mentions).
      if (message.type !== "message.created") {
        kinds.add(message.kind);
        refreshParts();
      }
    }
  });

  // --- collision: who else is on this ticket -------------------------------------------------

  const others = new Map();  // user id → {name, viewing: until, typing: until}
  let typingSince = 0;
  let typingStop = null;

  function subscribed(message) {
    const me = stream.user();
    others.clear();
    const soon = Date.now() / 1000 + 30;
    (message.on_ticket || []).forEach((person) => {
      if (person.user === me) return;
      others.set(person.user, {
        name: person.name, viewing: person.viewing ? soon : 0, typing: person.typing ? soon : 0,
      });
    });
    renderCollision();
  }

  function signal(message) {
    if (message.user === stream.user()) return;
    const person = others.get(message.user) || { name: message.name, viewing: 0, typing: 0 };
    person.name = message.name;
    person[message.type] = message.active ? message.until : 0;
    if (message.type === "typing" && message.active) person.viewing = Math.max(person.viewing, message.until);
    others.set(message.user, person);
    renderCollision();
  }

  function renderCollision() {
    const holder = page.querySelector("[data-collision]");
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

  // --- parts: the order panel and an approver's decision -----------------------------------

  const WORDS = {
    "approval.decided": "An approver decided a request on this ticket",
    "note.mentioned": "A colleague mentioned someone in a note",
  };
  let kinds = new Set();

  // The visible news line, set at once: the decision is shown the moment its part lands.
  function news(text) {
    const line = document.getElementById("live-news");
    if (line) line.textContent = text;
  }

  // Several events of one transaction arrive together: one refresh for them all. The
  // conversation is left to refreshEntries, which appends instead of re-rendering.
  const refreshParts = later(async () => {
    const seen = kinds;
    kinds = new Set();
    let fresh;
    try { fresh = new DOMParser().parseFromString(await fetchText(location.pathname), "text/html"); } catch (_) { return; }
    document.querySelectorAll("[data-live-part]:not(#conversation)").forEach((part) => {
      const replacement = fresh.getElementById(part.id);
      // Never pull a form from under the agent's hands: a part being typed in stays.
      if (!replacement || part.contains(document.activeElement)) return;
      part.replaceWith(replacement);
    });
    if (seen.has("approval.decided")) {
      // The panel lists the newest request first: the one just decided.
      const decided = document.querySelector("[data-approval-status]:not([data-approval-status=pending])");
      news(decided ? decided.textContent.replace(/\s+/g, " ").trim() : WORDS["approval.decided"]);
    } else if (seen.has("note.mentioned")) {
      news(WORDS["note.mentioned"]);
    }
  }, 100);

  // --- changes of no ticket: templates, custom fields, this ticket's customer, colleagues, teams --

  // Which parts of the page each desk change touches (docs/realtime.md#changes-of-no-ticket).
  const PEOPLE = ["prop-assignee", "mention-handles"];
  const TEAMS = ["prop-team", "prop-assignee"];  // assignees show the teams they are in
  const DESK = {
    "template.created": ["macro"],
    "template.updated": ["macro"],
    "ticket_field.changed": ["field-panel"],
    "customer.updated": ["customer-panel"],
    "customer.merged": ["customer-panel"],
    "customer.unmerged": ["customer-panel"],
    "user.created": PEOPLE,
    "user.deactivated": PEOPLE,
    "user.role_changed": PEOPLE,
    "team.created": TEAMS,
    "team.updated": TEAMS,
    "team.deleted": TEAMS,
    "team.member_added": TEAMS,
    "team.member_removed": TEAMS,
  };
  const WHAT = {
    "macro": "The template list", "field-panel": "The custom fields",
    "customer-panel": "The customer's details", "prop-assignee": "The list of assignees",
    "prop-team": "The list of teams", "mention-handles": "The colleagues to mention",
  };
  const deskParts = new Set();

  function deskChanged(message) {
    const ids = DESK[message.kind];
    if (!ids) return;
    if (ids[0] === "customer-panel" && message.customer !== Number(page.dataset.customer)) return;
    ids.forEach((id) => deskParts.add(id));
    refreshDesk();
  }

  // From the page itself, as the server renders it now. A list (templates, assignees, teams)
  // keeps its element (ticket.js listens on the template list) and the agent's choice; a part
  // being typed in is left alone.
  const refreshDesk = later(async () => {
    const ids = Array.from(deskParts);
    deskParts.clear();
    let fresh;
    try { fresh = new DOMParser().parseFromString(await fetchText(location.pathname), "text/html"); } catch (_) { return; }
    const changed = [];
    ids.forEach((id) => {
      const part = document.getElementById(id);
      const replacement = fresh.getElementById(id);
      if (!part || !replacement || part.contains(document.activeElement)) return;
      if (part.tagName === "SELECT") {
        const chosen = part.value;
        part.replaceChildren(...Array.from(replacement.options));
        part.value = chosen;
      } else {
        part.replaceWith(replacement);
      }
      changed.push(WHAT[id]);
    });
    if (changed.length) announce(changed.join(", ") + (changed.length > 1 ? " have" : " has") + " changed");
  }, 200);

  // --- the timeline ----------------------------------------------------------------------------

  const refreshEntries = later(async () => {
    const list = page.querySelector(".conversation");
    const last = (attribute) => Math.max(0, ...Array.from(list.querySelectorAll("[" + attribute + "]"))
      .map((node) => Number(node.getAttribute(attribute))));
    const query = new URLSearchParams({
      after_message: last("data-message-id"), after_event: last("data-event-id"),
    });
    let fragment;
    try { fragment = parse(await fetchText("/tickets/" + ticket + "/entries?" + query)); } catch (_) { return; }
    const root = fragment.querySelector("ol");
    if (!root) return;
    let added = 0;
    Array.from(root.children).forEach((entry) => {
      const id = entry.dataset.messageId ? "data-message-id" : "data-event-id";
      if (list.querySelector("[" + id + '="' + entry.getAttribute(id) + '"]')) return;
      list.appendChild(entry);
      if (id === "data-message-id") added += 1;
    });
    const status = page.querySelector('.summary [data-field="status"]');
    if (status && status.textContent !== root.dataset.status) {
      status.textContent = root.dataset.status;
      status.className = "status status-" + root.dataset.status;
      announce("Status is now " + root.dataset.status);
    }
    if (added) announce(added === 1 ? "A new message in the conversation" : added + " new messages in the conversation");
  }, 200);

  // --- typing and viewing signals -------------------------------------------------------------

  function typing() {
    const now = Date.now();
    if (now - typingSince > 4000) {  // the stream wants a refresh every < 6 s
      typingSince = now;
      stream.send({ op: "typing", ticket: ticket });
    }
    window.clearTimeout(typingStop);
    typingStop = window.setTimeout(stopTyping, 5000);
  }

  function stopTyping() {
    if (!typingSince) return;
    typingSince = 0;
    window.clearTimeout(typingStop);
    stream.send({ op: "typing", ticket: ticket, stop: true });
  }

  function setUp() {
    const text = document.getElementById("composer-text");
    if (text) {
      text.addEventListener("input", typing);
      text.addEventListener("blur", stopTyping);
    }
    const composer = document.getElementById("composer");
    if (composer) composer.addEventListener("submit", stopTyping);
    window.setInterval(() => stream.send({ op: "viewing", ticket: ticket }), 20000);
    window.setInterval(renderCollision, 2000);  // signals lapse at their `until`
    window.addEventListener("pagehide", () => {
      stopTyping();
      stream.send({ op: "viewing", ticket: ticket, stop: true });
    });
    // "r" / "n" in the inbox open the ticket here, ready to write.
    const kind = { "#reply": "reply", "#note": "note" }[location.hash];
    const choice = kind && document.getElementById("type-" + kind);
    if (choice && text) { choice.checked = true; text.focus(); }
  }

  document.addEventListener("DOMContentLoaded", setUp);
})();
