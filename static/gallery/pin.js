// The picture PIN: once three pictures are picked, the others rest until one is un-picked.

const form = document.querySelector(".g-pin-form");
if (form) {
  const needed = Number(form.dataset.pinLength || 3);
  const boxes = [...form.querySelectorAll("input[type=checkbox]")];
  const update = () => {
    const picked = boxes.filter((box) => box.checked).length;
    for (const box of boxes) box.disabled = !box.checked && picked >= needed;
    form.dataset.ready = String(picked === needed);
  };
  boxes.forEach((box) => box.addEventListener("change", update));
  update();
}
