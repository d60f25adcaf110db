// Kanban drag and drop: moving a card posts the new stage; if the server refuses (a lost
// deal needs a reason, someone else changed it), the card goes back and the reason shows.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function errorPrefix() {
    return document.getElementById("kanban-status").dataset.errorPrefix;
  }

  function say(text, isError) {
    var status = document.getElementById("kanban-status");
    status.textContent = text;
    status.className = isError ? "kanban-error" : "muted";
  }

  function recount(list, delta) {
    var badge = list.closest(".kanban-column").querySelector("[data-count]");
    var count = parseInt(badge.dataset.count, 10) + delta;
    badge.dataset.count = count;
    badge.textContent = count;
  }

  function putBack(event) {
    var from = event.from;
    from.insertBefore(event.item, from.children[event.oldIndex] || null);
    recount(event.to, -1);
    recount(from, 1);
  }

  function moved(event) {
    if (event.from === event.to) return;
    var card = event.item;
    recount(event.from, -1);
    recount(event.to, 1);
    var body = new URLSearchParams({stage: event.to.dataset.stage, version: card.dataset.version});
    fetch(card.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    }).then(function (result) {
      if (result.ok) {
        card.dataset.version = result.data.version;
        say(result.data.message, false);
      } else {
        putBack(event);
        say(errorPrefix() + " " + (result.data.error || ""), true);
      }
    }).catch(function () {
      putBack(event);
      say(errorPrefix(), true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var board = document.querySelector("[data-kanban]");
    if (!board) return;
    board.querySelectorAll(".kanban-cards").forEach(function (list) {
      Sortable.create(list, {group: "kanban", animation: 150, onEnd: moved});
    });
  });
})();
