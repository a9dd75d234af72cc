// minidesk workspace keyboard shortcuts. Plain script, no dependencies: the pages work without
// it; it only adds keys. Keys are ignored while typing in a field.
(function () {
  "use strict";

  function typing(target) {
    return target.closest("input, textarea, select, [contenteditable]") !== null;
  }

  function rows() {
    return Array.from(document.querySelectorAll("[data-list] tbody tr"));
  }

  function current() {
    return document.querySelector("[data-list] tbody tr.current");
  }

  function move(step) {
    const all = rows();
    if (!all.length) return;
    const at = all.indexOf(current());
    const next = all[Math.min(all.length - 1, Math.max(0, at === -1 ? 0 : at + step))];
    all.forEach((row) => row.classList.remove("current"));
    next.classList.add("current");
    next.querySelector("[data-open]").focus();
  }

  function submit(id) {
    const form = document.getElementById(id);
    if (form) form.submit();
  }

  function write(kind) {
    const choice = document.getElementById("type-" + kind);
    const text = document.getElementById("composer-text");
    if (!choice || !text) return;
    choice.checked = true;
    text.focus();
  }

  const keys = {
    j: () => move(1),
    k: () => move(-1),
    o: () => { const row = current(); if (row) row.querySelector("[data-open]").click(); },
    x: () => {
      const row = current();
      if (row) { const box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; }
    },
    r: () => write("reply"),
    n: () => write("note"),
    a: () => submit("assign-me"),
    s: () => submit("solve"),
    u: () => { const up = document.querySelector("[data-up]"); if (up) up.click(); },
    "?": () => { const help = document.getElementById("shortcuts"); if (help) help.showModal(); },
  };
  window.minideskKeys = keys;  // live.js gives the inbox its own a, s, r and n

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });

  document.addEventListener("DOMContentLoaded", () => {
    // "Back to the inbox" returns to the view the agent came from, not the default one.
    if (document.querySelector("[data-list]") || location.pathname === "/inbox") {
      sessionStorage.setItem("minidesk.view", location.pathname + location.search);
    }
    const up = document.querySelector("[data-up]");
    const view = sessionStorage.getItem("minidesk.view");
    if (up && view && view.startsWith("/inbox")) up.setAttribute("href", view);
    const help = document.querySelector("[data-help]");
    const dialog = document.getElementById("shortcuts");
    if (help && dialog) help.addEventListener("click", () => dialog.showModal());
  });
})();
