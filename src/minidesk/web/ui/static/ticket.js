// minidesk ticket page: template insertion with a server-rendered preview and the SMS length of
// a draft (live updates are ticket-live.js's, over the page's one stream in stream.js).
// Plain script, no dependencies; without it every form still works by posting.
(function () {
  "use strict";

  if (!document.querySelector("[data-ticket-page]")) return;
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

  // --- Suggested articles: "Insert" adds the article's title, first paragraph and link to
  // the draft (after what the agent already wrote) instead of reloading the page.
  function setUpArticles() {
    const text = document.getElementById("composer-text");
    if (!text) return;
    document.querySelectorAll("form.kb-insert").forEach((form) => {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        const insert = form.getAttribute("data-text") || "";
        text.value = text.value.trim() ? text.value.trimEnd() + "\n\n" + insert : insert;
        announce("Article inserted.");
        text.dispatchEvent(new Event("input"));
        text.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpTemplates();
    setUpArticles();
    setUpSmsLength();
  });
})();
