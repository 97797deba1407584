// The report's "Skriv ut" button (no inline handlers: the CSP forbids them).
(function () {
  "use strict";
  var button = document.getElementById("print-report");
  if (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  }
})();
