/* The engineer's phone page of a hotline ticket (servicedesk/field_ticket.html), without inline
 * script so the Content-Security-Policy can refuse all of it.
 *
 *   form[data-geolocate]      the "Arrived" form: its hidden latitude/longitude are filled from
 *                             the phone's position when it allows; never waited for, so the
 *                             button works at once, with or without a position
 *   [data-signature-pad]      a <canvas data-signature-canvas> to sign on with a finger, a pen
 *                             or the mouse (pointer events); each stroke puts the drawing as a
 *                             PNG data: URL into the hidden input signature_png, and
 *                             [data-signature-clear] empties both. A drawing sent back with a
 *                             refused form is drawn again.
 *   [data-field-queue]        the phone's queue (fieldqueue.js) on a field page: registers the
 *                             field pages' service worker ([data-field-worker]), lists what
 *                             waits to be sent, was sent or was refused (words from the
 *                             data-text-* and data-label-* attributes), and shows "no signal".
 *                             Its value is the queue's scope ("ticket:<pk>"), empty on the list.
 *   form[data-field-action]   on a ticket page: submitting records the action in the queue
 *                             (with the moment on the phone) instead of posting the form, and
 *                             the page shows what the action changed at once (the next forms);
 *                             when everything is sent the page is loaded again from the server.
 *                             Without JavaScript the forms post as before.
 */
