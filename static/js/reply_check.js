// Sends a reply draft to the server's PHI check and lists what to fix before it may be sent.
(function () {
  var form = document.getElementById("reply-form");
  if (!form) return;
  var verdict = document.getElementById("reply-verdict");
  var list = document.getElementById("reply-findings");
  document.getElementById("reply-check").addEventListener("click", function () {
    fetch(form.dataset.checkUrl, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (result) {
        list.innerHTML = "";
        if (result.error) { verdict.textContent = result.error; return; }
        (result.findings || []).forEach(function (finding) {
          var item = document.createElement("li");
          item.className = "finding finding-" + finding.severity;
          item.textContent = (finding.severity === "block" ? "Blocked: " : "Warning: ") + finding.message;
          list.appendChild(item);
        });
        verdict.textContent = result.blocked
          ? "This draft must not be sent. " + result.suggestion
          : (result.findings.length ? "Check the warnings before sending." : "No problems found.");
        verdict.className = result.blocked ? "error" : "muted small";
      });
  });
})();
