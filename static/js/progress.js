// Keeps background-job progress bars current without reloading the page.
document.querySelectorAll("[data-progress-url]").forEach(function (row) {
  if (row.dataset.status === "done" || row.dataset.status === "failed") return;
  var timer = setInterval(function () {
    fetch(row.dataset.progressUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (job) {
        row.querySelector("progress").value = job.percent;
        row.querySelector(".js-count").textContent = job.done.toLocaleString() + " of " + job.total.toLocaleString();
        row.querySelector(".js-status").textContent = job.status + (job.error ? ": " + job.error : "");
        if (job.status === "done" || job.status === "failed") clearInterval(timer);
      })
      .catch(function () { clearInterval(timer); });
  }, 2000);
});
