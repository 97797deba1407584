// Refreshes the headline figures of the staff dashboard periodically (data-interval seconds) from a small JSON
// endpoint. The page works without it: the figures are rendered by the server.
(function () {
  "use strict";
  var section = document.getElementById("live-figures");
  if (!section || !window.fetch) {
    return;
  }
  var url = section.getAttribute("data-url");

  function set(name, value) {
    var element = section.querySelector('[data-figure="' + name + '"]');
    if (!element || value === undefined || value === null) {
      return;
    }
    if (element.tagName === "PROGRESS") {
      element.value = value;
      element.textContent = value + " %";
    } else {
      element.textContent = value;
    }
  }

  function refresh() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        ["kommune", "fylkeskommune"].forEach(function (kind) {
          var figures = data[kind];
          if (!figures) {
            return;
          }
          set(kind + "-headline", figures.headline);
          set(kind + "-progress", figures.submitted_percent || 0);
          set(kind + "-invited", figures.invited);
          set(kind + "-started", figures.started);
          set(kind + "-submitted", figures.submitted);
        });
        set("updated_at", data.updated_at);
      })
      .catch(function () {
        // Keep the figures shown; the next refresh tries again.
      });
  }

  var seconds = parseInt(section.getAttribute("data-interval"), 10) || 30;
  window.setInterval(refresh, seconds * 1000);
})();
