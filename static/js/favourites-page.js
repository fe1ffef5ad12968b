// The favourites page: removing an image from the collection without reloading.

import { api } from "./api.js";

const list = document.querySelector("#favourites");

list.addEventListener("click", async (event) => {
  const button = event.target.closest(".remove-favourite");
  if (!button) return;
  const item = button.closest(".favourite");
  button.disabled = true;
  try {
    await api.unfavourite(Number(item.dataset.imageId));
    item.remove();
    document.querySelector("#favourites-empty").hidden = list.children.length > 0;
  } catch (error) {
    button.disabled = false;
    window.alert(error.message);
  }
});
