/* The lesson player: the browser's own <video>/<audio> with a few controls of ours.
 *
 * - Play/pause, back/forward 10 s and speed (0.75–2×) as buttons and a select, so the keyboard
 *   reaches them; on the player itself Space/K play and pause, ←/→ seek 5 s, J/L 10 s.
 * - Resume: starts where the learner stopped (data-position, saved on the server per enrolment and
 *   lesson) or at #t=SECONDS (a transcript line, a search result); saves the position every ~10 s
 *   while playing, on pause, at the end and when the page is hidden.
 * - Transcript: a click on a line seeks there; the line being spoken is marked.
 * Without this script the native controls, captions and the "Mark as complete" form still work.
 */
(function () {
  "use strict";

  var SAVE_EVERY_MS = 10000;

  function hashTime() {
    var match = /(?:^#|&)t=(\d+(?:\.\d+)?)/.exec(window.location.hash);
    return match ? parseFloat(match[1]) : null;
  }

  function setup(root, index) {
    var media = root.querySelector(".lesson-player-media");
    if (!media) return;
    var controls = root.querySelector(".lesson-player-controls");
    var hint = root.querySelector(".lesson-player-hint");
    var status = root.querySelector("[data-player-status]");
    var toggle = root.querySelector("[data-player-toggle]");
    var toggleLabel = root.querySelector("[data-player-toggle-label]");
    var toggleIcon = root.querySelector("[data-player-toggle-icon]");
    var speed = root.querySelector("[data-player-speed]");
    var captions = root.querySelector("[data-player-captions]");
    var lines = Array.prototype.slice.call(root.querySelectorAll("[data-cue-start]"));
    var saveUrl = root.getAttribute("data-position-url");
    var csrf = root.getAttribute("data-csrf");
    var lastSavedAt = Date.now();
    var lastSavedPosition = -1;
    var completed = false;

    controls.hidden = false;
    hint.hidden = false;
    media.tabIndex = 0;

    // #t= links carry whole seconds: a line that starts within that second starts there.
    function lineStart(seconds) {
      for (var i = 0; i < lines.length; i++) {
        var begins = parseFloat(lines[i].getAttribute("data-cue-start"));
        if (begins >= seconds && begins < seconds + 1) return begins;
      }
      return seconds;
    }

    var start = parseFloat(root.getAttribute("data-position") || "0") || 0;
    var fromHash = index === 0 ? hashTime() : null;
    if (fromHash !== null) start = lineStart(fromHash);

    function word(name) {
      var element = root.querySelector('[data-player-text="' + name + '"]');
      return element ? element.textContent : "";
    }

    function seek(seconds) {
      var end = isFinite(media.duration) ? media.duration : seconds;
      media.currentTime = Math.max(0, Math.min(seconds, end));
    }

    function applyStart() {
      // Near the end, start again from the beginning rather than at the last second.
      if (start > 0 && (!isFinite(media.duration) || start < media.duration - 2)) seek(start);
    }
    if (media.readyState >= 1) applyStart();
    else media.addEventListener("loadedmetadata", applyStart, { once: true });
    // A seek made as soon as the metadata is known can be lost by a browser still setting the
    // media up; until the learner moves, the first "canplay" checks that the resume point held.
    var learnerMoved = false;
    media.addEventListener(
      "canplay",
      function () {
        if (!learnerMoved && start > 1 && Math.abs(media.currentTime - start) > 1) applyStart();
      },
      { once: true }
    );

    function showState() {
      var playing = !media.paused && !media.ended;
      var text = word(playing ? "pause" : "play");
      toggleLabel.textContent = text;
      toggle.setAttribute("aria-label", text);
      toggleIcon.textContent = playing ? "❚❚" : "▶";
    }

    function togglePlay() {
      learnerMoved = true;
      if (media.paused || media.ended) {
        var played = media.play();
        if (played && played.catch) played.catch(function () {});
      } else {
        media.pause();
      }
    }

    // One save in flight at a time: two at once may be handled in either order by the server,
    // and an older position written last would be where the learner resumes. A save asked for
    // meanwhile waits and then sends the position of that moment. `leaving` (the page is being
    // hidden) sends at once: nothing after it would wait long enough.
    var saving = false;
    var saveAgain = false;

    function save(force, leaving) {
      if (!saveUrl) return;
      var position = media.currentTime || 0;
      if (!force && Math.abs(position - lastSavedPosition) < 1) return;
      if (saving && !leaving) {
        saveAgain = true;
        return;
      }
      saving = true;
      lastSavedAt = Date.now();
      lastSavedPosition = position;
      var body = new URLSearchParams();
      body.set("position", position.toFixed(2));
      body.set("duration", isFinite(media.duration) ? media.duration.toFixed(2) : "0");
      fetch(saveUrl, {
        method: "POST",
        credentials: "same-origin",
        keepalive: true,
        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" },
        body: body,
      })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (data && data.lesson_completed_now && !completed) {
            completed = true;
            status.textContent = word("completed");
          }
        })
        .catch(function () {})
        .then(function () {
          saving = false;
          if (saveAgain) {
            saveAgain = false;
            save(true);
          }
        });
    }

    function markLine() {
      var now = media.currentTime;
      var current = null;
      lines.forEach(function (line) {
        if (parseFloat(line.getAttribute("data-cue-start")) <= now + 0.05) current = line;
      });
      lines.forEach(function (line) {
        if (line === current) line.setAttribute("aria-current", "true");
        else line.removeAttribute("aria-current");
      });
    }

    toggle.addEventListener("click", togglePlay);
    root.querySelectorAll("[data-player-skip]").forEach(function (button) {
      button.addEventListener("click", function () {
        learnerMoved = true;
        seek(media.currentTime + parseFloat(button.getAttribute("data-player-skip")));
      });
    });
    speed.addEventListener("change", function () {
      media.playbackRate = parseFloat(speed.value);
    });
    if (captions) {
      captions.addEventListener("change", function () {
        Array.prototype.forEach.call(media.textTracks, function (track) {
          track.mode = track.language === captions.value ? "showing" : "disabled";
        });
      });
    }
    media.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      learnerMoved = true;
      var key = event.key;
      if (key === " " || key === "k" || key === "K") togglePlay();
      else if (key === "ArrowLeft") seek(media.currentTime - 5);
      else if (key === "ArrowRight") seek(media.currentTime + 5);
      else if (key === "j" || key === "J") seek(media.currentTime - 10);
      else if (key === "l" || key === "L") seek(media.currentTime + 10);
      else return;
      event.preventDefault();
    });
    media.addEventListener("play", showState);
    media.addEventListener("pause", function () {
      showState();
      save(true);
    });
    media.addEventListener("ended", function () {
      showState();
      save(true);
    });
    media.addEventListener("seeked", markLine);
    media.addEventListener("timeupdate", function () {
      markLine();
      if (!media.paused && Date.now() - lastSavedAt >= SAVE_EVERY_MS) save(false);
    });
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden" && !media.paused) save(true, true);
    });
    lines.forEach(function (line) {
      line.addEventListener("click", function (event) {
        event.preventDefault();
        learnerMoved = true;
        seek(parseFloat(line.getAttribute("data-cue-start")));
        markLine();
      });
    });
    if (index === 0) {
      window.addEventListener("hashchange", function () {
        var seconds = hashTime();
        if (seconds !== null) seek(lineStart(seconds));
      });
    }
    showState();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-lesson-player]"), setup);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
