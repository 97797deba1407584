"""Answering: what a kommune or fylkeskommune does with its personal link.

Personal links (`links`), the shared answer set, saving, submitting and reopening (`services`,
the one way in for every write), the conflict protocol for colleagues' edits of the same answers
(`conflicts`, reached through `services`), progress and receipts (`selectors`), the receipt and
colleague e-mails (`emails`), and the respondent pages (`views/`, `forms`).
May import the models, the form engine, the definitions and the shared modules of `surveys`;
never outreach, analysis, administration or demo.
"""