(function () {
  "use strict";

  function geolocate(form) {
    if (!navigator.geolocation) {
      return;
    }
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.querySelector("input[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("input[name=longitude]").value = position.coords.longitude.toFixed(6);
      },
      function () { /* refused or unknown: arrive without a position */ },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  function signaturePad(box) {
    const canvas = box.querySelector("[data-signature-canvas]");
    const input = box.querySelector("input[name=signature_png]");
    const clear = box.querySelector("[data-signature-clear]");
    const context = canvas.getContext("2d");
    let drawing = false;
    let drawn = false;
    canvas.style.touchAction = "none"; // a finger draws instead of scrolling the page
    context.lineWidth = 3;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#000";

    function point(event) {
      const box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height),
      };
    }

    function save() {
      input.value = drawn ? canvas.toDataURL("image/png") : "";
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      canvas.setPointerCapture(event.pointerId);
      const at = point(event);
      context.beginPath();
      context.moveTo(at.x, at.y);
      context.lineTo(at.x + 0.1, at.y + 0.1);
      context.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) {
        return;
      }
      event.preventDefault();
      const at = point(event);
      context.lineTo(at.x, at.y);
      context.stroke();
    });
    function stop(event) {
      if (!drawing) {
        return;
      }
      drawing = false;
      if (canvas.hasPointerCapture(event.pointerId)) {
        canvas.releasePointerCapture(event.pointerId);
      }
      save();
    }
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      drawn = false;
      save();
    });

    if (input.value.startsWith("data:image/png")) {
      const image = new Image();
      image.addEventListener("load", function () {
        context.drawImage(image, 0, 0, canvas.width, canvas.height);
        drawn = true;
      });
      image.src = input.value;
    }
  }

  function two(number) {
    return String(number).padStart(2, "0");
  }

  function clock(at) {
    const date = new Date(at.slice(0, 19)); // the phone's own wall clock, as recorded
    return isNaN(date) ? at : two(date.getHours()) + ":" + two(date.getMinutes());
  }

  /* The ticket as the server last showed it, with the queued (not refused) actions applied. */
  function localState(box, entries) {
    const state = { arrived: box.dataset.state !== "dispatched", paused: "paused" in box.dataset,
                    resolved: box.dataset.state === "resolved" };
    entries.forEach(function (entry) {
      if (entry.state !== "waiting") {
        return;
      }
      if (entry.action === "arrival") {
        state.arrived = true;
        state.paused = false;
      } else if (entry.action === "pause") {
        state.paused = true;
      } else if (entry.action === "resume") {
        state.paused = false;
      } else if (entry.action === "resolve") {
        state.resolved = true;
      }
    });
    return state;
  }

  /* `hidden` and Bootstrap's d-none: a .d-grid form's display would win over `hidden`. */
  function show(element, visible) {
    if (element) {
      element.hidden = !visible;
      element.classList.toggle("d-none", !visible);
    }
  }

  function fieldQueue(box) {
    const queue = window.FieldQueue;
    const list = box.querySelector("#field-queue");
    const offline = document.getElementById("field-offline");
    const scope = box.dataset.fieldQueue;
    const text = box.dataset;
    // Sent while this page was open, and those sent just before it was loaded again: shown as
    // "sent" once, the confirmation the posted forms gave.
    const SENT_NOTE = "aftercare-field-sent";
    const sentHere = new Set(JSON.parse(sessionStorage.getItem(SENT_NOTE) || "[]"));
    sessionStorage.removeItem(SENT_NOTE);
    const waitingKeys = new Set();
    let waited = false;

    if (box.dataset.fieldWorker && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(box.dataset.fieldWorker, { scope: box.dataset.fieldScope })
        .catch(function () { /* no worker (private mode, http): the pages work online */ });
    }
    if (!queue) {
      return;
    }
    // The phone may change hands: the pages kept for offline are one person's, and the queue
    // sends only the signed-in person's actions.
    const USER_NOTE = "aftercare-field-user";
    const user = box.dataset.fieldUser || null;
    if (localStorage.getItem(USER_NOTE) !== user) {
      if (window.caches) {
        caches.delete("aftercare-field-pages");
      }
      localStorage.setItem(USER_NOTE, user);
    }
    queue.signedIn(user);

    function signal() {
      show(offline, navigator.onLine === false);
    }
    window.addEventListener("online", signal);
    window.addEventListener("offline", signal);
    signal();

    function line(entry) {
      const item = document.createElement("li");
      item.className = "list-group-item d-flex flex-wrap gap-2 align-items-center";
      item.dataset.queueAction = entry.action;
      item.dataset.queueState = entry.state;
      item.dataset.queueKey = entry.key;
      const what = document.createElement("span");
      what.className = "me-auto";
      const label = text["label" + entry.action.charAt(0).toUpperCase() + entry.action.slice(1)];
      what.textContent = (label || entry.label || entry.action) + " " + clock(entry.at) + " — ";
      const state = document.createElement("strong");
      if (entry.state === "refused") {
        item.classList.add("list-group-item-danger");
        state.textContent = text.textRefused + " " + entry.message;
      } else if (entry.state === "sent") {
        item.classList.add("list-group-item-success");
        state.textContent = text.textSent;
      } else {
        item.classList.add("list-group-item-warning");
        state.textContent = text.textWaiting;
      }
      what.appendChild(state);
      item.appendChild(what);
      if (entry.state === "refused") {
        const dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "btn btn-sm btn-outline-secondary";
        dismiss.textContent = text.textDismiss;
        dismiss.dataset.queueDismiss = entry.key;
        dismiss.addEventListener("click", function () {
          queue.dismiss(entry.key).then(function () {
            if (scope && navigator.onLine !== false) {
              window.location.reload(); // what the server holds now
            }
          });
        });
        item.appendChild(dismiss);
      }
      return item;
    }

    function render(all) {
      const mine = all.filter(function (entry) {
        return (!scope || entry.scope === scope) && (entry.user || null) === user;
      });
      const shown = mine.filter(function (entry) {
        return entry.state !== "sent" || sentHere.has(entry.key);
      });
      list.replaceChildren.apply(list, shown.map(line));
      list.hidden = shown.length === 0;
      mine.forEach(function (entry) {
        if (entry.state === "waiting") {
          waited = true;
        }
      });
      if (!scope) {
        return;
      }
      const state = localState(box, mine);
      const open = !state.resolved;
      show(document.getElementById("arrive-form"), open && !state.arrived);
      show(document.getElementById("pause-form"), open && !state.paused);
      show(document.getElementById("resume-form"), open && state.paused);
      show(document.getElementById("resolve-section"), open);
      const waiting = mine.some(function (entry) { return entry.state === "waiting"; });
      const refused = mine.some(function (entry) { return entry.state === "refused"; });
      if (waited && !waiting && !refused && sentHere.size > 0) {
        waited = false;
        sessionStorage.setItem(SENT_NOTE, JSON.stringify(Array.from(sentHere)));
        window.location.reload(); // everything went through: show the server's record
      }
    }

    queue.subscribe(function (all) {
      all.forEach(function (entry) {
        if (entry.state === "sent" && waitingKeys.has(entry.key)) {
          sentHere.add(entry.key);
        }
      });
      waitingKeys.clear();
      all.forEach(function (entry) {
        if (entry.state === "waiting") {
          waitingKeys.add(entry.key);
        }
      });
      render(all);
    });
  }

  function value(form, name) {
    const field = form.querySelector("[name='" + name + "']");
    return field ? field.value.trim() : "";
  }

  function mark(form, name, bad) {
    const field = form.querySelector("[name='" + name + "']");
    if (field && field.type !== "hidden") {
      field.classList.toggle("is-invalid", bad);
      field.setAttribute("aria-invalid", bad ? "true" : "false");
    }
    return bad;
  }

  /* The API's body for a field form, or null when something required is missing. */
  function bodyOf(form, action) {
    if (action === "arrival") {
      const lat = parseFloat(value(form, "latitude"));
      const lon = parseFloat(value(form, "longitude"));
      return isNaN(lat) || isNaN(lon) ? {} : { latitude: lat, longitude: lon };
    }
    if (action === "pause") {
      return mark(form, "reason", !value(form, "reason")) ? null : { reason: value(form, "reason") };
    }
    if (action === "resume") {
      return {};
    }
    const minutes = value(form, "labour_minutes");
    let missing = false;
    missing = mark(form, "work_done", !value(form, "work_done")) || missing;
    missing = mark(form, "labour_minutes", !/^[0-9]{1,6}$/.test(minutes)) || missing;
    missing = mark(form, "signed_by", !value(form, "signed_by")) || missing;
    const signed = value(form, "signature_png").startsWith("data:image/png");
    const pad = form.querySelector("[data-signature-canvas]");
    if (pad) {
      pad.classList.toggle("border-danger", !signed);
    }
    missing = missing || !signed;
    const parts = [];
    form.querySelectorAll("fieldset[id^=part-line-]").forEach(function (line, index) {
      const code = value(line, "part" + index + "-part");
      if (!code) {
        return;
      }
      const quantity = value(line, "part" + index + "-quantity");
      missing = mark(line, "part" + index + "-quantity", !/^[0-9]+(\.[0-9]+)?$/.test(quantity)) ||
        missing;
      const item = value(line, "part" + index + "-equipment");
      parts.push({ part_code: code, quantity: quantity, serial: value(line, "part" + index + "-serial"),
                   equipment_id: item ? parseInt(item, 10) : null });
    });
    if (missing) {
      return null;
    }
    return {
      work_done: value(form, "work_done"),
      cause: value(form, "cause"),
      labour_minutes: parseInt(minutes, 10),
      signed_by: value(form, "signed_by"),
      signature_png: value(form, "signature_png"),
      parts: parts,
    };
  }

  function queuedForm(form, box) {
    form.addEventListener("submit", function (event) {
      const action = form.dataset.fieldAction;
      const body = bodyOf(form, action);
      if (body === null) {
        if (navigator.onLine !== false) {
          return; // the server says what is missing, beside each field
        }
        event.preventDefault();
        let note = form.querySelector("[data-field-incomplete]");
        if (!note) {
          note = document.createElement("div");
          note.className = "alert alert-danger mt-2";
          note.setAttribute("role", "alert");
          note.dataset.fieldIncomplete = "";
          form.appendChild(note);
        }
        note.textContent = box.dataset.textIncomplete;
        return;
      }
      event.preventDefault();
      const button = form.querySelector("button:not([type=button])");
      if (button) {
        button.disabled = true;
      }
      window.FieldQueue.record({
        scope: box.dataset.fieldQueue, action: action, url: form.dataset.fieldUrl, body: body,
      }).finally(function () {
        if (button) {
          button.disabled = false;
        }
        const note = form.querySelector("[data-field-incomplete]");
        if (note) {
          note.remove();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-geolocate]").forEach(geolocate);
    document.querySelectorAll("[data-signature-pad]").forEach(signaturePad);
    const box = document.querySelector("[data-field-queue]");
    if (box) {
      fieldQueue(box);
      if (window.FieldQueue && window.indexedDB && box.dataset.fieldQueue) {
        document.querySelectorAll("form[data-field-action]").forEach(function (form) {
          queuedForm(form, box);
        });
      }
    }
  });
})();
