// saferCity.streets(map, box, options): the streets under a Leaflet map, from the configured
// tile source (the box's data-tiles and data-attribution) or drawn from the city's address list
// (data-streets), so every map shows streets offline too. With { above: true } the lines are
// drawn over the map's shapes (a choropleth hides them otherwise); they never take a click.
// Loaded right after leaflet.js, before the page's own map script.
window.saferCity = window.saferCity || {};
window.saferCity.streets = function (map, box, options) {
  var above = options && options.above;
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    if (map.attributionControl === undefined) { L.control.attribution({ prefix: false }).addTo(map); }
  } else if (box.dataset.streets) {
    fetch(box.dataset.streets).then(function (r) { return r.json(); }).then(function (data) {
      if (above) {
        var pane = map.createPane("streets");
        pane.style.zIndex = 450;
        pane.style.pointerEvents = "none";
      }
      var style = above ? { color: "#3c4043", weight: 1, opacity: 0.6 } : { color: "#8a8a8a", weight: 2 };
      var lines = L.geoJSON(data, { style: style, interactive: false, pane: above ? "streets" : "overlayPane" }).addTo(map);
      if (!above) { lines.bringToBack(); }
    });
  }
};
