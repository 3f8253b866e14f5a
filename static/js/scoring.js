// The scoring page: score every criterion from the keyboard alone.
//   ↓ / ↑ or J / K   next / previous criterion
//   1, 0, 2…9        pick the answer with that key (shown beside each answer)
//   N                not applicable, where allowed
//   C                write a comment; Esc goes back to the criterion
//   F                go to the feedback (the first part still empty)
//   Ctrl+Enter       submit (from anywhere on the page, also while typing)
// Picking an answer fires "change", which htmx turns into one request that saves the draft and
// returns the score panel as the server computed it.
(function () {
  "use strict";
  const form = document.getElementById("review-form");
  if (!form) return;
  const criteria = Array.from(form.querySelectorAll(".criterion"));

  function current() {
    return document.activeElement && document.activeElement.closest(".criterion");
  }

  function focusCriterion(el) {
    if (!el) return;
    const target = el.querySelector("input[type=radio]:checked") || el.querySelector("input[type=radio]");
    target.focus({ preventScroll: true });
    el.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function move(step) {
    const here = current();
    const index = here ? criteria.indexOf(here) : -1;
    const next = criteria[Math.min(criteria.length - 1, Math.max(0, index + step))];
    focusCriterion(next);
  }

  function pick(el, key) {
    const radio = Array.from(el.querySelectorAll("input[type=radio]")).find(
      (r) => r.dataset.shortcut && r.dataset.shortcut.toLowerCase() === key.toLowerCase()
    );
    if (!radio) return false;
    radio.checked = true;
    radio.dispatchEvent(new Event("change", { bubbles: true }));
    mark(el);
    // A changed answer from the data asks for its reason first.
    const reason = el.querySelector("[data-override]");
    if (reason && !reason.hidden) {
      reason.querySelector("textarea").focus();
      return true;
    }
    // On to the next criterion still to answer (or simply the next one).
    const later = criteria.slice(criteria.indexOf(el) + 1);
    focusCriterion(later.find((c) => !c.querySelector("input:checked")) || later[0] || el);
    return true;
  }

  function mark(el) {
    const checked = el.querySelector("input[type=radio]:checked");
    el.classList.toggle("answered", !!checked);
    el.classList.toggle("failed", !!checked && checked.value === el.dataset.lowest);
    // Answered from the data: a different answer needs its reason (kept with the review).
    const reason = el.querySelector("[data-override]");
    if (reason) reason.hidden = !checked || checked.value === el.dataset.dataAnswer;
  }

  // Typing in a comment or the feedback saves after a pause. A plain event, not an htmx
  // trigger filter: filters are evaluated as script, which the Content-Security-Policy forbids.
  form.addEventListener("input", (event) => {
    if (event.target.tagName === "TEXTAREA") {
      form.dispatchEvent(new CustomEvent("textedit"));
    }
  });

  form.addEventListener("change", (event) => {
    const el = event.target.closest(".criterion");
    if (el) mark(el);
  });

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
      event.preventDefault();
      form.requestSubmit(document.getElementById("submit-review") || undefined);
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.matches("textarea, input[type=text], input[type=search]");
    if (typing) {
      if (event.key === "Escape" && event.target.closest(".criterion")) {
        event.preventDefault();
        focusCriterion(event.target.closest(".criterion"));
      }
      return;
    }
    const here = current();
    if (event.key === "ArrowDown" || event.key === "j") {
      event.preventDefault();
      move(here ? 1 : 0);
    } else if (event.key === "ArrowUp" || event.key === "k") {
      event.preventDefault();
      move(-1);
    } else if (here && (event.key === "c" || event.key === "C")) {
      event.preventDefault();
      const details = here.querySelector("details.comment");
      details.open = true;
      details.querySelector("textarea").focus();
    } else if (event.key === "f" || event.key === "F") {
      const parts = Array.from(form.querySelectorAll(".sandwich textarea"));
      const target = parts.find((t) => !t.value.trim()) || parts[0];
      if (target) {
        event.preventDefault();
        target.focus();
        target.setSelectionRange(target.value.length, target.value.length);  // after what is written
      }
    } else if (here && /^[0-9nN]$/.test(event.key)) {
      if (pick(here, event.key)) event.preventDefault();
    }
  });

  // Submitting waits for an autosave in flight (which moves the revision on) and stops any
  // autosave still waiting for its delay: the submission carries every answer anyway.
  let inFlight = 0;
  let submitting = false;
  let submitter = null;
  form.addEventListener("htmx:beforeRequest", (event) => {
    if (submitting) {
      event.preventDefault();
      return;
    }
    inFlight += 1;
  });
  form.addEventListener("htmx:afterRequest", () => {
    inFlight = Math.max(0, inFlight - 1);
    // requestSubmit keeps which button was pressed ("Submit and score the next").
    if (submitting && !inFlight) setTimeout(() => form.requestSubmit(submitter), 0);
  });
  // A released review is only saved with "Save changes": warn before leaving with edits.
  let edited = false;
  if (form.dataset.released) {
    form.addEventListener("input", () => (edited = true));
    window.addEventListener("beforeunload", (event) => {
      if (edited && !submitting) event.preventDefault();
    });
  }
  form.addEventListener("submit", (event) => {
    submitting = true;
    submitter = event.submitter || submitter;
    if (inFlight) event.preventDefault();
  });

  // "Add the comments of failed criteria" to "what to improve".
  form.querySelectorAll(".pull-comments").forEach((button) => {
    button.addEventListener("click", () => {
      const target = document.getElementById(button.dataset.target);
      const lines = criteria
        .filter((el) => el.classList.contains("failed"))
        .map((el) => {
          const text = el.querySelector("textarea").value.trim();
          return text ? "• " + el.querySelector("textarea").dataset.behaviour + ": " + text : "";
        })
        .filter((line) => line && !target.value.includes(line));
      if (!lines.length) return;
      target.value = (target.value.trim() ? target.value.trim() + "\n" : "") + lines.join("\n");
      target.dispatchEvent(new Event("input", { bubbles: true }));
      target.focus();
    });
  });

  // Clicking a transcript line quotes what was said (data-quote: without speaker and time stamp,
  // reviews/transcripts.py) in the comment of the criterion last worked on: the 1-on-1 planner
  // finds quoted lines (coaching/evidence.py).
  let lastCriterion = null;
  form.addEventListener("focusin", (event) => {
    const el = event.target.closest(".criterion");
    if (el) lastCriterion = el;
  });
  document.querySelectorAll(".transcript .quote-line").forEach((button) => {
    button.addEventListener("click", () => {
      const el = lastCriterion || criteria.find((c) => c.classList.contains("failed")) || criteria[0];
      if (!el) return;
      const quote = "\u201c" + (button.dataset.quote || button.textContent.trim()) + "\u201d";
      const details = el.querySelector("details.comment");
      const area = details.querySelector("textarea");
      details.open = true;
      if (!area.value.includes(quote)) {
        area.value = (area.value.trim() ? area.value.trim() + " " : "") + quote + " ";
        area.dispatchEvent(new Event("input", { bubbles: true }));
      }
      button.classList.add("quoted");
      area.focus();
      area.setSelectionRange(area.value.length, area.value.length);
      lastCriterion = el;
    });
  });

  // After a refused submission, show what is missing; otherwise start at the first criterion
  // still to answer.
  const problems = document.getElementById("submit-problems");
  if (problems) {
    problems.focus();
  } else {
    focusCriterion(criteria.find((c) => !c.querySelector("input:checked")) || criteria[0]);
  }
  form.dataset.keyboard = "ready";

  // Active time (docs/reviewing.md): a beat once a minute while the reviewer works on the page —
  // typed, clicked or scrolled in the last minute, with the page in view. Time away sends none.
  const beat = form.dataset.activeUrl;
  if (beat) {
    let touched = Date.now();
    for (const kind of ["keydown", "pointerdown", "scroll", "input"]) {
      document.addEventListener(kind, () => { touched = Date.now(); }, { passive: true, capture: true });
    }
    const token = form.querySelector("[name=csrfmiddlewaretoken]");
    setInterval(() => {
      if (document.visibilityState !== "visible" || Date.now() - touched > 60000) return;
      fetch(beat, {
        method: "POST", credentials: "same-origin", keepalive: true,
        headers: { "X-CSRFToken": token ? token.value : "" },
      }).catch(() => {});
    }, 60000);
  }
})();
