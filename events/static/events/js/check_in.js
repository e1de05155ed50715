/* Check-in at the door: scan attendees' QR codes with the phone's camera.
 *
 * Uses the browser's BarcodeDetector where it exists (Chrome on Android) and otherwise the jsQR
 * decoder served from this project (static/events/vendor/jsqr, Apache-2.0), loaded only then.
 * Without JavaScript — or without a camera — the page still works: staff type the code or search
 * by name, and the forms post normally.
 *
 * A scan (or a typed code) is posted with fetch and the answer shown in the live region, so the
 * camera keeps running between attendees.
 */
(function () {
  "use strict";

  var result = document.getElementById("check-in-result");
  var counter = document.getElementById("checked-in-count");
  var scanner = document.querySelector("[data-scanner]");
  var SAME_CODE_PAUSE_MS = 4000;

  function show(data) {
    result.className = "ev-result ev-result--" + (data.outcome || "refused");
    result.innerHTML = "";
    var message = document.createElement("p");
    message.className = "ev-result-message";
    message.textContent = data.message || "";
    result.appendChild(message);
    if (data.code) {
      var detail = document.createElement("p");
      detail.className = "ev-result-detail";
      detail.textContent = data.code + (data.company ? " · " + data.company : "");
      result.appendChild(detail);
    }
    if (counter && typeof data.checked_in_count === "number") {
      counter.textContent = data.checked_in_count;
    }
    if (navigator.vibrate) {
      navigator.vibrate(data.outcome === "checked_in" ? 80 : [60, 60, 60]);
    }
  }

  function post(form, extra) {
    var body = new FormData(form);
    Object.keys(extra || {}).forEach(function (key) {
      body.set(key, extra[key]);
    });
    return fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json();
      })
      .then(show)
      .catch(function () {
        result.className = "ev-result ev-result--refused";
        result.textContent = result.dataset.offline || "Network error: try again.";
      });
  }

  var codeForm = document.querySelector("form[data-check-in-form] input[name=code]");
  codeForm = codeForm && codeForm.form;
  document.querySelectorAll("form[data-check-in-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      post(form).then(function () {
        var input = form.querySelector("input[name=code]");
        if (input) {
          input.value = "";
          input.focus();
        }
        var button = form.querySelector("input[name=registration]");
        if (button) {
          form.replaceWith(document.createTextNode("✓"));
        }
      });
    });
  });

  if (!scanner || !codeForm || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return;
  }
  scanner.hidden = false;

  var video = scanner.querySelector("video");
  var start = scanner.querySelector("[data-scanner-start]");
  var stop = scanner.querySelector("[data-scanner-stop]");
  var note = scanner.querySelector("[data-scanner-note]");
  var canvas = document.createElement("canvas");
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var stream = null;
  var detector = null;
  var lastCode = "";
  var lastAt = 0;
  var busy = false;

  function loadJsQR() {
    if (window.jsQR) {
      return Promise.resolve(window.jsQR);
    }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = scanner.dataset.jsqr;
      script.onload = function () {
        resolve(window.jsQR);
      };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function makeDecoder() {
    if ("BarcodeDetector" in window) {
      return window.BarcodeDetector.getSupportedFormats().then(function (formats) {
        if (formats.indexOf("qr_code") === -1) {
          throw new Error("no qr");
        }
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
        return function () {
          return detector.detect(video).then(function (codes) {
            return codes.length ? codes[0].rawValue : null;
          });
        };
      }).catch(jsQRDecoder);
    }
    return jsQRDecoder();
  }

  function jsQRDecoder() {
    return loadJsQR().then(function (jsQR) {
      return function () {
        var width = video.videoWidth;
        var height = video.videoHeight;
        if (!width || !height) {
          return Promise.resolve(null);
        }
        var scale = Math.min(1, 640 / Math.max(width, height));
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        context.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = context.getImageData(0, 0, canvas.width, canvas.height);
        var code = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        return Promise.resolve(code ? code.data : null);
      };
    });
  }

  function loop(decode) {
    if (!stream) {
      return;
    }
    var next = function () {
      window.setTimeout(function () {
        loop(decode);
      }, 180);
    };
    if (busy || video.readyState < 2) {
      next();
      return;
    }
    decode()
      .then(function (text) {
        var now = Date.now();
        if (text && (text !== lastCode || now - lastAt > SAME_CODE_PAUSE_MS)) {
          lastCode = text;
          lastAt = now;
          busy = true;
          return post(codeForm, { code: text }).then(function () {
            busy = false;
          });
        }
        return null;
      })
      .catch(function () {
        busy = false;
      })
      .then(next);
  }

  start.addEventListener("click", function () {
    note.textContent = "";
    navigator.mediaDevices
      .getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (media) {
        stream = media;
        video.srcObject = media;
        scanner.classList.add("is-scanning");
        start.hidden = true;
        stop.hidden = false;
        return video.play().then(makeDecoder);
      })
      .then(function (decode) {
        loop(decode);
      })
      .catch(function () {
        note.textContent = start.dataset.denied || "";
        scanner.classList.remove("is-scanning");
      });
  });

  stop.addEventListener("click", function () {
    if (stream) {
      stream.getTracks().forEach(function (track) {
        track.stop();
      });
    }
    stream = null;
    video.srcObject = null;
    scanner.classList.remove("is-scanning");
    start.hidden = false;
    stop.hidden = true;
  });
})();
