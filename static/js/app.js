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
