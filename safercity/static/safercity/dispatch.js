// The dispatcher's board: keyboard shortcuts on a unit's row, focus kept across the board's
// live refreshes, and the map of open incidents and units (no tiles: works offline).
(function () {
  // A form htmx has not taken over yet (it does so a moment after each refresh) is sent
  // through htmx all the same, so a quick key never leaves the board.
  function send(form) {
    if (!window.htmx) { form.requestSubmit(); return; }
    htmx.ajax("POST", form.getAttribute("action"), { source: form, target: "#dispatch-board", swap: "outerHTML" });
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target.tagName === "SELECT" && target.form && target.form.hasAttribute("data-enter-submits")) {
      event.preventDefault();
      if (target.form.reportValidity()) { send(target.form); }
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (!target.matches || !target.matches("tr[data-assignment]")) { return; }
    var control = target.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (!control) { return; }
    event.preventDefault();
    if (control.tagName === "BUTTON") { send(control.form); return; }
    var details = control.closest("details");
    if (details) { details.open = true; }
    control.focus();
  });
  var focused = null;
  document.body.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    var row = active && active.closest ? active.closest("[id]") : null;
    focused = row && row.id !== "dispatch-board" ? { row: row.id, control: active.id } : null;
  });
  document.body.addEventListener("htmx:afterSwap", function () {
    if (!focused) { return; }
    var again = (focused.control && document.getElementById(focused.control)) || document.getElementById(focused.row);
    if (again) { again.focus(); }
  });

  var box = document.getElementById("dispatch-map");
  if (!box || !window.L) { return; }
  var map = L.map(box, { attributionControl: false }).setView([38.63, -90.24], 12);
  window.saferCity.streets(map, box);
  fetch(box.dataset.city).then(function (r) { return r.json(); }).then(function (data) {
    var city = L.geoJSON(data, { style: { color: "#777", weight: 1, fillOpacity: 0.02 }, interactive: false }).addTo(map);
    if (data.features && data.features.length) { map.fitBounds(city.getBounds()); }
  });
  var layer = L.layerGroup().addTo(map);
  function draw() {
    fetch(box.dataset.geojson, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      layer.clearLayers();
      data.features.forEach(function (f) {
        var at = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        var incident = f.properties.kind === "incident";
        var colour = incident ? "#b00020" : (f.properties.status === "available" ? "#0b5cad" : "#6a3d9a");
        L.circleMarker(at, { radius: incident ? 8 : 6, color: colour, weight: 2, fillOpacity: 0.6 })
          .bindTooltip(f.properties.label + (incident ? "" : " (" + f.properties.status + ")"))
          .addTo(layer);
      });
      box.dataset.points = String(data.features.length);
    });
  }
  draw();
  setInterval(draw, 2000);
})();
