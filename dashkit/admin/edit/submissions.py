"""One-time submission tokens of create forms: a form posted twice (a double click, a
browser's retry) creates its row once, and the second post is shown that row.

The create form carries a random token. The first post that saves records the token
with the row's key in the state database, in the request's transaction; the token is the
table's primary key, so of two posts racing each other only one can record it, and the
other's row is rolled back with its transaction.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa

from dashkit.state import Submission

if TYPE_CHECKING:
    from dashkit.admin.options import ModelAdmin
    from dashkit.http import Request

FIELD = "_submission"
"""The create form's hidden field holding its token."""


def submission_token(request: Request) -> str:
    """The token of the create form being drawn: the one it was posted with, else a new one."""
    posted = request.form.get(FIELD, "") if request.method == "POST" else ""
    return posted if _well_formed(posted) else secrets.token_urlsafe(24)


def created_by(request: Request, model_admin: ModelAdmin) -> str | None:
    """The key of the row a previous post of this form created, if one did."""
    token = request.form.get(FIELD, "")
    if not _well_formed(token):
        return None
    submission = request.state_db.get(Submission, token)
    if submission is None or submission.model != model_admin.slug:
        return None
    return submission.object_pk


def record_submission(request: Request, model_admin: ModelAdmin, pk_text: str) -> bool:
    """Record that this post created the row `pk_text`; False when another post of the same
    form recorded it first (its row stands; this one must be rolled back)."""
    token = request.form.get(FIELD, "")
    if not _well_formed(token):
        return True
    user = request.user
    state = request.state_db
    state.add(
        Submission(
            token=token,
            model=model_admin.slug,
            object_pk=pk_text,
            user_id=user.id if user is not None else None,
        )
    )
    try:
        state.flush()
    except sa.exc.IntegrityError:  # the request must now end in a rollback
        return False
    return True


def _well_formed(token: str) -> bool:
    return 20 <= len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
