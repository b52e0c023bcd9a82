// Progressive enhancement only: every page works without this file.
// Buttons with data-confirm ask before submitting their form.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
// The progress form of a relative target previews the change the typed value makes against the
// baseline ("较基线 +12.0 %"), computed as the server computes it.
document.addEventListener("input", (event) => {
  if (event.target.id !== "ev-value") return;
  const output = document.getElementById("ev-change");
  if (!output) return;
  const baseline = Number(output.dataset.baseline);
  const unit = output.dataset.unit || "";
  // Only a plain number, with the unit after it if typed, is previewed; anything else (a percentage
  // typed for a quantity in 吨, 1.2万, full-width digits …) the server judges, and a preview of it
  // could only mislead.
  let typed = event.target.value.trim();
  if (unit && typed.endsWith(unit)) typed = typed.slice(0, -unit.length).trim();
  const plain = /^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/.test(typed);
  const value = plain ? Number(typed.replace(/,/g, "")) : NaN;
  if (!Number.isFinite(value) || !baseline) {
    output.textContent = "";
    return;
  }
  const change = ((value - baseline) / Math.abs(baseline)) * 100;
  // Rounded half away from zero, and never -0.0, as domain::target::change_rounded does.
  const rounded = (Math.sign(change) * Math.round(Math.abs(change) * 10)) / 10 || 0;
  const text = (rounded > 0 ? "+" : "") + rounded.toFixed(1) + " %";
  output.textContent = output.dataset.template.replace("{change}", text);
});
// The registration form shows the baseline fields of the chosen direction's relative indicators only;
// the others are disabled, so that they are not sent. Without this file every direction's are shown.
{
  const direction = document.getElementById("direction_id");
  if (direction) {
    const showChosen = () => {
      for (const group of document.querySelectorAll("fieldset[data-direction]")) {
        const other = group.dataset.direction !== direction.value;
        group.hidden = other;
        group.disabled = other;
      }
    };
    direction.addEventListener("change", showChosen);
    showChosen();
  }
}
// The dashboard's PI and institution fields suggest names as they are typed, from
// /dashboard/suggest/…; without this file the typed text, whole or in part, is searched for as it is.
for (const input of document.querySelectorAll("input[data-suggest]")) {
  const list = document.getElementById(input.getAttribute("list"));
  let timer;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const text = input.value.trim();
      if (!text || text === asked) return;
      asked = text;
      try {
        const response = await fetch(`${input.dataset.suggest}?q=${encodeURIComponent(text)}`, {
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok || asked !== text) return;
        const found = await response.json();
        list.replaceChildren(
          ...found.map(({ value, label }) => {
            const option = document.createElement("option");
            option.value = value;
            if (label !== value) option.label = label;
            return option;
          }),
        );
      } catch {
        // Suggestions are a help only; the field still searches for what is typed.
      }
    }, 200);
  });
}
