// Behaviour shared by every page. No inline scripts anywhere (see the CSP in settings):
// pages mark elements with data- attributes and this file wires them up.
(function () {
  "use strict";

  function wire(root) {
    // <select data-autosubmit>: submit the form as soon as the choice changes.
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.wired) return;
      select.dataset.wired = "1";
      select.addEventListener("change", function () {
        if (select.form.requestSubmit) select.form.requestSubmit(); else select.form.submit();
      });
    });
    // <button data-copy="#id">: copy the text of another element (a new API token).
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        var source = document.querySelector(button.dataset.copy);
        if (source && navigator.clipboard) navigator.clipboard.writeText(source.textContent.trim());
      });
    });
  }

  // <form data-progress-url="…" data-progress-box="ID">: while HTMX submits the form (a long
  // import), show the box and poll the URL into it every second; the server answers 286
  // (htmx: stop polling) when the work is over, and the form's own answer replaces the box.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.dataset || !form.dataset.progressUrl) return;
    var box = document.getElementById(form.dataset.progressBox);
    if (!box || box.dataset.polling) return;
    box.dataset.polling = "1";
    box.hidden = false;
    box.setAttribute("hx-get", form.dataset.progressUrl);
    box.setAttribute("hx-trigger", "every 1s");
    box.setAttribute("hx-swap", "innerHTML");
    htmx.process(box);
  });

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:load", function (event) { wire(event.detail.elt); });
})();
