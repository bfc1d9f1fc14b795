// 政策计算器: suggest the industry while a person types the business scope (经营范围).
// Progressive enhancement: without this script the result page still names the suggestion.
(function () {
  "use strict";
  var scope = document.getElementById("f-business_scope");
  var code = document.getElementById("f-industry_code");
  if (!scope || !code) { return; }
  var box = document.createElement("div");
  box.className = "suggest";
  box.setAttribute("aria-live", "polite");
  scope.parentNode.appendChild(box);
  var timer = null;
  var latest = 0;

  function show(result) {
    box.textContent = "";
    if (!result.section.length) {
      if (result.note) { box.textContent = result.note; }
      return;
    }
    var title = document.createElement("p");
    title.textContent = "按经营范围推断的行业（仅供参考，点选可填入行业代码）：";
    box.appendChild(title);
    result.section.forEach(function (s) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "suggest-option";
      button.textContent = s.label + " " + s.label_zh + "（" + s.confidence.toFixed(2) + "）";
      button.addEventListener("click", function () { code.value = s.label; code.focus(); });
      box.appendChild(button);
    });
    if (result.note) {
      var note = document.createElement("p");
      note.className = "hint";
      note.textContent = result.note;
      box.appendChild(note);
    }
  }

  function ask() {
    var text = scope.value.trim();
    if (text.length < 4) { box.textContent = ""; return; }
    var ticket = ++latest;
    fetch("/api/v1/tagging/suggest", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({text: text, top_k: 3})
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (result) {
      if (result && ticket === latest) { show(result); }
    }).catch(function () { /* offline or rate-limited: no suggestion, nothing else changes */ });
  }

  scope.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 500);
  });
}());
