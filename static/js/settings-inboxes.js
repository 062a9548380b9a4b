/* Inbox settings: copy a value to the clipboard, and filter a long list of options as you type.
   Kept out of inline handlers (a strict Content-Security-Policy). */
document.addEventListener("click", function (e) {
  var button = e.target && e.target.closest && e.target.closest("[data-copy-from]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy-from"));
  if (!field) return;
  field.select();
  var done = function () { button.textContent = button.getAttribute("data-copied") || "✓"; };
  if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(field.value).then(done, function () {});
  else { try { document.execCommand("copy"); done(); } catch (err) { /* the text stays selected to copy by hand */ } }
});
document.addEventListener("input", function (e) {
  var input = e.target;
  if (!input || !input.matches || !input.matches("[data-filter-list]")) return;
  var list = document.getElementById(input.getAttribute("data-filter-list"));
  if (!list) return;
  var words = input.value.toLowerCase().trim().split(/\s+/).filter(Boolean);
  list.querySelectorAll(".picker-option").forEach(function (option) {
    var text = option.textContent.toLowerCase();
    option.hidden = !words.every(function (word) { return text.indexOf(word) !== -1; });
  });
});
