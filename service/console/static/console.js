// The coordinator console's only script: follows a plan being made, filters the re-plan form's
// visits and previews the re-plan, focuses form errors. No inline handlers: everything is
// attached here once the page has loaded; every page works without it.
(function () {
  "use strict";

  var FINISHED = ["done", "failed", "cancelled"];
  var POLL_MS = 1000;

  // The time limit is wall-clock seconds, so between the solver's reports the bar moves on by
  // the time that passed (never past 99 %, never back).
  function pollPlan(section) {
    var planId = section.getAttribute("data-plan-id");
    var limit = parseFloat(section.getAttribute("data-time-limit")) || 0;
    var bar = document.getElementById("plan-progress");
    var status = document.getElementById("plan-status");
    if (!planId) {
      return;
    }
    var url = "/plans/" + encodeURIComponent(planId) + "/progress";
    var reported = bar ? bar.value : 0;
    var reportedAt = Date.now();
    var running = false;

    function show(value) {
      if (!bar) {
        return;
      }
      var shown = Math.max(bar.value, Math.min(value, 0.99));
      bar.value = shown;
      bar.textContent = Math.round(shown * 100) + "%";
    }

    function advance() {
      if (running && limit > 0) {
        show(reported + (Date.now() - reportedAt) / 1000 / limit);
      }
    }

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
          running = job.status === "running";
          if (typeof job.progress === "number" && job.progress !== reported) {
            reported = job.progress;
            reportedAt = Date.now();
          }
          show(reported);
          if (status && job.text) {
            status.textContent = job.text;
          }
          window.setTimeout(tick, POLL_MS);
        })
        .catch(function () {
          window.setTimeout(tick, POLL_MS * 3);
        });
    }

    window.setInterval(advance, 250);
    window.setTimeout(tick, POLL_MS);
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : whole;
    });
  }

  // The re-plan form: filter the visits to lock by day, worker and village, and say what the
  // re-plan will do before it is sent.
  function replanForm(form) {
    var filters = document.getElementById("lock-filters");
    var rows = Array.prototype.slice.call(form.querySelectorAll("tr.lock-row"));
    var count = document.getElementById("lock-count");
    var preview = document.getElementById("replan-preview");
    var selects = filters ? Array.prototype.slice.call(filters.querySelectorAll("select")) : [];

    function matches(row) {
      return selects.every(function (select) {
        var wanted = select.value;
        var key = select.getAttribute("data-filter");
        if (!wanted) {
          return true;
        }
        var value = row.getAttribute("data-" + key) || "";
        return key === "workers" ? value.split(" ").indexOf(wanted) >= 0 : value === wanted;
      });
    }

    function locked() {
      return form.querySelectorAll("input.lock-visit:checked").length;
    }

    function update() {
      var shown = 0;
      rows.forEach(function (row) {
        var keep = matches(row);
        row.hidden = !keep;
        shown += keep ? 1 : 0;
      });
      if (count) {
        count.textContent = fill(count.getAttribute("data-template"), {
          shown: shown,
          total: rows.length,
          locked: locked(),
        });
      }
      if (preview) {
        var worker = form.querySelector("#absent-worker");
        var from = form.querySelector("#absent-from");
        var household = form.querySelector("#urgent-household");
        var lines = [];
        if (worker && worker.value) {
          var days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
          var first = days.indexOf(from.value);
          var moved = rows.filter(function (row) {
            var workers = (row.getAttribute("data-workers") || "").split(" ");
            var day = days.indexOf(row.getAttribute("data-day"));
            return workers.indexOf(worker.value) >= 0 && day >= first;
          }).length;
          lines.push(fill(preview.getAttribute("data-absent"), {
            worker: worker.options[worker.selectedIndex].text,
            day: from.options[from.selectedIndex].text,
            count: moved,
          }));
        } else {
          lines.push(preview.getAttribute("data-nobody"));
        }
        lines.push(fill(preview.getAttribute("data-locked"), { count: locked() }));
        if (household && household.value.trim()) {
          lines.push(fill(preview.getAttribute("data-urgent"), { household: household.value.trim() }));
        }
        preview.textContent = lines.join(" ");
        preview.hidden = false;
      }
    }

    if (filters) {
      filters.hidden = false;
    }
    form.addEventListener("change", update);
    form.addEventListener("input", update);
    update();
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
    var replan = document.getElementById("replan-form");
    if (replan) {
      replanForm(replan);
    }
    focusErrors();
  });
})();
