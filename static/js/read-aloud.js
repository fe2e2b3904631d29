/* Read a lesson aloud with the browser's own speech synthesis (nothing is sent
   anywhere). The controls appear only on a lesson page and only when the browser
   can speak: Listen (then Pause / Resume) and Stop, with the state announced. */
(function () {
  "use strict";

  var body = document.querySelector("[data-read-aloud], .lesson-body");
  if (!body || !("speechSynthesis" in window) || typeof SpeechSynthesisUtterance !== "function") {
    return;
  }
  var synth = window.speechSynthesis;
  var lesson = body.closest("article") || body.parentNode;
  var labelSource = document.getElementById("read-aloud-labels") || lesson;
  var labels = {
    listen: labelSource.getAttribute("data-label-listen") || "Listen to this lesson",
    pause: labelSource.getAttribute("data-label-pause") || "Pause",
    resume: labelSource.getAttribute("data-label-resume") || "Resume",
    stop: labelSource.getAttribute("data-label-stop") || "Stop",
    reading: labelSource.getAttribute("data-label-reading") || "Reading aloud.",
    paused: labelSource.getAttribute("data-label-paused") || "Paused.",
    stopped: labelSource.getAttribute("data-label-stopped") || "Stopped.",
    finished: labelSource.getAttribute("data-label-finished") || "Finished reading.",
    group: labelSource.getAttribute("data-label-group") || "Read aloud",
  };

  // The blocks in reading order: title, key points, then the lesson body.
  function blocks() {
    var parts = [];
    var title = lesson.querySelector("h1");
    if (title) parts.push(title);
    var points = lesson.querySelector(".key-points");
    if (points) parts = parts.concat(Array.prototype.slice.call(points.querySelectorAll("h2, li")));
    parts = parts.concat(
      Array.prototype.slice.call(body.querySelectorAll("h2, h3, h4, p, li, dt, dd, td, th"))
        .filter(function (el) {
          // A list item's own paragraphs are read with it, once.
          return !(el.tagName === "P" && el.closest("li"));
        })
    );
    return parts
      .map(function (el) { return (el.innerText || el.textContent || "").trim(); })
      .filter(Boolean);
  }

  var toolbar = document.createElement("div");
  toolbar.className = "read-aloud no-print";
  toolbar.setAttribute("role", "group");
  toolbar.setAttribute("aria-label", labels.group);

  var play = document.createElement("button");
  play.type = "button";
  play.className = "button-secondary";
  play.setAttribute("aria-pressed", "false");
  play.textContent = labels.listen;

  var stop = document.createElement("button");
  stop.type = "button";
  stop.className = "button-secondary";
  stop.textContent = labels.stop;
  stop.disabled = true;

  var status = document.createElement("p");
  status.className = "read-aloud-status muted";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");

  toolbar.appendChild(play);
  toolbar.appendChild(stop);
  toolbar.appendChild(status);
  var header = lesson.querySelector(".lesson-header");
  if (header && header.parentNode === lesson) {
    header.insertAdjacentElement("afterend", toolbar);
  } else {
    body.insertAdjacentElement("beforebegin", toolbar);
  }

  var state = "idle"; // idle | speaking | paused
  var queue = [];
  var session = 0;

  function show(newState, message) {
    state = newState;
    play.textContent = state === "speaking" ? labels.pause
      : state === "paused" ? labels.resume : labels.listen;
    play.setAttribute("aria-pressed", state === "speaking" ? "true" : "false");
    stop.disabled = state === "idle";
    if (message) status.textContent = message;
  }

  function speakNext(current) {
    if (current !== session) return;
    var text = queue.shift();
    if (text === undefined) {
      show("idle", labels.finished);
      return;
    }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = document.documentElement.lang || "en";
    utterance.onend = function () { speakNext(current); };
    utterance.onerror = function () { if (current === session) show("idle", labels.stopped); };
    synth.speak(utterance);
  }

  play.addEventListener("click", function () {
    if (state === "speaking") {
      synth.pause();
      show("paused", labels.paused);
    } else if (state === "paused") {
      synth.resume();
      show("speaking", labels.reading);
    } else {
      synth.cancel();
      session += 1;
      queue = blocks();
      show("speaking", labels.reading);
      speakNext(session);
    }
  });

  stop.addEventListener("click", function () {
    session += 1;
    queue = [];
    synth.cancel();
    show("idle", labels.stopped);
    play.focus();
  });

  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
