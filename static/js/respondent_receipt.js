// A "Print" button on the receipt (hidden without JavaScript; the browser's own print works too).
(function () {
  "use strict";
  var button = document.getElementById("print-receipt");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    window.print();
  });
})();
