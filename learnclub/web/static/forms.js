// Sending a form: the button says it is busy and cannot be pressed twice; a file on its way
// shows how much has gone. Every page works without this script. The homework form has its
// own sender (homework.js); a form may opt out with data-no-busy.
(function () {
  "use strict";
  var zh = (document.documentElement.lang || "").indexOf("zh") === 0;
  var SENDING = zh ? "正在提交…" : "Sending…";
  var UPLOADING = zh ? "正在上传…" : "Uploading…";

  function skipped(form) {
    return !form || (form.getAttribute("method") || "").toLowerCase() !== "post" ||
      form.hasAttribute("data-no-busy") || form.id === "homework-form";
  }
  function buttonOf(form, submitter) {
    return submitter || form.querySelector("button[type=submit], button:not([type]), input[type=submit]");
  }
  function label(button, text) {
    if (button.tagName === "INPUT") { button.value = text; } else { button.textContent = text; }
  }

  // the submitter's name and value go along although the button is disabled
  function keepSubmitter(form, button) {
    if (!button || !button.name) { return; }
    var carry = document.createElement("input");
    carry.type = "hidden";
    carry.name = button.name;
    carry.value = button.value;
    carry.setAttribute("data-busy-carry", "");
    form.appendChild(carry);
  }
  function setBusy(form, button) {
    form.setAttribute("data-busy", "");
    form.setAttribute("aria-busy", "true");
    keepSubmitter(form, button);
    if (!button) { return; }
    button.setAttribute("data-idle-label", button.tagName === "INPUT" ? button.value : button.textContent);
    button.disabled = true;
    label(button, SENDING);
  }
  function restore(form) {
    form.removeAttribute("data-busy");
    form.removeAttribute("aria-busy");
    var carried = form.querySelectorAll("[data-busy-carry], .upload-progress");
    for (var i = 0; i < carried.length; i++) { carried[i].parentNode.removeChild(carried[i]); }
    var buttons = form.querySelectorAll("[data-idle-label]");
    for (var j = 0; j < buttons.length; j++) {
      label(buttons[j], buttons[j].getAttribute("data-idle-label"));
      buttons[j].removeAttribute("data-idle-label");
      buttons[j].disabled = false;
    }
  }

  function chosenFile(form) {
    var inputs = form.querySelectorAll("input[type=file]");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].files && inputs[i].files.length) { return true; }
    }
    return false;
  }
  function progressBar(form, button) {
    var box = document.createElement("p");
    box.className = "upload-progress";
    box.setAttribute("role", "status");
    var bar = document.createElement("progress");
    bar.max = 100;
    var words = document.createElement("span");
    words.textContent = " " + UPLOADING;
    box.appendChild(bar);
    box.appendChild(words);
    if (button && form.contains(button)) { button.parentNode.insertBefore(box, button.nextSibling); }
    else { form.appendChild(box); }
    return { bar: bar, words: words, box: box };
  }
  function track(xhr, progress) {
    xhr.upload.addEventListener("progress", function (event) {
      if (!event.lengthComputable) { return; }
      var percent = Math.round(event.loaded * 100 / event.total);
      progress.bar.value = percent;
      progress.words.textContent = " " + UPLOADING + " " + percent + "%";
    });
  }
  // for a form with its own sender (homework.js): the same bar, the same words
  window.learnclubUploads = { progressBar: progressBar, track: track };
  // the answer replaces the page, as if the browser had sent the form itself
  function show(xhr) {
    var url = xhr.responseURL;
    if (url && url !== window.location.href && window.history.replaceState) {
      window.history.replaceState(null, "", url);
    }
    document.open(); document.write(xhr.responseText); document.close();
  }
  function upload(form, button, progress) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action") || window.location.href);
    track(xhr, progress);
    xhr.addEventListener("load", function () { show(xhr); });
    xhr.addEventListener("error", function () {
      // the connection failed: let the browser send it and say what happened
      HTMLFormElement.prototype.submit.call(form);
    });
    xhr.send(new FormData(form));
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || skipped(form)) { return; }
    if (form.hasAttribute("data-busy")) { event.preventDefault(); return; }
    var button = buttonOf(form, event.submitter);
    var withFile = chosenFile(form);
    setBusy(form, button);
    if (!withFile) { return; }
    var progress = progressBar(form, button);
    if (!window.XMLHttpRequest || !window.FormData) { return; }
    event.preventDefault();
    upload(form, button, progress);
  });

  // back or forward to a page kept in memory: its forms are ready again
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) { return; }
    var forms = document.querySelectorAll("form[data-busy]");
    for (var i = 0; i < forms.length; i++) { restore(forms[i]); }
  });
})();
