// The join link's Copy button. Without script the link stays a selectable read-only field and
// the button stays hidden; with it, the button copies and a status region says so.
(function () {
  "use strict";
  var script = document.currentScript;
  var copied = script ? script.dataset.copied : "Copied";
  var failed = script ? script.dataset.failed : "";
  document.querySelectorAll("[data-copy-button]").forEach(function (button) {
    var box = button.closest(".gr-copy");
    var source = box.querySelector("[data-copy-source]");
    var status = box.querySelector("[data-copy-status]");
    button.hidden = false;
    source.addEventListener("focus", function () { source.select(); });
    button.addEventListener("click", function () {
      var done = function () { status.textContent = copied; button.textContent = copied; };
      var fallback = function () { source.focus(); source.select(); status.textContent = failed; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, fallback);
      } else {
        source.select();
        try { document.execCommand("copy") ? done() : fallback(); } catch (e) { fallback(); }
      }
    });
  });
})();
