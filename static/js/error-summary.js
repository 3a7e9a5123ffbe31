// The error summary takes focus when a form comes back with errors, so a screen reader reads it and
// a keyboard user starts there; each of its links moves focus to its field, not just the page.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    var label = document.querySelector("label[for='" + field.id + "']") || field;
    label.scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
