// Map of the sites listed on the page; the list stays the reference (the map only repeats it).
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
    var popup = document.createElement("div");
    var name = document.createElement(place.url ? "a" : "strong");
    name.textContent = place.nom;
    if (place.url) name.href = place.url;
    popup.appendChild(name);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(place.adresse));
    marker.bindPopup(popup);
    marker.addTo(map);
    bounds.push([place.lat, place.lon]);
  });
  map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
})();
