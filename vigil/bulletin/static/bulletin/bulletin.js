// The bulletin editor: "Use" copies a translation-memory match into the segment's text box.
// Without JavaScript the buttons stay hidden and the match can be copied by hand.
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.tm-use")) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const box = document.getElementById(button.dataset.target);
      if (!box) return;
      box.value = button.dataset.text;
      box.focus();
    });
  }
});
