// Draws every element with a data-figure attribute from the plotly figure JSON it names. Where a point
// carries a URL in its customdata, clicking it opens the mentions behind it.
document.querySelectorAll("[data-figure]").forEach(function (element) {
  var figure = JSON.parse(document.getElementById(element.dataset.figure).textContent);
  Plotly.newPlot(element, figure.data, figure.layout, {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["lasso2d", "select2d"],
  });
  element.on("plotly_click", function (event) {
    var url = event.points.length && event.points[0].customdata;
    if (typeof url === "string" && url) window.location.href = url;
  });
});
