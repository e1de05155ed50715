// Progressive enhancement for an exam attempt: the form works without this file.
// - autosave: every change is posted in the background to the same URL the form posts to,
//   and each question shows "Saved" once the server has stored it;
// - countdown: counts down from the seconds the server said were left (not the device's clock)
//   and, at zero, opens the result page, where the server submits the attempt (the server
//   refuses late answers and its beat job closes abandoned attempts either way).
(function () {
  "use strict";
  var script = document.currentScript;
  var text = {
    saved: (script && script.dataset.saved) || "Saved",
    saving: (script && script.dataset.saving) || "Saving…",
    failed: (script && script.dataset.failed) || "Not saved",
  };

  var timer = document.querySelector("[data-exam-timer]");
  if (timer) {
    var value = timer.querySelector("[data-exam-timer-value]");
    var ends = Date.now() + parseInt(timer.dataset.seconds, 10) * 1000;
    var tick = function () {
      var left = Math.max(0, Math.round((ends - Date.now()) / 1000));
      var m = Math.floor(left / 60), s = left % 60;
      value.textContent = m + ":" + (s < 10 ? "0" : "") + s;
      if (left <= 60) timer.classList.add("is-ending");
      if (left === 0) {
        clearInterval(handle);
        // The result page submits an attempt whose deadline has passed, then shows it.
        window.location.href = timer.dataset.resultUrl;
      }
    };
    var handle = setInterval(tick, 1000);
    tick();
  }

  var form = document.querySelector("[data-exam-form]");
  if (!form || !window.fetch || !window.FormData) return;

  function save(fieldset) {
    var status = fieldset.querySelector("[data-saved-status]");
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("positions", fieldset.dataset.question);
    fieldset.querySelectorAll("input, textarea").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.name) data.append(el.name, el.value);
    });
    status.textContent = text.saving;
    return fetch(form.action, {
      method: "POST",
      body: data,
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (response.ok && body.saved) {
            status.textContent = text.saved;
          } else {
            status.textContent = body.error || text.failed;
            if (response.status === 409) window.location.reload();
          }
        });
      })
      .catch(function () {
        status.textContent = text.failed;
      });
  }

  var pending = {};
  form.querySelectorAll("[data-question]").forEach(function (fieldset) {
    fieldset.addEventListener("change", function () {
      save(fieldset);
    });
    fieldset.addEventListener("input", function (event) {
      if (event.target.tagName !== "TEXTAREA") return;
      clearTimeout(pending[fieldset.dataset.question]);
      pending[fieldset.dataset.question] = setTimeout(function () {
        save(fieldset);
      }, 800);
    });
  });
})();
