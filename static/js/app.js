// The project's own JavaScript, loaded by templates/base.html as
// <script type="module" src="{% static 'js/app.js' %}"> at the end of <body>.
// Module scripts are deferred, so document.body exists when this runs.

// Same path as $govuk-assets-path in frontend/app.scss: both assume STATIC_URL "/static/".
// (Imports are hoisted; loading this module only defines classes and functions.)
import { initAll } from '/static/govuk/govuk-frontend.min.js'

// GOV.UK Frontend 5 normally adds these classes with an inline <script> at the top
// of <body>. Our Content Security Policy forbids inline script, so do it here, first:
// initAll() does nothing unless <body> has "govuk-frontend-supported", and
// "js-enabled" switches on the styles of the JavaScript-enhanced components.
// Browsers that cannot run ES modules never get either class and keep the plain
// HTML, which is the same support test as GOV.UK Frontend's own snippet.
document.body.classList.add('js-enabled', 'govuk-frontend-supported')

// Initialise every [data-module="govuk-…"] element on the page. For
// [data-module="govuk-error-summary"] the ErrorSummary constructor calls setFocus()
// on the summary (unless disableAutoFocus is set), so a form re-rendered with
// errors moves focus to its error summary and screen readers announce it.
initAll()

// "Use this template" never replaces what the officer typed without asking. Without
// JavaScript the server asks instead (replace, add after, or keep), so nothing is lost.
for (const button of document.querySelectorAll('button[data-confirm-target]')) {
  button.addEventListener('click', (event) => {
    const target = document.getElementById(button.dataset.confirmTarget)
    const form = button.form
    if (!target || !form || !target.value.trim() || form.querySelector('input[name="template_mode"]:checked')) {
      return
    }
    const label = document.querySelector(`label[for="${target.id}"]`)
    const what = label ? label.textContent.trim() : 'this field'
    if (window.confirm(`Replace the text you typed in "${what}" with the template? Cancel keeps your text.`)) {
      const mode = document.createElement('input')
      mode.type = 'hidden'
      mode.name = 'template_mode'
      mode.value = 'replace'
      form.appendChild(mode)
    } else {
      event.preventDefault()
    }
  })
}
