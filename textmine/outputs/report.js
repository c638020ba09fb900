/* textmine evidence report: details of a highlight on hover, focus or click; form cells that jump
   to their evidence; legend toggles. Document content is only ever set with textContent. */
(function () {
  "use strict";
  const details = JSON.parse(document.getElementById("report-data").textContent);
  const text = document.getElementById("text");
  const tip = document.getElementById("tip");
  let anchor = null;     // the element the tip belongs to
  let pinned = false;    // a click keeps the tip until Escape or a click elsewhere
  let selected = [];     // the parts of the evidence last jumped to
  let flashTimer = 0;

  function byRef(ref) {
    return Array.from(document.querySelectorAll('#text [data-ref="' + CSS.escape(ref) + '"]'));
  }

  function byEntity(id) {
    return Array.from(document.querySelectorAll('#text .entity[data-entity="' + CSS.escape(id) + '"]'));
  }

  // every mark the element sits in, innermost first: a value inside an entity shows both
  function refsAround(element) {
    const refs = [];
    for (let node = element; node && node !== text; node = node.parentElement) {
      const ref = node.getAttribute("data-ref");
      if (ref && details[ref] && !refs.includes(ref)) refs.push(ref);
    }
    return refs;
  }

  function line(label, value, role) {
    const row = document.createElement("div");
    row.className = "tip-line";
    if (role) row.setAttribute("data-role", role);
    const name = document.createElement("b");
    name.textContent = label + ": ";
    row.append(name, String(value));
    return row;
  }

  function linkText(link) {
    let out = link.text;
    if (link.id) out += " (" + link.id + (link.name ? ", " + link.name : "") + ")";
    return out;
  }

  function describe(ref) {
    const d = details[ref];
    const box = document.createElement("section");
    box.className = "tip-item";
    const head = document.createElement("div");
    head.className = "tip-head";
    head.textContent = d.label;
    box.append(head);
    if (d.kind === "entity") {
      box.append(line("concept", d.name, "name"), line("id", d.id, "id"), line("type", d.type, "type"));
    } else {
      box.append(line("value", d.value, "value"), line("rule", d.rule, "rule"));
    }
    box.append(line("text", d.text, "text"));
    if (d.page != null) box.append(line("page", d.page, "page"));
    if (d.kind === "mention") {
      if (!d.links.length) box.append(line("links", "none", "links"));
      for (const link of d.links) box.append(line(link.role, linkText(link), "link"));
    }
    return box;
  }

  function place() {
    if (!anchor || tip.hidden) return;
    const r = anchor.getBoundingClientRect();
    const w = tip.offsetWidth, h = tip.offsetHeight, gap = 6;
    const below = r.bottom + gap + h <= window.innerHeight || r.top - gap - h < 0;
    tip.style.top = Math.max(0, below ? r.bottom + gap : r.top - gap - h) + "px";
    tip.style.left = Math.max(4, Math.min(r.left, window.innerWidth - w - 4)) + "px";
  }

  function show(element, pin) {
    const refs = refsAround(element);
    if (!refs.length) return;
    tip.replaceChildren(...refs.map(describe));
    tip.hidden = false;
    anchor = element;
    pinned = pin;
    tip.classList.toggle("pinned", pin);
    place();
  }

  function hide() {
    tip.hidden = true;
    anchor = null;
    pinned = false;
  }

  function select(parts) {
    window.clearTimeout(flashTimer);
    for (const part of selected) part.classList.remove("current", "flash");
    selected = parts;
    for (const part of parts) {
      part.classList.remove("flash");
      void part.offsetWidth;  // restart the animation
      part.classList.add("current", "flash");
    }
    flashTimer = window.setTimeout(() => { for (const part of parts) part.classList.remove("flash"); }, 1600);
  }

  function jump(ref, entity) {
    const target = document.getElementById(ref);
    if (!target) return;
    target.scrollIntoView({ block: "center", inline: "nearest" });
    select(entity ? byEntity(entity) : byRef(ref));
    target.focus({ preventScroll: true });
    show(target, true);
  }

  text.addEventListener("mouseover", (event) => {
    const mark = event.target.closest("[data-ref]");
    if (mark && !pinned) show(mark, false);
  });
  text.addEventListener("mouseout", (event) => {
    const to = event.relatedTarget;
    if (!pinned && !(to && to.closest && to.closest("#text [data-ref]"))) hide();
  });
  text.addEventListener("focusin", (event) => {
    const mark = event.target.closest("[data-ref]");
    if (mark && !pinned) show(mark, false);
  });
  text.addEventListener("click", (event) => {
    const mark = event.target.closest("[data-ref]");
    if (!mark) { hide(); return; }
    show(mark, true);
    select(byRef(mark.getAttribute("data-ref")));
  });
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-target]");
    if (button) jump(button.getAttribute("data-target"), button.getAttribute("data-entity"));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { hide(); return; }
    const mark = event.target.closest && event.target.closest("#text [data-ref]");
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      show(mark, true);
    }
  });
  for (const box of document.querySelectorAll("[data-toggle]")) {
    box.addEventListener("change", () => document.body.classList.toggle("hide-" + box.getAttribute("data-toggle"), !box.checked));
  }
  window.addEventListener("scroll", place, { passive: true });
  window.addEventListener("resize", place);
  document.body.setAttribute("data-ready", "1");
})();
