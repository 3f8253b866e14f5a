// Rubric editor: add, move and remove sections and criteria, keep the form's field names in
// screen order, and show the weights adding up as the manager types. The server re-checks
// everything on save; this script only helps.
(function () {
  "use strict";
  var form = document.getElementById("rubric-editor");
  if (!form) { return; }
  var sectionsList = document.getElementById("sections");
  var totalOut = document.getElementById("weight-total");
  var hint = document.getElementById("weight-hint");
  var dirty = false;

  function number(input) {
    var v = parseFloat(String(input.value || "").replace(",", "."));
    return isFinite(v) ? v : 0;
  }
  // Two decimals, halves away from zero (the app's one display rule), without float noise.
  function fmt(v) { var r = Number(Math.round(Math.abs(v) + 'e2') + 'e-2'); return (v < 0 ? -r : r).toString(); }

  function renumber() {
    var sections = sectionsList.querySelectorAll(":scope > [data-section]");
    sections.forEach(function (section, i) {
      section.querySelectorAll("[name]").forEach(function (el) {
        el.name = el.name.replace(/^s-(\d+|__S__)-/, "s-" + i + "-");
      });
      var num = section.querySelector("[data-section-number] span");
      if (num) { num.textContent = String(i + 1); }
      section.querySelectorAll("[data-criteria] > [data-criterion]").forEach(function (crit, j) {
        crit.querySelectorAll("[name]").forEach(function (el) {
          el.name = el.name.replace(/^s-(\d+)-c-(\d+|__C__)-/, "s-" + i + "-c-" + j + "-");
        });
      });
    });
  }

  function updateTotals() {
    var total = 0;
    sectionsList.querySelectorAll(".section-weight").forEach(function (input) { total += number(input); });
    totalOut.textContent = fmt(total);
    var ok = Math.abs(total - 100) < 0.001;
    totalOut.className = ok ? "ok" : "bad";
    hint.textContent = ok ? "" : (total < 100 ? fmt(100 - total) + " " + form.dataset.msgMissing : fmt(total - 100) + " " + form.dataset.msgOver);
    sectionsList.querySelectorAll(":scope > [data-section]").forEach(function (section) {
      var crits = section.querySelectorAll("[data-criteria] > [data-criterion]");
      var sum = 0;
      crits.forEach(function (c) { sum += number(c.querySelector(".criterion-weight")); });
      crits.forEach(function (c) {
        var share = c.querySelector("[data-share]");
        var w = number(c.querySelector(".criterion-weight"));
        share.textContent = sum > 0 ? "= " + fmt(w / sum * 100) + "%" : "";
      });
      var label = section.querySelector("[data-criteria-total]");
      if (label) { label.textContent = crits.length ? "(" + crits.length + ")" : ""; }
    });
  }

  function updateScaleFields(scope) {
    scope.querySelectorAll("[data-answer-type]").forEach(function (select) {
      var crit = select.closest("[data-criterion]");
      crit.querySelectorAll("[data-scale]").forEach(function (el) {
        el.hidden = select.value !== "points";
      });
    });
  }

  // The limit, band and empty-data fields only where the criterion is answered from the data.
  function updateDataFields(scope) {
    scope.querySelectorAll("[data-data-field]").forEach(function (select) {
      var crit = select.closest("[data-criterion]");
      crit.querySelectorAll("[data-bound]").forEach(function (el) {
        el.hidden = !select.value || (el.hasAttribute("data-band") && select.value !== "handle_time");
      });
    });
  }

  function fromTemplate(id) {
    return document.getElementById(id).content.firstElementChild.cloneNode(true);
  }

  function changed() { dirty = true; renumber(); updateTotals(); }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-action]");
    if (!button) { return; }
    var action = button.dataset.action;
    var item = button.closest("[data-criterion]") || button.closest("[data-section]");
    if (action === "add-section") {
      var section = fromTemplate("section-template");
      sectionsList.appendChild(section);
      changed();
      section.querySelector("input[name$='-name']").focus();
    } else if (action === "add-criterion") {
      var list = button.closest("[data-section]").querySelector("[data-criteria]");
      var crit = fromTemplate("criterion-template");
      list.appendChild(crit);
      updateScaleFields(crit);
      updateDataFields(crit);
      changed();
      crit.querySelector("input[name$='-behaviour']").focus();
    } else if (action === "move-up" && item.previousElementSibling) {
      item.parentNode.insertBefore(item, item.previousElementSibling);
      changed();
      button.focus();
    } else if (action === "move-down" && item.nextElementSibling) {
      item.parentNode.insertBefore(item.nextElementSibling, item);
      changed();
      button.focus();
    } else if (action === "remove-section") {
      var hasCriteria = item.querySelector("[data-criterion]");
      if (!hasCriteria || window.confirm(form.dataset.msgRemoveSection)) {
        item.remove();
        changed();
      }
    } else if (action === "remove-criterion") {
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      changed();
      if (next) { next.querySelector("input[name$='-behaviour']").focus(); }
    }
  });

  form.addEventListener("input", function () { dirty = true; updateTotals(); });
  form.addEventListener("change", function (event) {
    dirty = true;
    if (event.target.matches("[data-answer-type]")) { updateScaleFields(event.target.closest("[data-criterion]")); }
    if (event.target.matches("[data-data-field]")) { updateDataFields(event.target.closest("[data-criterion]")); }
  });
  form.addEventListener("submit", function () { renumber(); dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = form.dataset.msgUnsaved; }
  });

  renumber();
  updateScaleFields(form);
  updateDataFields(form);
  updateTotals();
})();
