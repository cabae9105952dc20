/* Progress of a document prepared by the server: asks for its state every two seconds, updates the
   bar and the status line, and shows the finished page (download link or reason) when it ends.
   Without JavaScript the page has a refresh link. */
(function () {
  "use strict";
  var box = document.getElementById("task");
  if (!box || !window.fetch) { return; }
  var bar = document.getElementById("task-progress");
  var status = document.getElementById("task-status");

  function poll() {
    fetch(box.getAttribute("data-status-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
          return;
        }
        if (state.total) { bar.max = state.total; bar.value = state.done; }
        if (status.textContent !== state.text) { status.textContent = state.text; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
}());
