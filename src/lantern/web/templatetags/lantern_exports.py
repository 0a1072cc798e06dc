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
        links.append(format_html('<a href="?{}" download>{}</a>', query.urlencode(), fmt.upper()))
    return format_html('<p class="export-links">Download {}: {} · {}</p>', label, links[0], links[1])
