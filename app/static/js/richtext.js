/* The Trix editor as ConPeRe uses it (app/ui/richtext.py). Loaded before Trix itself. */
(function () {
  'use strict';

  // Headings are <h2> (a page has one <h1>); files are refused: the sanitiser would drop them.
  document.addEventListener('trix-before-initialize', function () {
    window.Trix.config.blockAttributes.heading1.tagName = 'h2';
  });
  document.addEventListener('trix-file-accept', function (event) { event.preventDefault(); });

  function token(element) {
    var form = element.closest('form');
    var input = form && form.querySelector('input[name=csrf_token]');
    return input ? input.value : '';
  }

  // The preview shows what the server's sanitiser keeps of the editor's text.
  function refresh(box) {
    var preview = box.querySelector('details.richtext-preview');
    if (!preview || !preview.open) { return; }
    var body = new FormData();
    body.append('html', box.querySelector('input[type=hidden]').value);
    body.append('csrf_token', token(box));
    fetch(box.getAttribute('data-preview-url'), {method: 'POST', body: body, credentials: 'same-origin'})
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var target = preview.querySelector('.richtext-preview-body');
        if (data.html !== undefined) { target.innerHTML = data.html; } else { target.textContent = data.error; }
      });
  }

  document.querySelectorAll('.richtext').forEach(function (box) {
    var timer = null;
    box.querySelector('details.richtext-preview').addEventListener('toggle', function () { refresh(box); });
    box.addEventListener('trix-change', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { refresh(box); }, 400);
    });
  });
}());
