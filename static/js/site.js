/* Small enhancements on every page: the menu button on narrow screens and the
   Print button. Without JavaScript the menu is a plain list and the Print button
   stays hidden (the browser's own Print command works). */
(function () {
  "use strict";

  function setUpMenu() {
    var button = document.querySelector(".menu-button");
    var list = document.getElementById("nav-list");
    if (!button || !list) return;
    document.documentElement.classList.add("has-menu-button");
    button.hidden = false;
    function setOpen(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
      list.classList.toggle("is-open", open);
    }
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  function setUpPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  setUpMenu();
  setUpPrint();
})();
