// A request's place on a small map: the city's neighborhoods for context and a marker.
(function () {
  var box = document.getElementById("place-map");
  if (!box || !window.L) { return; }
  var at = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
  var map = L.map(box, { zoomControl: true, attributionControl: false, keyboard: false }).setView(at, 15);
  window.saferCity.streets(map, box);
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
    L.geoJSON(data, { style: { color: "#0b5cad", weight: 1, fillOpacity: 0.05 }, interactive: false }).addTo(map);
  });
  L.marker(at, { keyboard: false }).addTo(map);
})();
