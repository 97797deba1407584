// Warns a respondent before the session times out and lets them extend it (WCAG 2.2.1).
// Every successful request renews the session (the server writes the renewal at most once a
// minute, well inside the warning's 5 minutes); autosave tells us by dispatching
// "respondent:activity" on document.
(function () {
  "use strict";
  var box = document.getElementById("session-warning");
  if (!box) return;
  var seconds = parseInt(box.getAttribute("data-session-seconds"), 10) || 7200;
  var warnBefore = Math.min(300, Math.floor(seconds / 4)); // 5 minutes, or less for short sessions
  var statusLine = document.getElementById("session-warning-status");
  var button = document.getElementById("session-extend");
  var timer = null;

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function schedule() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(warn, Math.max(1, seconds - warnBefore) * 1000);
  }

  function warn() {
    box.hidden = false;
    statusLine.textContent = "";
    button.focus();
  }

  button.addEventListener("click", function () {
    fetch(box.getAttribute("data-extend-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        if (!response.ok) throw response;
        box.hidden = true;
        schedule();
      })
      .catch(function () {
        statusLine.textContent = box.getAttribute("data-error-text") ||
          "Økten kunne ikke forlenges. Åpne lenken fra e-posten på nytt.";
      });
  });

  document.addEventListener("respondent:activity", function () {
    box.hidden = true;
    schedule();
  });
  schedule();
})();
