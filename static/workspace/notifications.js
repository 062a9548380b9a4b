/* The profile page's notification permission: asked only when the agent presses the button. */
(function () {
  "use strict";
  function box() { return document.querySelector("[data-notify-permission]"); }
  function show() {
    var p = box();
    if (!p) return;
    var state = p.querySelector("[data-notify-state]");
    var ask = p.querySelector("[data-notify-request]");
    if (typeof window.Notification !== "function") {
      state.textContent = p.getAttribute("data-unsupported");
      ask.hidden = true;
      return;
    }
    var permission = Notification.permission;
    state.textContent = permission === "granted" ? p.getAttribute("data-granted")
      : permission === "denied" ? p.getAttribute("data-denied") : "";
    ask.hidden = permission !== "default";
  }
  function chime() {
    try {
      var audio = new (window.AudioContext || window.webkitAudioContext)();
      [660, 880].forEach(function (frequency, i) {
        var start = audio.currentTime + i * 0.15;
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.frequency.value = frequency;
        gain.gain.setValueAtTime(0.15, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + 0.3);
        tone.connect(gain); gain.connect(audio.destination);
        tone.start(start); tone.stop(start + 0.3);
      });
    } catch (e) { /* no audio here */ }
  }
  document.addEventListener("click", function (e) {
    if (!e.target.closest) return;
    if (e.target.closest("[data-notify-request]") && typeof window.Notification === "function") {
      Notification.requestPermission().then(show);
    }
    if (e.target.closest("[data-notify-sound]")) chime();
  });
  document.addEventListener("DOMContentLoaded", show);
})();
