// A group's areas on the city map, and a new outline drawn by clicking: each click adds a
// corner to the "Outline" field's GeoJSON polygon (kept closed), which staff may also type or
// paste. The field stays the source of truth, so the form works without the map too.
(function () {
  var box = document.getElementById("area-map");
  if (!box || !window.L) { return; }
  var field = document.getElementById("id_geometry");
  var map = L.map(box, { attributionControl: false, zoomSnap: 0.25 }).setView([38.63, -90.24], 12);
  window.saferCity.streets(map, box);
  var shapes = JSON.parse(document.getElementById("area-shapes").textContent);
  var areas = L.geoJSON(shapes, { style: { color: "#6a3d9a", weight: 2, fillOpacity: 0.35 }, interactive: false }).addTo(map);
  fetch(box.dataset.city).then(function (r) { return r.json(); }).then(function (data) {
    var city = L.geoJSON(data, { style: { color: "#777", weight: 1, fillOpacity: 0 }, interactive: false }).addTo(map);
    map.fitBounds(shapes.features.length ? areas.getBounds() : city.getBounds());
  });
  var drawn = L.polygon([], { color: "#b00020", weight: 2, fillOpacity: 0.25 }).addTo(map);
  function corners() {
    try {
      var shape = JSON.parse(field.value);
      var ring = shape.coordinates[0].slice(0, -1);
      return ring.map(function (c) { return [c[1], c[0]]; });
    } catch (e) { return []; }
  }
  function show() { drawn.setLatLngs(corners()); }
  map.on("click", function (event) {
    if (!field) { return; }
    var ring = corners().map(function (c) { return [c[1], c[0]]; });
    ring.push([+event.latlng.lng.toFixed(6), +event.latlng.lat.toFixed(6)]);
    field.value = JSON.stringify({ type: "Polygon", coordinates: [ring.concat([ring[0]])] });
    show();
  });
  if (field) { field.addEventListener("input", show); show(); }
})();
