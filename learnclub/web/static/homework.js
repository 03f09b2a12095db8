// The homework editor: a draft that survives reloads, lost connections and expired sessions,
// a length counter that counts like a reader, and a live preview. Everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("homework-form");
  if (!form) { return; }
  var area = document.getElementById("body_md");
  var counter = document.getElementById("body_md-count");
  var note = document.getElementById("draft-note");
  var preview = document.getElementById("homework-preview");
  var key = form.dataset.draftKey;
  var minimum = parseInt(form.dataset.minLength || "0", 10);
  var lang = document.documentElement.lang || "";
  var zh = lang.indexOf("zh") === 0;

  // Same rule as learnclub/domain/homework.py count_length: a CJK character is one,
  // a word or number is one; Markdown punctuation and link targets do not count.
  var CJK = "\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff";
  var WORD = "(?:(?![" + CJK + "])[\\p{L}\\p{N}\\p{M}])+";
  var UNIT = new RegExp("[" + CJK + "]|[\\u{20000}-\\u{2fa1f}]|" + WORD +
                        "(?:['\\u2019\\-]" + WORD + ")*", "gu");
  var URL = /https?:\/\/\S+|\]\([^)]*\)/g;
  function count(text) {
    var found = text.replace(URL, " ").match(UNIT);
    return found ? found.length : 0;
  }

  function showCount() {
    if (!counter) { return; }
    var n = count(area.value);
    var text = zh ? "已写 " + n + " 字" : n + (n === 1 ? " character or word" : " characters or words");
    if (minimum > n) {
      text += zh ? "，还差 " + (minimum - n) + " 字" : ", " + (minimum - n) + " more to go";
    }
    counter.textContent = text;
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function save() {
    try {
      localStorage.setItem(key, JSON.stringify({ text: area.value, at: Date.now() }));
    } catch (e) { /* storage full or disabled: the form still works */ }
  }
  function forget() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

  // On load: the server's saved text equal to the draft means the server confirmed it.
  // A refused or previewed form (data-as-typed) shows the text as sent, not saved: keep it.
  var draft = load();
  if (draft && draft.text === area.value) {
    if (!form.hasAttribute("data-as-typed")) { forget(); }
  } else if (draft && draft.text) {
    area.value = draft.text;
    if (note) { note.hidden = false; }
  }
  var discard = document.getElementById("draft-discard");
  if (discard) {
    discard.addEventListener("click", function () {
      forget();
      area.value = area.defaultValue;
      note.hidden = true;
      showCount();
      refreshPreview();
    });
  }

  var timer = null;
  function refreshPreview() {
    if (!preview || !window.fetch) { return; }
    var data = new FormData();
    data.append("body_md", area.value);
    var token = form.querySelector("input[name=csrf_token]");
    if (token) { data.append("csrf_token", token.value); }
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (json) { if (json) { preview.innerHTML = json.html; } })
      .catch(function () { /* offline: the draft is safe in this browser */ });
  }
  area.addEventListener("input", function () {
    save();
    showCount();
    clearTimeout(timer);
    timer = setTimeout(refreshPreview, 500);
  });
  form.addEventListener("submit", save);
  showCount();
  if (note && !note.hidden) { refreshPreview(); }  // a restored draft shows as it will read
})();
