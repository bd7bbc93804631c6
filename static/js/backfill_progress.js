// Keeps backfill progress current: every 2 seconds, swaps in the server-rendered progress block until the
// job is done or failed. The state lives in the database, so a reload simply starts polling again.
document.querySelectorAll(".js-backfill[data-url]").forEach(function (box) {
  function finished() {
    var block = box.querySelector("[data-finished]");
    return !block || block.dataset.finished === "true";
  }
  if (finished()) return;
  var timer = setInterval(function () {
    fetch(box.dataset.url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        box.innerHTML = html;
        if (finished()) clearInterval(timer);
      })
      .catch(function () { clearInterval(timer); });
  }, 2000);
});
