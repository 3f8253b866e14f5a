// Small behaviours shared by every page.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
  }
});

// Every text box with a length limit counts down as the person types (screen readers hear it
// when the limit is near).
(function () {
  function counterFor(box) {
    var counter = document.createElement("span");
    counter.className = "char-counter hint";
    counter.setAttribute("aria-live", "polite");
    box.insertAdjacentElement("afterend", counter);
    function update() {
      var max = parseInt(box.getAttribute("maxlength"), 10);
      var left = max - box.value.length;
      counter.textContent = box.value.length + " / " + max;
      counter.classList.toggle("near-limit", left < max / 10);
      counter.setAttribute("aria-live", left < max / 10 ? "polite" : "off");
    }
    box.addEventListener("input", update);
    update();
  }
  function attach(root) {
    root.querySelectorAll("textarea[maxlength]").forEach(function (box) {
      if (!box.dataset.counted) {
        box.dataset.counted = "1";
        counterFor(box);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { attach(document); });
  document.addEventListener("htmx:afterSwap", function (event) { attach(event.target); });
})();

// The menu on a phone: the button opens and closes it (wider screens show the bar itself).
(function () {
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".menu-toggle") : null;
    if (!button) return;
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
  });
})();

// A table wider than its box scrolls inside it: the box takes the keyboard focus (so arrow keys
// scroll it) and shows a shadow at the edge that has more. Checked again when the page changes.
(function () {
  function mark(root) {
    (root || document).querySelectorAll(".table-scroll, .table-wrap, table").forEach(function (box) {
      var style = window.getComputedStyle(box);
      var scrolls = (style.overflowX === "auto" || style.overflowX === "scroll") && box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("scrolls", scrolls);
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { mark(document); });
  window.addEventListener("resize", function () { mark(document); });
  document.addEventListener("htmx:afterSwap", function (event) { mark(event.target); });
})();

// A link with data-key="ArrowLeft" (or another key) is followed when that key is pressed outside
// a form field: the calibration meeting view steps through interactions with ← and →.
(function () {
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.target.closest("input, textarea, select, [contenteditable]")) {
      return;
    }
    var link = document.querySelector('a[data-key="' + event.key + '"]');
    if (link) {
      window.location.href = link.href;
    }
  });
})();
