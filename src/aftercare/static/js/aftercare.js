/* Page behaviour without inline script, so the Content-Security-Policy can refuse all of it.
 *
 * Templates declare what they want with data attributes; this file (loaded on every page by
 * base.html) gives them their behaviour. Listeners sit on the document, so content that HTMX
 * swaps in later behaves the same without re-binding.
 *
 *   data-submit-on-change    a <select> that submits its form when changed (language, branch)
 *                            by mouse or touch; from the keyboard the arrow keys only choose
 *                            and Enter submits, so stepping through the options with the
 *                            arrows does not leave the page at the first step (WCAG 3.2.2)
 *   data-print               a button that opens the browser's print dialog
 *   data-confirm="question"  a submit button that asks first; "Cancel" keeps the form unsent
 *   data-width="42"          a progress bar's width in percent (a style attribute would need
 *                            'unsafe-inline'; setting the style from script does not)
 *   data-amend-form          a correction form showing only the input of the chosen field
 *   data-select-on-focus     a read-only field whose text is selected on focus, to copy it
 *   data-focus-added         an HTMX button that adds a row to its target: the focus moves to
 *                            the new row's first field, so a keyboard user goes on typing there
 */
(function () {
  "use strict";

  const CHOOSING_KEYS = ["ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End",
                         "PageUp", "PageDown"];

  document.addEventListener("keydown", function (event) {
    const select = event.target.closest("[data-submit-on-change]");
    if (!select || !select.form) {
      return;
    }
    if (event.key === "Enter") {
      event.preventDefault();
      select.form.submit();
    } else if (CHOOSING_KEYS.includes(event.key) || event.key.length === 1) {
      select.dataset.choosingByKey = "1";
    }
  });

  document.addEventListener("pointerdown", function (event) {
    const select = event.target.closest("[data-submit-on-change]");
    if (select) {
      delete select.dataset.choosingByKey;
    }
  });

  document.addEventListener("change", function (event) {
    const select = event.target.closest("[data-submit-on-change]");
    if (select && select.form && !select.dataset.choosingByKey) {
      select.form.submit();
    }
  });

  // A table wider than the screen scrolls in its box; the box must take the keyboard's focus
  // so the arrow keys can scroll it (WCAG 2.1.1). Boxes that fit are no tab stop.
  function focusableScrollers(root) {
    root.querySelectorAll(".table-responsive, .table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.tabIndex = 0;
        if (!box.hasAttribute("role")) {
          box.setAttribute("role", "region");
        }
        const holder = box.closest("section, .card, main");
        const caption = holder && holder.querySelector("h2, h3, h1");
        if (caption && !box.hasAttribute("aria-label")) {
          box.setAttribute("aria-label", caption.textContent.trim());
        }
      } else if (box.tabIndex === 0) {
        box.removeAttribute("tabindex");
      }
    });
  }
  window.addEventListener("resize", function () {
    focusableScrollers(document);
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
    focusableScrollers(root);
    root.querySelectorAll("[data-amend-form]").forEach(showAmendInput);
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    const button = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!button || !button.matches || !button.matches("[data-focus-added]")) {
      return;
    }
    const added = event.detail.target && event.detail.target.lastElementChild;
    const field = added && added.querySelector("input:not([type=hidden]), select, textarea");
    if (field) {
      field.focus();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    setUp(document);
  });
  // HTMX swaps (progress bars polled while the worker runs) bring new bars.
  document.addEventListener("htmx:load", function (event) {
    setUp(event.target);
  });
})();
