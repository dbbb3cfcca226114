// The session page follows the printing of its letters: it asks how far it has gone every two seconds,
// updates the count and the bar, and reloads once the printing has stopped, to show the links.
(function () {
  "use strict";
  var section = document.getElementById("courriers-seance");
  if (!section || !section.hasAttribute("data-running")) {
    return;
  }
  var text = section.querySelector("[data-progress-text]");
  var status = section.querySelector("[data-progress-status]");
  var bar = section.querySelector("[data-progress-bar]");

  function show(progress) {
    text.textContent = progress.message;
    status.textContent = progress.status_label;
    bar.max = progress.total;
    bar.value = progress.done;
    bar.textContent = progress.done + " / " + progress.total;
  }

  function poll() {
    fetch(section.getAttribute("data-progress-url"), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (progress) {
        if (progress) {
          show(progress);
          if (!progress.running) {
            window.location.reload();
            return;
          }
        }
        window.setTimeout(poll, 2000);
      })
      .catch(function () {
        window.setTimeout(poll, 5000); // the network failed for a moment: ask again a little later
      });
  }

  window.setTimeout(poll, 2000);
})();
