/* Settings pages: filter a picker's options as you type; copy a one-time link. */
(function () {
  "use strict";
  document.addEventListener("input", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches("[data-picker-search]")) return;
    var query = box.value.trim().toLowerCase();
    var picker = box.closest("[data-picker]");
    picker.querySelectorAll("label").forEach(function (label) {
      var input = label.querySelector("input");
      var match = !query || label.textContent.toLowerCase().indexOf(query) !== -1 || (input && input.checked);
      (label.parentElement.tagName === "DIV" ? label.parentElement : label).hidden = !match;
    });
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("[data-copy]") : null;
    if (!button) return;
    var field = document.getElementById(button.getAttribute("data-copy"));
    if (!field) return;
    field.select();
    var done = function () { button.textContent = button.getAttribute("data-copied") || button.textContent; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });
})();
