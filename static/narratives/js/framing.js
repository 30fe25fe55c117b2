/* Framing: tag a selection as a framing term from any article text (reading and compare pages), edit or
   remove a tag by clicking it, keep the highlights current after a change, and go to a cited position
   (#char=start,end, RFC 5147). Loaded on every page; does nothing where there is no .article-text.
   Offsets follow the rendering contract: characters counted from each paragraph's data-start. */
(function () {
  "use strict";

  const TAG_FORM = "/framing/tag";
  const TAG_DETAIL = (id) => `/framing/tags/${encodeURIComponent(id)}/`;

  const chars = window.narrativesText.length;
  const texts = () => [...document.querySelectorAll(".article-text[data-article]")];
  if (!texts().length) return;

  // A read-only account never sees the tagging button (the server refuses it anyway).
  const mayTag = document.body.dataset.canEdit !== "0";

  const trigger = document.createElement("button");
  trigger.type = "button";
  trigger.className = "framing-trigger";
  trigger.hidden = true;
  trigger.innerHTML = "Tag as framing term <kbd>t</kbd>";
  document.body.appendChild(trigger);

  const popover = document.createElement("div");
  popover.className = "framing-popover";
  popover.setAttribute("role", "dialog");
  popover.setAttribute("aria-label", "Framing tag");
  popover.hidden = true;
  document.body.appendChild(popover);

  let chosen = null; // {article, start, end, text, rect} of the current selection
  let returnFocus = null;

  /* Offsets */

  const blockOf = (node) => (node.nodeType === 1 ? node : node.parentElement)?.closest(".article-text p[data-start]");

  function offsetIn(block, node, offset) {
    const before = document.createRange();
    before.setStart(block, 0);
    before.setEnd(node, offset);
    return Number(block.dataset.start) + chars(before.toString());
  }

  // The selection as exact offsets, or a reason it cannot be tagged.
  function selectionInfo() {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0).cloneRange();
    const block = blockOf(range.startContainer);
    if (!block) return null;
    const endBlock = blockOf(range.endContainer);
    // A triple click selects a paragraph up to the very start of the next one (or to the end of the
    // text box, for the last paragraph): keep it to this one.
    const spills = endBlock
      ? offsetIn(endBlock, range.endContainer, range.endOffset) === Number(endBlock.dataset.start)
      : block.closest(".article-text").contains(range.endContainer);
    if (endBlock !== block && spills) {
      range.setEnd(block, block.childNodes.length);
    } else if (endBlock !== block) {
      return { problem: "Select words within one paragraph to tag them." };
    }
    const raw = range.toString();
    const lead = chars(raw) - chars(raw.trimStart());
    const text = raw.trim();
    if (!text) return null;
    const start = offsetIn(block, range.startContainer, range.startOffset) + lead;
    const article = block.closest(".article-text").dataset.article;
    return { article, start, end: start + chars(text), text, rect: range.getBoundingClientRect() };
  }

  /* Placing the button and the popover next to the selection */

  function place(el, rect) {
    const x = Math.min(window.scrollX + rect.left, window.scrollX + document.documentElement.clientWidth - el.offsetWidth - 16);
    el.style.left = `${Math.max(8, x)}px`; // CSSOM, not a style attribute: allowed under the CSP
    el.style.top = `${window.scrollY + rect.bottom + 6}px`;
  }

  function showTrigger() {
    chosen = selectionInfo();
    if (!mayTag || !chosen || chosen.problem || !popover.hidden) {
      trigger.hidden = true;
      return;
    }
    trigger.hidden = false;
    place(trigger, chosen.rect);
  }

  function openPopover(url, rect) {
    returnFocus = document.activeElement;
    trigger.hidden = true;
    popover.hidden = false;
    popover.textContent = "Loading…";
    place(popover, rect);
    htmx.ajax("GET", url, { target: popover, swap: "innerHTML" }).then(() => {
      place(popover, rect);
      popover.querySelector("input:not([type=hidden]), select, textarea, button")?.focus();
    });
  }

  function closePopover() {
    if (popover.hidden) return;
    popover.hidden = true;
    popover.replaceChildren();
    if (returnFocus && document.contains(returnFocus)) returnFocus.focus({ preventScroll: true });
  }

  function tagSelection() {
    const info = chosen && !chosen.problem ? chosen : selectionInfo();
    if (!info) return false;
    if (info.problem) {
      popover.hidden = false;
      popover.textContent = info.problem;
      place(popover, document.getSelection().getRangeAt(0).getBoundingClientRect());
      return true;
    }
    const params = new URLSearchParams({ article: info.article, start: info.start, end: info.end });
    openPopover(`${TAG_FORM}?${params}`, info.rect);
    return true;
  }

  /* Events */

  const typing = (el) => el.isContentEditable || el.matches?.("input, textarea, select");

  document.addEventListener("mouseup", (event) => {
    if (popover.contains(event.target) || event.target === trigger) return;
    setTimeout(showTrigger, 0); // after the browser has settled the selection
  });
  document.addEventListener("keyup", (event) => {
    if (event.shiftKey && !typing(event.target)) showTrigger();
  });

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !popover.hidden) {
      event.preventDefault();
      return closePopover();
    }
    const tag = event.target.closest?.(".article-text mark.tag[data-annotation]");
    if (event.key === "Enter" && tag) {
      event.preventDefault();
      return openPopover(TAG_DETAIL(tag.dataset.annotation), tag.getBoundingClientRect());
    }
    if (event.key !== "t" || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    if (popover.contains(event.target)) return;
    if (tagSelection()) event.preventDefault();
  });

  trigger.addEventListener("click", tagSelection);

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-pop-close]")) return closePopover();
    if (popover.contains(event.target) || event.target === trigger) return;
    const tag = event.target.closest(".article-text mark.tag[data-annotation]");
    const selection = document.getSelection();
    if (tag && (!selection || selection.isCollapsed)) {
      return openPopover(TAG_DETAIL(tag.dataset.annotation), tag.getBoundingClientRect());
    }
    if (!popover.hidden && !event.target.closest(".article-text")) closePopover();
  });

  /* After a change, fetch this page again and swap in its article texts with their new highlights. */

  async function refreshTexts() {
    const response = await fetch(window.location.href, { credentials: "same-origin" });
    if (!response.ok) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const old of texts()) {
      const side = old.dataset.side ? `[data-side="${CSS.escape(old.dataset.side)}"]` : "";
      const replacement = fresh.querySelector(`.article-text[data-article="${CSS.escape(old.dataset.article)}"]${side}`);
      if (!replacement) continue;
      const top = old.scrollTop;
      old.replaceChildren(...[...replacement.childNodes].map((n) => document.importNode(n, true)));
      old.scrollTop = top;
      htmx.process(old);
      old.dispatchEvent(new CustomEvent("framing:refreshed", { bubbles: true }));
    }
  }

  document.body.addEventListener("framing:changed", () => {
    refreshTexts();
  });

  /* #char=start,end: select and show a cited span. */

  function rangeFor(start, end) {
    for (const block of document.querySelectorAll(".article-text p[data-start]")) {
      const from = Number(block.dataset.start);
      if (start < from || start >= from + chars(block.textContent)) continue;
      const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let seen = from;
      let started = false;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const next = seen + chars(node.data);
        if (!started && start < next) {
          range.setStart(node, window.narrativesText.units(node.data, start - seen));
          started = true;
        }
        if (started && end <= next) {
          range.setEnd(node, window.narrativesText.units(node.data, end - seen));
          return range;
        }
        seen = next;
      }
      if (started) {
        range.setEndAfter(block.lastChild);
        return range;
      }
    }
    return null;
  }

  function showCited() {
    const m = /^#char=(\d+),(\d+)$/.exec(window.location.hash);
    if (!m) return;
    const range = rangeFor(Number(m[1]), Number(m[2]));
    if (!range) return;
    const selection = document.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    const el = range.startContainer.parentElement;
    el.scrollIntoView({ block: "center" });
    el.classList.add("flash");
    setTimeout(() => el.classList.remove("flash"), 2500);
  }

  showCited();
  window.addEventListener("hashchange", showCited);
})();
