"""The page's language for the browser and screen readers (``<html lang>``), and Danish for the
few texts Streamlit draws itself and offers no setting for (file picker, chart menu, chart
description). Kept as a Python string so it ships with the package like every other module.
"""

from __future__ import annotations

import json

# No "<" before a letter, "/" or "!" in the script, comments included: the sanitizer of
# st.html drops a script whose text looks as if it held a tag, and with it the page's language.
SCRIPT = r"""
// The page's language for the browser and screen readers, and Danish names for the few texts
// Streamlit draws itself and offers no setting for (the file picker, the chart menu, the chart
// description). Runs once per browser page; the observer keeps newly drawn elements translated.
(function () {
  const lang = "__LANG__";
  const words = __WORDS__;
  const root = window.parent && window.parent.document ? window.parent.document : document;
  root.documentElement.lang = lang;
  if (root.defaultView.__servicemirrorLanguage === lang) return;
  root.defaultView.__servicemirrorLanguage = lang;
  const attributes = ["aria-label", "title", "aria-roledescription", "aria-description", "placeholder"];
  function translateText(n) {
    if (root.defaultView.__servicemirrorLanguage !== "da" || n.nodeType !== Node.TEXT_NODE) return;
    const text = n.nodeValue.trim();
    if (words[text] !== undefined) n.nodeValue = n.nodeValue.replace(text, words[text]);
    const limit = text.match(/^(\d+)MB per file(.*)$/);
    if (limit) n.nodeValue = "Højst " + limit[1] + " MB pr. fil" + limit[2];
  }
  function translateAttributes(n) {
    if (root.defaultView.__servicemirrorLanguage !== "da" || !n.getAttribute) return;
    for (const a of attributes) {
      const v = n.getAttribute(a);
      if (!v) continue;
      // a toolbar button is labelled "Show data: " and the chart's title
      const head = v.indexOf(": ") > 0 ? v.slice(0, v.indexOf(": ")) : null;
      if (words[v] !== undefined) n.setAttribute(a, words[v]);
      else if (head !== null && words[head] !== undefined) n.setAttribute(a, words[head] + v.slice(head.length));
    }
  }
  function translate(node) {
    if (root.defaultView.__servicemirrorLanguage !== "da" || !node) return;
    const walker = root.createTreeWalker(node, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n = walker.currentNode; n; n = walker.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) translateText(n);
      else translateAttributes(n);
    }
  }
  translate(root.body);
  // Only what changed is looked at: an added node with what is inside it, a changed text or
  // attribute by itself. Walking the parent's whole subtree on every change made a chart that
  // labels each of its 1,600 marks (Vega's aria-label per mark) cost seconds: each label walked
  // all 1,600 siblings again.
  new root.defaultView.MutationObserver((changes) => {
    for (const c of changes) {
      for (const n of c.addedNodes) translate(n);
      if (c.type === "attributes") translateAttributes(c.target);
      else if (c.type === "characterData") translateText(c.target);
    }
  }).observe(root.body, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: attributes });
})();
"""


def language_script(lang: str, words: dict[str, str]) -> str:
    """The ``<script>`` that sets ``<html lang=lang>`` and, in Danish, swaps ``words``
    (English -> Danish) in Streamlit's own texts and ARIA labels as they are drawn."""
    body = SCRIPT.replace("__LANG__", lang).replace("__WORDS__", json.dumps(words))
    return f"<script>{body}</script>"
