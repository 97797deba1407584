// Polls the export job's status and updates the progress bar; shows the download link when done.
(function () {
  "use strict";
  var root = document.getElementById("export-job");
  if (!root || root.dataset.finished === "1") {
    return;
  }
  var progress = document.getElementById("export-progress");
  var label = document.getElementById("export-status-label");
  var rows = document.getElementById("export-rows");
  var total = document.getElementById("export-total");
  var download = document.getElementById("export-download");
  var delay = 1000;

  function update(data) {
    progress.value = data.percent;
    progress.textContent = data.percent + " %";
    label.textContent = data.status_label;
    rows.textContent = data.rows_written;
    total.textContent = data.total_rows === null ? "?" : data.total_rows;
    if (data.download_url) {
      download.querySelector("a").href = data.download_url;
      download.hidden = false;
    }
    if (data.status === "failed") {
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
