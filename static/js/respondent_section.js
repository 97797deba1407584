// Autosave for a section form: while the person types, the form is posted (debounced) to the
// JSON endpoint; the page works fully without this file through the Save buttons.
(function () {
  "use strict";
  var form = document.getElementById("section-form");
  if (!form || !form.getAttribute("data-autosave-url")) return;
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var revisions = document.getElementById("id_revisions");
  var DELAY = 1500;
  var timer = null;
  var inFlight = false;
  var again = false;

  function csrfToken() {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function announce(text) {
    status.textContent = text;
  }

  function save() {
    timer = null;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    var data = new FormData(form);
    data.set("action", "save");
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        var body = result.body;
        if (body.revisions && revisions) revisions.value = JSON.stringify(body.revisions);
        announce(body.message || "");
        if (result.ok) document.dispatchEvent(new CustomEvent("respondent:activity"));
      })
      .catch(function () {
        // Nothing is lost: what was typed stays in the form and the Save button still works.
        announce(form.getAttribute("data-network-error") ||
          "Kunne ikke lagre automatisk (nettverksfeil). Det du har skrevet, står fortsatt her – trykk «Lagre» når nettet er tilbake.");
      })
      .then(function () {
        inFlight = false;
        if (again) {
          again = false;
          schedule();
        }
      });
  }

  function schedule() {
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
