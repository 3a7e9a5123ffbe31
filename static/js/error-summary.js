// The error summary takes focus when a form comes back with errors, so a screen reader reads it and
// a keyboard user starts there; each of its links moves focus to its field, not just the page.
(function () {
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  // A form posts back to its page's address, fragment included: after the skip link, "#main".
  // The browser would then move focus to that fragment once the page has loaded, away from the
  // summary; drop the fragment and, if focus went there all the same, bring it back.
  var fragment = location.hash.slice(1);
  if (fragment) {
    history.replaceState(null, "", location.pathname + location.search);
    window.addEventListener("load", function () {
      var active = document.activeElement;
      if (!active || active === document.body || active.id === fragment) summary.focus();
    });
  }
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
