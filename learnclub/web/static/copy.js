// Copy buttons: <button data-copy="ID" data-copied="STATUS-ID" hidden> copies the text of the
// element ID (a textarea or input) and shows the status element for a few seconds. Without
// JavaScript the button stays hidden and the text can still be selected and copied by hand.
(function () {
  "use strict";
  function selectAll(source) {
    source.focus();
    source.select();
    if (source.setSelectionRange) { source.setSelectionRange(0, source.value.length); }
  }
  function fallback(source) {
    // older in-app browsers (WeChat's, some Android WebViews): select, then the old command
    selectAll(source);
    try { return document.execCommand("copy"); } catch (e) { return false; }
  }
  function confirm(status) {
    if (!status) { return; }
    status.hidden = false;
    window.clearTimeout(status.copyTimer);
    status.copyTimer = window.setTimeout(function () { status.hidden = true; }, 4000);
  }
  function copy(button) {
    var source = document.getElementById(button.dataset.copy);
    var status = document.getElementById(button.dataset.copied || "");
    if (!source) { return; }
    var text = source.value !== undefined ? source.value : source.textContent;
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { confirm(status); }, function () {
        if (fallback(source)) { confirm(status); }
      });
    } else if (fallback(source)) {
      confirm(status);
    }
  }
  var buttons = document.querySelectorAll("button[data-copy]");
  for (var i = 0; i < buttons.length; i += 1) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) { copy(event.currentTarget); });
  }
}());
