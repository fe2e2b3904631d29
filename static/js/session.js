/* Ending a session without losing work.

   1. Two minutes before the idle timeout (data-session-idle on <body>, in seconds,
      rendered by the server) a dialog offers "Stay signed in" (POST to the
      keep-alive endpoint) or "Sign out". Escape means stay. When time runs out the
      page reloads, and the server sends it to sign in with a `next` back here.
   2. What is typed or ticked in this page's forms (quiz picks, checklist answers
      and notes, question drafts) is kept in sessionStorage, keyed by the page path
      and the form's action, and put back when the page loads again. A draft goes
      once its form was sent and the next page is not the sign-in page; signing
      out clears every draft. */
(function () {
  "use strict";

  var body = document.body;
  var idle = parseInt(body.getAttribute("data-session-idle"), 10);
  var keepAliveUrl = body.getAttribute("data-keep-alive-url");
  var dialog = document.getElementById("session-dialog");
  var WARN_BEFORE = 120;
  var PREFIX = "consultready-draft:";
  var SENT = "consultready-sent:";
  var LOGIN_PATH = "/accounts/login/";

  // --- Drafts --------------------------------------------------------------------

  function storage() {
    try {
      return window.sessionStorage;
    } catch (e) {
      return null;
    }
  }

  function isLogout(form) {
    return /\/accounts\/logout\/?$/.test(form.getAttribute("action") || "");
  }

  function keepsDraft(form) {
    if (form.method.toLowerCase() !== "post" || isLogout(form)) return false;
    if (form.closest("dialog") || form.hasAttribute("data-no-draft")) return false;
    if (form.querySelector("input[type=password]")) return false;
    return Boolean(form.closest("main"));
  }

  function draftKey(form) {
    var action = form.getAttribute("action") || "";
    return PREFIX + window.location.pathname + "|" + action;
  }

  function draftable(field) {
    if (!field.name || field.disabled || field.name === "csrfmiddlewaretoken") return false;
    var type = (field.type || "").toLowerCase();
    return ["hidden", "password", "file", "submit", "button", "reset"].indexOf(type) === -1;
  }

  function saveDraft(form) {
    var store = storage();
    if (!store) return;
    var data = { checked: [], values: {} };
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field)) return;
      if (field.type === "radio" || field.type === "checkbox") {
        if (field.checked) data.checked.push([field.name, field.value]);
      } else {
        data.values[field.name] = field.value;
      }
    });
    try {
      store.setItem(draftKey(form), JSON.stringify(data));
    } catch (e) {
      /* storage full or refused: nothing to keep */
    }
  }

  function restoreDraft(form) {
    var store = storage();
    var raw = store && store.getItem(draftKey(form));
    if (!raw) return false;
    var data;
    try {
      data = JSON.parse(raw);
    } catch (e) {
      return false;
    }
    var restored = false;
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!draftable(field)) return;
      if (field.type === "radio" || field.type === "checkbox") {
        var want = data.checked.some(function (pair) {
          return pair[0] === field.name && pair[1] === field.value;
        });
        if (field.checked !== want) {
          field.checked = want;
          restored = true;
        }
      } else if (Object.prototype.hasOwnProperty.call(data.values, field.name)) {
        if (field.value !== data.values[field.name]) {
          field.value = data.values[field.name];
          restored = true;
        }
      }
    });
    return restored;
  }

  function forgetDraft(form) {
    var store = storage();
    if (store) store.removeItem(draftKey(form));
  }

  function forgetAllDrafts() {
    var store = storage();
    if (!store) return;
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && (key.indexOf(PREFIX) === 0 || key.indexOf(SENT) === 0)) store.removeItem(key);
    }
  }

  function settleSentDrafts() {
    // A form was sent from the previous page. On the sign-in page the session had
    // ended, so its draft stays for later; anywhere else it arrived.
    var store = storage();
    if (!store) return;
    var onLogin = window.location.pathname.indexOf(LOGIN_PATH) === 0;
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf(SENT) === 0) {
        if (!onLogin) store.removeItem(PREFIX + key.slice(SENT.length));
        store.removeItem(key);
      }
    }
  }

  function announce(text) {
    var region = document.getElementById("messages");
    if (!region) return;
    var p = document.createElement("p");
    p.className = "message message-info";
    p.setAttribute("data-draft-restored", "");
    p.textContent = text;
    region.appendChild(p);
  }

  function setUpDrafts() {
    settleSentDrafts();
    var restoredAny = false;
    document.querySelectorAll("form").forEach(function (form) {
      if (keepsDraft(form) && restoreDraft(form)) restoredAny = true;
    });
    if (restoredAny) announce(body.getAttribute("data-draft-message"));
    document.addEventListener("input", function (event) {
      var form = event.target.form;
      if (form && keepsDraft(form)) saveDraft(form);
    });
    document.addEventListener("change", function (event) {
      var form = event.target.form;
      if (form && keepsDraft(form)) saveDraft(form);
    });
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (isLogout(form)) {
        forgetAllDrafts();
      } else if (keepsDraft(form)) {
        var store = storage();
        if (store) store.setItem(SENT + draftKey(form).slice(PREFIX.length), "1");
      }
    }, true);
    // htmx answers in place: a successful answer means the draft arrived.
    document.addEventListener("htmx:afterRequest", function (event) {
      var form = event.detail && event.detail.elt && event.detail.elt.closest
        ? event.detail.elt.closest("form") : null;
      var xhr = event.detail && event.detail.xhr;
      if (form && keepsDraft(form) && event.detail.successful &&
          !(xhr && xhr.getResponseHeader("HX-Redirect"))) {
        forgetDraft(form);
        var store = storage();
        if (store) store.removeItem(SENT + draftKey(form).slice(PREFIX.length));
      }
    });
  }

  // --- The dialog before the session ends ------------------------------------------

  var warnTimer = null;
  var endTimer = null;

  function schedule() {
    window.clearTimeout(warnTimer);
    window.clearTimeout(endTimer);
    warnTimer = window.setTimeout(warn, Math.max(idle - WARN_BEFORE, 0) * 1000);
    endTimer = window.setTimeout(end, idle * 1000 + 1000);
  }

  function warn() {
    if (!dialog || dialog.open) return;
    if (typeof dialog.showModal === "function") {
      dialog.showModal();
    } else {
      dialog.setAttribute("open", "");
    }
    var stay = dialog.querySelector("[data-session-stay]");
    if (stay) stay.focus();
  }

  function close() {
    if (!dialog) return;
    if (typeof dialog.close === "function" && dialog.open) {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
    }
  }

  function end() {
    // Every form's draft is already saved; the server answers with the sign-in page.
    window.location.reload();
  }

  function csrfToken() {
    var field = dialog && dialog.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function stay() {
    close();
    fetch(keepAliveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken() },
      redirect: "manual",
    }).then(function (response) {
      if (response.status === 204) {
        schedule();
      } else {
        end();
      }
    }, end);
  }

  function setUpDialog() {
    if (!idle || !dialog) return;
    var stayButton = dialog.querySelector("[data-session-stay]");
    if (stayButton) stayButton.addEventListener("click", stay);
    dialog.addEventListener("cancel", function (event) {
      event.preventDefault();
      stay();
    });
    // Any answer from the server counts as activity there too.
    document.addEventListener("htmx:afterRequest", function () {
      if (!dialog.open) schedule();
    });
    schedule();
  }

  setUpDrafts();
  setUpDialog();
})();
