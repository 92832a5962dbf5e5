"""A report's spec (the JSON that W&B's editor and wandb-workspaces write) as Markdown.

Blocks become their Markdown counterparts; panel grids become a list of one-line summaries
("Line plot "Loss": loss, acc (x: _step)") and the run sets they draw from, with their filters.
Text from the server is escaped, so it shows as written: only `markdown-block` contents (which
are Markdown on W&B too) are passed through.
"""

from __future__ import annotations

import re
from typing import Any

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # CommonMark lets any ASCII punctuation be escaped
_LANGUAGE = re.compile(r"[^\w+#.-]")

PANEL_NAMES = {
    "Run History Line Plot": "Line plot",
    "Scatter Plot": "Scatter plot",
    "Scalar Chart": "Scalar chart",
    "Bar Chart": "Bar chart",
    "Code Comparer": "Code comparer",
    "Parallel Coordinates Plot": "Parallel coordinates",
    "Parameter Importance": "Parameter importance",
    "Run Comparer": "Run comparer",
    "Media Browser": "Media browser",
    "Markdown Panel": "Markdown panel",
    "Vega2": "Custom chart",
    "Weave": "Weave panel",
    "Weave Trace": "Weave trace",
}
EMBEDS = {"video": "Video", "twitter": "Tweet", "spotify": "Spotify", "soundcloud": "SoundCloud",
          "gallery": "Gallery", "weave-panel": "Weave panel"}


def escape(text: Any) -> str:
    """Server text as literal Markdown: punctuation escaped, one line, no leading indent."""
    lines = str(text if text is not None else "").replace("\r", "").split("\n")
    return "  \n".join(_PUNCTUATION.sub(r"\\\1", line.strip()) for line in lines)


def code_span(text: str) -> str:
    fence = "`" * (_longest_run(text, "`") + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str, language: str = "") -> str:
    fence = "`" * max(3, _longest_run(text, "`") + 1)
    return f"{fence}{_LANGUAGE.sub('', language or '')}\n{text}\n{fence}"


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(r) for r in runs), default=0)


def spec_to_markdown(spec: dict[str, Any]) -> str:
    blocks = spec.get("blocks")
    if not isinstance(blocks, list):  # reports from before spec version 5
        groups = spec.get("panelGroups") or []
        blocks = [{"type": "panel-grid", "metadata": g} for g in groups if isinstance(g, dict)]
    headings = [b for b in blocks if isinstance(b, dict) and b.get("type") == "heading"]
    parts = [_block(b, headings) for b in blocks if isinstance(b, dict)]
    text = "\n\n".join(p for p in parts if p.strip())
    return text or "*This report is empty.*"


# -- blocks -----------------------------------------------------------------------------------

def _block(block: dict[str, Any], headings: list[dict[str, Any]]) -> str:
    kind = block.get("type", "paragraph")
    children = block.get("children") or []
    match kind:
        case "heading":
            level = max(1, min(int(block.get("level") or 1), 6))
            return "#" * level + " " + _inline(children).strip()
        case "paragraph" | "default":
            return _inline(children).strip()
        case "markdown-block":
            return str(block.get("content") or "")
        case "code-block":
            # wandb-workspaces writes one code-line whose text leaves are the lines
            lines = [str(leaf.get("text") or "") for line in children if isinstance(line, dict)
                     for leaf in line.get("children") or [] if isinstance(leaf, dict)]
            return code_block("\n".join(lines), str(block.get("language") or ""))
        case "list":
            return _list(block, 0)
        case "block-quote":
            return _quote(_inline(children))
        case "callout-block":
            lines = [_leaf_lines(line.get("children") or []) for line in children if isinstance(line, dict)]
            return _quote("**Note:** " + "  \n".join(lines))
        case "horizontal-rule":
            return "---"
        case "latex":
            return code_block(str(block.get("content") or ""), "latex")
        case "image":
            caption = _plain(children)
            return f"*Image{': ' + escape(caption) if caption else ''}* {_url(block.get('url'))}"
        case "table-of-contents":
            return _table_of_contents(headings)
        case "panel-grid":
            return _panel_grid(block.get("metadata") or {})
        case _ if kind in EMBEDS:
            return f"*{EMBEDS[kind]}* {_url(block.get('url') or block.get('embedUrl'))}"
        case _:
            inner = _inline(children) if children else ""
            return f"*Unsupported block: {escape(kind)}*" + (f"  \n{inner}" if inner.strip() else "")


