/* The field pages' queue of actions recorded on the phone (docs/architecture.md, "Working
 * offline"). Reusable: the hotline's ticket page is its first user (hotline.js).
 *
 * An action is recorded at once in IndexedDB with the moment it happened on the phone and a
 * fresh idempotency key, then sent — one at a time, oldest first per scope (a ticket) — as a
 * JSON POST with `Idempotency-Key: <key>` and the session's CSRF token, whenever the phone is
 * online: when the page says who is signed in (signedIn, on load), on the `online` event, when
 * the page is shown again, and after each record. The server answers a key it has seen with
 * its first answer, so a retry after a lost answer, or a replayed queue, changes nothing.
 *
 *   FieldQueue.record({scope, action, url, body, label?})  -> Promise<entry>
 *       body is the JSON body without `at`; the queue adds `at` (the phone's moment, RFC 3339
 *       with the phone's offset) and keeps it with the entry.
 *   FieldQueue.entries(scope?)  -> Promise<[entry]> in the order recorded
 *   FieldQueue.send()           -> Promise: sends what waits (one pump at a time)
 *   FieldQueue.replay()         -> Promise: sends every kept entry again, sent ones too (the
 *                                  server answers each from its receipt; nothing changes)
 *   FieldQueue.dismiss(key)     -> Promise: forgets a refused (or sent) entry
 *   FieldQueue.subscribe(fn)    -> fn(entries) after every change
 *   FieldQueue.signedIn(user)   -> who is signed in on this page: entries are recorded as
 *                                  theirs and only theirs are sent (another person's wait,
 *                                  kept, until that person signs in again on this phone)
 *
 * An entry is {seq, key, scope, user, action, url, at, body, label, state, status, message,
 * recordedAt, sentAt}; state is "waiting", "sent" or "refused". A refusal (an answer 4xx with
 * the API's error body) is kept with the server's message until the engineer dismisses it;
 * no answer, a 5xx, 401 (logged out) or 429 leaves the entry waiting. Sent entries are kept a
 * week (for a replay), then forgotten.
 */
