// "Autour de moi": fills the hidden lat/lon fields of the search form from the browser's position and
// submits it. Optional: without JavaScript or geolocation the button stays hidden and the commune field works.
(function () {
  var form = document.getElementById("recherche-annuaire");
  var button = document.getElementById("autour-de-moi");
  if (!form || !button || !("geolocation" in navigator)) return;
  var commune = document.getElementById("commune");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var status = document.getElementById("position-statut");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Recherche de votre position…";
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        lat.value = position.coords.latitude.toFixed(5);
        lon.value = position.coords.longitude.toFixed(5);
        if (commune) commune.value = "";
        // The commune combobox sends the commune through a hidden field of the same name.
        if (form.elements.commune) form.elements.commune.value = "";
        status.textContent = "Position trouvée : recherche des lieux proches…";
        form.submit();
      },
      function () {
        button.disabled = false;
        status.textContent = "Nous n'avons pas pu obtenir votre position. Saisissez votre commune ou votre code postal.";
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 300000 }
    );
  });
  if (commune) {
    // Typing a commune means searching there, not around the previous position.
    commune.addEventListener("input", function () {
      lat.value = "";
      lon.value = "";
    });
  }
})();
