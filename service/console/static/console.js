// The coordinator console's only script: polls a plan that is being made, focuses form errors.
// No inline handlers: everything is attached here once the page has loaded.
(function () {
  "use strict";

  var FINISHED = ["done", "failed", "cancelled"];
  var POLL_MS = 1000;

  function pollPlan(section) {
    var planId = section.getAttribute("data-plan-id");
    var bar = document.getElementById("plan-progress");
    var status = document.getElementById("plan-status");
    if (!planId) {
      return;
    }
    var url = "/plans/" + encodeURIComponent(planId) + "/progress";

    function tick() {
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (answer) {
          if (!answer.ok) {
            throw new Error("status " + answer.status);
          }
          return answer.json();
        })
        .then(function (job) {
          if (FINISHED.indexOf(job.status) >= 0) {
            window.location.reload();
            return;
          }
          if (bar && typeof job.progress === "number") {
            bar.value = job.progress;
            bar.textContent = Math.round(job.progress * 100) + "%";
          }
          if (status && job.phase) {
            var text = status.textContent.split(" · ")[0];
            status.textContent = text + " · " + job.phase;
          }
          window.setTimeout(tick, POLL_MS);
        })
        .catch(function () {
          window.setTimeout(tick, POLL_MS * 3);
        });
    }

    window.setTimeout(tick, POLL_MS);
  }

  function focusErrors() {
    var errors = document.getElementById("form-errors");
    if (errors) {
      if (!errors.hasAttribute("tabindex")) {
        errors.setAttribute("tabindex", "-1");
      }
      errors.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var waiting = document.getElementById("plan-waiting");
    if (waiting) {
      pollPlan(waiting);
    }
    focusErrors();
  });
})();
