// Polls how far the report PDF has come; shows the download link when it is made.
(function () {
  "use strict";
  var root = document.getElementById("report-pdf");
  if (!root) {
    return;
  }
  var progress = document.getElementById("report-pdf-progress");
  var status = document.getElementById("report-pdf-status");
  var download = document.getElementById("report-pdf-download");
  var delay = 1000;

  function update(data) {
    progress.value = data.percent;
    progress.textContent = data.percent + " %";
    status.textContent = data.status_label;
    if (data.status === "done") {
      download.hidden = false;
    } else if (data.status === "failed") {
      window.location.reload();
    }
    return data.finished;
  }

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        if (!update(data)) {
          delay = Math.min(delay * 1.5, 10000);
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }

  window.setTimeout(poll, delay);
})();
