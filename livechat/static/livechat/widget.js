/* Webcare live-chat widget: one plain-JavaScript file, no framework, no build step.
   Renders in an open shadow root so the host page's CSS cannot reach it. Until the visitor
   opens the chat it only draws the launcher: nothing is written to storage and no socket is
   opened. Server texts are always put in the page as text (textContent), never as HTML. */
(function (w, d) {
  "use strict";
  var C = __WEBCARE_CONFIG__;
  if (!C || w["webcare_" + C.key]) return;
  w["webcare_" + C.key] = 1;
  var S = d.currentScript || d.querySelector('script[data-webcare-key="' + C.key + '"]');
  var BASE = new URL(S.src).origin, SK = "webcare:" + C.key, QK = SK + ":q:";
  var T = {
    en: {open: "Open chat", close: "Close chat", ph: "Type your message…", send: "Send", attach: "Attach a file",
      msgs: "Messages", name: "Name", email: "Email", phone: "Phone", req: "required", typing: "{n} is typing…",
      seen: "Seen", sending: "Sending…", online: "We're online", away: "We're away",
      off: "We're not here right now. Leave a message and your email address so we can reach you.",
      offm: "We're not here right now. Leave a message and your email address; we'll answer by email.",
      back: "We're back {t}.", conn: "Reconnecting…", unread: "{n} new", img: "Images", upto: "up to {n} MB",
      fill: "Please fill in the marked fields.", failed: "Not sent", unavail: "Chat is not available on this page.",
      e_message_too_long: "That message is too long.", e_rate_limited: "Slow down a little; sending shortly…",
      e_file_too_large: "That file is too large.", e_file_type_not_allowed: "That type of file can't be sent.",
      e_too_many_sessions: "Too many chats from your network. Try again later.", e_invalid_email: "Check your email address."},
    nl: {open: "Chat openen", close: "Chat sluiten", ph: "Typ je bericht…", send: "Verstuur", attach: "Bestand toevoegen",
      msgs: "Berichten", name: "Naam", email: "E-mail", phone: "Telefoon", req: "verplicht", typing: "{n} typt…",
      seen: "Gelezen", sending: "Versturen…", online: "We zijn online", away: "We zijn afwezig",
      off: "We zijn er nu niet. Laat een bericht en je e-mailadres achter, zodat we je kunnen bereiken.",
      offm: "We zijn er nu niet. Laat een bericht en je e-mailadres achter; we antwoorden per e-mail.",
      back: "We zijn terug {t}.", conn: "Opnieuw verbinden…", unread: "{n} nieuw", img: "Afbeeldingen", upto: "tot {n} MB",
      fill: "Vul de gemarkeerde velden in.", failed: "Niet verstuurd", unavail: "Chat is op deze pagina niet beschikbaar.",
      e_message_too_long: "Dat bericht is te lang.", e_rate_limited: "Even rustig aan; we versturen het zo…",
      e_file_too_large: "Dat bestand is te groot.", e_file_type_not_allowed: "Dit soort bestand kan niet mee.",
      e_too_many_sessions: "Te veel chats vanaf je netwerk. Probeer het later.", e_invalid_email: "Controleer je e-mailadres."},
    de: {open: "Chat öffnen", close: "Chat schließen", ph: "Nachricht schreiben…", send: "Senden", attach: "Datei anhängen",
      msgs: "Nachrichten", name: "Name", email: "E-Mail", phone: "Telefon", req: "Pflichtfeld", typing: "{n} schreibt…",
      seen: "Gelesen", sending: "Wird gesendet…", online: "Wir sind online", away: "Wir sind abwesend",
      off: "Wir sind gerade nicht da. Hinterlassen Sie eine Nachricht und Ihre E-Mail-Adresse, damit wir Sie erreichen können.",
      offm: "Wir sind gerade nicht da. Hinterlassen Sie eine Nachricht und Ihre E-Mail-Adresse; wir antworten per E-Mail.",
      back: "Wir sind {t} wieder da.", conn: "Verbindung wird wiederhergestellt…", unread: "{n} neu", img: "Bilder",
      upto: "bis {n} MB", fill: "Bitte füllen Sie die markierten Felder aus.", failed: "Nicht gesendet",
      unavail: "Der Chat ist auf dieser Seite nicht verfügbar.", e_message_too_long: "Diese Nachricht ist zu lang.",
      e_rate_limited: "Etwas langsamer bitte; gleich wird gesendet…", e_file_too_large: "Diese Datei ist zu groß.",
      e_file_type_not_allowed: "Dieser Dateityp ist nicht erlaubt.",
      e_too_many_sessions: "Zu viele Chats aus Ihrem Netzwerk. Bitte später erneut versuchen.",
      e_invalid_email: "Bitte prüfen Sie Ihre E-Mail-Adresse."}
  };
  var lang = (function () {
    var all = [].concat(navigator.languages || [], navigator.language || []);
    for (var i = 0; i < all.length; i++) { var l = String(all[i]).slice(0, 2).toLowerCase(); if (T[l]) return l; }
    return T[C.lang] ? C.lang : "en";
  })();
  var t = T[lang];
  function loc(v) { v = v || {}; return v[lang] || v["*"] || v.en || v.nl || v.de || ""; }
  function fmt(s, n) { return s.replace(/\{[nt]\}/, n); }

  /* --- storage: read freely, write only once the chat has been opened ------------------- */
  var LS = (function () { try { var k = SK + ":t"; localStorage.setItem(k, 1); localStorage.removeItem(k); return localStorage; } catch (e) { return null; } });
  var store = null;
  function cookie() { var m = d.cookie.match(new RegExp("(?:^|; )webcare_" + C.key.replace(/\W/g, "_") + "=([^;]*)")); return m ? decodeURIComponent(m[1]) : null; }
  function load() {
    var v = null;
    try { v = w.localStorage.getItem(SK); } catch (e) { /* blocked */ }
    try { return JSON.parse(v || cookie() || "{}") || {}; } catch (e) { return {}; }
  }
  function save() {
    var v = JSON.stringify({t: st.t, o: st.o, p: st.p});
    if (store === null) store = LS();
    if (store) { try { store.setItem(SK, v); return; } catch (e) { /* full */ } }
    d.cookie = "webcare_" + C.key.replace(/\W/g, "_") + "=" + encodeURIComponent(v) + ";path=/;max-age=31536000;SameSite=Lax";
  }
  function queue() {
    var out = [];
    try { for (var i = 0; i < localStorage.length; i++) { var k = localStorage.key(i); if (k.indexOf(QK) === 0) out.push(JSON.parse(localStorage.getItem(k))); } } catch (e) { /* none */ }
    return out.sort(function (a, b) { return a.a < b.a ? -1 : 1; });
  }
  function qput(q) { mem[q.c] = q; if (store) try { store.setItem(QK + q.c, JSON.stringify(q)); } catch (e) { /* memory only */ } }
  function qdel(c) { delete mem[c]; if (store) try { store.removeItem(QK + c); } catch (e) { /* none */ } }

  var resume = (location.hash.match(/[#&]webcare_resume=([^&]+)/) || [])[1] || null;
  if (resume) resume = decodeURIComponent(resume);
  var st = load(), mem = {}, open = false, built = false, ws = null, ready = false, retry = 0, sess = null, recheck = null;
  var byId = {}, byCid = {}, unread = 0, seenUpTo = 0, lastTyping = 0, typingTimer = null, askFields = [];

  /* --- launcher ------------------------------------------------------------------------ */
  var host = d.createElement("webcare-chat");
  host.style.cssText = "position:fixed;z-index:2147483000;bottom:0;right:0;width:0;height:0";
  var root = host.attachShadow({mode: "open"});
  var side = C.position === "left" ? "left" : "right";
  root.innerHTML = "<style>:host{all:initial}*{box-sizing:border-box;font:14px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0}" +
    ".l{position:fixed;bottom:20px;" + side + ":20px;width:56px;height:56px;border-radius:50%;border:0;padding:0;background:var(--c);color:#fff;cursor:pointer;box-shadow:0 4px 14px #0004;display:flex;align-items:center;justify-content:center}" +
    ":focus-visible{outline:3px solid #f59e0b;outline-offset:2px}" +
    ".b{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;line-height:20px;padding:0 5px}" +
    ".p{position:fixed;bottom:88px;" + side + ":20px;width:370px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 110px);background:#fff;color:#111;border-radius:12px;box-shadow:0 8px 30px #0005;display:flex;flex-direction:column;overflow:hidden}" +
    "[hidden]{display:none!important}header{background:var(--c);color:#fff;padding:12px 14px;display:flex;align-items:center;gap:8px}header div{flex:1;min-width:0}" +
    "header strong{display:block;font-weight:600;font-size:16px}header small{font-size:12px;opacity:.9}" +
    ".x{background:none;border:0;color:#fff;font-size:24px;cursor:pointer;width:36px;height:36px;border-radius:6px}" +
    ".n{background:#fef3c7;color:#78350f;padding:8px 12px;font-size:13px}" +
    "ol{list-style:none;padding:12px;flex:1;overflow-y:auto;display:flex;flex-direction:column;gap:6px;background:#f8fafc}" +
    "li{max-width:80%;padding:8px 10px;border-radius:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#e2e8f0;align-self:flex-start}" +
    "li[data-direction=in]{align-self:flex-end;background:var(--c);color:#fff}li.g{align-self:center;background:none;color:#475569;font-size:13px;text-align:center}" +
    "li a{color:inherit;text-decoration:underline}li small{display:block;font-size:11px;opacity:.8;margin-top:2px}li b{display:block;font-size:12px}li img{max-width:100%;border-radius:6px;display:block}" +
    "li.e small{color:#fecaca;font-weight:600}.s{font-size:12px;color:#475569;padding:2px 14px;min-height:18px}" +
    "form{border-top:1px solid #e2e8f0;padding:8px;display:flex;flex-wrap:wrap;gap:6px;align-items:flex-end}" +
    "input,textarea{border:1px solid #94a3b8;border-radius:8px;padding:8px;color:#111;background:#fff;width:100%}[aria-invalid=true]{border-color:#dc2626}" +
    "textarea{flex:1;width:auto;resize:none;height:40px;max-height:120px}.f{width:100%;display:grid;gap:4px}label{font-size:12px;color:#334155}" +
    "form button{border:0;border-radius:8px;background:var(--c);color:#fff;padding:0 12px;height:40px;cursor:pointer}form .a{background:#e2e8f0;color:#111;width:40px;padding:0}" +
    ".h{width:100%;font-size:11px;color:#475569}.h.e{color:#b91c1c}" +
    ".k{display:flex;flex-wrap:wrap;gap:4px;margin-top:6px}.k button{border:1px solid #64748b;background:#fff;color:#111;border-radius:8px;min-width:36px;height:32px;padding:0 6px;cursor:pointer}" +
    "@media (max-width:480px){.p{inset:0;width:auto;max-width:none;height:auto;max-height:none;border-radius:0}}</style>" +
    "<button class=l type=button data-testid=webcare-launcher aria-haspopup=dialog aria-expanded=false>" +
    "<svg width=28 height=28 viewBox='0 0 24 24' fill=currentColor aria-hidden=true><path d='M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z'/></svg>" +
    "<span class=b hidden></span></button>";
  root.host.style.setProperty("--c", C.color);
  var $ = function (s) { return root.querySelector(s); };
  var launcher = $(".l"), badgeEl = $(".b");
  function label() {
    launcher.setAttribute("aria-label", open ? t.close : t.open + (unread ? " (" + fmt(t.unread, unread) + ")" : ""));
    badgeEl.textContent = unread; badgeEl.hidden = !unread;
  }
  label();
  launcher.onclick = function () { setOpen(!open); };
  (d.body ? function (f) { f(); } : function (f) { d.addEventListener("DOMContentLoaded", f); })(function () {
    d.body.appendChild(host);
    /* a link from a reply sent by email reopens that chat here, with its history */
    if (resume) setOpen(true);
    else if (st.o) setOpen(true, true); /* the chat was open on the previous page */
  });

  /* --- panel, built on first open ------------------------------------------------------ */
  var panel, list, input, notice, sub, typingEl, hint, fields, fileIn;
  function ce(tag, cls, text) { var e = d.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function build() {
    built = true;
    panel = ce("div", "p"); panel.setAttribute("role", "dialog"); panel.setAttribute("aria-labelledby", "wt"); panel.hidden = true;
    var head = ce("header"), box = ce("div"), title = ce("strong", "", loc(C.title)), x = ce("button", "x", "×");
    title.id = "wt"; sub = ce("small"); box.appendChild(title); box.appendChild(sub);
    x.type = "button"; x.setAttribute("aria-label", t.close); x.onclick = function () { setOpen(false); };
    head.appendChild(box); head.appendChild(x);
    notice = ce("div", "n"); notice.hidden = true; notice.setAttribute("role", "status");
    list = ce("ol"); list.setAttribute("role", "log"); list.setAttribute("aria-live", "polite"); list.setAttribute("aria-label", t.msgs); list.tabIndex = 0;
    if (loc(C.greeting)) list.appendChild(ce("li", "g", loc(C.greeting)));
    typingEl = ce("div", "s"); typingEl.setAttribute("aria-live", "polite");
    var form = ce("form"); form.noValidate = true;
    fields = ce("div", "f"); fields.hidden = true;
    hint = ce("div", "h");
    input = ce("textarea"); input.rows = 1; input.placeholder = t.ph; input.setAttribute("aria-label", t.ph);
    input.setAttribute("data-testid", "webcare-input"); input.maxLength = C.maxText;
    var sendB = ce("button", "", t.send); sendB.type = "submit"; sendB.setAttribute("data-testid", "webcare-send");
    form.appendChild(fields); form.appendChild(hint);
    if (C.files) {
      var types = C.files.types, kinds = [];
      types.forEach(function (m) { var k = m.indexOf("image/") === 0 ? t.img : m.split("/")[1].replace("plain", "txt").toUpperCase(); if (kinds.indexOf(k) < 0) kinds.push(k); });
      hint.textContent = kinds.join(", ") + " " + fmt(t.upto, Math.round(C.files.max / 1048576));
      var attach = ce("button", "a"); attach.type = "button";
      attach.innerHTML = "<svg width=20 height=20 viewBox='0 0 24 24' fill=none stroke=currentColor stroke-width=2 aria-hidden=true><path d='M21 11l-9 9a5 5 0 0 1-7-7l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-3-3l8-8'/></svg>"; attach.setAttribute("aria-label", t.attach + " (" + hint.textContent + ")");
      fileIn = ce("input"); fileIn.type = "file"; fileIn.hidden = true; fileIn.accept = types.join(",");
      attach.onclick = function () { fileIn.click(); };
      fileIn.onchange = function () { if (fileIn.files[0]) upload(fileIn.files[0]); fileIn.value = ""; };
      form.appendChild(attach); form.appendChild(fileIn);
    }
    form.appendChild(input); form.appendChild(sendB);
    form.onsubmit = function (e) { e.preventDefault(); submit(); };
    input.onkeydown = function (e) { if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } };
    input.oninput = function () { var n = Date.now(); if (ready && n - lastTyping > 2000) { lastTyping = n; send({type: "typing"}); } };
    panel.onkeydown = function (e) { if (e.key === "Escape") { setOpen(false); } };
    [head, notice, list, typingEl, form].forEach(function (e) { panel.appendChild(e); });
    root.appendChild(panel);
    queue().forEach(function (q) { mem[q.c] = q; add({client_id: q.c, direction: "in", text: q.x, at: q.a}); });
  }
  function setOpen(v, restoring) {
    open = v;
    if (v && !built) build();
    panel.hidden = !v; launcher.setAttribute("aria-expanded", v);
    if (v) { unread = 0; if (!restoring || !st.o) { st.o = 1; save(); } connect(); if (!restoring) input.focus(); end(); }
    else { st.o = 0; save(); launcher.focus(); }
    label();
  }

  /* --- connection ---------------------------------------------------------------------- */
  function send(o) { if (ws && ws.readyState === 1) { ws.send(JSON.stringify(o)); return true; } return false; }
  function connect() {
    if (ws) return;
    ws = new WebSocket(BASE.replace(/^http/, "ws") + "/ws/livechat/" + encodeURIComponent(C.key) + "/");
    ws.onopen = function () {
      var u = w.webcareSettings || {};
      send({type: "hello", token: st.t || null, resume: resume, user_id: u.userId || null, user_hash: u.userHash || null, page: location.href, lang: lang});
    };
    ws.onmessage = function (e) { var m; try { m = JSON.parse(e.data); } catch (x) { return; } on(m); };
    ws.onclose = function (e) {
      ws = null; ready = false; clearInterval(recheck);
      if (e.code === 4403 || e.code === 4404) { say(t.unavail); return; }
      say(t.conn);
      var wait = e.code === 4429 ? 60000 : Math.min(30000, 1000 * Math.pow(2, retry++)) * (0.5 + Math.random() / 2);
      setTimeout(connect, wait);
    };
  }
  /* online: who is there; offline: the notice that asks for an email address */
  function presence(m) {
    sub.textContent = m.online ? (m.agents.length ? m.agents.join(", ") : t.online) : t.away;
    panel.setAttribute("data-online", m.online ? "true" : "false");
    say(m.online ? "" : (C.byEmail ? t.offm : t.off) + (m.opens_at ? " " + fmt(t.back, when(m.opens_at)) : ""));
  }
  function say(text) { if (notice) { notice.textContent = text || ""; notice.hidden = !text; } }
  function on(m) {
    if (m.type === "session") {
      sess = m; ready = true; retry = 0;
      if (st.t !== m.token) { st.t = m.token; save(); }
      if (resume) { resume = null; try { history.replaceState(null, "", location.href.split("#")[0]); } catch (x) { /* ok */ } }
      presence(m);
      m.messages.forEach(function (x) { if (x.client_id && mem[x.client_id]) qdel(x.client_id); add(x); });
      ask();
      Object.keys(mem).forEach(function (c) { push(mem[c]); });
      /* an agent's status change is pushed, but a push may be lost and opening hours change
         with no push at all: ask again every minute */
      clearInterval(recheck); recheck = setInterval(function () { send({type: "availability"}); }, 60000);
    } else if (m.type === "availability") {
      if (!sess) return;
      var was = sess.online;
      ["online", "within_hours", "opens_at", "agents"].forEach(function (k) { sess[k] = m[k]; });
      presence(sess);
      if (was !== sess.online) ask();
    } else if (m.type === "ack") {
      qdel(m.client_id); add(m.message);
    } else if (m.type === "message") {
      if (m.message.client_id) qdel(m.message.client_id);
      var isNew = !byId[m.message.id];
      add(m.message);
      if (m.message.direction === "out") { typing(""); if (isNew && !open) { unread++; label(); } }
    } else if (m.type === "seen") {
      seenUpTo = Math.max(seenUpTo, m.up_to || 0);
      Object.keys(byId).forEach(function (id) { if (+id <= seenUpTo) meta(byId[id]); });
    } else if (m.type === "typing") {
      typing(m.typing ? fmt(t.typing, m.name) : "");
    } else if (m.type === "error") {
      var text = t["e_" + m.code] || m.detail;
      if (m.client_id && mem[m.client_id]) {
        if (m.code === "rate_limited") { setTimeout(function () { if (mem[m.client_id]) push(mem[m.client_id]); }, (m.retry_after || 5) * 1000); hint.textContent = text; return; }
        var el = byCid[m.client_id]; qdel(m.client_id);
        if (el) { el.className = "e"; el.m.error = text; meta(el); }
        if (m.code === "details_required" || m.code === "invalid_email") { st.p = 0; ask(); }
      } else say(text);
    }
  }
  function typing(text) { clearTimeout(typingTimer); typingEl.textContent = text; if (text) typingTimer = setTimeout(function () { typingEl.textContent = ""; }, 6000); }

  /* --- messages ------------------------------------------------------------------------ */
  function when(iso) {
    var x = new Date(iso), today = new Date().toDateString() === x.toDateString();
    try { return x.toLocaleString(lang, today ? {hour: "2-digit", minute: "2-digit"} : {weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"}); } catch (e) { return ""; }
  }
  function link(href, text) { var a = ce("a", "", text); a.href = href; a.target = "_blank"; a.rel = "noopener noreferrer"; return a; }
  function safe(u) { return typeof u === "string" && /^https?:\/\//i.test(u); }
  function linkify(parent, text) {
    var re = /https?:\/\/[^\s<>"']+/gi, i = 0, m;
    while ((m = re.exec(text))) {
      var u = m[0].replace(/[.,!?;:)\]]+$/, "");
      parent.appendChild(d.createTextNode(text.slice(i, m.index)));
      parent.appendChild(link(u, u));
      i = m.index + u.length; re.lastIndex = i;
    }
    parent.appendChild(d.createTextNode(text.slice(i)));
  }
  function size(n) { return n > 1048576 ? (n / 1048576).toFixed(1) + " MB" : Math.max(1, Math.round(n / 1024)) + " KB"; }
  function add(m) {
    var el = (m.id && byId[m.id]) || (m.client_id && byCid[m.client_id]);
    if (!el) {
      el = ce("li"); el.setAttribute("data-testid", "webcare-message");
      list.insertBefore(el, m.id ? list.querySelector("li.q") : null);
    }
    if (el.m && el.m.id && !m.id) return; /* never replace a stored message by a local copy */
    el.m = m; el.className = m.id ? (m.sender === "system" ? "g" : "") : "q";
    if (m.id) byId[m.id] = el;
    if (m.client_id) byCid[m.client_id] = el;
    el.setAttribute("data-direction", m.direction === "in" ? "in" : "out");
    el.textContent = "";
    if (m.direction === "out" && m.author) el.appendChild(ce("b", "", m.author));
    if (m.text) { var p = ce("span"); linkify(p, m.text); el.appendChild(p); }
    (m.attachments || []).forEach(function (a) {
      var name = a.name || a.kind;
      if (!safe(a.url)) el.appendChild(ce("span", "", name));
      else if (a.kind === "image") { var l = link(a.url, ""), img = ce("img"); img.src = a.url; img.alt = name; l.appendChild(img); el.appendChild(l); }
      else el.appendChild(link(a.url, name + (a.size ? " (" + size(a.size) + ")" : "")));
    });
    el.appendChild(ce("small"));
    meta(el); choices(el); end();
  }
  /* answer buttons (a feedback survey): only on the latest message, gone once answered */
  function choices(el) {
    [].forEach.call(list.querySelectorAll(".k"), function (k) { k.remove(); });
    var c = el.m.choices || [], items = list.querySelectorAll("li[data-direction]");
    if (!c.length || items[items.length - 1] !== el) return;
    var k = ce("div", "k"); k.setAttribute("role", "group");
    c.forEach(function (o) {
      var b = ce("button", "", o.title); b.type = "button"; b.setAttribute("data-testid", "webcare-choice");
      b.onclick = function () { k.remove(); submit(o.title, o.id); };
      k.appendChild(b);
    });
    el.insertBefore(k, el.lastChild);
  }
  function meta(el) {
    var m = el.m, s = el.lastChild, txt = m.at ? when(m.at) : "";
    if (m.error) txt += " · " + t.failed + ": " + m.error;
    else if (!m.id) txt += " · " + t.sending;
    else if (m.direction === "in" && (m.seen || m.id <= seenUpTo)) txt += " · " + t.seen;
    s.textContent = txt;
  }
  function end() { if (list) list.scrollTop = list.scrollHeight; }
  function cid() { return (w.crypto && crypto.randomUUID) ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2); }
  function push(q) { send({type: "message", client_id: q.c, text: q.x, profile: q.p, choice: q.h}); }

  /* --- pre-chat and offline details ---------------------------------------------------- */
  function ask() {
    var want = {}, pre = C.prechat || {};
    if (!st.p && !list.querySelector("li[data-direction]")) Object.keys(pre).forEach(function (k) { if (!(sess.known || {})[k]) want[k] = pre[k]; });
    if (sess && !sess.online && !(sess.known || {}).email) want.email = "required";
    var typed = {}; askFields.forEach(function (inp) { typed[inp.name] = inp.value; });
    fields.textContent = ""; askFields = [];
    ["name", "email", "phone"].forEach(function (k) {
      if (!want[k]) return;
      var id = "wf-" + k, lab = ce("label", "", t[k] + (want[k] === "required" ? " (" + t.req + ")" : "")), inp = ce("input");
      lab.htmlFor = inp.id = id; inp.type = k === "email" ? "email" : k === "phone" ? "tel" : "text"; inp.name = k;
      inp.autocomplete = k === "phone" ? "tel" : k; inp.required = want[k] === "required";
      var u = w.webcareSettings || {}; if (typed[k] || u[k]) inp.value = typed[k] || u[k];
      fields.appendChild(lab); fields.appendChild(inp); askFields.push(inp);
    });
    fields.hidden = !askFields.length;
  }
  function details() {
    var p = {}, ok = true, u = w.webcareSettings || {};
    if (!st.p) ["name", "email", "phone"].forEach(function (k) { if (u[k]) p[k] = String(u[k]); });
    askFields.forEach(function (inp) {
      var v = inp.value.trim(), bad = (inp.required && !v) || (inp.type === "email" && v && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(v));
      inp.setAttribute("aria-invalid", bad); if (bad) ok = false; if (v) p[inp.name] = v;
    });
    if (!ok) { hint.textContent = t.fill; hint.className = "h e"; return false; }
    hint.className = "h";
    return Object.keys(p).length ? p : null;
  }
  function submit(x, h) {
    x = h ? x : input.value.trim();
    if (!x) return;
    var p = details();
    if (p === false) return;
    var q = {c: cid(), x: x, a: new Date().toISOString()};
    if (p) q.p = p;
    if (h) q.h = h;
    if (!st.p) { st.p = 1; save(); }
    fields.hidden = true; askFields = [];
    qput(q); if (!h) input.value = "";
    add({client_id: q.c, direction: "in", text: x, at: q.a});
    if (ready) push(q);
  }
  function upload(f) {
    var rules = C.files, c = cid();
    if (f.size > rules.max || rules.types.indexOf(f.type) < 0 || !ready) { hint.className = "h e"; hint.textContent = ready ? t[f.size > rules.max ? "e_file_too_large" : "e_file_type_not_allowed"] : t.conn; return; }
    hint.className = "h";
    add({client_id: c, direction: "in", text: f.name, at: new Date().toISOString()});
    var body = new FormData(), u = w.webcareSettings || {};
    body.append("token", st.t); body.append("client_id", c); body.append("file", f); body.append("lang", lang);
    if (u.userId) { body.append("user_id", u.userId); body.append("user_hash", u.userHash || ""); }
    fetch(BASE + "/livechat/" + encodeURIComponent(C.key) + "/upload/", {method: "POST", body: body})
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (j.message) add(j.message);
        else throw new Error((j.error && (t["e_" + j.error.code] || j.error.detail)) || t.failed);
      })
      .catch(function (e) { var el = byCid[c]; if (el) { el.className = "e"; el.m.error = e.message; meta(el); } });
  }
})(window, document);
