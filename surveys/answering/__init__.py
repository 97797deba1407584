"""Answering: what a kommune or fylkeskommune does with its personal link.

Links and access (`services`), the shared answer set and its progress (`selectors`), saving a
section with the conflict protocol for colleagues' edits (`saving`, `conflicts`), submitting and
reopening, receipts and colleague invitations (`emails`), and the respondent pages (`views`).
May import the models, the form engine, the definitions and the shared modules of `surveys`;
never outreach, analysis, administration or demo.
"""
