"""Pages for municipality staff answering a wave through their personal link.

Access: opening /i/<token>/ adds that link's organisation and wave to the session (under a
fresh session key) and redirects to an address without the token. A session may hold several
organisations; every page's address names the one it is for (/svar/<wave>/<number>/...), and
every form carries it too, so a POST is checked against what its page was rendered for. Every
request goes through `access.get_access`, which re-checks that the link is still valid, so
revoking a link ends its access at once. Pages that show answers are sent with no-store.

`access`: opening a link, the session and leaving; `sections`: a section page with saving and
autosave; `history`: the answer set's history; `submitting`: review, submit, receipt and
reopening; `colleagues`: inviting one;
`csrf`: the page for a form whose CSRF check failed, which keeps what was typed.
Views reach the writes only through `surveys.answering.services` (and `links` for opening a link).
"""

from surveys.answering.views.access import choose, link_open, logout, overview, session_extend
from surveys.answering.views.colleagues import invite_colleague
from surveys.answering.views.history import answer_history
from surveys.answering.views.sections import section, section_autosave
from surveys.answering.views.submitting import receipt, reopen, review

__all__ = [
    "answer_history",
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
