"""One organisation's report as a PDF, made while the reader waits.

Unlike the national report (`surveys.analysis.report_pdf`, made by the worker), an
organisation's report is bounded by the questionnaire alone: its own answers and a few
percentages per question, never other organisations' texts, so WeasyPrint lays it out in
about a second whatever the number of organisations; the figures come from the cached cells.
"""

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string


def organisation_report_pdf(context: dict) -> bytes:
    """The report page's context rendered as a PDF document."""
    import weasyprint

    html = render_to_string("analysis/organisation_report_pdf.html", context)
    stylesheet = weasyprint.CSS(filename=finders.find("css/report.css"))
    document = weasyprint.HTML(string=html, base_url=settings.SITE_URL + "/")
    return document.write_pdf(stylesheets=[stylesheet])
