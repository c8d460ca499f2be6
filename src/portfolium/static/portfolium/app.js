/* Portfolium page behaviour: charts, toasts for failed htmx requests, keyboard niceties for inline cells. */
(function () {
  "use strict";

  function toast(message, kind) {
    var box = document.getElementById("toasts");
    if (!box) return;
    var el = document.createElement("div");
    el.className = "toast" + (kind ? " toast-" + kind : "");
    el.textContent = message;
    box.appendChild(el);
    setTimeout(function () { el.remove(); }, 6000);
  }

  function drawCharts(root) {
    if (!window.Plotly) return;
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      try {
        var spec = JSON.parse(el.getAttribute("data-chart"));
        window.Plotly.react(el, spec.data, spec.layout, { displayModeBar: false, responsive: true });
      } catch (err) {
        el.textContent = "The chart could not be drawn.";
      }
    });
  }

  // Owner pickers in the WBS outline arrive with only their current value; the team's options are in one
  // <template id="people-options"> per outline. Keep an owner from outside the team if there is one.
  function fillPeople() {
    var tpl = document.getElementById("people-options");
    if (!tpl) return;
    document.querySelectorAll("select[data-people]:not([data-filled])").forEach(function (sel) {
      var current = sel.value;
      var outsider = null;
      sel.querySelectorAll("option").forEach(function (o) { if (o.value !== "") { outsider = o; o.remove(); } });
      var found = false;
      tpl.content.querySelectorAll("option").forEach(function (opt) {
        var o = opt.cloneNode(true);
        if (o.value === current) { found = true; }
        sel.appendChild(o);
      });
      if (!found && outsider) sel.appendChild(outsider);
      sel.value = current;
      sel.setAttribute("data-filled", "");
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); fillPeople(); });
  document.addEventListener("htmx:afterSettle", function (evt) {
    drawCharts(evt.detail.elt);
    fillPeople();
    var sel = document.querySelector("[data-autoselect]");
    if (sel && document.activeElement === sel) { sel.select(); sel.removeAttribute("data-autoselect"); }
  });

  document.addEventListener("htmx:responseError", function (evt) {
    var xhr = evt.detail.xhr;
    if (xhr.getResponseHeader("X-Portfolium-Message")) toast(xhr.responseText, "error");
    else if (xhr.status === 403) toast("You cannot do that here.", "error");
    else if (xhr.status === 404) toast("That no longer exists, or you have no access to it.", "error");
    else toast("Something went wrong (" + xhr.status + "). Please try again.", "error");
  });
  document.addEventListener("htmx:sendError", function () { toast("Cannot reach the server. Check your connection.", "error"); });

  // Inline cells: Enter saves (by leaving the field, which fires "change"), Escape puts the old value back.
  document.addEventListener("keydown", function (evt) {
    var el = evt.target;
    if (!el.classList || !el.classList.contains("cell-input") || el.tagName !== "INPUT") return;
    if (evt.key === "Enter") { evt.preventDefault(); el.blur(); }
    else if (evt.key === "Escape") { el.value = el.defaultValue; el.blur(); }
  });

  // Copy buttons (the API token secret).
  document.addEventListener("click", function (evt) {
    var btn = evt.target.closest("[data-copy]");
    if (!btn) return;
    var source = document.querySelector(btn.getAttribute("data-copy"));
    if (!source || !navigator.clipboard) return;
    navigator.clipboard.writeText(source.textContent.trim()).then(function () {
      btn.textContent = "Copied";
    });
  });
})();

/* === scheduling: open a task's editor by clicking its bar in the Gantt chart (issue 3) ==================== */
(function () {
  "use strict";
  function wire(root) {
    (root || document).querySelectorAll(".gantt-chart[data-edit-url]").forEach(function (el) {
      if (el.getAttribute("data-wired") || !el.on) return;
      el.setAttribute("data-wired", "");
      el.on("plotly_click", function (evt) {
        var point = evt && evt.points && evt.points[0];
        var id = point && point.customdata;
        if (!id || !window.htmx) return;
        var url = el.getAttribute("data-edit-url").replace(/([?&])edit=\d+&?/, "$1").replace(/[?&]$/, "");
        url += (url.indexOf("?") < 0 ? "?" : "&") + "edit=" + id;
        window.htmx.ajax("GET", url, { target: "#gantt", swap: "outerHTML" }).then(function () {
          window.history.pushState({}, "", url);
        });
      });
    });
  }
  // Plotly attaches ``on`` when it draws; app.js draws on DOMContentLoaded and after each htmx settle.
  document.addEventListener("DOMContentLoaded", function () { setTimeout(wire, 0); });
  document.addEventListener("htmx:afterSettle", function (evt) { setTimeout(function () { wire(evt.detail.elt); }, 0); });
})();
/* === end scheduling ======================================================================================= */
