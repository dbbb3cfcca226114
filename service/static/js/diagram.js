// Process diagrams with bpmn-js's viewer (npm bpmn-js, NavigatedViewer): each element [data-diagram-url] is
// filled with the diagram its URL gives, the path taken marked "etape-faite", the current step
// "etape-en-cours", and each pending timer's date as an overlay. Inside a <details>, drawn when opened.
(function () {
  "use strict";
  function draw(container) {
    if (container.dataset.drawn || typeof window.BpmnJS !== "function") {
      return;
    }
    container.dataset.drawn = "1";
    fetch(container.dataset.diagramUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (found) {
        if (!found.source) {
          container.textContent = "Aucun diagramme pour ce processus.";
          return null;
        }
        var viewer = new window.BpmnJS({ container: container });
        return viewer.importXML(found.source).then(function () {
          var canvas = viewer.get("canvas");
          var registry = viewer.get("elementRegistry");
          var overlays = viewer.get("overlays");
          found.done.forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, "etape-faite"); }
          });
          registry.filter(function (element) { return element.waypoints; }).forEach(function (flow) {
            var source = flow.source && flow.source.id, target = flow.target && flow.target.id;
            var reached = found.done.indexOf(target) >= 0 || found.current.indexOf(target) >= 0;
            if (found.done.indexOf(source) >= 0 && reached) { canvas.addMarker(flow.id, "etape-faite"); }
          });
          found.current.forEach(function (id) {
            if (registry.get(id)) { canvas.addMarker(id, "etape-en-cours"); }
          });
          found.timers.forEach(function (timer) {
            if (!registry.get(timer.element)) { return; }
            var note = document.createElement("div");
            note.className = "echeance-en-attente";
            note.textContent = timer.label;
            overlays.add(timer.element, { position: { bottom: -4, left: -20 }, html: note });
          });
          canvas.zoom("fit-viewport");
          container.dataset.ready = "1";
        });
      })
      .catch(function () {
        container.textContent = "Le diagramme n'a pas pu être affiché.";
      });
  }
  document.querySelectorAll("[data-diagram-url]").forEach(function (container) {
    var details = container.closest("details");
    if (details && !details.open) {
      details.addEventListener("toggle", function () { if (details.open) { draw(container); } });
    } else {
      draw(container);
    }
  });
})();
