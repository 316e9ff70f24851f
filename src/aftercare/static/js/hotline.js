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

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-geolocate]").forEach(geolocate);
    document.querySelectorAll("[data-signature-pad]").forEach(signaturePad);
  });
})();
