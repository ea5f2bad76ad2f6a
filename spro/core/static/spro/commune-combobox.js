// The commune field as an ARIA 1.2 combobox (list autocomplete), on every [data-commune-combobox] group
// rendered by territories/_commune_field.html. Without this script the field stays a plain text field.
// The visible field shows "Toulouse (31)"; a hidden field, which takes over the name `commune`, sends the
// INSEE code of the chosen commune, or what was typed when nothing was chosen (the server finds it).
// Choosing a suggestion only fills the field: it never navigates nor touches the other fields.
(function () {
  "use strict";
  var DELAY_MS = 150;

  function enhance(group) {
    var url = group.getAttribute("data-commune-combobox");
    // The same combobox serves other referentials (métiers): the query parameter it sends.
    var param = group.getAttribute("data-combobox-param") || "commune";
    var input = group.querySelector("input.fr-input");
    var listbox = group.querySelector("[role=listbox]");
    var status = group.querySelector(".spro-combobox__status");
    var help = group.querySelector("#" + input.id + "-aide");
    if (!url || !input || !listbox || !status) return;

    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = input.name;
    hidden.value = input.getAttribute("data-code") || input.value;
    input.removeAttribute("name");
    input.insertAdjacentElement("afterend", hidden);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    if (help) {
      var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
      described.push(help.id);
      input.setAttribute("aria-describedby", described.join(" "));
    }

    var timer = null;
    var sequence = 0;
    var active = -1;

    function options() {
      return listbox.querySelectorAll("[role=option]");
    }

    function say(text, visible) {
      status.textContent = text;
      status.classList.toggle("fr-sr-only", !visible);
      status.classList.toggle("fr-error-text", Boolean(visible));
    }

    function open() {
      if (!options().length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      move(-1);
    }

    function isOpen() {
      return !listbox.hidden;
    }

    function move(index) {
      var items = options();
      active = index;
      for (var i = 0; i < items.length; i++) {
        items[i].setAttribute("aria-selected", i === index ? "true" : "false");
      }
      if (index >= 0 && items[index]) {
        input.setAttribute("aria-activedescendant", items[index].id);
        items[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      input.value = option.getAttribute("data-label");
      hidden.value = option.getAttribute("data-code");
      close();
      say("", false);
      input.focus();
    }

    function show(html, query) {
      var holder = document.createElement("template");
      holder.innerHTML = html;
      var list = holder.content.querySelector("ul");
      listbox.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!list) return close();
      var items = list.querySelectorAll("[role=option]");
      for (var i = 0; i < items.length; i++) {
        items[i].id = input.id + "-option-" + i;
        listbox.appendChild(items[i]);
      }
      var message = list.getAttribute("data-status") || "";
      if (items.length) {
        open();
        say(message, false);
      } else {
        close();
        say(message, Boolean(message && query));
      }
    }

    function suggest() {
      var query = input.value.trim();
      var mine = ++sequence;
      if (query.length < 2) {
        listbox.textContent = "";
        close();
        say("", false);
        return;
      }
      fetch(url + "?" + param + "=" + encodeURIComponent(query), { headers: { Accept: "text/html" } })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (html) {
          // A slower, older answer must not replace the suggestions of what is typed now.
          if (mine === sequence && document.activeElement === input) show(html, query);
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      hidden.value = input.value; // typed, not chosen: the server finds the commune from the text
      clearTimeout(timer);
      timer = setTimeout(suggest, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var count = options().length;
      switch (event.key) {
        case "ArrowDown":
          if (!count) return;
          event.preventDefault();
          if (!isOpen()) open();
          move(active + 1 < count ? active + 1 : 0);
          break;
        case "ArrowUp":
          if (!count) return;
          event.preventDefault();
          if (!isOpen()) open();
          move(active > 0 ? active - 1 : count - 1);
          break;
        case "Home":
        case "End":
          if (!isOpen() || active < 0) return; // otherwise they move the caret in the text
          event.preventDefault();
          move(event.key === "Home" ? 0 : count - 1);
          break;
        case "Enter":
          if (isOpen() && active >= 0) {
            event.preventDefault(); // choose, do not submit the form yet
            choose(options()[active]);
          }
          break;
        case "Escape":
          if (isOpen()) {
            event.preventDefault();
            close();
          } else if (input.value) {
            event.preventDefault();
            input.value = "";
            hidden.value = "";
            listbox.textContent = "";
            say("", false);
            input.dispatchEvent(new Event("input", { bubbles: true }));
          }
          break;
        default:
      }
    });

    // Keep the focus in the field while the pointer picks an option.
    listbox.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    listbox.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) choose(option);
    });
    input.addEventListener("blur", function () {
      close();
    });
    input.addEventListener("focus", function () {
      if (input.value.trim().length >= 2 && options().length && hidden.value === input.value) open();
    });
  }

  var groups = document.querySelectorAll("[data-commune-combobox]");
  for (var i = 0; i < groups.length; i++) enhance(groups[i]);
})();
