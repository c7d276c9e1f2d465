"""The text of an HTML page, taken with lxml's HTML parser (never regular expressions over
tags): block elements and ``<br>`` become line breaks, ``<hr>`` a separator between entries,
scripts and styles are dropped.  The encoding is the page's ``charset`` when it decodes, else
what :func:`detect_encoding` finds (UTF-8, Windows-1251, KOI8-R)."""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

from .reading import detect_encoding

#: Elements that start and end a paragraph (a blank line around them).
PARAGRAPHS = frozenset(
    [
        "p",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "address",
        "dl",
        "ul",
        "ol",
        "table",
        "form",
        "center",
    ]
)
#: Elements that start and end a line.
LINES = frozenset(
    [
        "div",
        "li",
        "dt",
        "dd",
        "tr",
        "caption",
        "title",
        "section",
        "article",
        "header",
        "footer",
        "nav",
    ]
)
DROPPED = ("script", "style", "noscript", "template", "iframe", "object")
CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b]+")
#: The whole page is read into memory: an HTML page larger than this is refused.
MAX_HTML_BYTES = 50 * 1024 * 1024


def page_encoding(data: bytes) -> str:
    """The declared charset if it names a known codec and decodes the page, else detected."""
    match = CHARSET.search(data[:4096])
    if match:
        name = match.group(1).decode("ascii", "replace").lower()
        try:
            codec = codecs.lookup(name).name
            data.decode(codec)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            return {"windows-1251": "cp1251"}.get(codec, codec)
    return detect_encoding(data[: 64 * 1024]) if data else "utf-8"


def html_to_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a page; lines as a reader sees them."""
    encoding = page_encoding(data)
    markup = data.decode(encoding, errors="replace")
    if not markup.strip():
        return "", encoding
    try:
        root = lxml.html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return "", encoding
    for element in root.iter(*DROPPED):
        element.drop_tree()
    head = root.find("head")
    if head is not None:
        head.drop_tree()
    for element in root.iter():
        # In HTML a line end in the source is a space; the lines come from the elements.
        if element.text and element.tag != "pre":
            element.text = element.text.replace("\r", " ").replace("\n", " ")
        if element.tail:
            element.tail = element.tail.replace("\r", " ").replace("\n", " ")
    for element in root.iter(etree.Element):
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag == "hr":
            element.tail = "\n=====\n" + (element.tail or "")
        elif tag in PARAGRAPHS:
            element.text = "\n\n" + (element.text or "")
            element.tail = "\n\n" + (element.tail or "")
        elif tag in LINES:
            element.text = "\n" + (element.text or "")
            element.tail = "\n" + (element.tail or "")
        elif tag in ("td", "th"):
            element.tail = " " + (element.tail or "")
    text = root.text_content()
    lines = [SPACES.sub(" ", line).strip() for line in text.replace("\r", "").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip() + "\n", encoding
