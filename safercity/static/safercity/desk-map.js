// The workstation's caller map: a marker at the location the network gave, no tiles (works
// offline). Runs on every piece of page htmx brings in, since the call card is swapped in.
(function () {
  function draw(root) {
    if (!window.L) { return; }
    root.querySelectorAll(".call-map").forEach(function (box) {
      if (box.dataset.drawn) { return; }
      box.dataset.drawn = "1";
      var at = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
      var map = L.map(box, { attributionControl: false }).setView(at, 15);
      window.saferCity.streets(map, box);
      L.circleMarker(at, { radius: 9, color: "#b00020", weight: 3 }).addTo(map);
      L.circle(at, { radius: 120, color: "#b00020", weight: 1, fillOpacity: 0.05 }).addTo(map);
    });
  }
  // htmx announces every piece it brings in (and the page itself) with htmx:load.
  document.addEventListener("htmx:load", function (event) { draw(event.target); });
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();
