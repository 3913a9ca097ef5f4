// seatplan workbench: the only script. On a job's page it polls the job's status every half
// second, shows the progress, and opens the result when the job is done.
(function () {
  var el = document.getElementById("job");
  if (!el) { return; }
  var status = el.getAttribute("data-status");
  var bar = document.getElementById("bar");
  var log = document.getElementById("log");
  var state = document.getElementById("state");
  function poll() {
    fetch(status, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (j) {
      if (j.total > 0) { bar.style.width = Math.min(100, 100 * j.done / j.total) + "%"; }
      log.textContent = j.log.join("\n");
      state.textContent = j.state_text;
      if (j.state === "done") { window.location.href = j.result; return; }
      if (j.state === "running") { setTimeout(poll, 500); }
      else { state.className = "error"; document.getElementById("cancel").style.display = "none"; }
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
