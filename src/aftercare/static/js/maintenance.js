/* The engineer's phone page of a maintenance visit (maintenance/visit.html), without inline
 * script so the Content-Security-Policy can refuse all of it. hotline.js draws the signature
 * pad and shows the phone's queue ([data-field-queue], scope "visit:<pk>": waiting, sent,
 * refused with the server's words; it registers the visit pages' service worker and loads the
 * page again from the server once the result is sent).
 *
 *   form#result-form[data-field-url]   with the queue (fieldqueue.js): submitting records the
 *       result in the queue with the moment on the phone instead of posting the form — each
 *       check's result, reading, note and photo (scaled down to 1280 px, JPEG), the owner's name
 *       and drawn signature — and it is sent when the phone is back online. "Done at" is sent
 *       only when the engineer changed it (else the queue's moment is the visit's). A check
 *       without a result is marked first (the words from data-text-no-result). While the
 *       result waits, the form is hidden. Without JavaScript the form posts as before.
 */
(function () {
  "use strict";

  const MAX_SIDE = 1280;
  const QUALITY = 0.7;
  const MAX_BASE64 = 200000; // the API's photo_base64 limit

  function field(form, name) {
    return form.querySelector("[name='" + name + "']");
  }

  function value(form, name) {
    const input = field(form, name);
    return input ? input.value.trim() : "";
  }

  function mark(input, bad) {
    if (input && input.type !== "hidden") {
      input.classList.toggle("is-invalid", bad);
      input.setAttribute("aria-invalid", bad ? "true" : "false");
    }
    return bad;
  }

  /* The picture of a file: an ImageBitmap, or an <img> from a data: URL (the CSP allows data:
   * images, not blob: ones). */
  function picture(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file).then(function (bitmap) {
        return { source: bitmap, width: bitmap.width, height: bitmap.height };
      });
    }
    return new Promise(function (resolve, reject) {
      const reader = new FileReader();
      reader.addEventListener("load", function () {
        const image = new Image();
        image.addEventListener("load", function () {
          resolve({ source: image, width: image.naturalWidth, height: image.naturalHeight });
        });
        image.addEventListener("error", function () { reject(new Error("not an image")); });
        image.src = reader.result;
      });
      reader.addEventListener("error", function () { reject(reader.error); });
      reader.readAsDataURL(file);
    });
  }

  function encoded(image, side, quality) {
    const ratio = Math.min(1, side / Math.max(image.width, image.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(image.width * ratio));
    canvas.height = Math.max(1, Math.round(image.height * ratio));
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff"; // a transparent PNG becomes white, not black, in JPEG
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image.source, 0, 0, canvas.width, canvas.height);
    const data = canvas.toDataURL("image/jpeg", quality);
    return data.slice(data.indexOf(",") + 1);
  }

  /* The photo scaled into a canvas (at most 1280 px a side, JPEG quality 0.7), as base64
   * without data:; a busy photo too long for the API is encoded again, smaller. */
  function scaled(file) {
    return picture(file).then(function (image) {
      let side = MAX_SIDE;
      let quality = QUALITY;
      let text = encoded(image, side, quality);
      while (text.length > MAX_BASE64 && side > 320) {
        if (quality > 0.45) {
          quality -= 0.1;
        } else {
          side = Math.round(side * 0.75);
        }
        text = encoded(image, side, quality);
      }
      if (image.source.close) {
        image.source.close();
      }
      return text;
    });
  }

  /* One note per check that has no result; false when something is missing. */
  function complete(form) {
    let ok = true;
    form.querySelectorAll("fieldset[data-check]").forEach(function (box) {
      const pk = box.dataset.check;
      const chosen = form.querySelector("input[name='result_" + pk + "']:checked");
      let note = box.querySelector("[data-no-result]");
      if (chosen) {
        if (note) {
          note.remove();
        }
        box.classList.remove("border-danger");
        return;
      }
      ok = false;
      box.classList.add("border-danger");
      if (!note) {
        note = document.createElement("div");
        note.className = "invalid-feedback d-block";
        note.dataset.noResult = "";
        note.textContent = form.dataset.textNoResult;
        box.appendChild(note);
      }
    });
    ok = !mark(field(form, "signed_by"), !value(form, "signed_by")) && ok;
    const signed = value(form, "signature_png").startsWith("data:image/png");
    const pad = form.querySelector("[data-signature-canvas]");
    if (pad) {
      pad.classList.toggle("border-danger", !signed);
    }
    return ok && signed;
  }

  /* The API's body: a promise, as the photos are scaled first. */
  function bodyOf(form, doneAtChanged) {
    const photos = [];
    const items = [];
    form.querySelectorAll("fieldset[data-check]").forEach(function (box) {
      const pk = box.dataset.check;
      const chosen = form.querySelector("input[name='result_" + pk + "']:checked");
      const reading = value(form, "reading_" + pk);
      const item = {
        check_id: parseInt(pk, 10),
        result: chosen ? chosen.value : "",
        reading: reading === "" ? null : reading,
        note: value(form, "note_" + pk),
      };
      const photo = field(form, "photo_" + pk);
      if (photo && photo.files && photo.files.length) {
        photos.push(scaled(photo.files[0]).then(function (text) { item.photo_base64 = text; }));
      }
      items.push(item);
    });
    return Promise.all(photos).then(function () {
      const body = {
        items: items,
        signed_by: value(form, "signed_by"),
        signature_png: value(form, "signature_png"),
      };
      const doneAt = value(form, "done_at");
      if (doneAtChanged && doneAt) {
        const date = new Date(doneAt); // datetime-local: the phone's wall clock
        if (!isNaN(date)) {
          body.done_at = window.FieldQueue.moment(date);
        }
      }
      return body;
    });
  }

  function incomplete(form, box, text) {
    let note = form.querySelector("[data-field-incomplete]");
    if (!note) {
      note = document.createElement("div");
      note.className = "alert alert-danger mt-2";
      note.setAttribute("role", "alert");
      note.dataset.fieldIncomplete = "";
      form.appendChild(note);
    }
    note.textContent = text || box.dataset.textIncomplete;
  }

  function queuedResult(form, box) {
    const scope = box.dataset.fieldQueue;
    const user = box.dataset.fieldUser || null;
    const doneAt = field(form, "done_at");
    const firstDoneAt = doneAt ? doneAt.value : "";
    const section = document.getElementById("result-section") || form;

    window.FieldQueue.subscribe(function (all) {
      const waiting = all.some(function (entry) {
        return entry.scope === scope && (entry.user || null) === user &&
          entry.state === "waiting";
      });
      section.hidden = waiting;
    });

    form.addEventListener("submit", function (event) {
      if (!complete(form)) {
        if (navigator.onLine !== false) {
          return; // the server says what is missing, beside each field
        }
        event.preventDefault();
        incomplete(form, box);
        return;
      }
      event.preventDefault();
      const button = form.querySelector("button:not([type=button])");
      if (button) {
        button.disabled = true;
      }
      const changed = doneAt !== null && doneAt.value !== firstDoneAt;
      bodyOf(form, changed).then(function (body) {
        return window.FieldQueue.record({
          scope: scope, action: "result", url: form.dataset.fieldUrl, body: body,
          label: box.dataset.labelResult,
        });
      }).then(function () {
        const note = form.querySelector("[data-field-incomplete]");
        if (note) {
          note.remove();
        }
      }, function () {
        incomplete(form, box); // a photo that is not an image
      }).finally(function () {
        if (button) {
          button.disabled = false;
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    const form = document.querySelector("form#result-form[data-field-url]");
    const box = document.querySelector("[data-field-queue]");
    if (form && box && box.dataset.fieldQueue && window.FieldQueue && window.indexedDB) {
      queuedResult(form, box);
    }
  });
})();
