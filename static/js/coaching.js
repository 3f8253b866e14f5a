// The planner's timer per agenda part: start, pause, and the minutes left (announced politely).
document.querySelectorAll(".timer").forEach((timer) => {
  const button = timer.querySelector(".timer-start");
  const output = timer.querySelector("output");
  let left = Number(timer.dataset.minutes) * 60;
  let ticking = null;
  const show = () => {
    const sign = left < 0 ? "−" : "";
    const s = Math.abs(left);
    output.textContent = `${sign}${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
    timer.classList.toggle("overrun", left < 0);
  };
  button.addEventListener("click", () => {
    if (ticking) {
      clearInterval(ticking);
      ticking = null;
      button.textContent = button.dataset.resume;
      return;
    }
    ticking = setInterval(() => { left -= 1; show(); }, 1000);
    button.textContent = button.dataset.pause;
  });
});
