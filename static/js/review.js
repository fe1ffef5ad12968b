// The review queue: select cases for a bulk decision, and confirm before deleting files.

import { interpolate, ngettext } from "./i18n.js";

const bulk = document.querySelector("#bulk");
const picks = () => [...document.querySelectorAll("input.pick")];

function showCount() {
  const count = picks().filter((box) => box.checked).length;
  document.querySelector("#selected-count").textContent = count
    ? interpolate(ngettext("%(count)s selected", "%(count)s selected", count), { count }, true) : "";
  for (const button of bulk.querySelectorAll("button")) button.disabled = count === 0;
}

if (bulk) {
  document.querySelector("#select-all").addEventListener("change", (event) => {
    for (const box of picks()) box.checked = event.target.checked;
    showCount();
  });
  for (const box of picks()) box.addEventListener("change", showCount);
  showCount();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
});
