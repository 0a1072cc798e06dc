"""HTML to PDF with WeasyPrint: the same template a page shows, printed with ``print.css``.

Charts and maps are inline SVG (``engine.svg``), which WeasyPrint draws as vector graphics, so
a PDF needs no browser and no network: ``base_url`` is the static folder and nothing else is
fetched (``_no_fetch`` refuses every other URL, so text in a report can never make the server
fetch a page).
"""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).parent / "static" / "profiles"
PRINT_CSS = STATIC / "print.css"


class PdfUnavailable(RuntimeError):
    """WeasyPrint's system libraries (Pango) are missing; the message says how to install them."""


def html_to_pdf(html: str) -> bytes:
    try:
        import weasyprint
    except OSError as exc:  # Pango/HarfBuzz not installed on this machine
        raise PdfUnavailable(
            "PDF output needs the Pango text libraries: run `make system-packages` (or "
            "`apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core`), or write HTML "
            f"instead (--out FILE.html). Detail: {exc}"
        ) from None
    document = weasyprint.HTML(string=html, base_url=str(STATIC), url_fetcher=_static_only())
    return document.write_pdf(stylesheets=[weasyprint.CSS(filename=str(PRINT_CSS))])


def _static_only():
    """A fetcher that reads files under the profiles' static folder and refuses everything else."""
    from weasyprint.urls import URLFetcher

    class StaticOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file://"):
                path = Path(url[len("file://") :].split("?")[0]).resolve()
                if path.is_relative_to(STATIC.resolve()):
                    return super().fetch(url, headers)
            raise ValueError(f"not fetched: {url[:80]}")

    return StaticOnly(allowed_protocols=["file"])
