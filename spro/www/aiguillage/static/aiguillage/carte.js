// Map of the sites listed on the answer page; the list stays the reference (the map only repeats it).
(function () {
  var element = document.getElementById("carte-lieux");
  var data = document.getElementById("lieux-carte");
  if (!element || !data || typeof L === "undefined") return;
  var places = JSON.parse(data.textContent);
  if (!places.length) return;
  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);
  var bounds = [];
  places.forEach(function (place) {
    var marker = L.marker([place.lat, place.lon], { title: place.nom, alt: place.nom });
    marker.bindPopup(document.createTextNode(place.nom + " — " + place.adresse));
    marker.addTo(map);
    bounds.push([place.lat, place.lon]);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
})();
