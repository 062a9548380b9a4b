/* Webcare agent inbox: live updates and keyboard. No framework; HTMX renders fragments.
 * Websocket events are hints: on any event (or after a reconnect) we re-fetch the fragment
 * from the server, which is the record. */
(function () {
  "use strict";
  var root = document.getElementById("inbox");
  if (!root) return;
  var socket = null;
  var retryDelay = 500;
  var listTimer = null;
  var subscribed = null;

  function openConversationId() {
    var view = document.querySelector(".conversation-view");
    return view ? view.getAttribute("data-conversation-id") : "";
  }

  function openChannel() {
    var view = document.querySelector(".conversation-view");
    return view ? view.getAttribute("data-channel") : "";
  }

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
    } catch (e) {
      return "";
    }
  }

  // Live chat only: tell the visitor's widget that an agent read or is typing.
  function livechatPost(action, body) {
    var id = openConversationId();
    if (!id || openChannel() !== "livechat") return;
    fetch("/livechat/conversations/" + id + "/" + action + "/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body || {}),
    }).catch(function () {});
  }

  var lastTypingSent = 0;
  var typingTimer = null;

  function showCustomerTyping() {
    var line = document.getElementById("typing-line");
    if (!line) return;
    line.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { line.hidden = true; }, 4000);
  }

  function refreshList() {
    clearTimeout(listTimer);
    listTimer = setTimeout(function () {
      htmx.trigger("#conversation-list", "webcare:refresh-list");
    }, 250);
  }

  function refreshMessages() {
    if (document.getElementById("timeline")) htmx.trigger("#timeline", "webcare:refresh-messages");
  }

  function subscribeOpenConversation() {
    var id = openConversationId();
    if (!socket || socket.readyState !== WebSocket.OPEN || id === subscribed) return;
    if (subscribed) socket.send(JSON.stringify({ action: "unsubscribe_conversation", conversation_id: subscribed }));
    if (id) socket.send(JSON.stringify({ action: "subscribe_conversation", conversation_id: id }));
    subscribed = id;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + location.host + root.getAttribute("data-ws-path"));
    socket.onopen = function () {
      retryDelay = 500;
      subscribed = null;
      subscribeOpenConversation();
      // We may have missed events while disconnected: catch up from the database.
      refreshList();
      refreshMessages();
    };
    socket.onmessage = function (frame) {
      var event = JSON.parse(frame.data);
      if (!event.event || event.event === "hello" || event.event === "pong") return;
      if (event.event === "visitor_typing") {
        if (String(event.conversation_id) === openConversationId() && event.typing !== false) showCustomerTyping();
        return;
      }
      if (event.conversation_id) refreshList();
      if (event.conversation_id && String(event.conversation_id) === openConversationId()) refreshMessages();
    };
    socket.onclose = function () {
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }

  function scrollTimeline() {
    var timeline = document.getElementById("timeline");
    if (timeline) timeline.scrollTop = timeline.scrollHeight;
  }

  function colourServiceLevel() {
    var now = Date.now() / 1000;
    document.querySelectorAll(".sla[data-since]").forEach(function (el) {
      var waited = now - Number(el.getAttribute("data-since"));
      var target = Number(el.getAttribute("data-target")) || 1;
      el.classList.toggle("sla-amber", waited >= target * 0.75 && waited < target);
      el.classList.toggle("sla-red", waited >= target);
      el.textContent = Math.floor(waited / 60) + " min";
    });
  }

  document.addEventListener("input", function (e) {
    if (e.target && e.target.id === "composer-input" && Date.now() - lastTypingSent > 3000) {
      lastTypingSent = Date.now();
      livechatPost("typing", { typing: true });
    }
  });

  document.addEventListener("keydown", function (e) {
    // Enter sends, Shift+Enter adds a line.
    if (e.target && e.target.id === "composer-input" && e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      if (e.target.value.trim()) htmx.trigger("#composer", "submit");
    }
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    if (e.detail.target.id === "timeline") {
      var form = document.getElementById("composer");
      var failed = e.detail.xhr && e.detail.xhr.status >= 400;
      if (form && !failed && e.detail.requestConfig && e.detail.requestConfig.verb === "post") form.reset();
      scrollTimeline();
    }
    if (e.detail.target.id === "conversation-pane") {
      root.setAttribute("data-open-conversation", openConversationId());
      subscribeOpenConversation();
      livechatPost("seen");
      scrollTimeline();
    }
    colourServiceLevel();
  });

  document.addEventListener("DOMContentLoaded", function () {
    // A refused reply (window closed) comes back as 422 with the reason: show it.
    htmx.config.responseHandling.unshift({ code: "422", swap: true, error: false });
    connect();
    livechatPost("seen");
    scrollTimeline();
    colourServiceLevel();
    setInterval(colourServiceLevel, 30000);
  });
})();
