// Names to offer while typing in any search box. Progressive enhancement:
// without JavaScript the form submits as usual; with it, the browser's own
// <datalist> shows suggestions from /api/search/suggest/.
(function () {
  "use strict";
  var boxes = document.querySelectorAll('input[type="search"][name="q"]');
  Array.prototype.forEach.call(boxes, function (box, index) {
    var list = document.createElement("datalist");
    var timer = null;
    var lastQuery = "";
    list.id = "search-suggestions-" + index;
    box.setAttribute("list", list.id);
    box.parentNode.appendChild(list);
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = box.value.trim();
        if (!query || query === lastQuery) { return; }
        lastQuery = query;
        fetch("/api/search/suggest/?q=" + encodeURIComponent(query) + "&limit=8")
          .then(function (response) { return response.ok ? response.json() : { suggestions: [] }; })
          .then(function (data) {
            list.textContent = "";
            data.suggestions.forEach(function (item) {
              var option = document.createElement("option");
              option.value = item.title;
              list.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are optional */ });
      }, 200);
    });
  });
})();
