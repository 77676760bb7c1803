// The "Opening Wise-Pay…" page, opened in a new tab by an invoice link: asks
// the console (fetch, POST) for the invoice's Wise-Pay sign-in link while
// the page shows progress, then goes there with location.replace, so the
// sign-in link never becomes an entry of the tab's history. When the portal
// cannot open Wise-Pay, the same page shows why, the support id and, when
// there is one, the payer registration button. The link is a credential:
// it is only ever held in this function and handed to the browser.
'use strict';

(() => {
  const root = document.getElementById('opening');
  if (!root) return;
  const heading = document.getElementById('open-heading');
  const status = document.getElementById('open-status');
  const progress = document.getElementById('open-progress');
  const refusal = document.getElementById('refusal');
  const isWebUrl = (url) => typeof url === 'string' && /^https?:\/\//i.test(url);

  // A slow Wise-Pay: say so rather than look stuck.
  const slow = setTimeout(() => {
    status.textContent = root.dataset.slowText;
  }, 4000);

  const showRefusal = (answer) => {
    heading.textContent = answer.title || root.dataset.refusedTitle;
    document.title = heading.textContent;
    status.textContent = '';
    progress.hidden = true;
    document.getElementById('refusal-message').textContent = answer.message || '';
    const support = document.getElementById('support');
    support.hidden = !answer.support_id;
    document.getElementById('correlation-id').textContent = answer.support_id || '';
    const help = document.getElementById('help-link');
    help.hidden = !isWebUrl(answer.help_url);
    if (isWebUrl(answer.help_url)) {
      help.href = answer.help_url;
      help.textContent = answer.help_label || 'More help';
    }
    refusal.hidden = false;
    root.setAttribute('aria-busy', 'false');
    heading.focus();
  };

  fetch(root.dataset.openUrl, {
    method: 'POST',
    body: new URLSearchParams({ csrf_token: root.dataset.csrfToken }),
    headers: { Accept: 'application/json' },
    credentials: 'same-origin',
    cache: 'no-store',
  })
    .then((response) => response.json())
    .then((answer) => {
      clearTimeout(slow);
      if (answer.outcome === 'redirect' && isWebUrl(answer.url)) {
        status.textContent = root.dataset.goingText;
        window.location.replace(answer.url);
        return;
      }
      showRefusal(answer);
    })
    .catch(() => {
      clearTimeout(slow);
      showRefusal({ message: root.dataset.unreachableText });
    });
})();
