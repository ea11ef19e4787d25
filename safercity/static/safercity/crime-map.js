// Hot spots: the published H3 hexagons (counts already through the small-count rules),
// shaded by count; hidden counts are drawn grey and say so. Streets come from the configured
// tiles or the city's address list (saferCity.streets); the legend below the map gives the
// scale's top count.
(function () {
  var box = document.getElementById("hotspots");
  if (!box || !window.L) { return; }
  var map = L.map(box, { attributionControl: false, zoomSnap: 0.25 });
  window.saferCity.streets(map, box, { above: true });
  var legendTop = document.querySelector("#hotspot-legend [data-top]");
  var choice = document.getElementById("hotspot-group");
  var unit = document.getElementById("hotspot-unit");
  var layer = null;
  var data = null;
  var hoods = null;
  function colour(count, top) {
    if (count === null) { return "#9aa0a6"; }
    var share = Math.min(1, count / top);
    return "rgba(180, 35, 24, " + (0.15 + 0.8 * share).toFixed(2) + ")";
  }
  function features() {
    var group = choice.value;
    if (unit && unit.value === "neighborhoods" && hoods) {
      // Neighborhood features carry one count per offense group.
      return hoods.features.map(function (f) {
        return { type: "Feature", geometry: f.geometry,
                 properties: { name: f.properties.name, count: f.properties[group] === undefined ? null : f.properties[group] } };
      });
    }
    return data.features.filter(function (f) { return f.properties.offense_group === group; });
  }
  function draw() {
    if (layer) { map.removeLayer(layer); }
    var shown = features();
    var top = Math.max.apply(null, shown.map(function (f) { return f.properties.count || 0; }).concat([1]));
    layer = L.geoJSON({ type: "FeatureCollection", features: shown }, {
      style: function (f) { return { weight: 0.5, color: "#555", fillColor: colour(f.properties.count, top), fillOpacity: 0.9 }; },
      onEachFeature: function (f, shape) {
        var where = f.properties.name ? f.properties.name + ": " : "";
        // The page gives the words in its own language (data-hidden, data-offenses).
        shape.bindTooltip(where + (f.properties.count === null ? box.dataset.hidden : f.properties.count.toLocaleString(document.documentElement.lang) + " " + box.dataset.offenses));
      }
    }).addTo(map);
    if (legendTop) { legendTop.textContent = top.toLocaleString(document.documentElement.lang); }
    if (shown.length) { map.fitBounds(layer.getBounds(), { padding: [4, 4] }); }
  }
  var loads = [fetch(box.dataset.geojson).then(function (r) { return r.json(); })];
  if (box.dataset.neighborhoods) {
    loads.push(fetch(box.dataset.neighborhoods).then(function (r) { return r.json(); }));
  }
  Promise.all(loads).then(function (results) {
    data = results[0];
    hoods = results[1] || null;
    draw();
  });
  choice.addEventListener("change", draw);
  if (unit) { unit.addEventListener("change", draw); }
})();
