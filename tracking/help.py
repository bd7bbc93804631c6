"""The query-language guide (docs/query-language.md) as HTML for the editor's help page, so one file
serves readers of the repository and of the app. The file is part of the code base (reviewed like code),
never user input."""

from functools import cache
from pathlib import Path

import markdown
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

GUIDE_PATH = Path(settings.BASE_DIR) / "docs" / "query-language.md"


def query_guide_html(path: Path = GUIDE_PATH) -> SafeString:
    """The guide as HTML, or an empty string when the file is missing."""
    try:
        modified = path.stat().st_mtime
    except FileNotFoundError:
        return mark_safe("")
    return _render_cached(path, modified)


@cache
def _render_cached(path: Path, modified: float) -> SafeString:
    html = markdown.markdown(
        path.read_text(encoding="utf-8"),
        # The page has its own h1: the guide's headings start one level down.
        extensions=["tables", "fenced_code", "toc"],
        extension_configs={"toc": {"baselevel": 2}},
    )
    return mark_safe(html)
