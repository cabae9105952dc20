// Moves the focus to a form's error summary, so a screen reader reads what to fix first.
(function () {
  var summary = document.getElementById('error-summary');
  if (summary) { summary.focus(); }
})();
