// "Test connection" without leaving the Wise-Pay page: the form is posted in
// the background (fetch, asking for JSON) and the answer is shown above the
// form. A key typed into the form therefore stays in its field, and the
// answer offers Save Settings right there. Without JavaScript the button
// posts the form like any other and the page comes back without the typed
// key, which the server never writes into a page.
'use strict';

(() => {
  const form = document.getElementById('settings-form');
  const testAction = form && form.dataset.testAction;
  const message = document.getElementById('page-message');
  if (!testAction || !message) return;

  const paragraph = (text, className) => {
    const p = document.createElement('p');
    if (className) p.className = className;
    p.textContent = text;
    return p;
  };

  const labelOf = (name) => {
    const label = form.querySelector(`label[for="input-${CSS.escape(name)}"]`);
    return label ? label.textContent.trim() : name;
  };

  // The answer: {kind: "success" | "error" | "progress", text, correlation_id,
  // field_errors: {field: sentence}, offer_save, save_label}.
  const showMessage = (answer) => {
    const kind = ['success', 'error', 'progress'].includes(answer.kind) ? answer.kind : 'error';
    // An error interrupts (alert); progress and success are polite news.
    message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    message.className = `message ${kind}`;
    const parts = [paragraph(answer.text || '')];
    const errors = Object.entries(answer.field_errors || {});
    if (errors.length) {
      const list = document.createElement('ul');
      for (const [name, text] of errors) {
        const link = document.createElement('a');
        link.href = `#input-${name}`;
        link.textContent = `${labelOf(name)}: ${text}`;
        const item = document.createElement('li');
        item.append(link);
        list.append(item);
      }
      parts.push(list);
    }
    if (answer.correlation_id) {
      const p = paragraph('Correlation id: ', 'correlation');
      const code = document.createElement('code');
      code.textContent = answer.correlation_id;
      p.append(code);
      parts.push(p);
    }
    if (answer.offer_save) {
      const save = document.createElement('button');
      save.type = 'submit';
      save.setAttribute('form', form.id);
      save.name = 'action';
      save.value = 'save';
      save.className = 'primary';
      save.id = 'save-tested-key';
      save.textContent = answer.save_label || 'Save Settings';
      const offer = paragraph('', 'offer');
      offer.append(save);
      parts.push(offer);
    }
    message.replaceChildren(...parts);
  };

  // Marks the fields the answer names (aria-invalid, highlight, the sentence
  // beside the field), clears the others, and moves focus to the first.
  const markFields = (fieldErrors) => {
    let first = null;
    for (const field of form.querySelectorAll('.field[id^="field-"]')) {
      const name = field.id.slice('field-'.length);
      const input = document.getElementById(`input-${name}`);
      const error = document.getElementById(`error-${name}`);
      const text = fieldErrors[name];
      field.classList.toggle('invalid', Boolean(text));
      if (input) {
        if (text) input.setAttribute('aria-invalid', 'true');
        else input.removeAttribute('aria-invalid');
      }
      if (error) error.textContent = text || '';
      if (text && input && !first) first = input;
    }
    if (first) first.focus();
  };

  form.addEventListener('submit', async (event) => {
    const button = event.submitter;
    if (!button || button.name !== 'action' || button.value !== testAction) return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form));
    body.set('action', testAction);
    button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    showMessage({ kind: 'progress', text: 'Testing the connection to Wise-Pay…' });
    let answer;
    try {
      // getAttribute: the buttons named "action" shadow the form's .action.
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body,
        headers: { Accept: 'application/json' },
        credentials: 'same-origin',
        cache: 'no-store',
      });
      answer = await response.json();
    } catch {
      answer = {
        kind: 'error',
        text: 'The console could not be reached. Check your connection and try again.',
      };
    } finally {
      button.disabled = false;
      form.removeAttribute('aria-busy');
    }
    showMessage(answer);
    markFields(answer.field_errors || {});
  });
})();
