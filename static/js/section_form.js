/*
 * Section forms (templates/form_engine/section_form.html): progressive enhancement only.
 * Without this script every applicable question is shown, with a hint saying when to answer
 * it, and the server drops answers to questions whose condition is not met.
 *
 * - Live conditions: a question with data-condition (JSON: {question, equals|in|includes|answered})
 *   is hidden, and its inputs disabled, while the condition fails. Conditions chain: a hidden
 *   question counts as unanswered.
 * - Exclusive options ("Vet ikke", "Ingen av disse"): checking one unchecks the others, and
 *   checking another option unchecks it.
 * - "Annet, spesifiser": the text field is shown and enabled only while its option is chosen.
 * - Radio questions get a "Fjern svaret" button while an option is chosen (a checked radio
 *   cannot otherwise be cleared).
 * - An error summary, if present, receives focus.
 */
(function () {
  "use strict";

  function questions(root) {
    return Array.prototype.slice.call(root.querySelectorAll("[data-question]"));
  }

  function inputsOf(question) {
    return Array.prototype.slice.call(question.querySelectorAll("input, textarea, select"));
  }

  function normaliseNumber(text) {
    // Norwegian input: spaces (incl. no-break/thin) between thousands, decimal comma.
    var cleaned = text.replace(/[\s\u00a0\u2009\u202f%]/g, "").replace(",", ".");
    return cleaned !== "" && !isNaN(Number(cleaned)) ? Number(cleaned) : null;
  }

  function valueOf(question) {
    if (question.hidden) {
      return null;
    }
    var key = question.getAttribute("data-question");
    var kind = question.getAttribute("data-kind");
    var inputs = inputsOf(question);
    if (kind === "multiple_choice") {
      var codes = inputs
        .filter(function (i) { return i.type === "checkbox" && i.checked; })
        .map(function (i) { return i.value; });
      return codes.length ? codes : null;
    }
    if (kind === "matrix") {
      var rows = {};
      var any = false;
      inputs.forEach(function (i) {
        if (i.type === "radio" && i.checked) {
          rows[i.name.slice(key.length + 2)] = i.value;
          any = true;
        }
      });
      return any ? rows : null;
    }
    if (kind === "single_choice" || kind === "rating") {
      var checked = inputs.filter(function (i) { return i.name === key && i.checked; })[0];
      return checked ? checked.value : null;
    }
    var field = inputs.filter(function (i) { return i.name === key; })[0];
    var text = field ? field.value.trim() : "";
    return text === "" ? null : text;
  }

  function same(value, operand) {
    if (String(value) === String(operand)) {
      return true;
    }
    var a = normaliseNumber(String(value));
    var b = normaliseNumber(String(operand));
    return a !== null && b !== null && a === b;
  }

  function answered(value) {
    if (value === null || value === undefined) {
      return false;
    }
    if (Array.isArray(value)) {
      return value.length > 0;
    }
    if (typeof value === "object") {
      return Object.keys(value).length > 0;
    }
    return String(value).trim() !== "";
  }

  function asList(operand) {
    return Array.isArray(operand) ? operand : [operand];
  }

  // Mirrors surveys/conditions.py condition_is_met.
  function conditionIsMet(condition, value) {
    if ("answered" in condition) {
      return answered(value) === Boolean(condition.answered);
    }
    if (!answered(value)) {
      return false;
    }
    var values = Array.isArray(value) ? value : [value];
    if ("equals" in condition) {
      return values.length === 1 && same(values[0], condition.equals);
    }
    var options = asList("in" in condition ? condition["in"] : condition.includes);
    return values.some(function (v) {
      return options.some(function (o) { return same(v, o); });
    });
  }

  function setQuestionShown(question, shown) {
    if (question.hidden === !shown) {
      return;
    }
    question.hidden = !shown;
    inputsOf(question).forEach(function (input) {
      input.disabled = !shown;
    });
    if (shown) {
      updateOtherTexts(question);
    }
  }

  function applyConditions(root) {
    var byKey = {};
    questions(root).forEach(function (question) {
      byKey[question.getAttribute("data-question")] = question;
    });
    // Document order is questionnaire order, so one pass resolves chains.
    questions(root).forEach(function (question) {
      var raw = question.getAttribute("data-condition");
      if (!raw) {
        return;
      }
      var condition;
      try {
        condition = JSON.parse(raw);
      } catch (e) {
        return;
      }
      var source = byKey[condition.question];
      var value = source ? valueOf(source) : null;
      setQuestionShown(question, conditionIsMet(condition, value));
    });
  }

  function updateOtherTexts(scope) {
    Array.prototype.slice.call(scope.querySelectorAll("[data-other-for]")).forEach(function (box) {
      var option = document.getElementById(box.getAttribute("data-other-for"));
      var question = box.closest("[data-question]");
      var chosen = Boolean(option && option.checked && !(question && question.hidden));
      box.hidden = !chosen;
      Array.prototype.slice.call(box.querySelectorAll("input, textarea")).forEach(function (input) {
        input.disabled = !chosen;
      });
      if (option) {
        option.setAttribute("aria-expanded", chosen ? "true" : "false");
      }
    });
  }

  function handleExclusive(input) {
    if (input.type !== "checkbox" || !input.checked) {
      return;
    }
    var group = input.closest("[data-question]");
    if (!group) {
      return;
    }
    var exclusive = input.hasAttribute("data-exclusive");
    inputsOf(group).forEach(function (other) {
      if (other === input || other.type !== "checkbox" || other.name !== input.name) {
        return;
      }
      if (exclusive || other.hasAttribute("data-exclusive")) {
        other.checked = false;
      }
    });
  }

  function setUpClearButtons(root) {
    Array.prototype.slice.call(root.querySelectorAll("[data-clear-answer]")).forEach(function (button) {
      var question = button.closest("[data-question]");
      // Shown only while something is chosen: there is nothing to remove otherwise.
      function sync() {
        button.hidden = !inputsOf(question).some(function (input) {
          return input.type === "radio" && input.checked;
        });
      }
      sync();
      question.addEventListener("change", sync);
      button.addEventListener("click", function () {
        inputsOf(question).forEach(function (input) {
          if (input.type === "radio") {
            input.checked = false;
          }
        });
        var first = question.querySelector("input[type=radio]");
        if (first) {
          first.focus();
          first.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
    });
  }

  function setUp(root) {
    root.addEventListener("change", function (event) {
      handleExclusive(event.target);
      updateOtherTexts(root);
      applyConditions(root);
    });
    root.addEventListener("input", function (event) {
      if (event.target.type === "text" || event.target.tagName === "TEXTAREA") {
        applyConditions(root);
      }
    });
    setUpClearButtons(root);
    updateOtherTexts(root);
    applyConditions(root);
  }

  function init() {
    Array.prototype.slice.call(document.querySelectorAll("[data-section-form]")).forEach(setUp);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
