// Site-wide behaviour for every page.
// 1. A form answered with its errors (400, 409, 422 or 429) is swapped in place like any
//    other answer, so htmx forms show their errors where they were typed; other errors are
//    not swapped (htmx's default).
// 2. After a page load or a swap that brought errors, focus moves to the first field in error
//    (Django ties each one to its message with aria-describedby), or to the form's message.
// 3. A page that refreshes a part of itself (the 911 board) keeps one live region,
//    #announcer, outside that part; the part says what matters in [data-announce], and the
//    region is told only when that changes, so a screen reader is not read every refresh.
(function () {
  if (window.htmx) {
    htmx.config.responseHandling = [
      { code: "204", swap: false },
      { code: "^[23]..$", swap: true },
      { code: "^(400|409|422|429)$", swap: true, error: false },
      { code: "^[45]..$", swap: false, error: true }
    ];
  }
  function focusFirstError(root) {
    var field = root.querySelector('[aria-invalid="true"]');
    var target = field || root.querySelector(".errorlist.nonfield, [data-form-error]");
    if (!target) { return; }
    if (!field && !target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }
  function announce(root, speak) {
    var region = document.getElementById("announcer");
    var said = root.querySelector("[data-announce]");
    if (!region || !said) { return; }
    var words = said.getAttribute("data-announce");
    if (words === region.getAttribute("data-last")) { return; }
    region.setAttribute("data-last", words);
    if (speak) { region.textContent = words; }
  }
  document.addEventListener("DOMContentLoaded", function () {
    focusFirstError(document);
    announce(document, false);  // what the page showed on arrival is not news
  });
  document.addEventListener("htmx:afterSwap", function (event) { announce(event.detail.target, true); });
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 200;
    // The document, not the target: an outerHTML swap has replaced the target element.
    if (status >= 400) { focusFirstError(document); }
  });
})();
