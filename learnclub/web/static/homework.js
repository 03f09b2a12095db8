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
    var folded = document.getElementById("edit-homework");  // "Submitted ✓ · Change"
    if (folded) { folded.open = true; }
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
  // pictures go by XMLHttpRequest, which tells how much has gone (forms.js draws the bar);
  // its answer looks like fetch's to send() below
  function withPictures(data) {
    var chosen = data.getAll ? data.getAll("images") : [];
    for (var i = 0; i < chosen.length; i++) { if (chosen[i] && chosen[i].size) { return true; } }
    return false;
  }
  function post(data, button) {
    var uploads = window.learnclubUploads;
    if (!withPictures(data) || !uploads || !window.XMLHttpRequest || !window.Promise) {
      return fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" });
    }
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      var progress = uploads.progressBar(form, button);
      // not form.action: the buttons named "action" shadow it
      var sent = new window.URL(form.getAttribute("action"), document.baseURI).href;
      xhr.open("POST", sent);
      uploads.track(xhr, progress);
      function done() { if (progress.box.parentNode) { progress.box.parentNode.removeChild(progress.box); } }
      xhr.addEventListener("load", function () {
        done();
        resolve({ status: xhr.status, url: xhr.responseURL,
                  redirected: !!xhr.responseURL && xhr.responseURL.split("#")[0] !== sent,
                  headers: { get: function (name) { return xhr.getResponseHeader(name); } },
                  text: function () { return Promise.resolve(xhr.responseText); } });
      });
      xhr.addEventListener("error", function () { done(); reject(new Error("offline")); });
      xhr.send(data);
    });
  }
  function send(data, button, attempt) {
    busy(button, true);
    say(zh ? "正在发送…" : "Sending…");
    post(data, button)
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
  // pictures chosen: they go up at once (pending until the homework is submitted), and
  // the page comes back with their thumbnails and the text as typed
  var pick = document.getElementById("images");
  var upload = document.getElementById("upload-pictures");
  if (pick && upload) {
    pick.addEventListener("change", function () {
      if (!pick.files || !pick.files.length) { return; }
      if (form.requestSubmit) { form.requestSubmit(upload); } else { upload.click(); }
    });
  }
  showCount();
  if (note && !note.hidden) { refreshPreview(); }  // a restored draft shows as it will read
})();


// The homework cards: a like or a comment is sent without leaving the page (the server
// answers JSON when asked) and the count or the comment appears in place; a refusal is said
// in words beside the button. A long text is folded under "Show all". Without this script
// the forms post and the page comes back; every text shows whole.
(function () {
  "use strict";
  var talk = document.getElementById("homework-talk");
  if (!talk) { return; }
  var words = talk.dataset;

  // ---- long texts: folded to a few lines, "Show all" / "Show less" ----
  var FOLD_FACTOR = 1.5;  // fold only a text at least half again as tall as the fold
  function foldLongPosts() {
    var posts = talk.querySelectorAll(".submission .post");
    for (var i = 0; i < posts.length; i++) { fold(posts[i]); }
  }
  function fold(post) {
    if (post.getAttribute("data-folded")) { return; }
    post.classList.add("clamped");
    var limit = post.clientHeight;
    if (post.scrollHeight < limit * FOLD_FACTOR) { post.classList.remove("clamped"); return; }
    post.setAttribute("data-folded", "yes");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link more-toggle";
    button.textContent = words.showAll;
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", post.id);
    post.parentNode.insertBefore(button, post.nextSibling);
    button.addEventListener("click", function () {
      var open = post.classList.toggle("clamped") === false;
      button.textContent = open ? words.showLess : words.showAll;
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (!open && post.getBoundingClientRect().top < 0) {
        post.closest(".submission").scrollIntoView();
      }
    });
  }
  // a link into a folded text (a footnote, a heading) opens it
  function unfoldTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var post = target && target.closest && target.closest(".post.clamped");
    if (post) {
      var button = post.nextElementSibling;
      if (button && button.classList.contains("more-toggle")) { button.click(); }
      target.scrollIntoView();
    }
  }
  foldLongPosts();
  unfoldTarget();
  window.addEventListener("load", foldLongPosts);  // images in a text make it taller
  window.addEventListener("hashchange", unfoldTarget);

  // ---- likes and comments without a reload ----
  function say(form, text, isError) {
    var status = form.querySelector(".live-status");
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }
  function busy(form, on) {
    var button = form.querySelector("button[type=submit]");
    if (!button) { return; }
    button.disabled = on;
    button.setAttribute("aria-busy", on ? "true" : "false");
  }
  function answered(form, response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") !== 0) {
      // not the answer of the view (a sign-in page after the session ended): let the
      // browser send the form itself, as without this script
      HTMLFormElement.prototype.submit.call(form);
      return null;
    }
    return response.json().then(function (json) {
      if (!response.ok) {
        say(form, (json.error && json.error.message) || words.offline, true);
        return null;
      }
      return json;
    });
  }
  function liked(form, json) {
    var button = form.querySelector("button[type=submit]");
    button.querySelector(".like-count").textContent = json.likes;
    button.setAttribute("aria-pressed", json.liked ? "true" : "false");
    button.classList.toggle("on", json.liked);
    say(form, "");
  }
  function commented(form, json) {
    var card = form.closest(".submission");
    var holder = document.createElement("div");
    holder.innerHTML = json.comment.html.trim();
    var made = holder.firstElementChild;
    var parent = json.comment.parent_id ? form.closest(".comment") : null;
    var list = parent ? parent.querySelector(".replies") : card.querySelector(".comment-list");
    list.appendChild(made);
    card.querySelector(".talk-count").textContent = json.comments;
    form.querySelector("textarea").value = "";
    var box = form.closest(".reply-box");
    if (box) { box.open = false; say(form, ""); }  // a reply: its box folds, the card says it
    say(box ? card.querySelector(".comment-form") : form, json.message);
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var kind = form && form.getAttribute && form.getAttribute("data-live");
    if (!kind || !window.fetch || !window.FormData || event.defaultPrevented) { return; }
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") { return; }  // sent already
    form.setAttribute("aria-busy", "true");
    busy(form, true);
    if (kind === "comment") { say(form, words.sending); }
    var data = new FormData(form);
    var token = form.querySelector("input[name=csrf_token]");
    fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": token ? token.value : "" }
    })
      .then(function (response) { return answered(form, response); })
      .then(function (json) {
        if (!json) { return; }
        if (kind === "like") { liked(form, json); } else { commented(form, json); }
      })
      .catch(function () { say(form, words.offline, true); })
      .then(function () {
        form.removeAttribute("aria-busy");
        busy(form, false);
      });
  });
})();