def _inline(nodes: list[Any]) -> str:
    """Slate text leaves (with marks), links and inline LaTeX, as Markdown inline text."""
    out = []
    for node in nodes:
        if not isinstance(node, dict):
            continue
        if node.get("type") == "link":
            label = _inline(node.get("children") or []) or escape(node.get("url"))
            out.append(f"[{label}]({_link_target(node.get('url'))})")
        elif node.get("type") == "latex":
            out.append(code_span("$" + str(node.get("content") or "") + "$"))
        elif "text" in node:
            out.append(_leaf(node))
        else:  # an inline element we do not know: keep its text
            out.append(_inline(node.get("children") or []))
    return "".join(out)


def _leaf(node: dict[str, Any]) -> str:
    text = str(node.get("text") or "")
    if not text:
        return ""
    if node.get("inlineCode") or node.get("code"):
        return code_span(text)
    core = text.strip()
    if not core:
        return text
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    marked = escape(core)
    if node.get("strikethrough"):
        marked = f"~~{marked}~~"
    if node.get("emphasis") or node.get("italic"):
        marked = f"*{marked}*"
    if node.get("strong") or node.get("bold"):
        marked = f"**{marked}**"
    return lead + marked + trail


def _leaf_lines(nodes: list[Any]) -> str:
    """wandb-workspaces writes a callout's lines as unmarked leaves of one line; leaves with
    marks are one line of styled text (as the web editor writes)."""
    leaves = [n for n in nodes if isinstance(n, dict)]
    if len(leaves) > 1 and all(set(n) == {"text"} for n in leaves):
        return "  \n".join(escape(n["text"]) for n in leaves)
    return _inline(nodes)


def _plain(nodes: list[Any]) -> str:
    """The text of leaves, without marks (code lines, captions)."""
    return "".join(str(n.get("text") or "") if "text" in n else _plain(n.get("children") or [])
                   for n in nodes if isinstance(n, dict))


def _list(block: dict[str, Any], depth: int) -> str:
    lines = []
    for number, item in enumerate(block.get("children") or [], start=1):
        if not isinstance(item, dict):
            continue
        if item.get("checked") is not None:
            marker = "- " + ("☑ " if item["checked"] else "☐ ")
        elif item.get("ordered") or block.get("ordered"):
            marker = f"{number}. "
        else:
            marker = "- "
        text, nested = [], []
        for child in item.get("children") or []:
            if isinstance(child, dict) and child.get("type") == "list":
                nested.append(_list(child, depth + 1))
            elif isinstance(child, dict) and child.get("type") in ("paragraph", "default"):
                text.append(_inline(child.get("children") or []))
            elif isinstance(child, dict):
                text.append(_inline([child]))
        lines.append("   " * depth + marker + " ".join(t for t in text if t))
        lines.extend(nested)
    return "\n".join(lines)


def _quote(text: str) -> str:
    return "\n".join("> " + line for line in text.split("\n"))


def _table_of_contents(headings: list[dict[str, Any]]) -> str:
    lines = ["**Contents**", ""]
    for heading in headings:
        level = max(1, min(int(heading.get("level") or 1), 6))
        lines.append("   " * (level - 1) + "- " + escape(_plain(heading.get("children") or [])))
    return "\n".join(lines) if headings else ""


def _url(url: Any) -> str:
    return f"({escape(url)})" if url else ""


def _link_target(url: Any) -> str:
    """A link destination that cannot end the link early or run a script."""
    text = str(url or "").strip()
    if not re.match(r"^(https?|mailto):", text, re.IGNORECASE):
        return "<>"
    return "<" + re.sub(r"[\s<>\\]", lambda m: f"%{ord(m.group()):02X}", text) + ">"


# -- panel grids ------------------------------------------------------------------------------

def _panel_grid(metadata: dict[str, Any]) -> str:
    section = metadata.get("panelBankSectionConfig") or {}
    panels = section.get("panels") or metadata.get("panels") or []
    if isinstance(panels, dict):  # legacy: {"views": ..., "tabs": ...} holds no panel list
        panels = []
    lines = [f"- {panel_summary(p)}" for p in panels if isinstance(p, dict)]
    runsets = [r for r in metadata.get("runSets") or [] if isinstance(r, dict)]
    sources = "; ".join(runset_summary(r) for r in runsets)
    head = f"**Panels** ({len(lines)})" + (f" over {sources}" if sources else "")
    return head + ("\n\n" + "\n".join(lines) if lines else "")


