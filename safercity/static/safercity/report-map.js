// The report form's map: the city's neighborhoods, no tiles (works offline); a click
// sets the hidden lat/long fields that the form sends.
(function () {
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var map = L.map(box, { zoomControl: true, attributionControl: false });
  var marker = null;
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: { color: "#0b5cad", weight: 1, fillOpacity: 0.05 },
      onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name); }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([38.63, -90.24], 12); }
  });
  map.on("click", function (event) {
    document.getElementById("id_lat").value = event.latlng.lat.toFixed(6);
    document.getElementById("id_long").value = event.latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(event.latlng); } else { marker = L.marker(event.latlng).addTo(map); }
    document.getElementById("chosen").textContent =
      event.latlng.lat.toFixed(5) + ", " + event.latlng.lng.toFixed(5);
  });
})();
