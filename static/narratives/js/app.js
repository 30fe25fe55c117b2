// Narratives: small enhancements for the corpus and upload pages. Every page works without this
// file; it only adds feedback (how many articles are ticked, which files were dropped).
"use strict";

// Offsets into an article's clean text count code points, as the server (Python) does; the DOM counts
// UTF-16 units, in which an emoji or any other character beyond U+FFFF is two. compare.js and
// framing.js convert every offset they send or read through these two.
window.narrativesText = {
  length(text) {
    let n = 0;
    for (const _ of text) n += 1;
    return n;
  },
  units(text, points) {
    let units = 0;
    let n = 0;
    for (const ch of text) {
      if (n === points) break;
      units += ch.length;
      n += 1;
    }
    return units;
  },
};

(function () {
  const MIN = 2;
  const MAX = 6;

  function tickedBoxes(form) {
    return document.querySelectorAll(`input[type=checkbox][form="${form.id}"]:checked`);
  }

  // The compare bar: say how many articles are ticked and only enable the button for 2–6.
  function updateCompareBar(form) {
    const count = tickedBoxes(form).length;
    const button = form.querySelector("[data-compare-button]");
    const label = form.querySelector("[data-compare-count]");
    if (button) button.disabled = count < MIN || count > MAX;
    if (!label) return;
    if (count === 0) label.textContent = `Tick ${MIN}–${MAX} articles to compare them.`;
    else if (count < MIN) label.textContent = "1 article ticked: tick at least one more.";
    else if (count > MAX) label.textContent = `${count} articles ticked: at most ${MAX} can be compared.`;
    else label.textContent = `${count} articles ticked.`;
  }

  function initCompareBars(root) {
    root.querySelectorAll("[data-compare-form]").forEach(updateCompareBar);
  }

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || box.type !== "checkbox" || !box.form) return;
    if (box.form.hasAttribute("data-compare-form")) updateCompareBar(box.form);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-compare-form")) return;
    // After htmx has filtered the list the address bar holds the current filters; come back to them.
    const back = form.querySelector("input[name=back]");
    if (back) back.value = window.location.pathname + window.location.search;
  });

  // The drop zone: highlight while dragging over it and list the chosen files by name.
  function initDropzones(root) {
    root.querySelectorAll("[data-dropzone]").forEach((zone) => {
      const input = zone.querySelector("[data-file-input]");
      const chosen = zone.querySelector("[data-chosen]");
      if (!input) return;
      const show = () => {
        if (!chosen) return;
        const names = Array.from(input.files || []).map((f) => f.name);
        chosen.textContent = names.length ? `${names.length} chosen: ${names.join(", ")}` : "";
      };
      zone.addEventListener("dragover", (event) => {
        event.preventDefault();
        zone.classList.add("dragging");
      });
      zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
      zone.addEventListener("drop", (event) => {
        event.preventDefault();
        zone.classList.remove("dragging");
        if (event.dataTransfer && event.dataTransfer.files.length) {
          input.files = event.dataTransfer.files;
          show();
        }
      });
      input.addEventListener("change", show);
    });
  }

  function init(root) {
    initCompareBars(root);
    initDropzones(root);
  }

  document.addEventListener("DOMContentLoaded", () => init(document));
  // Results swapped in by htmx bring fresh checkboxes; the bar's count must follow.
  document.addEventListener("htmx:afterSettle", () => initCompareBars(document));
})();
