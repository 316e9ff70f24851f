/* Page behaviour without inline script, so the Content-Security-Policy can refuse all of it.
 *
 * Templates declare what they want with data attributes; this file (loaded on every page by
 * base.html) gives them their behaviour. Listeners sit on the document, so content that HTMX
 * swaps in later behaves the same without re-binding.
 *
 *   data-submit-on-change    a <select> that submits its form when changed (language, branch)
 *   data-print               a button that opens the browser's print dialog
 *   data-confirm="question"  a submit button that asks first; "Cancel" keeps the form unsent
 *   data-width="42"          a progress bar's width in percent (a style attribute would need
 *                            'unsafe-inline'; setting the style from script does not)
 *   data-amend-form          a correction form showing only the input of the chosen field
 *   data-select-on-focus     a read-only field whose text is selected on focus, to copy it
 */
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const select = event.target.closest("[data-submit-on-change]");
    if (select && select.form) {
      select.form.submit();
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) {
      window.print();
      return;
    }
    const asking = event.target.closest("[data-confirm]");
    if (asking && !window.confirm(asking.dataset.confirm)) {
      event.preventDefault();
    }
  });

  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) {
      event.target.select();
    }
  });

  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (bar) {
      bar.style.width = bar.dataset.width + "%";
    });
  }

  function showAmendInput(form) {
    const choose = form.querySelector("select[name=field]");
    form.querySelectorAll("[data-amend-for]").forEach(function (box) {
      box.hidden = !box.dataset.amendFor.split(" ").includes(choose.value);
    });
  }

  // Without script every input of a correction form shows, each labelled.
  document.addEventListener("change", function (event) {
    const form = event.target.closest("[data-amend-form]");
    if (form && event.target.name === "field") {
      showAmendInput(form);
    }
  });

  function setUp(root) {
    applyWidths(root);
    root.querySelectorAll("[data-amend-form]").forEach(showAmendInput);
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
  });
  // HTMX swaps (progress bars polled while the worker runs) bring new bars.
  document.addEventListener("htmx:load", function (event) {
    setUp(event.target);
  });
})();
