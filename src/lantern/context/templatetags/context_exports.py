"""``{% list_export_links "streets" "counts by street" %}``: export links for one of several lists.

The crime page shows several lists; the shared ``export_links`` keeps the page's filters, and this
adds ``list=NAME`` so the view knows which list to send.
"""

from __future__ import annotations

from types import SimpleNamespace

from django import template

from lantern.web.templatetags.lantern_exports import export_links

register = template.Library()


@register.simple_tag(takes_context=True)
def list_export_links(context, list_name: str, label: str) -> str:
    query = context["request"].GET.copy()
    query["list"] = list_name
    return export_links({"request": SimpleNamespace(GET=query)}, label)
