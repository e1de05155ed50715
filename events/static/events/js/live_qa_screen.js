/* The live Q&A projector: fetch the list again every few seconds and swap it in.
 *
 * No WebSocket: a plain GET of the list's HTML fragment (qa/screen/list/), served by the same
 * view code as the page. The swap waits while staff have the keyboard focus inside the list (on
 * an Answer or Hide button), so it never pulls a control from under them. Without JavaScript
 * the page reloads itself instead (<noscript><meta refresh>).
 */
(function () {
  "use strict";

  var list = document.querySelector("[data-qa-feed]");
  var status = document.getElementById("lq-refresh-status");
  if (!list || !window.fetch) {
    return;
  }
  var url = list.getAttribute("data-qa-feed");
  var every = (parseInt(list.getAttribute("data-qa-every"), 10) || 5) * 1000;
  var pending = null;

  function focusInside() {
    return list.contains(document.activeElement) && document.activeElement !== list;
  }

  function swap(html) {
    if (focusInside()) {
      pending = html;
      return;
    }
    pending = null;
    if (list.innerHTML.trim() !== html.trim()) {
      list.innerHTML = html;
    }
  }

  function tick() {
    if (document.hidden) {
      window.setTimeout(tick, every);
      return;
    }
    fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.text();
      })
      .then(function (html) {
        swap(html);
        if (status) {
          status.textContent = "";
        }
      })
      .catch(function () {
        if (status) {
          status.textContent = status.getAttribute("data-offline") || "";
        }
      })
      .then(function () {
        window.setTimeout(tick, every);
      });
  }

  list.addEventListener("focusout", function () {
    window.setTimeout(function () {
      if (pending !== null && !focusInside()) {
        swap(pending);
      }
    }, 0);
  });

  window.setTimeout(tick, every);
})();
