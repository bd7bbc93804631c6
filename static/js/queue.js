// The complaint queue: filters, pages, saved views and bulk actions swap the results in place (the server
// returns them alone when asked with X-Requested-With: fetch), the address bar follows so every view stays
// bookmarkable, and keyboard shortcuts work the rows. Without this script every link and form still works
// as an ordinary page load.
(function () {
  "use strict";

  const results = document.getElementById("queue-results");
  const filters = document.getElementById("queue-filters");
  if (!results || !filters || !window.fetch || !window.history.pushState) {
    return;
  }
  const views = document.querySelector("[data-queue-views]");
  const status = document.getElementById("queue-status");
  const help = document.getElementById("queue-help");
  const helpButton = document.querySelector("[data-queue-help-open]");
  let inFlight = null;

  // ----- swapping the results -------------------------------------------------------------------------

  function sameQueuePage(url) {
    return url.origin === window.location.origin && url.pathname === window.location.pathname;
  }

  async function load(url, { method = "GET", body = null, history = "push" } = {}) {
    if (inFlight) {
      inFlight.abort();
    }
    const controller = new AbortController();
    inFlight = controller;
    const hadFocusInside = results.contains(document.activeElement);
    results.setAttribute("aria-busy", "true");
    let response;
    let html;
    try {
      response = await fetch(url, {
        method,
        body,
        headers: { "X-Requested-With": "fetch" },
        credentials: "same-origin",
        signal: controller.signal,
      });
      html = await response.text();
    } catch (error) {
      if (error.name === "AbortError") {
        return;
      }
      // The network failed: let the browser try, and show its own error if it fails too.
      window.location.assign(url);
      return;
    } finally {
      if (inFlight === controller) {
        inFlight = null;
        results.removeAttribute("aria-busy");
      }
    }
    const landed = new URL(response.url || url, window.location.href);
    if (!response.ok || !sameQueuePage(landed)) {
      // A refusal, an error or a sign-in page: show it as a whole page, as without the script.
      window.location.assign(method === "GET" ? landed.href : window.location.href);
      return;
    }
    results.innerHTML = html;
    if (history === "push" && landed.href !== window.location.href) {
      window.history.pushState({ queue: true }, "", landed.href);
    } else if (history === "replace") {
      window.history.replaceState({ queue: true }, "", landed.href);
    }
    syncControls(landed);
    const count = results.querySelector("[data-queue-count]");
    if (status && count) {
      status.textContent = "Queue updated: " + count.textContent.trim();
    }
    // The link or button that had the focus is gone: keep the keyboard user in the results.
    if (hadFocusInside && count) {
      count.focus();
    }
  }

  // The filter form and the saved-view tabs show what the address says (after back/forward too).
  function syncControls(url) {
    const params = url.searchParams;
    for (const element of filters.elements) {
      if (!element.name || element.type === "submit") {
        continue;
      }
      const value = params.get(element.name);
      if (element.tagName === "SELECT") {
        const fallback = element.name === "status" ? "open" : "";
        element.value = value !== null ? value : fallback;
        if (element.selectedIndex < 0) {
          element.selectedIndex = 0;
        }
      } else if (element.type === "hidden") {
        element.value = value || "";
      }
    }
    if (views) {
      const view = params.get("view") || "";
      for (const tab of views.querySelectorAll("a[data-view]")) {
        if (tab.dataset.view === view) {
          tab.setAttribute("aria-current", "page");
        } else {
          tab.removeAttribute("aria-current");
        }
      }
    }
    syncBulkFields();
    updateSelectedCount();
  }

  function filterUrl() {
    const url = new URL(filters.getAttribute("action") || window.location.href, window.location.href);
    url.search = "";
    for (const [name, value] of new FormData(filters)) {
      // Empty filters stay out of the address, so bookmarks read like the links the page offers.
      if (value !== "") {
        url.searchParams.append(name, value);
      }
    }
    return url.href;
  }

  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    load(filterUrl());
  });

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0) {
      return;
    }
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    const link = event.target.closest(
      "[data-queue-views] a, a[data-queue-link], #queue-results .pagination a"
    );
    if (!link) {
      return;
    }
    const url = new URL(link.href, window.location.href);
    if (!sameQueuePage(url)) {
      return;
    }
    event.preventDefault();
    load(url.href);
  });

  results.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.id !== "queue-bulk") {
      return;
    }
    event.preventDefault();
    // The server redirects back to this page; fetch follows it and gets the results alone. (form.action
    // would be the form's "action" select, not its address.)
    const target = new URL(form.getAttribute("action"), window.location.href).href;
    load(target, { method: "POST", body: new FormData(form), history: "replace" });
  });

  window.addEventListener("popstate", () => {
    load(window.location.href, { history: "none" });
  });

  // ----- selection and bulk controls ------------------------------------------------------------------

  function bulkForm() {
    return results.querySelector("#queue-bulk");
  }

  function syncBulkFields() {
    const form = bulkForm();
    const action = form && form.querySelector("select[name=action]");
    if (!action) {
      return;
    }
    for (const field of form.querySelectorAll("[data-bulk-field]")) {
      field.hidden = field.dataset.bulkField !== action.value;
    }
  }

  function updateSelectedCount() {
    const form = bulkForm();
    const label = form && form.querySelector("[data-selected-count]");
    if (!label) {
      return;
    }
    const selected = form.querySelectorAll("input[name=items]:checked").length;
    label.textContent = selected ? `${selected} selected` : "";
    for (const box of form.querySelectorAll("input[name=items]")) {
      box.closest("tr").classList.toggle("selected", box.checked);
    }
  }

  results.addEventListener("change", (event) => {
    if (event.target.name === "action") {
      syncBulkFields();
    } else if (event.target.name === "items") {
      updateSelectedCount();
    }
  });

  function openBulk(action) {
    const form = bulkForm();
    const select = form && form.querySelector("select[name=action]");
    if (!select) {
      return;
    }
    select.value = action;
    syncBulkFields();
    const field = form.querySelector(`[data-bulk-field="${action}"] select`);
    if (field) {
      field.focus();
    }
    const selected = form.querySelectorAll("input[name=items]:checked").length;
    if (status) {
      status.textContent = `${selected} selected. Choose a value, then Apply to selected.`;
    }
  }

  // ----- keyboard -------------------------------------------------------------------------------------

  function rows() {
    return Array.from(results.querySelectorAll("tbody tr[data-href]"));
  }

  function currentRow() {
    const active = document.activeElement;
    return active && results.contains(active) ? active.closest("tr[data-href]") : null;
  }

  function move(step) {
    const all = rows();
    if (!all.length) {
      return;
    }
    const index = all.indexOf(currentRow());
    const next = index < 0 ? (step > 0 ? 0 : all.length - 1) : index + step;
    const row = all[Math.max(0, Math.min(all.length - 1, next))];
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function toggleSelection() {
    const row = currentRow();
    const box = row && row.querySelector("input[name=items]");
    if (box) {
      box.checked = !box.checked;
      box.dispatchEvent(new Event("change", { bubbles: true }));
    }
  }

  function toggleHelp() {
    if (!help) {
      return;
    }
    if (help.open) {
      help.close();
    } else {
      help.showModal();
    }
  }

  // Keys belong to whatever the person is typing in; checkboxes and buttons do not take letters.
  function typing(target) {
    if (target.isContentEditable) {
      return true;
    }
    if (target.tagName === "TEXTAREA" || target.tagName === "SELECT") {
      return true;
    }
    return target.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(target.type);
  }

  const shortcuts = {
    j: () => move(1),
    k: () => move(-1),
    x: toggleSelection,
    "/": () => {
      const first = filters.querySelector("select, input:not([type=hidden])");
      if (first) {
        first.focus();
      }
    },
    a: () => openBulk("assign"),
    d: () => openBulk("dismiss"),
    "?": toggleHelp,
  };

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    if (help && help.open && event.key !== "?") {
      return;
    }
    if (event.key === "Enter") {
      // Only on a row itself: Enter on a link, button or checkbox keeps its usual meaning.
      if (event.target.matches("tr[data-href]")) {
        event.preventDefault();
        window.location.assign(event.target.dataset.href);
      }
      return;
    }
    const action = shortcuts[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });

  if (helpButton && help) {
    helpButton.hidden = false;
    helpButton.addEventListener("click", toggleHelp);
  }
  window.history.replaceState({ queue: true }, "", window.location.href);
  syncBulkFields();
  updateSelectedCount();
})();
