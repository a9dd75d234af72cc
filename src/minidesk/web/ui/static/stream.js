// minidesk's one connection to /api/v1/stream per page (docs/realtime.md). Page scripts do not
// open sockets: they call minidesk.stream.on(handler) and get every message, and
// minidesk.stream.send(op) to follow a view or a ticket. One socket, because two on a page
// doubled every notice and every "viewing" signal, and the server counts sockets per agent.
// Also the helpers for what a notice points at: the server's own rendered partials, parsed
// without running anything. Nothing here builds markup from data.
(function () {
  "use strict";

  const handlers = [];
  let socket = null;
  let attempt = 0;
  let connectedBefore = false;
  let me = null;

  function send(op) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(op));
  }

  // Every handler sees every message; one that throws must not starve the others.
  function dispatch(message, context) {
    handlers.forEach((handler) => {
      try { handler(message, context); } catch (error) { console.error(error); }
    });
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(scheme + "//" + location.host + "/api/v1/stream", ["minidesk.v1"]);
    socket.addEventListener("message", (event) => {
      let message;
      try { message = JSON.parse(event.data); } catch (_) { return; }
      if (message.type === "hello") {
        me = message.user;
        attempt = 0;
        document.documentElement.dataset.live = "connected";
        // Notices sent while the socket was down are not replayed: `reconnected` tells page
        // code to refetch what it shows.
        dispatch(message, { reconnected: connectedBefore });
        connectedBefore = true;
        return;
      }
      dispatch(message, { reconnected: false });
    });
    socket.addEventListener("close", (event) => {
      document.documentElement.dataset.live = "disconnected";
      dispatch({ type: "closed", code: event.code }, { reconnected: false });
      if (event.code === 4401) {  // signed out: only a new sign-in helps, not retrying
        announce("Live updates stopped: your session ended. Reload to sign in again.");
        return;
      }
      // 1 s, 2 s, 4 s … up to 30 s, jittered so a restarted server is not hit all at once.
      const delay = Math.min(30000, 1000 * 2 ** attempt) * (0.5 + Math.random() / 2);
      attempt = Math.min(attempt + 1, 5);
      window.setTimeout(connect, delay);
    });
  }

  // Runs `fn` at most once per `ms`, however many notices ask for it meanwhile.
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

  // Screen readers hear a repeated sentence only if the region changes: clear, then set.
  function announce(text, id) {
    const status = document.getElementById(id || "live-status");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 30);
  }

  window.minidesk = window.minidesk || {};
  window.minidesk.stream = {
    on: (handler) => { handlers.push(handler); },
    send: send,
    user: () => me,
  };
  window.minidesk.html = { later: later, parse: parse, fetchText: fetchText, announce: announce };

  // Deferred page scripts have all run by now: open the socket only if one of them listens.
  document.addEventListener("DOMContentLoaded", () => {
    if (handlers.length && "WebSocket" in window) connect();
  });
})();
