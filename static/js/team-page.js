// The team page's small behaviours, here rather than inline (the CSP allows no inline script).

// A read-only link field selects its whole text when clicked, ready to copy.
for (const field of document.querySelectorAll("input.copy-field")) {
  field.addEventListener("click", () => field.select());
}

// A form with data-confirm asks before it is sent.
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
