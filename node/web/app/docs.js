// Swagger UI over this node's OpenAPI document. Nothing is fetched from elsewhere: the
// validator badge (which would call an outside service) is off, and the page's
// Content-Security-Policy allows only this node.
window.ui = window.SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  presets: [window.SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout'
})