(function () {
  "use strict";

  const DB_NAME = "aftercare-field";
  const STORE = "actions";
  const KEEP_SENT_MS = 7 * 24 * 3600 * 1000;
  const listeners = [];
  let database = null;
  let pumping = null;
  let again = false;
  let user; // unknown until the page says who is signed in: nothing is sent before

  function request(req) {
    return new Promise(function (resolve, reject) {
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }

  function open() {
    if (database) {
      return database;
    }
    database = new Promise(function (resolve, reject) {
      const req = indexedDB.open(DB_NAME, 1);
      req.onupgradeneeded = function () {
        const store = req.result.createObjectStore(STORE, { keyPath: "seq", autoIncrement: true });
        store.createIndex("key", "key", { unique: true });
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
    return database;
  }

  function store(mode) {
    return open().then(function (db) {
      return db.transaction(STORE, mode).objectStore(STORE);
    });
  }

  function all() {
    return store("readonly").then(function (s) { return request(s.getAll()); });
  }

  function put(entry) {
    return store("readwrite").then(function (s) { return request(s.put(entry)); });
  }

  function entries(scope) {
    return all().then(function (rows) {
      return rows
        .filter(function (row) { return scope === undefined || row.scope === scope; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  function changed() {
    return all().then(function (rows) {
      rows.sort(function (a, b) { return a.seq - b.seq; });
      listeners.forEach(function (listener) { listener(rows); });
      return rows;
    });
  }

  function subscribe(listener) {
    listeners.push(listener);
    changed();
  }

  function pad(number) {
    return String(Math.abs(Math.trunc(number))).padStart(2, "0");
  }

  /* The phone's moment as RFC 3339 with its own offset: 2026-12-04T10:05:00+08:00. */
  function moment(date) {
    const offset = -date.getTimezoneOffset();
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) +
      "T" + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds()) +
      (offset >= 0 ? "+" : "-") + pad(offset / 60) + ":" + pad(offset % 60);
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" +
      hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function record(action) {
    const now = new Date();
    const entry = {
      key: newKey(),
      scope: action.scope,
      user: user || null,
      action: action.action,
      url: action.url,
      at: moment(now),
      body: action.body || {},
      label: action.label || "",
      state: "waiting",
      status: null,
      message: "",
      recordedAt: now.getTime(),
      sentAt: null,
    };
    return put(entry).then(function (seq) {
      entry.seq = seq;
      return changed();
    }).then(function () {
      send();
      return entry;
    });
  }

  function csrfToken() {
    const cookie = document.cookie.split(";").map(function (part) { return part.trim(); })
      .find(function (part) { return part.startsWith("csrftoken="); });
    if (cookie) {
      return decodeURIComponent(cookie.slice("csrftoken=".length));
    }
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function messageOf(body) {
    if (!body || typeof body.message !== "string") {
      return "";
    }
    const details = [];
    Object.keys(body.fields || {}).forEach(function (field) {
      (body.fields[field] || []).forEach(function (text) {
        if (text !== body.message && details.indexOf(text) < 0) {
          details.push(text);
        }
      });
    });
    return [body.message].concat(details).join(" ");
  }

  /* One POST; resolves to "sent", "refused" or "later" (no answer worth keeping). */
  function post(entry) {
    return fetch(entry.url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Idempotency-Key": entry.key,
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(Object.assign({}, entry.body, { at: entry.at })),
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        entry.status = response.status;
        if (response.ok) {
          return "sent";
        }
        const final = response.status >= 400 && response.status < 500 &&
          [401, 408, 429].indexOf(response.status) < 0 && body && typeof body.code === "string";
        if (final) {
          entry.message = messageOf(body);
          return "refused";
        }
        entry.message = body && body.message ? body.message : "";
        return "later";
      });
    });
  }

  function pump(everything) {
    return entries().then(function (rows) {
      const now = Date.now();
      const blocked = {};
      let chain = Promise.resolve();
      rows.forEach(function (entry) {
        if (entry.state === "sent" && entry.sentAt && now - entry.sentAt > KEEP_SENT_MS) {
          chain = chain.then(function () {
            return store("readwrite").then(function (s) { return request(s.delete(entry.seq)); });
          });
          return;
        }
        if ((!everything && entry.state !== "waiting") || (entry.user || null) !== user) {
          return;
        }
        chain = chain.then(function () {
          if (blocked[entry.scope] || blocked["*"]) {
            return null;
          }
          return post(entry).then(function (outcome) {
            if (outcome === "later") {
              blocked[entry.scope] = true; // keep the order: nothing after it goes first
            } else if (entry.state === "waiting") {
              entry.state = outcome;
              entry.sentAt = Date.now();
            }
            return put(entry);
          }, function () {
            blocked["*"] = true; // no answer at all: offline again, try on the next chance
          }).then(changed);
        });
      });
      return chain;
    });
  }

  function run(everything) {
    if (pumping) {
      again = again || !everything;
      return everything ? pumping.then(function () { return run(true); }) : pumping;
    }
    pumping = pump(everything).catch(function () { /* IndexedDB refused: nothing to send */ })
      .then(function () {
        pumping = null;
        if (again) {
          again = false;
          return run(false);
        }
        return null;
      });
    return pumping;
  }

  function send() {
    if (user === undefined || navigator.onLine === false) {
      return Promise.resolve();
    }
    return run(false);
  }

  function replay() {
    return run(true);
  }

  function dismiss(key) {
    return store("readwrite").then(function (s) {
      return request(s.index("key").getKey(key)).then(function (seq) {
        return seq === undefined ? null : request(s.delete(seq));
      });
    }).then(changed);
  }

  function signedIn(who) {
    user = who || null;
    return send();
  }

  window.FieldQueue = {
    signedIn: signedIn,
    record: record,
    entries: entries,
    send: send,
    replay: replay,
    dismiss: dismiss,
    subscribe: subscribe,
    moment: moment,
  };

  window.addEventListener("online", send);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      send();
    }
  });
})();
