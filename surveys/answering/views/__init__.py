"""Pages for municipality staff answering a wave through their personal link.

Access: opening /i/<token>/ starts a session scoped to one organisation and one wave (a fresh
session key) and redirects to an address without the token. Every later request goes through
`access.get_access`, which re-checks that the link is still valid, so revoking a link ends its
sessions at once. Every page that shows answers is sent with Cache-Control: no-store.

`access`: opening a link, the session and leaving; `sections`: a section page with saving and
autosave; `submitting`: review, submit, receipt and reopening; `colleagues`: inviting one.
Views reach the writes only through `surveys.answering.services` (and `links` for opening a link).
"""

from surveys.answering.views.access import choose, link_open, logout, overview, session_extend
from surveys.answering.views.colleagues import invite_colleague
from surveys.answering.views.sections import section, section_autosave
from surveys.answering.views.submitting import receipt, reopen, review

__all__ = [
    "choose",
    "invite_colleague",
    "link_open",
    "logout",
    "overview",
    "receipt",
    "reopen",
    "review",
    "section",
    "section_autosave",
    "session_extend",
]
