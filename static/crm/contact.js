/* The contact page stays current: it listens on the agent's websocket (the same /ws/inbox/
 * the inbox uses, which joins the agent to their inboxes' groups) for contact_updated and
 * contact_merged hints about this contact, then re-fetches the page region from the server.
 * Events are hints, never the record; a reconnect re-fetches too. An edit in progress is
 * never overwritten: the refresh waits until no field form is open. */
(function () {
  "use strict";
  var root = document.getElementById("contact-page");
  if (!root || !window.WebSocket) return;
  var contactId = root.getAttribute("data-contact-id");
  var pending = false;
  var inflight = 0;
  var lastOwnChange = 0;
  // The agent's own edits come back as fragments already; their echo on the socket is skipped,
  // and no refresh may swap the page while one of our requests is on its way.
  document.addEventListener("htmx:beforeRequest", function () { inflight++; });
  document.addEventListener("htmx:afterRequest", function () { inflight = Math.max(inflight - 1, 0); lastOwnChange = Date.now(); });

  function busy() {
    var active = document.activeElement;
    return document.querySelector("#contact-page .field-form") ||
      (active && active.form && root.contains(active) && active.value);
  }

  function refresh() {
    if (inflight) { pending = true; return; }
    if (busy()) { pending = true; return; }
    pending = false;
    if (window.htmx) htmx.ajax("GET", location.pathname, { target: "#contact-page", select: "#contact-page", swap: "outerHTML" });
    else location.reload();
  }

  document.addEventListener("focusout", function () { if (pending) setTimeout(refresh, 50); });
  document.addEventListener("htmx:afterSwap", function () {
    root = document.getElementById("contact-page") || root;
    if (pending) setTimeout(refresh, 50);
  });

  var retry = 1000;
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + root.getAttribute("data-ws-path"));
    socket.onopen = function () { retry = 1000; };
    socket.onmessage = function (frame) {
      var event = JSON.parse(frame.data);
      if (event.event !== "contact_updated" && event.event !== "contact_merged") return;
      var ids = [String(event.contact_id), String(event.merged_id)];
      if (ids.indexOf(contactId) === -1) return;
      if (event.event === "contact_merged" && String(event.merged_id) === contactId && !event.undone) {
        location.reload();  // this contact was merged away: the server redirects to the survivor
        return;
      }
      if (Date.now() - lastOwnChange < 1500) return;
      refresh();
    };
    socket.onclose = function () { setTimeout(function () { connect(); refresh(); }, retry); retry = Math.min(retry * 2, 30000); };
    window.webcareContactSocket = function () { return socket; };
  }
  connect();
})();

/* Starting a conversation with a template: show (and send) only the chosen template's parameters. */
document.addEventListener("change", function (e) {
  var select = e.target;
  if (!select.matches || !select.matches("[data-template-select]")) return;
  select.form.querySelectorAll("[data-template-for]").forEach(function (fieldset) {
    var chosen = fieldset.getAttribute("data-template-for") === select.value;
    fieldset.hidden = !chosen;
    fieldset.disabled = !chosen;
  });
});
