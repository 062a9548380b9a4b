/* Pickers shared by the inbox and the CRM (no inline handlers: strict Content-Security-Policy).

   Tag picker ([data-tag-picker]): chosen tags are coloured chips; typing filters the tags on
   the list (data-options), Enter or a click picks one, and a person allowed to
   (data-may-create) can add a new one. The chosen names go in a hidden input as a comma list,
   whose "change" event the page saves (the inbox header) or, with data-tag-autosubmit on the
   form, submits the form.

   Lookup ([data-lookup]): type a name, phone number or email, pick a contact from what the
   server finds (data-lookup is the URL, answering {"results": [{id, label, detail}]}); the
   hidden input gets its id, so nobody types an internal number. */
(function () {
  "use strict";

  function optionsOf(picker) {
    try { return JSON.parse(picker.getAttribute("data-options") || "[]"); } catch (e) { return []; }
  }
  function chosenNames(picker) {
    return Array.prototype.map.call(picker.querySelectorAll(".tag-chips [data-name]"), function (chip) {
      return chip.getAttribute("data-name");
    });
  }
  function listOf(root) { return root.querySelector("[data-tag-options], [data-lookup-options]"); }
  function inputOf(root) { return root.querySelector("[data-tag-input], [data-lookup-input]"); }

  function listHide(root) {
    var list = listOf(root);
    if (list) list.hidden = true;
    var input = inputOf(root);
    if (input) { input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); }
  }
  function listShow(root, items) {
    var list = listOf(root), input = inputOf(root);
    list.textContent = "";
    items.forEach(function (item, index) {
      var li = document.createElement("li");
      li.id = list.id + "-" + index;
      li.className = "picker-option";
      if (item.disabled) {
        li.setAttribute("aria-disabled", "true");
        li.className += " muted";
      } else {
        li.setAttribute("role", "option");
        li.setAttribute("data-value", item.value);
        if (item.create) li.setAttribute("data-create", "1");
      }
      li.setAttribute("data-testid", "picker-option");
      if (item.color) {
        var chip = document.createElement("span");
        chip.className = "tag tag-color-" + item.color;
        chip.textContent = item.label;
        li.appendChild(chip);
      } else {
        li.appendChild(document.createTextNode(item.label));
      }
      if (item.detail) {
        var detail = document.createElement("span");
        detail.className = "muted picker-detail";
        detail.textContent = " " + item.detail;
        li.appendChild(detail);
      }
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    activeSet(root, items.length && !items[0].disabled ? 0 : -1);
  }
  function activeSet(root, index) {
    var list = listOf(root), input = inputOf(root);
    var options = list.querySelectorAll("[role=option]");
    Array.prototype.forEach.call(options, function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
    if (index >= 0 && options[index]) input.setAttribute("aria-activedescendant", options[index].id);
    else input.removeAttribute("aria-activedescendant");
  }
  function activeIndex(root) {
    var options = listOf(root).querySelectorAll("[role=option]");
    for (var i = 0; i < options.length; i++) if (options[i].getAttribute("aria-selected") === "true") return i;
    return -1;
  }

  // ---- tags ------------------------------------------------------------------------------------
  function tagSuggest(picker) {
    var query = inputOf(picker).value.trim().toLowerCase();
    var chosen = chosenNames(picker).map(function (n) { return n.toLowerCase(); });
    var exact = false;
    var items = optionsOf(picker).filter(function (o) {
      var name = o.name.toLowerCase();
      if (name === query) exact = true;
      return chosen.indexOf(name) === -1 && (!query || name.indexOf(query) !== -1);
    }).slice(0, 8).map(function (o) { return { value: o.name, label: o.name, color: o.color }; });
    if (query && !exact && query.indexOf(",") === -1 && chosen.indexOf(query) === -1) {
      if (picker.getAttribute("data-may-create")) {
        var typed = inputOf(picker).value.trim();
        items.push({ value: typed, label: picker.getAttribute("data-create-label").replace("{name}", typed), create: true });
      } else if (!items.length) {
        items.push({ label: picker.getAttribute("data-no-match"), disabled: true });
      }
    }
    listShow(picker, items);
  }
  function tagChanged(picker) {
    var hidden = picker.querySelector("[data-tag-value]");
    hidden.value = chosenNames(picker).join(",");
    hidden.dispatchEvent(new Event("change", { bubbles: true }));
    var form = picker.closest("form[data-tag-autosubmit]");
    if (form) form.requestSubmit();
  }
  function tagAdd(picker, name) {
    if (!name || chosenNames(picker).indexOf(name) !== -1) return;
    var color = "slate";
    optionsOf(picker).forEach(function (o) { if (o.name === name) color = o.color; });
    var chip = document.createElement("li");
    chip.className = "tag tag-color-" + color;
    chip.setAttribute("data-name", name);
    chip.setAttribute("data-testid", "tag-chip");
    chip.textContent = name;
    var remove = document.createElement("button");
    remove.type = "button";
    remove.className = "tag-remove";
    remove.setAttribute("data-tag-remove", "");
    remove.setAttribute("aria-label", "×");
    remove.textContent = "×";
    chip.appendChild(remove);
    picker.querySelector(".tag-chips").appendChild(chip);
    inputOf(picker).value = "";
    listHide(picker);
    tagChanged(picker);
  }

  // ---- contact lookup --------------------------------------------------------------------------
  var lookupTimer = null;
  function lookupSuggest(root) {
    var input = inputOf(root);
    var query = input.value.trim();
    root.querySelector("[data-lookup-value]").value = "";
    lookupEnable(root, false);
    clearTimeout(lookupTimer);
    if (query.length < 2) { listHide(root); return; }
    lookupTimer = setTimeout(function () {
      var url = root.getAttribute("data-lookup");
      url += (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (body) {
          if (input.value.trim() !== query) return; // typed on since
          var items = body.results.map(function (c) { return { value: String(c.id), label: c.label, detail: c.detail }; });
          if (!items.length) items.push({ label: root.getAttribute("data-no-match"), disabled: true });
          listShow(root, items);
        });
    }, 200);
  }
  function lookupEnable(root, on) {
    var form = root.closest("form");
    var submit = form && form.querySelector("[type=submit]");
    if (submit) submit.disabled = !on;
  }
  function lookupChoose(root, option) {
    root.querySelector("[data-lookup-value]").value = option.getAttribute("data-value");
    inputOf(root).value = option.firstChild.textContent;
    listHide(root);
    lookupEnable(root, true);
  }

  // ---- tags in rule lines ----------------------------------------------------------------------
  // A rule's lines are typed text (textarea[data-line-tags]); on a line starting with the
  // keyword (data-line-keyword: "tag" or "add_tag") the tags on the list are offered, and the
  // one picked completes the line. The rule is stored exactly as typed.
  function lineAt(area) {
    var before = area.value.slice(0, area.selectionStart);
    var start = before.lastIndexOf("\n") + 1;
    return { start: start, text: before.slice(start) };
  }
  function lineSuggest(area) {
    var list = area.parentNode.querySelector("[data-line-options]");
    var line = lineAt(area);
    var keyword = area.getAttribute("data-line-keyword");
    var match = new RegExp("^\\s*" + keyword + "\\s+(.*)$").exec(line.text);
    if (!match || area.selectionStart !== area.selectionEnd) { list.hidden = true; return; }
    var query = match[1].toLowerCase();
    var names = [];
    try { names = JSON.parse(area.getAttribute("data-line-tags")); } catch (e) { names = []; }
    var found = names.filter(function (n) { return n.toLowerCase().indexOf(query) !== -1 && n.toLowerCase() !== query; }).slice(0, 8);
    list.textContent = "";
    found.forEach(function (name, index) {
      var li = document.createElement("li");
      li.className = "picker-option";
      li.id = list.id + "-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("data-value", name);
      li.setAttribute("data-testid", "picker-option");
      li.setAttribute("aria-selected", index === 0 ? "true" : "false");
      li.textContent = name;
      list.appendChild(li);
    });
    list.hidden = found.length === 0;
    area.setAttribute("aria-expanded", found.length ? "true" : "false");
  }
  function lineChoose(area, name) {
    var line = lineAt(area);
    var keyword = area.getAttribute("data-line-keyword");
    var end = area.value.indexOf("\n", area.selectionStart);
    if (end === -1) end = area.value.length;
    var indent = /^\s*/.exec(line.text)[0];
    var completed = indent + keyword + " " + name;
    area.value = area.value.slice(0, line.start) + completed + area.value.slice(end);
    area.selectionStart = area.selectionEnd = line.start + completed.length;
    area.parentNode.querySelector("[data-line-options]").hidden = true;
    area.setAttribute("aria-expanded", "false");
    area.focus();
  }
  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-line-tags]"), function (area, n) {
    var wrap = document.createElement("div");
    wrap.className = "line-tags";
    area.parentNode.insertBefore(wrap, area);
    wrap.appendChild(area);
    var list = document.createElement("ul");
    list.className = "picker-options";
    list.id = "line-tags-" + n;
    list.setAttribute("role", "listbox");
    list.setAttribute("data-line-options", "");
    list.setAttribute("data-testid", "line-tag-options");
    list.hidden = true;
    wrap.appendChild(list);
    area.setAttribute("aria-controls", list.id);
    area.setAttribute("aria-autocomplete", "list");
    area.addEventListener("input", function () { lineSuggest(area); });
    area.addEventListener("click", function () { lineSuggest(area); });
    area.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
    area.addEventListener("keydown", function (e) {
      if (list.hidden) return;
      var options = list.querySelectorAll("[role=option]");
      var index = -1;
      Array.prototype.forEach.call(options, function (o, i) { if (o.getAttribute("aria-selected") === "true") index = i; });
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        index = e.key === "ArrowDown" ? (index + 1) % options.length : (index - 1 + options.length) % options.length;
        Array.prototype.forEach.call(options, function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      } else if ((e.key === "Enter" || e.key === "Tab") && index >= 0) {
        e.preventDefault();
        lineChoose(area, options[index].getAttribute("data-value"));
      } else if (e.key === "Escape") {
        list.hidden = true;
      }
    });
    list.addEventListener("mousedown", function (e) {
      var option = e.target.closest("[role=option]");
      if (!option) return;
      e.preventDefault();
      lineChoose(area, option.getAttribute("data-value"));
    });
  });

  // ---- events ----------------------------------------------------------------------------------
  function pickerOf(el) { return el && el.closest ? el.closest("[data-tag-picker], [data-lookup]") : null; }
  function choose(root, option) {
    if (root.hasAttribute("data-tag-picker")) tagAdd(root, option.getAttribute("data-value"));
    else lookupChoose(root, option);
  }

  document.addEventListener("input", function (e) {
    var root = pickerOf(e.target);
    if (!root || e.target !== inputOf(root)) return;
    if (root.hasAttribute("data-tag-picker")) tagSuggest(root);
    else lookupSuggest(root);
  });
  document.addEventListener("focusin", function (e) {
    var root = pickerOf(e.target);
    if (root && root.hasAttribute("data-tag-picker") && e.target === inputOf(root)) tagSuggest(root);
  });
  document.addEventListener("focusout", function (e) {
    var root = pickerOf(e.target);
    if (root && e.target === inputOf(root)) setTimeout(function () { if (!root.contains(document.activeElement)) listHide(root); }, 150);
  });
  document.addEventListener("keydown", function (e) {
    var root = pickerOf(e.target);
    if (!root || e.target !== inputOf(root)) return;
    var options = listOf(root).querySelectorAll("[role=option]");
    var index = activeIndex(root);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (listOf(root).hidden && root.hasAttribute("data-tag-picker")) { tagSuggest(root); return; }
      if (!options.length) return;
      index = e.key === "ArrowDown" ? (index + 1) % options.length : (index - 1 + options.length) % options.length;
      activeSet(root, index);
    } else if (e.key === "Enter" || (e.key === "," && root.hasAttribute("data-tag-picker"))) {
      if (listOf(root).hidden || index < 0) { if (root.hasAttribute("data-tag-picker")) e.preventDefault(); return; }
      e.preventDefault();
      e.stopPropagation();
      choose(root, options[index]);
    } else if (e.key === "Escape") {
      listHide(root);
    } else if (e.key === "Backspace" && root.hasAttribute("data-tag-picker") && !e.target.value) {
      var chips = root.querySelectorAll(".tag-chips [data-name]");
      if (chips.length) { chips[chips.length - 1].remove(); tagChanged(root); }
    }
  }, true);
  document.addEventListener("mousedown", function (e) {
    var option = e.target.closest ? e.target.closest("[role=option]") : null;
    var root = pickerOf(option);
    if (!option || !root) return;
    e.preventDefault(); // keep the focus in the input
    choose(root, option);
  });
  document.addEventListener("click", function (e) {
    var remove = e.target.closest ? e.target.closest("[data-tag-remove]") : null;
    if (!remove) return;
    var picker = pickerOf(remove);
    remove.closest("[data-name]").remove();
    tagChanged(picker);
  });
})();
