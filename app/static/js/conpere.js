/* ConPeRe's behaviour on every page, loaded after jQuery, Bootstrap, Select2 and FAB's scripts.
   No inline script anywhere: pages pass data in attributes and in <script type="application/json">. */
(function ($) {
  'use strict';

  var texts = {};
  var textsNode = document.getElementById('conpere-texts');
  if (textsNode) { texts = JSON.parse(textsNode.textContent); }
  function t(text) { return texts[text] || text; }

  // FAB's scripts say a few things in English: say them in the page's language.
  if (window.ab_alert) {
    var abAlert = window.ab_alert;
    window.ab_alert = function (text) { return abAlert(t(text)); };
  }
  if ($.fn.select2) {
    $.fn.select2.defaults.set('language', {
      errorLoading: function () { return t('The results could not be loaded.'); },
      inputTooShort: function () { return t('Type to search'); },
      loadingMore: function () { return t('Loading more results…'); },
      noResults: function () { return t('No results found'); },
      searching: function () { return t('Searching…'); },
      removeAllItems: function () { return t('Select'); }
    });
  }

  // Relation filters: a select that asks the server as one types (app/ui/related.py).
  function startRelated(root) {
    $('select.conpere-related', root).each(function () {
      var $select = $(this);
      if ($select.hasClass('select2-hidden-accessible')) { return; }
      $select.select2({
        theme: 'bootstrap',
        width: '100%',
        allowClear: true,
        placeholder: $select.data('placeholder'),
        ajax: {
          url: $select.data('url'),
          dataType: 'json',
          delay: 250,
          data: function (params) { return {q: params.term || '', page: params.page || 1}; }
        }
      });
    });
  }

  // FAB's filter form, started from the data in its attributes (app/templates/conpere/widgets/search.html).
  var $filters = $('#filter_form');
  if ($filters.length && window.AdminFilters) {
    new window.AdminFilters('#filter_form', $filters.data('labels'), $filters.data('fields'),
                            $filters.data('filters'), $filters.data('active'));
    startRelated($filters);
    $filters.on('click', 'a.filter', function () { window.setTimeout(function () { startRelated($filters); }, 0); });
  }

  // A row's delete link (conpere/widgets/list.html): FAB's confirmation, then FAB's delete form.
  $(document).on('click', 'a[data-delete-url]', function (event) {
    event.preventDefault();
    if (window.modelActions) {
      window.modelActions.execute_single_delete($(this).data('delete-url'), $(this).data('confirm'));
    }
  });
}(window.jQuery));
