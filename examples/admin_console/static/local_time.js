// Shows each <time data-local datetime="...Z"> in the reader's own time zone.
// The server writes the time in UTC ("29 Nov 2026, 10:02 UTC"), which stays
// readable without JavaScript; here it becomes e.g. "29 Nov 2026, 11:02 CET",
// with the UTC text kept as the element's title.
'use strict';

(() => {
  const format = new Intl.DateTimeFormat(undefined, {
    day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', timeZoneName: 'short',
  });
  for (const element of document.querySelectorAll('time[data-local][datetime]')) {
    const when = new Date(element.getAttribute('datetime'));
    if (Number.isNaN(when.getTime())) continue;
    element.title = element.textContent;
    element.textContent = format.format(when);
  }
})();
