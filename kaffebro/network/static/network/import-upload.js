/* Drag and drop onto the contact-file field of the import page.
   A progressive enhancement: without JavaScript the plain file input does the same job. */
(function () {
  "use strict";

  function enhance(zone) {
    var input = zone.querySelector('input[type="file"]');
    var hint = zone.querySelector("[data-dropzone-hint]");
    var chosen = zone.querySelector("[data-dropzone-chosen]");
    if (!input || typeof DataTransfer === "undefined") {
      return;
    }
    if (hint) {
      hint.hidden = false;
    }

    function showChosen() {
      if (chosen) {
        chosen.textContent = input.files.length ? zone.dataset.chosenText + " " + input.files[0].name : "";
      }
    }

    function highlight(event) {
      event.preventDefault();
      zone.classList.add("dragging");
    }

    function unhighlight() {
      zone.classList.remove("dragging");
    }

    zone.addEventListener("dragenter", highlight);
    zone.addEventListener("dragover", highlight);
    zone.addEventListener("dragleave", unhighlight);
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      unhighlight();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) {
        return;
      }
      var one = new DataTransfer(); // the field takes one file; keep the first one dropped
      one.items.add(files[0]);
      input.files = one.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("change", showChosen);
  }

  document.querySelectorAll("[data-dropzone]").forEach(enhance);
})();
