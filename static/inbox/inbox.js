/* Webcare agent inbox: live updates, presence, composer helpers and keyboard. No framework;
 * HTMX renders fragments. Websocket events are hints: on any event (or after a reconnect) we
 * re-fetch the fragment from the server, which is the record. Text from the server is only
 * ever put into the page with textContent, never as HTML. */
(function () {
  "use strict";
  var root = document.getElementById("inbox");
  if (!root) return;
  var myId = root.getAttribute("data-user-id");
  var baseTitle = root.getAttribute("data-title") || document.title;
  var socket = null;
  var retryDelay = 500;
  var listTimer = null;
  var subscribed = null;

  // ---- small helpers -------------------------------------------------------------------
  function view() { return document.querySelector(".conversation-view"); }
  function openConversationId() { var v = view(); return v ? v.getAttribute("data-conversation-id") : ""; }
  function openInboxId() { var v = view(); return v ? v.getAttribute("data-inbox-id") : ""; }
  function composer() { return document.getElementById("composer-input"); }
  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }
  function typingInField(e) {
    var t = e.target;
    return t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }
  function toast(text) {
    var box = document.getElementById("toast");
    if (!box) return;
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(function () { box.hidden = true; }, 5000);
  }
  function send(payload) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  }

  // The open conversation is read: when it is shown (`opened`: the channel may tell the
  // customer, as read receipts or "seen" in the widget) and when new messages arrive while it
  // is open. A POST from this
  // page only: fetching the inbox or a fragment never marks anything read.
  function markSeen(opened) {
    var id = openConversationId();
    if (!id) return;
    var body = new URLSearchParams();
    if (opened) body.set("opened", "1");
    fetch("/inbox/conversations/" + id + "/seen/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      body: body,
    }).then(function (r) { return r.ok ? r.json() : {}; }).then(function (answer) {
      if (answer.cleared) refreshList();
    }).catch(function () {});
  }

  // The agent is typing a reply: the channel may show the customer (the widget's typing line,
  // Messenger's indicator); the server decides per channel and throttles.
  function channelTyping() {
    var id = openConversationId();
    if (!id) return;
    fetch("/inbox/conversations/" + id + "/typing/", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
    }).catch(function () {});
  }

  var typingTimer = null;
  function showCustomerTyping() {
    var line = document.getElementById("typing-line");
    if (!line) return;
    line.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { line.hidden = true; }, 4000);
  }

  // ---- refreshing fragments --------------------------------------------------------------
  function refreshList() {
    clearTimeout(listTimer);
    listTimer = setTimeout(function () {
      var list = document.getElementById("conversation-list");
      if (!list) return;
      var keep = currentListQuery();
      htmx.ajax("GET", "/inbox/list/?" + keep, { target: "#conversation-list", swap: "innerHTML" });
    }, 250);
  }
  function currentListQuery() {
    var params = new URLSearchParams(location.search);
    params.delete("c");
    params.delete("m");
    var page = document.querySelector(".conversation-list");
    if (page && page.getAttribute("data-page") && page.getAttribute("data-page") !== "1") {
      params.set("page", page.getAttribute("data-page"));
    }
    return params.toString();
  }
  function refreshMessages() {
    if (document.getElementById("timeline")) htmx.trigger("#timeline", "webcare:refresh-messages");
  }
  function updateTitle() {
    var list = document.querySelector(".conversation-list");
    var unread = list ? Number(list.getAttribute("data-unread-total") || 0) : 0;
    document.title = (unread > 0 ? "(" + unread + ") " : "") + baseTitle;
  }

  // ---- presence: who else has this conversation open, who is replying -------------------
  var others = {}; // user id -> {name, state, until}
  var presenceTimer = null;
  var lastTypingSent = 0;

  function renderPresence() {
    var line = document.getElementById("presence-line");
    if (!line) return;
    var now = Date.now();
    var typing = [], viewing = [];
    Object.keys(others).forEach(function (id) {
      var o = others[id];
      if (o.until < now) { delete others[id]; return; }
      (o.state === "typing" ? typing : viewing).push(o.name);
    });
    var parts = [];
    if (typing.length) parts.push(fmt(typing.length > 1 ? "%s are replying" : "%s is replying", typing.join(", ")));
    if (viewing.length) parts.push(fmt(viewing.length > 1 ? "%s are viewing" : "%s is viewing", viewing.join(", ")));
    line.textContent = parts.join(" · ");
    line.hidden = parts.length === 0;
    line.classList.toggle("collision", typing.length > 0);
  }
  function fmt(key, value) {
    var template = (window.gettext ? window.gettext(key) : (PRESENCE_TEXT[key] || key));
    return template.replace("%s", value);
  }
  var PRESENCE_TEXT = (function () {
    var el = document.getElementById("presence-texts");
    try { return el ? JSON.parse(el.textContent) : {}; } catch (e) { return {}; }
  })();

  function announce(state, ask) {
    var id = openConversationId();
    if (id) send({ action: "presence", conversation_id: id, state: state, ask: !!ask });
  }
  function onPresence(event) {
    if (String(event.user_id) === String(myId) || String(event.conversation_id) !== openConversationId()) return;
    if (event.state === "left") delete others[event.user_id];
    else others[event.user_id] = {
      name: event.name, state: event.state, until: Date.now() + (event.state === "typing" ? 6000 : 45000)
    };
    if (event.ask) announce(Date.now() - lastTypingSent < 4000 ? "typing" : "viewing", false);
    renderPresence();
  }

  // ---- colleagues' status: the sidebar list and the assign pickers ---------------------------
  // Live from the socket's availability_changed events (the inboxes' groups carry every
  // colleague who answers them); a pane or page load renders the same from the server.
  var AVAILABILITY_ORDER = { online: 0, away: 1, offline: 2 };
  function showColleagueAvailability(userId, value) {
    if (!(value in AVAILABILITY_ORDER)) return;
    var label = root.getAttribute("data-availability-" + value) || value;
    document.querySelectorAll('[data-presence-user="' + userId + '"]').forEach(function (el) {
      el.setAttribute("data-availability", value);
      if (el.tagName === "OPTION") {
        el.textContent = "\u25CF " + el.getAttribute("data-name") + " (" + label + ")";
        return;
      }
      var dot = el.querySelector(".availability-dot");
      if (dot) dot.setAttribute("data-value", value);
      var status = el.querySelector(".colleague-status");
      if (status) status.textContent = label;
    });
    var list = document.querySelector('[data-testid="colleagues"]');
    if (!list) return;
    var items = Array.prototype.slice.call(list.children);
    items.sort(function (a, b) {
      var byStatus = AVAILABILITY_ORDER[a.getAttribute("data-availability")] - AVAILABILITY_ORDER[b.getAttribute("data-availability")];
      if (byStatus) return byStatus;
      return a.querySelector(".colleague-name").textContent.localeCompare(b.querySelector(".colleague-name").textContent);
    });
    items.forEach(function (item) { list.appendChild(item); });
  }

  // ---- the websocket ---------------------------------------------------------------------
  function subscribeOpenConversation() {
    var id = openConversationId();
    if (!socket || socket.readyState !== WebSocket.OPEN || id === subscribed) return;
    if (subscribed) send({ action: "unsubscribe_conversation", conversation_id: subscribed });
    others = {};
    renderPresence();
    if (id) send({ action: "subscribe_conversation", conversation_id: id });
    subscribed = id;
  }
  // The live socket, for diagnostics in the browser console (and the reconnect e2e test).
  window.webcareInboxSocket = function () { return socket; };

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
      if (event.event === "subscribed") { announce("viewing", true); return; }
      notifyFor(event);
      if (event.event === "presence") { onPresence(event); return; }
      if (event.event === "availability_changed") {
        if (String(event.user_id) === String(myId) && window.webcareAvailabilityShow) window.webcareAvailabilityShow(event.availability);
        showColleagueAvailability(String(event.user_id), event.availability);
        return;
      }
      if (event.event === "visitor_typing") {
        if (String(event.conversation_id) === openConversationId() && event.typing !== false) showCustomerTyping();
        return;
      }
      if (event.event === "sla_warning" || event.event === "sla_breached") {
        var box = document.getElementById("toast");
        var later = event.target === "next_response" ? "data-sla-next-" : "data-sla-";
        var text = box && box.getAttribute(later + (event.event === "sla_warning" ? "warning" : "breached"));
        if (text) toast(text + " #" + event.conversation_id);
        refreshList();
        return;
      }
      if (event.event === "contact_updated" || event.event === "contact_merged") {
        var panel = document.getElementById("contact-panel");
        if (panel) htmx.trigger(panel, "webcare:refresh-contact");
        return;
      }
      if (event.conversation_id) refreshList();
      if (event.conversation_id && String(event.conversation_id) === openConversationId()) {
        if (event.event === "conversation_updated") {
          pane.latest = Math.max(pane.latest, Number(event.version) || 0);
          reloadPaneIfBehind();
        } else {
          refreshMessages();
        }
      }
    };
    socket.onclose = function () {
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 15000);
    };
  }
  // The open conversation's header follows changes made elsewhere (another agent, a rule).
  // Not while a request of our own for the pane is under way: its answer is at least as new,
  // and a reload racing it would replace buttons the agent is about to press.
  // Requests for the pane under way, by request, with when they started: an entry is removed
  // however its request ends (answered, aborted, failed), and one that somehow never reports
  // its end stops counting after PANE_REQUEST_MS, so the header can never stay behind for good.
  var PANE_REQUEST_MS = 10000;
  // `asked` numbers pane requests as they start and `shown` is the number of the answer on screen:
  // an answer to a request older than the one shown is what the agent has moved on from.
  var pane = { pending: new Map(), latest: 0, asked: 0, shown: 0 };
  function paneBusy() {
    var now = Date.now();
    var busy = false;
    pane.pending.forEach(function (started, xhr) {
      if (now - started > PANE_REQUEST_MS) pane.pending.delete(xhr);
      else busy = true;
    });
    return busy;
  }
  function reloadPaneIfBehind() {
    var v = view();
    if (!v || paneBusy() || pane.latest <= Number(v.getAttribute("data-version"))) return;
    if (composerBusy()) { refreshMessages(); return; }
    htmx.ajax("GET", "/inbox/conversations/" + openConversationId() + "/", { target: "#conversation-pane" });
  }
  // Events are hints and one can be lost: now and then the open conversation's version is
  // asked for, and a header that fell behind is fetched again.
  function checkPaneVersion() {
    var id = openConversationId();
    if (!id || document.visibilityState !== "visible") return;
    fetch("/inbox/conversations/" + id + "/version/", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (answer) {
        if (!answer.version || id !== openConversationId()) return;
        pane.latest = Math.max(pane.latest, Number(answer.version) || 0);
        reloadPaneIfBehind();
      }).catch(function () {});
  }
  setInterval(checkPaneVersion, 10000);
  function targetsPane(e) { return e.detail.target && e.detail.target.id === "conversation-pane"; }
  // A request is forgotten when its own XMLHttpRequest ends: htmx's afterRequest is fired on
  // the element that made the request, and a conversation link swapped out of the list by a
  // live refresh meanwhile is no longer in the document to pass it on.
  document.addEventListener("htmx:beforeRequest", function (e) {
    var xhr = e.detail.xhr;
    if (!targetsPane(e) || !xhr) return;
    xhr.paneRequest = ++pane.asked;
    pane.pending.set(xhr, Date.now());
    xhr.addEventListener("loadend", function () {
      if (pane.pending.delete(xhr)) setTimeout(reloadPaneIfBehind, 0);
    });
  });

  // Re-rendering the whole pane would throw away what the agent is typing: then only the
  // timeline is refreshed, and the header catches up on the next open.
  function composerBusy() {
    var input = composer();
    return input && (input.value.trim() !== "" || document.activeElement === input);
  }

  // ---- timeline, service level ------------------------------------------------------------
  function scrollTimeline() {
    var timeline = document.getElementById("timeline");
    if (!timeline) return;
    var highlighted = timeline.querySelector(".highlighted");
    if (highlighted) highlighted.scrollIntoView({ block: "center" });
    else timeline.scrollTop = timeline.scrollHeight;
  }
  function colourServiceLevel() {
    var now = Date.now() / 1000;
    document.querySelectorAll(".sla[data-since]").forEach(function (el) {
      var waited = Math.max(0, now - Number(el.getAttribute("data-since")));
      var target = Number(el.getAttribute("data-target")) || 1;
      el.classList.toggle("sla-amber", waited >= target * 0.75 && waited < target);
      el.classList.toggle("sla-red", waited >= target);
      var minutes = Math.floor(waited / 60);
      el.textContent = minutes < 60 ? minutes + " min" : Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
    });
  }

  // ---- composer: reply / note mode, reply-to, canned responses, templates, files ---------
  function setMode(mode) {
    var form = document.getElementById("composer");
    if (!form) return;
    var note = mode === "note";
    form.classList.toggle("note-mode", note);
    document.getElementById("composer-private").value = note ? "1" : "";
    form.querySelectorAll(".mode").forEach(function (b) {
      b.setAttribute("aria-selected", String(b.getAttribute("data-mode") === mode));
    });
    var input = composer();
    if (input) {
      input.disabled = false;
      input.focus();
    }
  }
  function setReplyTo(id, text) {
    var field = document.getElementById("composer-reply-to");
    var line = document.getElementById("replying-to");
    if (!field || !line) return;
    field.value = id || "";
    line.hidden = !id;
    line.querySelector("span").textContent = id ? "↩ " + text : "";
    if (id && composer()) composer().focus();
  }

  var canned = { items: [], index: 0, timer: null };
  function cannedQuery() {
    var input = composer();
    if (!input) return null;
    var before = input.value.slice(0, input.selectionStart);
    var match = /(?:^|\s)\/([\w-]*)$/.exec(before);
    return match ? match[1] : null;
  }
  function cannedUpdate() {
    var query = cannedQuery();
    var picker = document.getElementById("canned-picker");
    if (!picker) return;
    if (query === null) { picker.hidden = true; canned.items = []; return; }
    clearTimeout(canned.timer);
    canned.timer = setTimeout(function () {
      var url = "/inbox/canned/?q=" + encodeURIComponent(query) + "&inbox=" + encodeURIComponent(openInboxId());
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        canned.items = data.results || [];
        canned.index = 0;
        cannedRender();
        if (!canned.items.length && data.none_exist) cannedExplain(!!data.may_manage);
      }).catch(function () {});
    }, 120);
  }
  function cannedRender() {
    var picker = document.getElementById("canned-picker");
    if (!picker) return;
    picker.textContent = "";
    canned.items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-testid", "canned-option");
      li.setAttribute("aria-selected", String(i === canned.index));
      var head = document.createElement("strong");
      head.textContent = "/" + item.shortcut + " · " + item.title;
      var category = document.createElement("span");
      category.className = "category category-" + item.category;
      category.textContent = item.category_label;
      var body = document.createElement("span");
      body.className = "muted";
      body.textContent = item.text.slice(0, 90);
      li.appendChild(head); li.appendChild(category); li.appendChild(body);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); cannedInsert(i); });
      picker.appendChild(li);
    });
    picker.hidden = canned.items.length === 0;
  }
  // No canned responses at all: say where they come from instead of showing nothing.
  function cannedExplain(mayManage) {
    var picker = document.getElementById("canned-picker");
    if (!picker) return;
    picker.textContent = "";
    var li = document.createElement("li");
    li.className = "picker-help";
    li.setAttribute("data-testid", "canned-none");
    li.textContent = picker.getAttribute("data-none") + " ";
    if (mayManage) {
      var link = document.createElement("a");
      link.href = picker.getAttribute("data-manage-url");
      link.textContent = picker.getAttribute("data-manage");
      link.setAttribute("data-testid", "canned-manage-link");
      li.appendChild(link);
    }
    picker.appendChild(li);
    picker.hidden = false;
  }
  function cannedInsert(i) {
    var item = canned.items[i];
    var input = composer();
    if (!item || !input) return;
    var cursor = input.selectionStart;
    var before = input.value.slice(0, cursor).replace(/\/[\w-]*$/, "");
    input.value = before + item.text + input.value.slice(cursor);
    input.selectionStart = input.selectionEnd = (before + item.text).length;
    canned.items = [];
    document.getElementById("canned-picker").hidden = true;
    input.focus();
  }

  function templateRender() {
    var select = document.getElementById("template-select");
    var box = document.getElementById("template-parameters");
    if (!select || !box) return;
    var option = select.options[select.selectedIndex];
    var count = option ? Number(option.getAttribute("data-parameters") || 0) : 0;
    var names = option ? (option.getAttribute("data-parameter-names") || "").split(",") : [];
    document.getElementById("template-body").textContent = option ? option.getAttribute("data-body") : "";
    box.textContent = "";
    for (var i = 1; i <= count; i++) {
      var label = document.createElement("label");
      // "body.1" -> "{{1}}", "header.1" -> "header {{1}}": what the agent sees in the template text
      var name = (names[i - 1] || "body." + i).split(".");
      var input = document.createElement("input");
      if (name[0] === "header" && name[1] === "link") {
        // a media header: the https link of the image, video or document
        label.textContent = box.getAttribute("data-label-header-link") + " ";
        input.type = "url";
        input.pattern = "https://.*";
      } else if (name[0] === "button") {
        // the dynamic end of a URL button's link
        label.textContent = box.getAttribute("data-label-button").replace("%s", Number(name[1]) + 1) + " ";
      } else {
        label.textContent = (name[0] === "body" ? "" : name[0] + " ") + "{{" + name.slice(1).join(".") + "}} ";
      }
      input.name = "parameter";
      input.required = true;
      input.setAttribute("data-testid", "template-parameter");
      label.appendChild(input);
      box.appendChild(label);
    }
  }

  // ---- list selection, bulk -----------------------------------------------------------------
  function items() { return Array.prototype.slice.call(document.querySelectorAll(".conversation-item")); }
  function moveSelection(step) {
    var all = items();
    if (!all.length) return;
    var current = all.findIndex(function (li) { return li.classList.contains("cursor"); });
    if (current < 0) current = all.findIndex(function (li) { return li.classList.contains("selected"); });
    var next = Math.max(0, Math.min(all.length - 1, current + step));
    all.forEach(function (li) { li.classList.remove("cursor"); });
    all[next].classList.add("cursor");
    all[next].querySelector("a").focus();
  }
  function bulkUpdate() {
    var form = document.getElementById("bulk-form");
    if (!form) return;
    var picked = document.querySelectorAll(".bulk-pick:checked").length;
    form.hidden = picked === 0;
    form.querySelector(".bulk-count").textContent = picked ? picked + " ✓" : "";
  }

  // After a bulk action the tags picked for it are put away, so the next one starts empty.
  document.addEventListener("webcare:bulk-done", function () {
    var picker = document.querySelector("#bulk-form [data-tag-picker]");
    if (!picker) return;
    picker.querySelector(".tag-chips").textContent = "";
    picker.querySelector("[data-tag-value]").value = "";
  });

  // A button swapped in moments ago is wired by htmx only when the swap settles (20 ms):
  // wire it now, so a fast keyboard shortcut never clicks a dead button.
  function press(id) {
    var button = document.getElementById(id);
    if (!button) return;
    htmx.process(button);
    button.click();
  }

  // ---- @mentions in private notes ----------------------------------------------------------
  // In note mode, "@" and the start of a name offers the colleagues who may see this
  // conversation (the server decides who); the chosen one is written as "@Name".
  var mention = { items: [], index: 0, timer: null };
  function noteMode() { var f = document.getElementById("composer-private"); return f && f.value === "1"; }
  function mentionQuery() {
    var input = composer();
    if (!input || !noteMode()) return null;
    var before = input.value.slice(0, input.selectionStart);
    var match = /(?:^|[\s(\[])@([^\s@]{0,30})$/.exec(before);
    return match ? match[1] : null;
  }
  function mentionHide() {
    var picker = document.getElementById("mention-picker");
    if (picker) picker.hidden = true;
    mention.items = [];
  }
  function mentionUpdate() {
    var query = mentionQuery();
    var picker = document.getElementById("mention-picker");
    if (!picker) return;
    if (query === null) { mentionHide(); return; }
    clearTimeout(mention.timer);
    mention.timer = setTimeout(function () {
      fetch(picker.getAttribute("data-url") + "?q=" + encodeURIComponent(query), { credentials: "same-origin" })
        .then(function (r) { return r.json(); }).then(function (data) {
          if (mentionQuery() !== query) return; // typed on meanwhile: a newer answer follows
          mention.items = data.results || [];
          mention.index = 0;
          mentionRender();
        }).catch(function () {});
    }, 120);
  }
  function mentionRender() {
    var picker = document.getElementById("mention-picker");
    if (!picker) return;
    picker.textContent = "";
    mention.items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-testid", "mention-option");
      li.setAttribute("aria-selected", String(i === mention.index));
      li.textContent = item.name;
      if (item.name !== item.username) {
        var login = document.createElement("span");
        login.className = "muted";
        login.textContent = " @" + item.username;
        li.appendChild(login);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); mentionInsert(i); });
      picker.appendChild(li);
    });
    if (!mention.items.length) {
      var none = document.createElement("li");
      none.className = "picker-help muted";
      none.textContent = picker.getAttribute("data-none");
      picker.appendChild(none);
    }
    picker.hidden = false;
  }
  function mentionInsert(i) {
    var item = mention.items[i];
    var input = composer();
    if (!item || !input) return;
    var cursor = input.selectionStart;
    var before = input.value.slice(0, cursor).replace(/@[^\s@]*$/, "");
    var inserted = "@" + item.name + " ";
    input.value = before + inserted + input.value.slice(cursor);
    input.selectionStart = input.selectionEnd = (before + inserted).length;
    mentionHide();
    input.focus();
  }

  // ---- desktop notifications ------------------------------------------------------------------
  // Opt-in per agent (the profile page stores which kinds); the browser's permission is asked
  // only from a button. A live event that may concern the agent asks the server whether to
  // notify and with what words; several tabs show one notification (same tag).
  var notifyPrefs = (function () {
    var el = document.getElementById("notification-preferences");
    try { return el ? JSON.parse(el.textContent) : { kinds: [], sound: false }; } catch (e) { return { kinds: [], sound: false }; }
  })();
  function notificationsSupported() { return typeof window.Notification === "function"; }
  function notifyAskUpdate() {
    var bar = document.getElementById("notify-ask");
    if (!bar) return;
    bar.hidden = !(notifyPrefs.kinds.length && notificationsSupported() && Notification.permission === "default");
  }
  function notifyKind(event) {
    var mine = function (id) { return id !== undefined && id !== null && String(id) === String(myId); };
    if (event.event === "conversation_created") return "new_conversation";
    if (event.event === "mention_created") return "mentioned";
    if (event.event === "conversation_updated" && mine(event.assignee_id) && !mine(event.assigned_by)) return "assigned";
    if (event.event === "message_created" && event.direction === "in" && mine(event.assignee_id)) return "customer_reply";
    return "";
  }
  function notifyFor(event) {
    var kind = notifyKind(event);
    if (!kind || notifyPrefs.kinds.indexOf(kind) < 0) return;
    if (!notificationsSupported() || Notification.permission !== "granted") return;
    // The agent is looking at it already.
    if (document.visibilityState === "visible" && document.hasFocus() &&
        String(event.conversation_id) === openConversationId()) return;
    var query = new URLSearchParams({ kind: kind, conversation: event.conversation_id });
    if (event.message_id && kind !== "new_conversation" && kind !== "assigned") query.set("message", event.message_id);
    fetch("/inbox/notifications/?" + query.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (answer) {
        if (!answer.notify) return;
        var shown = new Notification(answer.title, { body: answer.body, tag: answer.tag });
        shown.onclick = function () {
          window.focus();
          openConversation(answer.conversation_id);
          shown.close();
        };
        if (notifyPrefs.sound) chime();
      }).catch(function () {});
  }
  // A short two-note chime, made here: no sound file to load.
  var audio = null;
  function chime() {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      [660, 880].forEach(function (frequency, i) {
        var start = audio.currentTime + i * 0.15;
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.15, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + 0.3);
        tone.connect(gain); gain.connect(audio.destination);
        tone.start(start); tone.stop(start + 0.3);
      });
    } catch (e) { /* no audio: the notification still shows */ }
  }
  function openConversation(id) {
    var query = currentListQuery();
    htmx.ajax("GET", "/inbox/conversations/" + id + "/", {
      target: "#conversation-pane", push: "?" + (query ? query + "&" : "") + "c=" + id,
    });
  }

  // ---- snooze presets, resolve and open the next ------------------------------------------------
  function snoozeMenu() { return document.getElementById("snooze-menu"); }
  function snoozeOpen() {
    var menu = snoozeMenu();
    if (!menu) return;
    htmx.process(menu);
    menu.open = true;
    var first = menu.querySelector("[role=menuitem]");
    if (first) first.focus();
  }
  function snoozeMove(step) {
    var menu = snoozeMenu();
    var entries = Array.prototype.slice.call(menu.querySelectorAll("[role=menuitem]"));
    var at = entries.indexOf(document.activeElement);
    entries[(at + step + entries.length) % entries.length].focus();
  }
  function snoozeCustom() {
    var menu = snoozeMenu();
    var status = document.querySelector('#conversation-actions select[name="status"]');
    if (menu) menu.open = false;
    if (!status) return;
    status.value = "snoozed";
    status.dispatchEvent(new Event("change", { bubbles: true }));
  }
  // The conversation to open once the open one is resolved: the one below it in the list as
  // the agent sees it, else the one above; none: the empty state.
  // Conversations resolved from this page are skipped even while the list still shows them
  // (its live refresh may not have arrived yet).
  var resolvedHere = {};
  function nextConversationId() {
    var current = openConversationId();
    var ids = items().map(function (li) { return li.getAttribute("data-conversation-id"); });
    var at = ids.indexOf(current);
    var candidates = function (list) {
      return list.filter(function (id) { return id !== current && !resolvedHere[id]; });
    };
    if (at < 0) return candidates(ids)[0] || "";
    var below = candidates(ids.slice(at + 1));
    var above = candidates(ids.slice(0, at)).reverse();
    return below[0] || above[0] || "";
  }
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.elt && e.detail.elt.hasAttribute && e.detail.elt.hasAttribute("data-open-next")) {
      resolvedHere[openConversationId()] = true;
      e.detail.parameters.open_next = nextConversationId();
    }
  });
  function afterResolveNext() {
    var id = openConversationId();
    var query = currentListQuery();
    var url = "?" + query + (id ? (query ? "&" : "") + "c=" + id : "");
    history.pushState({}, "", url);
    refreshList();
  }

  // ---- events ---------------------------------------------------------------------------------
  document.addEventListener("input", function (e) {
    if (e.target && e.target.id === "composer-input") {
      if (Date.now() - lastTypingSent > 3000) {
        lastTypingSent = Date.now();
        var note = document.getElementById("composer-private").value === "1";
        if (!note) channelTyping();
        announce("typing");
      }
      cannedUpdate();
      mentionUpdate();
    }
  });
  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t) return;
    if (t.classList.contains("bulk-pick")) bulkUpdate();
    if (t.id === "template-select") templateRender();
    if (t.name === "file" && t.closest("#composer")) {
      document.getElementById("attach-names").textContent =
        Array.prototype.map.call(t.files, function (f) { return f.name; }).join(", ");
    }
    var actions = t.closest && t.closest("#conversation-actions");
    if (actions) {
      if (t.name === "status") {
        var snooze = actions.querySelector(".snooze");
        if (snooze) snooze.hidden = t.value !== "snoozed";
        // "snoozed" is saved at once: without a time the server picks tomorrow 09:00, shown in
        // the time field, where the agent may change it (a change saves again)
      }
      // A header swapped in moments ago is wired by htmx only when the swap settles: wire it now.
      htmx.process(actions);
      htmx.trigger(actions, "webcare:save");
    }
  });
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!t || !t.closest) return;
    var mode = t.closest(".composer-modes .mode");
    if (mode) setMode(mode.getAttribute("data-mode"));
    var replyButton = t.closest(".reply-to");
    if (replyButton) setReplyTo(replyButton.getAttribute("data-reply-to"), replyButton.getAttribute("data-reply-text"));
    if (t.id === "reply-cancel") setReplyTo("", "");
    var openMenu = snoozeMenu();
    if (openMenu && openMenu.open && !openMenu.contains(t)) openMenu.open = false; // a click elsewhere closes it
    if (t.closest(".snooze-custom")) snoozeCustom();
    if (t.closest(".snooze-preset")) { var menu = snoozeMenu(); if (menu) menu.open = false; }
    if (t.id === "notify-allow" && notificationsSupported()) {
      Notification.requestPermission().then(notifyAskUpdate);
    }
    // Narrow screens show one pane at a time (static/css: [data-pane]); these buttons switch.
    var switcher = t.closest("[data-show-pane]");
    if (switcher) root.setAttribute("data-pane", switcher.getAttribute("data-show-pane"));
    if (t.closest(".conversation-item a")) root.setAttribute("data-pane", "conversation");
    var actionsToggle = t.closest(".toggle-actions");
    if (actionsToggle) {
      var header = actionsToggle.closest(".conversation-header");
      var shown = header.classList.toggle("actions-open");
      actionsToggle.setAttribute("aria-expanded", shown ? "true" : "false");
    }
  });

  document.addEventListener("keydown", function (e) {
    var input = composer();
    if (e.target === input) {
      var people = document.getElementById("mention-picker");
      if (people && !people.hidden) {
        if (mention.items.length && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
          e.preventDefault();
          mention.index = (mention.index + (e.key === "ArrowDown" ? 1 : mention.items.length - 1)) % mention.items.length;
          mentionRender();
          return;
        }
        if (mention.items.length && (e.key === "Enter" || e.key === "Tab")) { e.preventDefault(); mentionInsert(mention.index); return; }
        if (e.key === "Escape") { e.preventDefault(); mentionHide(); return; }
      }
      var picker = document.getElementById("canned-picker");
      if (picker && !picker.hidden && canned.items.length) {
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          e.preventDefault();
          canned.index = (canned.index + (e.key === "ArrowDown" ? 1 : canned.items.length - 1)) % canned.items.length;
          cannedRender();
          return;
        }
        if (e.key === "Enter" || e.key === "Tab") { e.preventDefault(); cannedInsert(canned.index); return; }
        if (e.key === "Escape") { picker.hidden = true; canned.items = []; return; }
      }
      // Enter sends, Shift+Enter adds a line.
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        if (input.value.trim() || (document.querySelector('#composer input[type=file]') || {}).files?.length) {
          htmx.trigger("#composer", "submit");
        }
      }
      if (e.key === "Escape") input.blur();
      return;
    }
    if (e.target && e.target.id === "search-input" && e.key === "Escape") {
      e.target.value = "";
      document.getElementById("search-results").textContent = "";
      e.target.blur();
      return;
    }
    var menu = snoozeMenu();
    if (menu && menu.open && menu.contains(document.activeElement)) {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") { e.preventDefault(); snoozeMove(e.key === "ArrowDown" ? 1 : -1); return; }
      if (e.key === "Escape") { e.preventDefault(); menu.open = false; menu.querySelector("summary").focus(); return; }
    }
    if (typingInField(e) || e.ctrlKey || e.metaKey || e.altKey) return;
    var key = e.key;
    if (key === "j" || key === "k") { e.preventDefault(); moveSelection(key === "j" ? 1 : -1); }
    else if (key === "Enter" && document.activeElement && document.activeElement.closest(".conversation-item")) {
      return; // the focused link opens the conversation itself
    } else if (key === "r") { e.preventDefault(); setMode("reply"); }
    else if (key === "n") { e.preventDefault(); setMode("note"); }
    else if (key === "e") { e.preventDefault(); press("resolve"); }
    else if (key === "a") { e.preventDefault(); press("assign-me"); }
    else if (key === "s" && snoozeMenu()) { e.preventDefault(); snoozeOpen(); }
    else if (key === "/") { var search = document.getElementById("search-input"); if (search) { e.preventDefault(); search.focus(); } }
    else if (key === "?") { var help = document.getElementById("shortcuts"); if (help) { e.preventDefault(); help.showModal(); } }
  });

  // Requests can finish out of order (a live refresh started before the agent's own change):
  // never replace the open conversation with an older version of itself.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target.id !== "conversation-pane") return;
    // A late answer (a live refresh of the conversation she just left, say) never takes the
    // pane back from a newer one.
    var asked = e.detail.xhr && e.detail.xhr.paneRequest;
    if (asked && asked < pane.shown) { e.detail.shouldSwap = false; return; }
    if (asked) pane.shown = asked;
    if (!view()) return;
    var incoming = /data-conversation-id="(\d+)" data-version="(\d+)"/.exec(e.detail.serverResponse || "");
    if (incoming && incoming[1] === openConversationId() &&
        Number(incoming[2]) < Number(view().getAttribute("data-version"))) {
      e.detail.shouldSwap = false;
    }
  });

  // A live refresh of the list must not drop the conversations the agent has ticked, nor the
  // keyboard focus (j/k) on a conversation.
  var ticked = [], focusedItem = null;
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target.id !== "conversation-list") return;
    var active = document.activeElement && document.activeElement.closest && document.activeElement.closest(".conversation-item");
    focusedItem = active && e.detail.target.contains(active) ? active.getAttribute("data-conversation-id") : null;
    var source = e.detail.requestConfig && e.detail.requestConfig.elt;
    var bulk = source && source.id === "bulk-form";  // a bulk action's answer starts afresh
    ticked = bulk ? [] : Array.prototype.map.call(document.querySelectorAll(".bulk-pick:checked"), function (box) {
      return box.value;
    });
  });

  // A live refresh of the timeline must not close a reaction menu the agent has open.
  var openMenus = [];
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target.id !== "timeline") return;
    var source = e.detail.requestConfig && e.detail.requestConfig.elt;
    openMenus = Array.prototype.filter.call(e.detail.target.querySelectorAll("details[open]"), function (d) {
      return !(source && d.contains(source)); // the menu the agent just used closes
    }).map(function (d) {
      return d.closest("[data-message-id]").getAttribute("data-message-id");
    });
  });

  // A live refresh of the list must not drop the conversations the agent has ticked for a bulk
  // action; only the bulk action itself clears them.
  var pickedIds = [];
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target.id !== "conversation-list") return;
    var source = e.detail.requestConfig && e.detail.requestConfig.elt;
    var bulk = source && source.id === "bulk-form";
    pickedIds = bulk ? [] : Array.prototype.map.call(
      document.querySelectorAll(".bulk-pick:checked"), function (box) { return box.value; });
  });

  document.addEventListener("htmx:afterSwap", function (e) {
    var target = e.detail.target;
    if (target.id === "conversation-list") {
      pickedIds.forEach(function (id) {
        var box = target.querySelector('.bulk-pick[value="' + id + '"]');
        if (box) box.checked = true;
      });
      pickedIds = [];
    }
    if (target.id === "timeline") {
      openMenus.forEach(function (id) {
        var menu = target.querySelector('[data-message-id="' + id + '"] details');
        if (menu) menu.open = true;
      });
      openMenus = [];
      var form = document.getElementById("composer");
      var failed = e.detail.xhr && e.detail.xhr.status >= 400;
      if (form && !failed && e.detail.requestConfig && e.detail.requestConfig.verb === "post" &&
          e.detail.requestConfig.elt === form) {
        var note = document.getElementById("composer-private").value;
        form.reset();
        document.getElementById("composer-private").value = note;
        document.getElementById("attach-names").textContent = "";
        setReplyTo("", "");
      }
      scrollTimeline();
      if (!failed) markSeen(false);
    }
    if (target.id === "conversation-pane") {
      var source = e.detail.requestConfig && e.detail.requestConfig.elt;
      if (source && source.hasAttribute && source.hasAttribute("data-open-next")) afterResolveNext();
      var switched = root.getAttribute("data-open-conversation") !== openConversationId();
      if (view() && switched) root.setAttribute("data-pane", "conversation");
      if (switched) pane.latest = 0;
      root.setAttribute("data-open-conversation", openConversationId());
      markSeen(switched);
      subscribeOpenConversation();
      templateRender();
      scrollTimeline();
      document.querySelectorAll(".conversation-item").forEach(function (li) {
        li.classList.toggle("selected", li.getAttribute("data-conversation-id") === openConversationId());
      });
    }
    if (target.id === "conversation-list") {
      ticked.forEach(function (id) {
        var box = target.querySelector('.bulk-pick[value="' + id + '"]');
        if (box) box.checked = true;
      });
      ticked = [];
      var refocus = focusedItem && target.querySelector('.conversation-item[data-conversation-id="' + focusedItem + '"] a');
      if (refocus) refocus.focus();
      focusedItem = null;
      updateTitle();
      bulkUpdate();
      // Whatever changed the list (a live event, a bulk action, paging) may change the counts:
      // the navigation follows from the same database state.
      var nav = document.getElementById("inbox-nav");
      if (nav) htmx.trigger(nav, "webcare:refresh-nav");
    }
    colourServiceLevel();
  });
  document.addEventListener("htmx:responseError", function (e) {
    var xhr = e.detail.xhr;
    if (xhr && xhr.status === 400 && xhr.responseText && xhr.responseText.length < 300) toast(xhr.responseText);
    else if (xhr && xhr.status === 404 && e.detail.target && e.detail.target.id !== "contact-panel") toast(document.getElementById("toast").getAttribute("data-not-found") || "Not found");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt && e.detail.elt.id === "bulk-form" && e.detail.successful) {
      document.querySelectorAll(".bulk-pick:checked").forEach(function (box) { box.checked = false; });
      bulkUpdate();
    }
  });
  window.addEventListener("beforeunload", function () { announce("left"); });

  document.addEventListener("DOMContentLoaded", function () {
    // A refused reply (window closed) comes back as 422 with the reason: show it.
    htmx.config.responseHandling.unshift({ code: "422", swap: true, error: false });
    connect();
    markSeen(true);
    scrollTimeline();
    colourServiceLevel();
    templateRender();
    updateTitle();
    notifyAskUpdate();
    setInterval(colourServiceLevel, 30000);
    // Presence is a heartbeat: others forget us 45 s after the last one.
    presenceTimer = setInterval(function () {
      if (document.visibilityState === "visible") announce(Date.now() - lastTypingSent < 4000 ? "typing" : "viewing");
      renderPresence();
    }, 20000);
    // An open inbox tab keeps its agent from turning Away: the server notes each ping. Also
    // sent from hidden tabs, which browsers still allow about once a minute.
    setInterval(function () { send({ action: "ping" }); }, 60000);
  });
})();
