// After a submission in error, the error summary takes the focus (RGAA 11.10, DSFR pattern):
// the person hears how many errors there are and can follow each link to its field.
(function () {
  var summary = document.querySelector("[data-spro-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
