// 朗读 (read aloud) in 关怀版: reads the page's main content with the browser's
// own speech synthesis, in Chinese. Without speech synthesis, or when the
// browser lists voices and none of them speaks Chinese, there is no button.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  var main = document.getElementById("main");
  if (!synth || !window.SpeechSynthesisUtterance || !main) { return; }

  var button = document.createElement("button");
  button.type = "button";
  button.className = "read-aloud";
  button.setAttribute("aria-pressed", "false");
  button.textContent = "朗读本页";
  var crumbs = main.querySelector(".breadcrumbs");
  main.insertBefore(button, crumbs ? crumbs.nextSibling : main.firstChild);

  function chineseVoice() {
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^zh/i.test(voices[i].lang)) { return voices[i]; }
    }
    return null;
  }
  function dropIfNoChinese() {
    if (synth.getVoices().length && !chineseVoice()) { button.remove(); }
  }
  dropIfNoChinese();
  if (synth.addEventListener) { synth.addEventListener("voiceschanged", dropIfNoChinese); }

  // What a resident would read: the main content without the button, the
  // breadcrumbs and anything hidden, in sentence-sized pieces (long utterances
  // are cut off by some browsers).
  function pieces() {
    var copy = main.cloneNode(true);
    Array.prototype.forEach.call(
      copy.querySelectorAll(".read-aloud, .breadcrumbs, [hidden], script, style, .visually-hidden"),
      function (node) { node.remove(); }
    );
    var text = (copy.innerText || copy.textContent).replace(/[ \t]+/g, " ");
    return text.split(/(?<=[。！？；\n])/).map(function (s) { return s.trim(); }).filter(Boolean);
  }
  function stop() {
    synth.cancel();
    button.setAttribute("aria-pressed", "false");
    button.textContent = "朗读本页";
  }
  button.addEventListener("click", function () {
    if (button.getAttribute("aria-pressed") === "true") { stop(); return; }
    synth.cancel();
    var voice = chineseVoice();
    var parts = pieces();
    parts.forEach(function (part, index) {
      var utterance = new SpeechSynthesisUtterance(part);
      utterance.lang = "zh-CN";
      utterance.rate = 0.9;
      if (voice) { utterance.voice = voice; }
      if (index === parts.length - 1) { utterance.onend = stop; }
      synth.speak(utterance);
    });
    button.setAttribute("aria-pressed", "true");
    button.textContent = "停止朗读";
  });
  window.addEventListener("pagehide", function () { synth.cancel(); });
})();
