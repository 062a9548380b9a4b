/* Behaviour every page shares, kept out of inline handlers (a strict Content-Security-Policy). */
document.addEventListener("change", function (e) {
  if (e.target && e.target.matches && e.target.matches("[data-autosubmit]")) e.target.form.submit();
});

/* The agent's availability in the top bar: saved as soon as it is picked, without a reload.
   `webcareAvailabilityShow(value)` lets a live event (another tab, a lead, the Away timer)
   show the new status. */
(function () {
  var form = document.querySelector("[data-availability-form]");
  if (!form) return;
  var select = form.querySelector("select[name=availability]");
  var dot = form.querySelector("[data-availability-dot]");
  var shown = select.value;
  function show(value) {
    if (!value) return;
    shown = value;
    select.value = value;
    dot.setAttribute("data-value", value);
    select.removeAttribute("title");
  }
  window.webcareAvailabilityShow = show;
  window.webcareUserId = form.getAttribute("data-user-id");
  select.addEventListener("change", function () {
    var wanted = select.value;
    dot.setAttribute("data-value", wanted);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (r) { return r.json().then(function (j) { if (!r.ok) throw new Error((j.error && j.error.detail) || r.statusText); return j; }); })
      .then(function (j) { show(j.availability); })
      .catch(function (e) { var failed = e.message; show(shown); select.title = failed; });
  });
})();

/* The top bar's menu on narrow screens: one button shows and hides the page links. */
document.addEventListener("click", function (e) {
  var toggle = e.target && e.target.closest && e.target.closest(".menu-toggle");
  if (!toggle) return;
  var nav = document.getElementById(toggle.getAttribute("aria-controls"));
  var open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", open ? "true" : "false");
  if (nav) nav.classList.toggle("open", open);
});

/* The top bar folds its page links into the menu whenever they do not fit beside the tools,
   whatever the language or the name: measured, not guessed from the window's width. */
(function () {
  var bar = document.querySelector(".topbar");
  if (!bar || !bar.querySelector(".menu-toggle")) return;
  function fit() {
    bar.classList.remove("folded");
    if (bar.scrollWidth > bar.clientWidth + 1) bar.classList.add("folded");
  }
  fit();
  window.addEventListener("resize", fit);
  window.addEventListener("load", fit);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
})();
