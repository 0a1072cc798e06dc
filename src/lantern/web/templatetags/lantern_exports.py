"""``{% export_links %}``: "Download CSV · XLSX" for the list on the page, with its filters kept."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def export_links(context, label: str = "this list") -> str:
    request = context["request"]
    links = []
    for fmt in ("csv", "xlsx"):
        query = request.GET.copy()
        query.pop("page", None)
        query["format"] = fmt
        # No ``download`` attribute: the file comes as an attachment, and a refusal (a list too long
        # for one file) must show as a page rather than be saved as a broken file.
        links.append(format_html('<a href="?{}">{}</a>', query.urlencode(), fmt.upper()))
    return format_html('<p class="export-links">Download {}: {} · {}</p>', label, links[0], links[1])
