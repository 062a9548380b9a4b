/* Behaviour every page shares, kept out of inline handlers (a strict Content-Security-Policy). */
document.addEventListener("change", function (e) {
  if (e.target && e.target.matches && e.target.matches("[data-autosubmit]")) e.target.form.submit();
});
