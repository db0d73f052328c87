// Progressive enhancement only: every page works without this file.
(function () {
  // drop files on the upload zone: they go into the form's own file input, which is then sent
  var drop = document.querySelector(".upload .drop");
  var input = document.getElementById("file");
  if (drop && input) {
    ["dragenter", "dragover"].forEach(function (t) {
      drop.addEventListener(t, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      drop.addEventListener(t, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        drop.closest("form").submit();
      }
    });
  }
  // the severity filter acts at once; without script, its button reloads the page filtered
  var filter = document.querySelector("form.filter");
  if (filter) {
    var apply = function () {
      var shown = {};
      filter.querySelectorAll("input[name=severity]").forEach(function (box) { shown[box.value] = box.checked; });
      document.querySelectorAll("tr.finding").forEach(function (row) {
        row.classList.toggle("hidden", !shown[row.dataset.severity]);
      });
    };
    filter.addEventListener("change", apply);
  }
})();
