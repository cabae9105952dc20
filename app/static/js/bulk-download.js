/* Progress of a bulk PDF download: counts the ZIP entries as they arrive, then saves the file.
   Without JavaScript (or without streams) the link is a plain download. */
(function () {
  "use strict";
  var link = document.getElementById("bulk-download");
  if (!link || !window.fetch || !window.ReadableStream || !window.Blob) { return; }
  var SIGNATURE = [0x50, 0x4b, 0x03, 0x04]; // "PK\3\4": a ZIP entry starts

  function countEntries(bytes) {
    var found = 0;
    for (var i = 0; i + 3 < bytes.length; i++) {
      if (bytes[i] === SIGNATURE[0] && bytes[i + 1] === SIGNATURE[1] &&
          bytes[i + 2] === SIGNATURE[2] && bytes[i + 3] === SIGNATURE[3]) { found++; }
    }
    return found;
  }

  link.addEventListener("click", function (event) {
    event.preventDefault();
    if (link.getAttribute("aria-disabled") === "true") { return; }
    var total = parseInt(link.getAttribute("data-count"), 10) || 0;
    var bar = document.getElementById("bulk-progress");
    var status = document.getElementById("bulk-status");
    var template = link.getAttribute("data-progress");
    link.setAttribute("aria-disabled", "true");
    bar.hidden = false;
    fetch(link.href, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      var reader = response.body.getReader();
      var chunks = [], received = 0, tail = new Uint8Array(0);
      function pump() {
        return reader.read().then(function (step) {
          if (step.done) { return; }
          chunks.push(step.value);
          var joined = new Uint8Array(tail.length + step.value.length);
          joined.set(tail, 0);
          joined.set(step.value, tail.length);
          received += countEntries(joined);
          tail = joined.slice(Math.max(joined.length - 3, 0));
          var done = Math.min(received, total);
          bar.value = done;
          status.textContent = template.replace("{done}", done).replace("{total}", total);
          return pump();
        });
      }
      return pump().then(function () {
        var url = URL.createObjectURL(new Blob(chunks, { type: "application/zip" }));
        var save = document.createElement("a");
        save.href = url;
        save.download = link.getAttribute("data-filename");
        document.body.appendChild(save);
        save.click();
        save.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        bar.value = total;
        status.textContent = link.getAttribute("data-done");
        link.removeAttribute("aria-disabled");
      });
    }).catch(function () {
      status.textContent = link.getAttribute("data-error");
      window.location.href = link.href;
    });
  });
}());
