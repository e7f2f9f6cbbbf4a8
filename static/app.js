// Progressive enhancement only: every page works without this file.
// Cable ID inputs suggest stored cables as you type (the link and evidence fields).
(function () {
  "use strict";
  var list = document.getElementById("cable-ids");
  if (!list) { return; }
  var timer = null;
  function suggest(input) {
    var q = input.value.trim();
    if (q.length < 2) { return; }
    fetch("/cables?format=json&q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        items.forEach(function (c) {
          var o = document.createElement("option");
          o.value = c.id;
          o.textContent = c.date + " " + c.subject;
          list.appendChild(o);
        });
      })
      .catch(function () {});
  }
  document.querySelectorAll("input[data-cable-search]").forEach(function (input) {
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { suggest(input); }, 200);
    });
  });
})();
