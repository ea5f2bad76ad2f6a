// The map of the places of a page (annuaire results, a site's page, the aiguillage answer), shared by all.
// The list stays the reference and the keyboard path: the map only repeats it. So the map gets a
// "Passer la carte" link before it, a name saying so, controls and popups in French, markers of at least
// 28 × 28 px spread apart where they would overlap (WCAG 2.5.8), and popups that take the focus when
// opened from the keyboard and give it back to their marker on Escape.
// Where the page shows the places as cards ([data-lieu], numbered), each marker carries its card's
// number, and hovering or focusing a card highlights its marker, and the reverse.
(function () {
  var element = document.getElementById("carte-lieux");
  var data = document.getElementById("lieux-carte");
  if (!element || !data || typeof L === "undefined") return;
  var places = JSON.parse(data.textContent);
  if (!places.length) return;
  var MARKER = 28; // px, more than the 24 px of WCAG 2.5.8
  var GAP = MARKER + 4; // distance kept between the centres of spread markers

  // Without JavaScript there is no map: its section stays hidden and the list takes the whole width.
  var section = element.closest(".spro-results-map");
  if (section) {
    section.hidden = false;
    var layout = section.closest(".spro-results-layout");
    if (layout) layout.classList.add("spro-results-layout--map");
    document.querySelectorAll(".spro-map-jump").forEach(function (link) { link.hidden = false; });
  }

  // "Passer la carte": a skip link before the map, to a target just after it.
  var after = document.createElement("span");
  after.id = "apres-la-carte";
  after.tabIndex = -1;
  var skip = document.createElement("a");
  skip.className = "fr-link spro-map-skip";
  skip.href = "#" + after.id;
  skip.textContent = "Passer la carte";
  element.parentNode.insertBefore(skip, element);
  element.parentNode.insertBefore(after, element.nextSibling);
  var many = places.length > 1;
  element.setAttribute("role", "region");
  element.setAttribute(
    "aria-label",
    element.dataset.label ? element.dataset.label : many ? "Carte des lieux d'accueil (la liste de la page donne les mêmes informations)"
         : "Carte du lieu d'accueil (l'adresse est donnée sur la page)"
  );

  var cards = {};
  document.querySelectorAll("[data-lieu]").forEach(function (card) { cards[card.dataset.lieu] = card; });
  var markers = {};

  var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
  L.control.zoom({ zoomInTitle: "Zoomer", zoomOutTitle: "Dézoomer" }).addTo(map);
  map.attributionControl.setPrefix(
    '<a href="https://leafletjs.com" title="Bibliothèque JavaScript de cartes interactives">Leaflet</a>'
  );
  L.tileLayer(element.dataset.tiles, { attribution: element.dataset.attribution, maxZoom: 18 }).addTo(map);

  function icon(card) {
    var rank = card && card.querySelector(".spro-result__rank");
    var disc = document.createElement("span");
    disc.className = "spro-marker__disc";
    disc.setAttribute("aria-hidden", "true");
    disc.textContent = rank ? rank.textContent : "";
    var half = MARKER / 2;
    return L.divIcon({ className: "spro-marker", html: disc, iconSize: [MARKER, MARKER], iconAnchor: [half, half], popupAnchor: [0, -half] });
  }

  function highlight(id, on) {
    var card = cards[id];
    var marker = markers[id];
    if (card) card.classList.toggle("spro-result--active", on);
    if (marker) {
      var node = marker.getElement();
      if (node) node.classList.toggle("spro-marker--active", on);
      marker.setZIndexOffset(on ? 1000 : 0);
    }
  }

  function popupContent(place, card) {
    var popup = document.createElement("div");
    popup.tabIndex = -1;
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

  // Markers closer than GAP pixels at the current zoom are pushed apart, a little at a time, until none
  // overlaps (identical addresses included); each keeps its true position in `origin` for the next zoom.
  function spread() {
    var list = Object.keys(markers).map(function (id) { return markers[id]; });
    var points = list.map(function (m) { return map.latLngToLayerPoint(m.origin); });
    for (var round = 0; round < 100; round++) {
      var moved = false;
      for (var i = 0; i < points.length; i++) {
        for (var j = i + 1; j < points.length; j++) {
          var dx = points[j].x - points[i].x;
          var dy = points[j].y - points[i].y;
          var distance = Math.sqrt(dx * dx + dy * dy);
          if (distance >= GAP) continue;
          if (distance < 0.01) { // the same place: part them in a direction of their own
            var angle = (2 * Math.PI * (i + j)) / points.length;
            dx = Math.cos(angle);
            dy = Math.sin(angle);
            distance = 1;
          }
          var push = (GAP - distance) / 2 + 0.5;
          var ux = dx / distance;
          var uy = dy / distance;
          points[i] = L.point(points[i].x - ux * push, points[i].y - uy * push);
          points[j] = L.point(points[j].x + ux * push, points[j].y + uy * push);
          moved = true;
        }
      }
      if (!moved) break;
    }
    list.forEach(function (m, k) { m.setLatLng(map.layerPointToLatLng(points[k])); });
  }

  // A sticky map beside the list starts partly below the first screen: fit the places in its visible part.
  var below = 0;
  if (section && window.matchMedia("(min-width: 62em)").matches) {
    var box = element.getBoundingClientRect();
    below = Math.min(Math.max(0, box.bottom - window.innerHeight), box.height / 2);
  }
  var bounds = places.map(function (place) { return [place.lat, place.lon]; });
  map.fitBounds(bounds, { paddingTopLeft: [30, 30], paddingBottomRight: [30, 30 + below], maxZoom: many ? 15 : 16 });

  var openedFromKeyboard = null;
  places.forEach(function (place, index) {
    var id = place.id != null ? String(place.id) : "place-" + index; // the aiguillage gives no ids
    var card = cards[id];
    var marker = L.marker([place.lat, place.lon], { icon: icon(card), title: place.nom, riseOnHover: true });
    marker.origin = L.latLng(place.lat, place.lon);
    marker.bindPopup(popupContent(place, card));
    marker.addTo(map);
    markers[id] = marker;
    var node = marker.getElement();
    node.setAttribute("aria-label", place.nom);
    node.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault(); // also stops Leaflet's own Enter, which would toggle the popup back
      openedFromKeyboard = marker;
      if (marker.isPopupOpen()) marker.closePopup();
      else marker.openPopup();
    });
    if (!card) return;
    marker.on("mouseover", function () { highlight(id, true); });
    marker.on("mouseout", function () { highlight(id, false); });
    node.addEventListener("focus", function () { highlight(id, true); });
    node.addEventListener("blur", function () { highlight(id, false); });
    card.addEventListener("mouseenter", function () { highlight(id, true); });
    card.addEventListener("mouseleave", function () { highlight(id, false); });
    card.addEventListener("focusin", function () { highlight(id, true); });
    card.addEventListener("focusout", function (event) {
      if (!card.contains(event.relatedTarget)) highlight(id, false);
    });
  });
  spread();
  map.on("zoomend", spread);

  map.on("popupopen", function (event) {
    var popup = event.popup.getElement();
    var close = popup.querySelector(".leaflet-popup-close-button");
    if (close) {
      close.setAttribute("aria-label", "Fermer");
      close.title = "Fermer";
    }
    if (openedFromKeyboard && openedFromKeyboard.getPopup() === event.popup) {
      var content = popup.querySelector(".leaflet-popup-content > div");
      (content.querySelector("a") || content).focus();
    }
  });
  map.on("popupclose", function (event) {
    var source = null;
    Object.keys(markers).forEach(function (id) { if (markers[id].getPopup() === event.popup) source = markers[id]; });
    openedFromKeyboard = null;
    // The popup leaves the page (after a fade): the focus it held goes back to its marker, not to the
    // top of the page.
    var popup = event.popup.getElement();
    var focus = document.activeElement;
    if (source && source.getElement() && (!focus || focus === document.body || (popup && popup.contains(focus)))) {
      source.getElement().focus();
    }
  });
  element.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = Object.keys(markers).map(function (id) { return markers[id]; }).filter(function (m) { return m.isPopupOpen(); })[0];
    if (!open) return;
    event.preventDefault();
    open.closePopup();
    open.getElement().focus();
  });
})();
