// minidesk ticket page: template insertion with a server-rendered preview, the SMS length of
// a draft, and live updates (an approver's decision, a colleague's note) from /api/v1/stream.
// Plain script, no dependencies; without it every form still works by posting.
(function () {
  "use strict";

  const page = document.querySelector("[data-ticket-page]");
  if (!page) return;
  const ticket = Number(page.getAttribute("data-ticket-page"));
  const csrf = document.querySelector("#composer input[name=csrf]");

  function announce(text) {
    const news = document.getElementById("live-news");
    if (news) news.textContent = text;
  }

  // --- Templates: filter the list as the agent types, insert the chosen one rendered for
  // this ticket (tokens filled with the customer's and the newest order's values).
  function setUpTemplates() {
    const picker = document.getElementById("macro-picker");
    const search = document.getElementById("macro-search");
    const select = document.getElementById("macro");
    const text = document.getElementById("composer-text");
    const used = document.getElementById("composer-template");
    if (!picker || !search || !select || !text) return;
    search.addEventListener("input", () => {
      const wanted = search.value.trim().toLowerCase();
      let first = null;
      Array.from(select.options).forEach((option) => {
        const match = !option.value || option.text.toLowerCase().includes(wanted);
        option.hidden = !match;
        if (match && option.value && !first) first = option;
      });
      if (first && wanted) select.value = first.value;
    });
    async function insert(event) {
      event.preventDefault();
      if (!select.value) return;
      const url = picker.getAttribute("data-preview") + "?template=" + encodeURIComponent(select.value);
      const answer = await fetch(url, { credentials: "same-origin" });
      const body = await answer.json();
      if (!answer.ok) { announce("Template not inserted: " + body.error); return; }
      text.value = body.text;
      if (used) used.value = body.key;
      const missing = body.missing.length ? " Replace " + body.missing.map((m) => "[" + m + "]").join(", ") + " before sending." : "";
      announce("Template inserted." + missing);
      text.dispatchEvent(new Event("input"));
      text.focus();
    }
    picker.addEventListener("submit", insert);
    select.addEventListener("change", insert);
  }

  // --- SMS: how many segments the draft costs, measured by the server's own rules.
  function setUpSmsLength() {
    const composer = document.getElementById("composer");
    const output = document.getElementById("sms-length");
    const text = document.getElementById("composer-text");
    const url = composer && composer.getAttribute("data-length");
    if (!url || !output || !text || !csrf) return;
    let timer = null;
    text.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const form = new URLSearchParams({ csrf: csrf.value, text: text.value });
        const answer = await fetch(url, { method: "POST", body: form, credentials: "same-origin" });
        if (answer.ok) output.textContent = (await answer.json()).describe;
      }, 250);
    });
  }

  // --- Live: follow this ticket on the stream; on a change, re-render the parts of the page
  // that show it (the server renders them, checking permissions again).
  const WORDS = {
    "approval.decided": "An approver decided a request on this ticket",
    "note.mentioned": "A colleague mentioned someone in a note",
  };

  async function refresh(kinds) {
    const answer = await fetch(location.pathname, { credentials: "same-origin" });
    if (!answer.ok) return;
    const fresh = new DOMParser().parseFromString(await answer.text(), "text/html");
    document.querySelectorAll("[data-live-part]").forEach((part) => {
      const replacement = fresh.getElementById(part.id);
      // Never pull a form from under the agent's hands: a part being typed in stays.
      if (!replacement || part.contains(document.activeElement)) return;
      part.replaceWith(replacement);
    });
    if (kinds.has("approval.decided")) {
      // The panel lists the newest request first: the one just decided.
      const decided = document.querySelector("[data-approval-status]:not([data-approval-status=pending])");
      announce(decided ? decided.textContent.replace(/\s+/g, " ").trim() : WORDS["approval.decided"]);
    } else if (kinds.has("note.mentioned")) {
      announce(WORDS["note.mentioned"]);
    }
  }

  function follow(delay) {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + location.host + "/api/v1/stream");
    let pending = null;
    let kinds = new Set();
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ op: "subscribe", ticket: ticket }));
      socket.send(JSON.stringify({ op: "viewing", ticket: ticket }));
      page.setAttribute("data-live", "on");
      delay = 1000;
    });
    socket.addEventListener("message", (event) => {
      const notice = JSON.parse(event.data);
      if (notice.ticket !== ticket || !/^(ticket|message)\./.test(notice.type)) return;
      // Several events of one transaction arrive together: one refresh for them all.
      clearTimeout(pending);
      kinds.add(notice.kind);
      pending = setTimeout(() => { const seen = kinds; kinds = new Set(); refresh(seen); }, 100);
    });
    const still = setInterval(() => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ op: "viewing", ticket: ticket }));
    }, 20000);
    socket.addEventListener("close", (event) => {
      clearInterval(still);
      page.setAttribute("data-live", "off");
      if (event.code === 4401) return; // signed out: the next page load asks to sign in
      setTimeout(() => follow(Math.min(delay * 2, 30000)), delay);
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpTemplates();
    setUpSmsLength();
    if ("WebSocket" in window) follow(1000);
  });
})();
