// Hot spots: the published H3 hexagons (counts already through the small-count rules),
// shaded by count; hidden counts are drawn grey and say so. Works without map tiles.
(function () {
  var box = document.getElementById("hotspots");
  if (!box || !window.L) { return; }
  var map = L.map(box, { attributionControl: false });
  var choice = document.getElementById("hotspot-group");
  var layer = null;
  var data = null;
  function colour(count, top) {
    if (count === null) { return "#9aa0a6"; }
    var share = Math.min(1, count / top);
    return "rgba(180, 35, 24, " + (0.15 + 0.8 * share).toFixed(2) + ")";
  }
  function draw() {
    if (layer) { map.removeLayer(layer); }
    var group = choice.value;
    var features = data.features.filter(function (f) { return f.properties.offense_group === group; });
    var top = Math.max.apply(null, features.map(function (f) { return f.properties.count || 0; }).concat([1]));
    layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function (f) { return { weight: 0.5, color: "#555", fillColor: colour(f.properties.count, top), fillOpacity: 0.9 }; },
      onEachFeature: function (f, shape) {
        shape.bindTooltip(f.properties.count === null ? "fewer than 11, or hidden to protect one" : f.properties.count + " offenses");
      }
    }).addTo(map);
    if (features.length) { map.fitBounds(layer.getBounds()); }
  }
  fetch(box.dataset.geojson).then(function (r) { return r.json(); }).then(function (json) {
    data = json;
    draw();
  });
  choice.addEventListener("change", draw);
})();
