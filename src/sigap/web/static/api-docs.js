// Swagger UI of /docs, started from this file rather than an inline script, so the page keeps
// the strict Content-Security-Policy of every page (sigap.web.security). No validator badge:
// it would load an image from swagger.io, and the docs work on a closed network.
(function () {
  "use strict";
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
}());
