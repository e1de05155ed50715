// Copy-link buttons of the share actions. Without JavaScript the buttons stay hidden and the
// link is a read-only field to select and copy by hand.
(function () {
  "use strict";

  function announce(button, ok) {
    var status = document.getElementById(button.getAttribute("aria-describedby"));
    if (status) status.textContent = status.getAttribute(ok ? "data-copied-text" : "data-failed-text");
  }

  function copyByHand(input) {
    input.focus();
    input.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy"));
    if (!input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(
          function () { announce(button, true); },
          function () { announce(button, copyByHand(input)); }
        );
      } else {
        announce(button, copyByHand(input));
      }
    });
  });
})();
