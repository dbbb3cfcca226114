// The API's interactive documentation: Swagger UI (npm swagger-ui-dist) on the generated OpenAPI document.
(function () {
  "use strict";
  var element = document.getElementById("swagger-ui");
  if (!element || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({ url: element.dataset.url, domNode: element, deepLinking: false });
})();
