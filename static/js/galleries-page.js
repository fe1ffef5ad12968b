// The list of galleries: name a new one for a team, then open it.

import { galleryApi } from "./gallery-api.js";

const form = document.querySelector("#new-gallery");

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const error = form.querySelector("#new-gallery-error");
  error.hidden = true;
  try {
    const { team_id: team, name } = form.elements;
    const gallery = await galleryApi.create(Number(team.value), name.value.trim());
    location.assign(gallery.url);
  } catch (failure) {
    error.textContent = failure.message;
    error.hidden = false;
  }
});
