/* The compare page: pin a shared claim (click, focus, j/k) and bring its counterpart into view; review
   by keyboard (a, r, u); pick two passages and link them by hand (offsets per the rendering contract);
   keep the reader's place when htmx swaps the comparison region. Loaded on every page: does nothing
   without [data-compare]. No inline handlers anywhere (CSP), so everything is delegated from here. */
(function () {
  "use strict";

  const page = document.querySelector("[data-compare]");
  if (!page) return;
  page.classList.add("js");

  const status = document.getElementById("compare-status");
  const keys = document.getElementById("compare-keys");
  const smooth = window.matchMedia("(prefers-reduced-motion: reduce)").matches ? "auto" : "smooth";
  let pinned = null; // the pinned match id
  let pinnedIndex = -1; // its place in the list, to pin the next one when it leaves the list
  let pointerDown = false; // a press on a highlight: its click pins, not the focus it causes
  const picked = { a: null, b: null }; // passages chosen for a manual link

  const chars = window.narrativesText.length;
  const region = () => document.getElementById("comparison");
  const sel = (id) => `[data-match~="${CSS.escape(id)}"]`;
  const items = () => [...region().querySelectorAll(".claim[data-claim]")];
  const itemFor = (id) => region().querySelector(`.claim[data-claim="${CSS.escape(id)}"]`);
  const idsOf = (mark) => (mark.dataset.match || "").split(" ").filter(Boolean);

  function say(message, problem = false) {
    if (!status) return;
    status.textContent = message;
    status.classList.toggle("problem", problem);
  }

  /* Pinning */

  function unpin() {
    region().querySelectorAll(".pinned").forEach((el) => el.classList.remove("pinned"));
    pinned = null;
  }

  function pin(id, { from = null, scroll = true, focusList = false } = {}) {
    unpin();
    const item = itemFor(id);
    const marks = region().querySelectorAll(`.article-text mark.hl${sel(id)}`);
    if (!item && !marks.length) return;
    pinned = id;
    pinnedIndex = items().indexOf(item);
    marks.forEach((m) => m.classList.add("pinned"));
    if (item) item.classList.add("pinned");
    if (scroll) bringIntoView(id, from, item);
    if (focusList && item) item.querySelector(".pin").focus({ preventScroll: true });
  }

  // Each text scrolls to its first sentence of the claim, except the one the reader is pointing at.
  function bringIntoView(id, from, item) {
    const fromText = from && from.closest(".article-text");
    region().querySelectorAll(".article-text").forEach((text) => {
      const first = text.querySelector(`mark.hl${sel(id)}`);
      if (first && text !== fromText) scrollWithin(text, first);
    });
    if (item && !(from && from.closest(".claims"))) scrollWithin(item.closest(".claims"), item);
  }

  function scrollWithin(box, el) {
    const scrolls = box && box.scrollHeight > box.clientHeight && getComputedStyle(box).overflowY !== "visible";
    if (!scrolls) {
      el.scrollIntoView({ block: "center", behavior: smooth });
      return;
    }
    const offset = el.getBoundingClientRect().top - box.getBoundingClientRect().top - box.clientHeight / 3;
    box.scrollBy({ top: offset, behavior: smooth });
  }

  function move(step) {
    const list = items();
    if (!list.length) return say("No shared claims to move through.");
    const here = list.findIndex((li) => li.dataset.claim === pinned);
    const next = here < 0 ? (step > 0 ? 0 : list.length - 1) : Math.min(list.length - 1, Math.max(0, here + step));
    pin(list[next].dataset.claim, { focusList: true });
  }

  /* Review by keyboard: press the pinned claim's own button, so the keys do exactly what the buttons do. */

  function act(action) {
    if (!pinned) return say("Pin a claim first: j and k move through the list.");
    const button = itemFor(pinned)?.querySelector(`button[data-action="${action}"]`);
    if (!button) return say(`The pinned claim has no “${action}” action here.`);
    button.click();
  }

  /* Manual linking: offsets count characters from each paragraph's data-start (rendering contract). */

  function pointOffset(text, node, offset) {
    let last = null;
    for (const p of text.querySelectorAll("p[data-start]")) {
      const whole = document.createRange();
      whole.selectNodeContents(p);
      const where = whole.comparePoint(node, offset);
      if (where < 0) return Number(p.dataset.start);
      if (where === 0) {
        const before = document.createRange();
        before.setStart(p, 0);
        before.setEnd(node, offset);
        return Number(p.dataset.start) + chars(before.toString());
      }
      last = p;
    }
    return last ? Number(last.dataset.start) + chars(last.textContent) : 0;
  }

  const textOf = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest(".article-text[data-side]");

  function capture() {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount || !region()) return;
    const range = selection.getRangeAt(0);
    const text = textOf(range.startContainer);
    if (!text || textOf(range.endContainer) !== text || !region().contains(text)) return;
    const from = pointOffset(text, range.startContainer, range.startOffset);
    const to = pointOffset(text, range.endContainer, range.endOffset);
    if (to <= from || !range.toString().trim()) return;
    picked[text.dataset.side] = { start: from, end: to, text: range.toString() };
    showPicked();
  }

  function showPicked() {
    const form = region()?.querySelector("[data-link-form]");
    if (!form) return;
    form.hidden = false;
    for (const side of ["a", "b"]) {
      const chosen = picked[side];
      form.elements[`${side}_start`].value = chosen ? chosen.start : "";
      form.elements[`${side}_end`].value = chosen ? chosen.end : "";
      form.elements[`${side}_text`].value = chosen ? chosen.text : "";
      const quote = chosen ? chosen.text.trim().replace(/\s+/g, " ") : "nothing selected";
      form.querySelector(`[data-link-preview="${side}"]`).textContent = quote.length > 120 ? quote.slice(0, 119) + "…" : quote;
    }
    form.querySelector("[data-link-submit]").disabled = !(picked.a && picked.b);
  }

  function clearPicked() {
    picked.a = picked.b = null;
    showPicked();
  }

  function link() {
    const form = region().querySelector("[data-link-form]");
    if (!form || form.querySelector("[data-link-submit]").disabled) return say("Select a passage in A and one in B first.");
    form.requestSubmit();
  }

  /* Events */

  function typing(target) {
    return target.isContentEditable || target.matches("textarea, select, input:not([type=range]):not([type=radio]):not([type=checkbox]):not([type=submit]):not([type=button])");
  }

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target) || keys?.open) return;
    const mark = event.target.closest?.("mark.hl");
    if (event.key === "Enter" && mark) return cycle(mark);
    const handlers = { j: () => move(1), k: () => move(-1), a: () => act("confirm"), r: () => act("reject"), u: () => act("undo"), l: link, "?": () => keys?.showModal(), Escape: unpin };
    const handler = handlers[event.key];
    if (!handler) return;
    event.preventDefault();
    handler();
  });

  // Clicking a sentence in several matches again pins its next match.
  function cycle(mark) {
    const ids = idsOf(mark);
    const next = ids.includes(pinned) ? ids[(ids.indexOf(pinned) + 1) % ids.length] : ids[0];
    pin(next, { from: mark });
  }

  document.addEventListener("mousedown", (event) => {
    pointerDown = Boolean(event.target.closest?.(".article-text mark.hl"));
  });
  document.addEventListener("mouseup", () => (pointerDown = false));

  document.addEventListener("focusin", (event) => {
    const mark = event.target.closest?.(".article-text mark.hl");
    const button = event.target.closest?.(".claim .pin");
    if (mark && !pointerDown && !idsOf(mark).includes(pinned)) pin(idsOf(mark)[0], { from: mark });
    else if (button && button.dataset.pin !== pinned) pin(button.dataset.pin, { from: button });
  });

  document.addEventListener("click", (event) => {
    const mark = event.target.closest(".article-text mark.hl");
    if (mark && region()?.contains(mark)) return cycle(mark);
    const button = event.target.closest(".claim .pin");
    if (button) return pin(button.dataset.pin, { from: button });
    if (event.target.closest("[data-shortcuts]")) return keys?.showModal();
    if (event.target.closest("[data-link-clear]")) return clearPicked();
  });

  document.addEventListener("mouseover", (event) => {
    const mark = event.target.closest(".article-text mark.hl");
    if (!mark) return;
    const ids = idsOf(mark);
    region().querySelectorAll(".article-text mark.hl").forEach((m) => m.classList.toggle("linked", idsOf(m).some((id) => ids.includes(id))));
  });
  document.addEventListener("mouseout", (event) => {
    if (event.target.closest?.(".article-text mark.hl")) region()?.querySelectorAll("mark.linked").forEach((m) => m.classList.remove("linked"));
  });

  let selectionTimer = null;
  document.addEventListener("selectionchange", () => {
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(capture, 120);
  });

  const slider = document.getElementById("sensitivity");
  const shown = document.querySelector("[data-sensitivity-value]");
  slider?.addEventListener("input", () => {
    if (shown) shown.value = Number(slider.value).toFixed(2);
  });

  /* htmx: keep the reader's place across swaps of the comparison region. */

  let saved = null;
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.target?.id === "comparison") event.detail.target.setAttribute("aria-busy", "true");
  });
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const old = event.detail.target;
    if (old?.id !== "comparison") return;
    const scrolls = {};
    old.querySelectorAll(".article-text[data-side], .claims").forEach((box) => (scrolls[box.dataset.side || "claims"] = box.scrollTop));
    saved = { scrolls, focused: old.contains(document.activeElement) };
  });
  document.body.addEventListener("htmx:load", (event) => {
    if (event.target.id !== "comparison") return;
    // The export links sit outside the swapped region: they must export what it now shows.
    for (const link of document.querySelectorAll("a[data-export]")) {
      const url = new URL(link.href);
      url.search = event.target.dataset.state;
      link.href = url;
    }
    if (!saved) return;
    const { scrolls, focused } = saved;
    saved = null;
    event.target.querySelectorAll(".article-text[data-side], .claims").forEach((box) => (box.scrollTop = scrolls[box.dataset.side || "claims"] || 0));
    repin(focused);
    showPicked();
  });
  // Our refusals come as text/plain, for the status line. With DEBUG on (as under `make run`),
  // django-htmx's helper would put any 400/403/404 in place of the whole page and lose the reader's
  // place and picked passages: keep those responses from reaching it.
  page.addEventListener("htmx:beforeOnLoad", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status >= 400 && (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain")) event.stopPropagation();
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    region()?.setAttribute("aria-busy", "false");
    const xhr = event.detail.xhr;
    const plain = (xhr.getResponseHeader("Content-Type") || "").startsWith("text/plain");
    say(plain ? xhr.responseText : `The server could not do that (status ${xhr.status}).`, true);
  });
  document.body.addEventListener("htmx:sendError", () => {
    region()?.setAttribute("aria-busy", "false");
    say("The server did not answer: nothing was changed. Check the connection and try again.", true);
  });
  document.body.addEventListener("compare:decided", (event) => {
    picked.a = picked.b = null;
    say(event.detail.message || "Saved.");
  });
  document.body.addEventListener("compare:updated", (event) => say(event.detail.message || ""));

  // A decided claim may leave the list (e.g. rejected under "all"): then its successor takes the pin.
  function repin(focused) {
    if (!pinned) return;
    const list = items();
    const id = itemFor(pinned) ? pinned : list[Math.min(pinnedIndex, list.length - 1)]?.dataset.claim;
    pinned = null;
    if (id) pin(id, { scroll: false, focusList: focused });
    else if (focused) region().querySelector("h2")?.focus?.();
  }

  /* A link from the grid opens the pair with one claim pinned (#claim-<id>). */
  const wanted = decodeURIComponent(location.hash.replace(/^#claim-/, ""));
  if (location.hash.startsWith("#claim-") && wanted) pin(wanted, { focusList: true });
})();