def panel_summary(panel: dict[str, Any]) -> str:
    """One panel in words: its kind, title and what it plots."""
    view = str(panel.get("viewType") or "panel")
    config = panel.get("config") or {}
    name = PANEL_NAMES.get(view, view)
    title = config.get("chartTitle") or config.get("title")
    label = escape(name) + (f" “{escape(title)}”" if title else "")
    what = ""
    match view:
        case "Run History Line Plot":
            metrics = config.get("metrics") or config.get("metricRegex") or []
            what = _keys(metrics if isinstance(metrics, list) else [metrics])
            if config.get("xAxis"):
                what += f" (x: {escape(_key(config['xAxis']))})"
        case "Scalar Chart" | "Bar Chart" | "Media Browser":
            what = _keys(config.get("metrics") or config.get("mediaKeys") or [])
        case "Scatter Plot":
            axes = [config.get(a) for a in ("xAxis", "yAxis", "zAxis") if config.get(a)]
            what = " vs ".join(escape(_key(a)) for a in axes)
        case "Parallel Coordinates Plot":
            what = _keys([c.get("accessor") for c in config.get("columns") or [] if isinstance(c, dict)])
        case "Parameter Importance":
            what = f"for {escape(_key(config['targetKey']))}" if config.get("targetKey") else ""
        case "Markdown Panel":
            text = " ".join(str(config.get("value") or "").split())
            what = escape(text[:80] + ("…" if len(text) > 80 else ""))
        case "Vega2":
            what = escape(config.get("panelDefId") or "")
    return label + (f": {what}" if what else "")


def _key(key: Any) -> str:
    """`summary:loss` → loss, `config:lr` → config.lr (the names people know)."""
    section, _, name = str(key).partition(":")
    if not name:
        return section
    return name if section in ("summary", "run", "history") else f"{section}.{name}"


def _keys(keys: list[Any]) -> str:
    return ", ".join(escape(_key(k)) for k in keys if k)


def runset_summary(runset: dict[str, Any]) -> str:
    """"runset 'baseline' (config.lr >= 0.01 and state = finished)"."""
    name = escape(runset.get("name") or "runs")
    parts = []
    filters = filters_summary(runset.get("filters") or {})
    if filters:
        parts.append(escape(filters))
    search = (runset.get("search") or {}).get("query")
    if search:
        parts.append("search " + escape(search))
    groups = [_section_key(g) for g in runset.get("grouping") or [] if isinstance(g, dict) and g.get("name")]
    if groups:
        parts.append("grouped by " + escape(", ".join(groups)))
    if runset.get("enabled") is False:
        parts.append("hidden")
    return f"runset ‘{name}’" + (f" ({'; '.join(parts)})" if parts else "")


def filters_summary(filters: Any) -> str:
    """W&B run-set filters (the v2 flat list or the older AND/OR tree) in words."""
    if isinstance(filters, dict) and filters.get("filterFormat") == "filterV2":
        return _v2(filters.get("filters") or [])
    if isinstance(filters, dict) and isinstance(filters.get("filters"), list):
        inner = [filters_summary(f) for f in filters["filters"]]
        inner = [f for f in inner if f]
        joined = f" {str(filters.get('op') or 'and').lower()} ".join(inner)
        return f"({joined})" if len(inner) > 1 and filters.get("op") else joined
    if isinstance(filters, dict) and filters.get("key"):
        return _leaf_filter(filters)
    return ""


def _v2(items: list[Any]) -> str:
    parts: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        text = f"({_v2(item['filters'])})" if isinstance(item.get("filters"), list) else _leaf_filter(item)
        if not text or text == "()":
            continue
        if parts:
            parts.append(str(item.get("connector") or "and").lower())
        parts.append(text)
    return " ".join(parts)


def _section_key(key: dict[str, Any]) -> str:
    """A run-set key ({"section": "config", "name": "lr.value"}) as people write it: config.lr."""
    section, name = key.get("section") or "run", str(key.get("name"))
    if section == "config" and name.endswith(".value"):
        name = name[: -len(".value")]
    return name if section in ("run", "summary") else f"{section}.{name}"


def _leaf_filter(item: dict[str, Any]) -> str:
    key = item.get("key") or {}
    if not key.get("name"):
        return ""
    label = _section_key(key)
    value = item.get("value")
    shown = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    text = f"{label} {item.get('op') or '='} {shown}"
    return text + " [off]" if item.get("disabled") else text
