// The portal map's filters start folded on a phone. Loaded right after the <details> (a plain
// script, not inline: sigap.web.security), so the open filters never flash on a small screen;
// without JavaScript they stay open.
if (window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) {
  document.getElementById("filters-fold").open = false;
}
