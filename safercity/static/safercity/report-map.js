// The report form's map. Streets come from the configured tile source, or are drawn from the
// city's address list (works offline); neighborhoods are outlined for orientation and are not
// tab stops. A click, or Enter on the focused map (arrow keys pan, + and - zoom), sets the
// hidden lat/long fields; the nearest address is then said in words.
(function () {
  var box = document.getElementById("map");
  if (!box || !window.L) { return; }
  var map = L.map(box, { zoomControl: true, attributionControl: !!box.dataset.tiles, keyboard: true, zoomSnap: 0.25 });
  var marker = null;
  map.setView([38.63, -90.24], 12);  // until the city's outline arrives
  window.saferCity.streets(map, box);
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (data) {
    var layer = L.geoJSON(data, {
      style: { color: "#0b5cad", weight: 1, fillOpacity: 0.04, className: "hood" }, interactive: false
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds(), { padding: [4, 4] }); }
  });
  function choose(latlng) {
    document.getElementById("id_lat").value = latlng.lat.toFixed(6);
    document.getElementById("id_long").value = latlng.lng.toFixed(6);
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng, { keyboard: false }).addTo(map); }
    var said = document.getElementById("chosen");
    said.textContent = said.dataset.chosen;
    var url = box.dataset.nearest + "?lat=" + latlng.lat.toFixed(6) + "&lon=" + latlng.lng.toFixed(6);
    fetch(url).then(function (r) { return r.json(); }).then(function (found) {
      said.textContent = found.address ? said.dataset.near.replace("{address}", found.address) : said.dataset.chosen;
    });
  }
  map.on("click", function (event) { choose(event.latlng); });
  box.addEventListener("keydown", function (event) {
    if ((event.key === "Enter" || event.key === " ") && event.target === box) {
      event.preventDefault();
      map.stop();  // a pan still under way ends where the cross shows it
      choose(map.getCenter());
    }
  });
})();
