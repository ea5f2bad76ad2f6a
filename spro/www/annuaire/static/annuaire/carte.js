// Map of the sites listed on the page; the list stays the reference (the map only repeats it).
// Where the page shows the sites as cards ([data-lieu], numbered), each marker carries its card's number,
// and hovering or focusing a card highlights its marker, and the reverse.
(function () {
  var element = document.getElementById("carte-lieux");
  var data = document.getElementById("lieux-carte");
  if (!element || !data || typeof L === "undefined") return;
  var places = JSON.parse(data.textContent);
  if (!places.length) return;

  // Without JavaScript there is no map: its section stays hidden and the list takes the whole width.
  var section = element.closest(".spro-results-map");
  if (section) {
    section.hidden = false;
    var layout = section.closest(".spro-results-layout");
    if (layout) layout.classList.add("spro-results-layout--map");
    document.querySelectorAll(".spro-map-jump").forEach(function (link) { link.hidden = false; });
  }

  var cards = {};
  document.querySelectorAll("[data-lieu]").forEach(function (card) { cards[card.dataset.lieu] = card; });
  var markers = {};

  var map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);

  function numberedIcon(card) {
    var rank = card.querySelector(".spro-result__rank");
    var disc = document.createElement("span");
    disc.className = "spro-marker__disc";
    disc.setAttribute("aria-hidden", "true");
    disc.textContent = rank ? rank.textContent : "";
    return L.divIcon({ className: "spro-marker", html: disc, iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -14] });
  }

  function highlight(id, on) {
    var card = cards[id];
    var marker = markers[id];
    if (card) card.classList.toggle("spro-result--active", on);
    if (marker) {
      var icon = marker.getElement();
      if (icon) icon.classList.toggle("spro-marker--active", on);
      marker.setZIndexOffset(on ? 1000 : 0);
    }
  }

  function popupContent(place, card) {
    var popup = document.createElement("div");
    var name = document.createElement(place.url ? "a" : "strong");
    name.textContent = place.nom;
    if (place.url) name.href = place.url;
    popup.appendChild(name);
    popup.appendChild(document.createElement("br"));
    popup.appendChild(document.createTextNode(place.adresse));
    if (card) {
      var back = document.createElement("a");
      back.href = "#" + card.id;
      back.textContent = "Voir dans la liste";
      var line = document.createElement("p");
      line.className = "fr-mt-1w fr-mb-0";
      line.appendChild(back);
      popup.appendChild(line);
    }
    return popup;
  }

  // A sticky map beside the list starts partly below the first screen: fit the places in its visible part.
  var below = 0;
  if (section && window.matchMedia("(min-width: 62em)").matches) {
    var box = element.getBoundingClientRect();
    below = Math.min(Math.max(0, box.bottom - window.innerHeight), box.height / 2);
  }
  map.fitBounds(places.map(function (place) { return [place.lat, place.lon]; }), { paddingTopLeft: [30, 30], paddingBottomRight: [30, 30 + below], maxZoom: 15 });

  places.forEach(function (place) {
    var id = String(place.id);
    var card = cards[id];
    var options = { title: place.nom, alt: place.nom, riseOnHover: true };
    if (card) options.icon = numberedIcon(card);
    var marker = L.marker([place.lat, place.lon], options);
    marker.bindPopup(popupContent(place, card));
    marker.addTo(map);
    markers[id] = marker;
    if (!card) return;
    var icon = marker.getElement();
    icon.setAttribute("aria-label", place.nom);
    marker.on("mouseover", function () { highlight(id, true); });
    marker.on("mouseout", function () { highlight(id, false); });
    icon.addEventListener("focus", function () { highlight(id, true); });
    icon.addEventListener("blur", function () { highlight(id, false); });
    card.addEventListener("mouseenter", function () { highlight(id, true); });
    card.addEventListener("mouseleave", function () { highlight(id, false); });
    card.addEventListener("focusin", function () { highlight(id, true); });
    card.addEventListener("focusout", function (event) {
      if (!card.contains(event.relatedTarget)) highlight(id, false);
    });
  });
})();
