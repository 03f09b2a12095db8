// Live preview for the case editor: the server renders with the same code as the case page.
// Without this script the editor still works: the "Preview" button posts the form.
(function () {
  "use strict";
  var form = document.getElementById("case-form");
  var target = document.getElementById("case-preview");
  var body = document.getElementById("body_md");
  if (!form || !target || !body || !window.fetch) { return; }
  var timer = null;
  var token = form.querySelector("input[name=csrf_token]");

  function refresh() {
    var data = new FormData();
    data.append("body_md", body.value);
    data.append("files_base", form.dataset.filesBase || "");
    if (token) { data.append("csrf_token", token.value); }
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (json) { if (json) { target.innerHTML = json.html; } })
      .catch(function () { /* offline: the preview simply waits for the next keystroke */ });
  }

  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
})();
