// minidesk handle time: the ticket page counts the seconds an agent works on it and sends the
// visit's running total to /api/v1/tickets/N/work (docs/metrics.md, handle time). A second
// counts only while the page is visible, the window has focus and the agent used keyboard,
// mouse or touch within IDLE_MS: an open tab left alone stops counting after a minute. The
// total (not an increment) makes a repeated or late beat harmless; the server also caps what
// a beat may add by the time since the previous one.
(function () {
  "use strict";

  const page = document.querySelector("[data-ticket-page]");
  if (!page) return;
  const ticket = Number(page.dataset.ticketPage);
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const BEAT_MS = 20000;  // insights.work.BEAT_SECONDS
  const IDLE_MS = 60000;  // insights.work.IDLE_SECONDS
  const visit = randomId();
  let active = 0;  // seconds counted on this visit
  let sent = 0;
  let focused = document.hasFocus();
  let lastInput = focused ? Date.now() : 0;

  function randomId() {
    const bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return "v" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function input() { lastInput = Date.now(); }
  // Not "scroll": the page scrolls itself too (a live update focusing the reply box), and
  // an agent's own scrolling comes with a wheel, key, pointer or touch event anyway.
  ["keydown", "pointerdown", "pointermove", "wheel", "touchstart"].forEach((kind) =>
    window.addEventListener(kind, input, { passive: true, capture: true }));
  window.addEventListener("focus", () => { focused = true; input(); });
  window.addEventListener("blur", () => { focused = false; });

  setInterval(() => {
    if (document.visibilityState === "visible" && focused && Date.now() - lastInput < IDLE_MS) {
      active += 1;
    }
  }, 1000);

  function send(leaving) {
    if (active === sent) return;
    sent = active;
    fetch("/api/v1/tickets/" + ticket + "/work", {
      method: "POST",
      credentials: "same-origin",
      // keepalive lets the last beat leave with the page.
      keepalive: leaving,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ visit: visit, active_seconds: active }),
    // Not delivered: the next beat sends the total again.
    }).catch(() => { sent = 0; });
  }

  setInterval(() => send(false), BEAT_MS);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") send(true);
  });
  window.addEventListener("pagehide", () => send(true));
})();
