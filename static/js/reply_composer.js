// Counts a reply draft the way X does (weighted: URLs 23, emoji and CJK 2, most Latin 1; limit 280) while
// it is typed. Mirrors triage/x_text.py, which the server uses to refuse over-long replies; keep the two
// in step. Only on items whose reply goes to X (the form carries data-x-limit).
(function () {
  var form = document.getElementById("reply-form");
  if (!form || !form.dataset.xLimit) return;
  var limit = parseInt(form.dataset.xLimit, 10);
  var textarea = form.querySelector("textarea");
  var counter = document.getElementById("reply-count");
  if (!textarea || !counter) return;

  var URL_WEIGHT = 23;
  var LIGHT = [[0x0000, 0x10ff], [0x2000, 0x200d], [0x2010, 0x201f], [0x2032, 0x2037]];
  var TLDS = "com|org|net|edu|gov|mil|int|info|biz|io|co|ai|app|dev|health|care|us|uk|ca|au|nz|ie|de|fr|es|it|nl|" +
    "be|ch|at|se|no|dk|fi|pl|pt|in|jp|cn|kr|br|mx|ly|me|tv|news|link|site|online|org\\.uk|co\\.uk|nhs\\.uk";
  var URL_PATTERN = new RegExp(
    "(?<![\\w@.])(?:https?://[^\\s<>\"]+|www\\.[^\\s<>\"]+|" +
      "(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\\.)+(?:" + TLDS + ")(?![\\w-])(?:/[^\\s<>\"]*)?)",
    "gi"
  );
  var TRAILING = ".,:;!?'\")]}";

  function isRegional(cp) { return cp >= 0x1f1e6 && cp <= 0x1f1ff; }
  function isModifier(cp) { return (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f); }
  function isPictographic(cp) {
    return (cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf) || (cp >= 0x2300 && cp <= 0x23ff) ||
      (cp >= 0x2b00 && cp <= 0x2bff) || (cp >= 0x2190 && cp <= 0x21ff) || (cp >= 0x25a0 && cp <= 0x25ff) ||
      [0xa9, 0xae, 0x203c, 0x2049, 0x2122, 0x2139, 0x3030, 0x303d, 0x3297, 0x3299].indexOf(cp) >= 0;
  }

  function emojiLength(cps, start) {
    var cp = cps[start], end = cps.length, at;
    if (isRegional(cp)) return start + 1 < end && isRegional(cps[start + 1]) ? 2 : 1;
    if (cp === 0x23 || cp === 0x2a || (cp >= 0x30 && cp <= 0x39)) {
      at = start + 1;
      if (at < end && cps[at] === 0xfe0f) at += 1;
      return at < end && cps[at] === 0x20e3 ? at + 1 - start : 0;
    }
    if (!isPictographic(cp)) return 0;
    at = start + 1;
    while (at < end) {
      if (cps[at] === 0xfe0f || isModifier(cps[at])) at += 1;
      else if (cps[at] === 0x200d && at + 1 < end && isPictographic(cps[at + 1])) at += 2;
      else break;
    }
    return at - start;
  }

  function charWeight(cp) {
    for (var i = 0; i < LIGHT.length; i++) if (cp >= LIGHT[i][0] && cp <= LIGHT[i][1]) return 1;
    return 2;
  }

  function plainWeight(text) {
    var cps = Array.from(text, function (c) { return c.codePointAt(0); });
    var total = 0, at = 0, span;
    while (at < cps.length) {
      span = emojiLength(cps, at);
      if (span) { total += 2; at += span; } else { total += charWeight(cps[at]); at += 1; }
    }
    return total;
  }

  function weightedLength(text) {
    text = text.normalize("NFC");
    var total = 0, position = 0, match, end;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      end = match.index + match[0].length;
      while (end > match.index && TRAILING.indexOf(text[end - 1]) >= 0) end -= 1;
      total += plainWeight(text.slice(position, match.index)) + URL_WEIGHT;
      position = end;
    }
    return total + plainWeight(text.slice(position));
  }

  function update() {
    var used = weightedLength(textarea.value);
    counter.textContent = used + " / " + limit;
    counter.className = used > limit ? "error" : "muted small";
    counter.title = used > limit ? "Too long for X: shorten it by " + (used - limit) + "." : "";
  }

  textarea.addEventListener("input", update);
  update();
  window.hlXWeightedLength = weightedLength; // For the browser test of the counter.
})();
