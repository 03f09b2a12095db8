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
  // Sending: the button shows it is busy; a busy server (503 + Retry-After) or a lost
  // connection is tried again by itself, with a countdown, and the draft stays in the browser.
  var status = document.getElementById("homework-status");
  function say(text) { if (status) { status.hidden = false; status.textContent = text; } }
  function busy(button, on) {
    if (!button) { return; }
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }
  function retryLater(data, button, seconds, attempt, offline) {
    var left = seconds;
    (function tick() {
      var why = offline ? (zh ? "连接中断" : "The connection dropped")
                        : (zh ? "服务器正忙" : "The server is busy");
      say(zh ? why + "，你写的内容保存在本设备上；" + left + " 秒后自动重新发送（第 " + attempt + " 次）。"
             : why + "; your text is kept on this device. Sending again in " + left +
               " s (attempt " + attempt + ").");
      if (left-- > 0) { setTimeout(tick, 1000); } else { send(data, button, attempt); }
    })();
  }
  function send(data, button, attempt) {
    busy(button, true);
    say(zh ? "正在发送…" : "Sending…");
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 503 && attempt < 30) {
          var wait = parseInt(r.headers.get("Retry-After") || "3", 10);
          retryLater(data, button, isNaN(wait) ? 3 : Math.min(wait, 60), attempt + 1);
          return null;
        }
        // the page the server answered with (after a save: the case page and its message)
        return r.text().then(function (html) {
          var anchor = r.redirected ? form.dataset.savedAnchor : "";
          if (r.redirected && window.history.replaceState) {
            window.history.replaceState(null, "", r.url + (anchor ? "#" + anchor : ""));
          }
          document.open(); document.write(html); document.close();
          var target = anchor && document.getElementById(anchor);
          if (target) { target.scrollIntoView(); }
        });
      })
      .catch(function () {
        if (attempt < 30) { retryLater(data, button, 5, attempt + 1, true); return; }
        busy(button, false);
        say(zh ? "没能发送。你写的内容保存在本设备上，请稍后再点一次发送。"
               : "Could not send it. Your text is kept on this device; press send again later.");
      });
  }
  form.addEventListener("submit", function (event) {
    save();
    clearTimeout(timer);  // no preview of a text already on its way
    var button = event.submitter;
    if (!window.fetch || !window.FormData || (button && button.value === "preview")) { return; }
    event.preventDefault();
    var data = new FormData(form);
    if (button && button.name) { data.append(button.name, button.value); }
    send(data, button, 1);
  });
  showCount();
  if (note && !note.hidden) { refreshPreview(); }  // a restored draft shows as it will read
})();
