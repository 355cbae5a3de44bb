// The home page's deadline state, worked out in the reader's browser so that the built pages stay
// the same whatever day they were built; and print buttons on printable pages.
(function () {
  "use strict";
  var box = document.querySelector("[data-deadline]");
  if (box) {
    var state = box.querySelector(".deadline-state");
    var end = new Date(box.dataset.deadline).getTime();
    var show = function () {
      var left = end - Date.now();
      if (isNaN(end)) return;
      if (left <= 0) {
        state.textContent = state.dataset.closed;
        box.classList.add("closed");
        return;
      }
      var days = Math.floor(left / 86400000);
      var hours = Math.floor((left % 86400000) / 3600000);
      state.textContent = state.dataset.open + " · " + state.dataset.left + " " +
        (days > 0 ? days + " " + state.dataset.days + " " : "") + hours + " " + state.dataset.hours;
      box.classList.add("open");
    };
    show();
    setInterval(show, 60000);
  }
  // Shown by the script that makes them work: without it a print button would do nothing
  // (the browser's own menu still prints).
  Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (b) {
    b.addEventListener("click", function () { window.print(); });
    b.hidden = false;
  });
})();
