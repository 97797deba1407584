// Polls an upload's status while the worker checks or imports it; reloads the page when done.
(function () {
  "use strict";
  var root = document.getElementById("upload-job");
  if (!root) {
    return;
  }
  var progress = document.getElementById("upload-progress");
  var delay = 1000;

  function poll() {
    fetch(root.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) {
        progress.value = data.progress;
        progress.textContent = data.progress + " %";
        if (data.busy) {
          delay = Math.min(delay * 1.5, 5000);
          window.setTimeout(poll, delay);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, delay);
})();
