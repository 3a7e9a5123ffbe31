/* The session timeout warning (the GOV.UK timeout-warning pattern; see lmns/sessions.py).
   On a page with a form being edited, a dialog opens a few minutes before the session ends and
   offers to stay signed in (a POST that only touches the session). When the time is up it says
   so, and that the typed input stays on the page: a save after that is kept across signing in.
   Every page load and every "stay signed in" is shared with the person's other tabs. */
(function () {
  "use strict";
  var dialog = document.getElementById("session-timeout");
  var STORE = "lmns.session.activity";
  var loadedAt = Date.now();

  function remember(time) {
    try {
      window.localStorage.setItem(STORE, String(time));
    } catch (error) {
      /* Storage may be switched off: this tab keeps its own time. */
    }
  }

  function lastActivity() {
    var shared = 0;
    try {
      shared = Number(window.localStorage.getItem(STORE)) || 0;
    } catch (error) {
      shared = 0;
    }
    return Math.max(loadedAt, shared);
  }

  remember(loadedAt);
  if (!dialog || typeof dialog.showModal !== "function") {
    return;
  }
  if (!document.querySelector("main form[method='post' i]")) {
    return;
  }

  var lifetime = Number(dialog.dataset.sessionSeconds) * 1000;
  var warnFor = Number(dialog.dataset.warnSeconds) * 1000;
  var heading = dialog.querySelector("#session-timeout-heading");
  var countdown = dialog.querySelector(".session-countdown");
  var live = dialog.querySelector(".session-timeout-live");
  var keepAlive = dialog.querySelector("form.session-keep-alive");
  var state = "working";
  var spoken = "";
  var returnFocusTo = null;

  function inWords(milliseconds) {
    var seconds = Math.max(0, Math.ceil(milliseconds / 1000));
    if (seconds >= 60) {
      var minutes = Math.ceil(seconds / 60);
      return minutes + (minutes === 1 ? " minute" : " minutes");
    }
    return seconds + (seconds === 1 ? " second" : " seconds");
  }

  function show(name) {
    dialog.querySelectorAll("[data-when]").forEach(function (part) {
      part.hidden = part.getAttribute("data-when") !== name;
    });
    heading.textContent = heading.getAttribute("data-" + name);
  }

  function open(name) {
    show(name);
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal();
    }
    var first = dialog.querySelector("[data-when='" + name + "'] button");
    if (first) {
      first.focus();
    }
  }

  function close() {
    if (dialog.open) {
      dialog.close();
    }
    state = "working";
    spoken = "";
    if (returnFocusTo && typeof returnFocusTo.focus === "function") {
      returnFocusTo.focus();
    }
  }

  function tick() {
    var left = lastActivity() + lifetime - Date.now();
    if (left <= 0) {
      if (state !== "ended") {
        state = "ended";
        open("ended");
        live.textContent = "You have been signed out.";
      }
      return;
    }
    if (left > warnFor) {
      if (state === "warning") {
        close();
      }
      return;
    }
    var words = inWords(left);
    countdown.textContent = words;
    if (state !== "warning") {
      state = "warning";
      open("warning");
    }
    /* Screen readers hear the time when the minute changes and at 30 seconds, not every second. */
    var announce = left >= 60000 || Math.ceil(left / 1000) === 30;
    if (announce && words !== spoken) {
      spoken = words;
      live.textContent = "You will be signed out in " + words + ".";
    }
  }

  function staySignedIn() {
    window
      .fetch(keepAlive.action, {
        method: "POST",
        body: new FormData(keepAlive),
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        return response.ok ? response.json() : { signed_in: false };
      })
      .catch(function () {
        return { signed_in: false };
      })
      .then(function (answer) {
        if (answer.signed_in) {
          loadedAt = Date.now();
          remember(loadedAt);
          close();
        } else {
          state = "ended";
          open("ended");
        }
      });
  }

  keepAlive.addEventListener("submit", function (event) {
    event.preventDefault();
    staySignedIn();
  });
  dialog.addEventListener("cancel", function (event) {
    /* Escape means "stay signed in" while warning, and "back to the page" once ended. */
    event.preventDefault();
    if (state === "warning") {
      staySignedIn();
    } else {
      close();
      state = "ended";
    }
  });
  dialog.querySelector("[data-close]").addEventListener("click", function () {
    close();
    state = "ended";
  });
  window.addEventListener("storage", function (event) {
    if (event.key === STORE) {
      tick();
    }
  });
  window.setInterval(tick, 1000);
  tick();
})();
