/* Puts back what a person typed before their session ended (see lmns/sessions.py).
   The kept input arrives as JSON in #kept-input; it fills the form that posts where the
   person's save went. Nothing is submitted: the person checks it and saves. */
(function () {
  "use strict";
  var source = document.getElementById("kept-input");
  if (!source) {
    return;
  }
  var kept = JSON.parse(source.textContent);
  var values = {};
  kept.fields.forEach(function (pair) {
    (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
  });
  var target = new URL(kept.action, window.location.href).pathname;
  var skipped = ["file", "submit", "button", "reset", "image"];

  function fill(form) {
    var used = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || name === "csrfmiddlewaretoken" || skipped.indexOf(element.type) !== -1) {
        return;
      }
      var given = values[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = given.indexOf(element.value) !== -1;
      } else if (element.tagName === "SELECT" && name in values) {
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = given.indexOf(option.value) !== -1;
        });
      } else if (name in values) {
        var index = used[name] || 0;
        element.value = given[index] !== undefined ? given[index] : "";
        used[name] = index + 1;
      } else {
        return;
      }
      element.dispatchEvent(new Event("input", { bubbles: true }));
      element.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    var method = (form.getAttribute("method") || "get").toLowerCase();
    if (method === "post" && new URL(form.action, window.location.href).pathname === target) {
      fill(form);
    }
  });
  var notice = document.getElementById("kept-input-notice");
  if (notice) {
    notice.focus();
  }
})();
