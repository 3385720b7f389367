"""Demo readers and comments, so that the demo shows a discussion and a moderator's queue:
published comments on the demo stories and a public case, and comments the pipeline held
(a phone number, a link) or rejected. Every comment goes through the real pipeline
(services.comment_post); nothing is set by hand. Synthetic, like the rest of the demo."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.db import transaction

from irum.archive.models import Case
from irum.discussion import services
from irum.discussion.models import Reader
from irum.public import selectors as public_selectors

READERS = (
    ("reader", "Demo reader", "en"),
    ("minji", "민지", "ko"),
    ("tomas", "Tomás R.", "en"),
)

# (reader, story index or "case", text, reply to the comment at this index or None)
COMMENTS = (
    (
        "tomas",
        0,
        "Thank you for documenting this. The detail about the transfers is hard to read, but it matters.",
        None,
    ),
    ("minji", 0, "가족들이 아직도 소식을 기다리고 있다는 사실이 마음 아픕니다.", None),
    (
        "reader",
        0,
        "Does anyone know whether families are ever told where a relative was sent?",
        None,
    ),
    ("tomas", 0, "As far as I know they almost never are, which is the point of the report.", 2),
    ("minji", 1, "강제송환 이후의 경로가 이렇게 정리된 것은 처음 봅니다.", None),
    (
        "reader",
        "case",
        "The route on this page matches what other testimonies describe for Onsong.",
        None,
    ),
    # Held: a phone number puts a family at risk, and a link may be an advert.
    ("tomas", 1, "If anyone has news of this family please call me on 010-2345-6789.", None),
    ("reader", 1, "More on this at cheap-visa-help.cn, they can get people out fast.", None),
    # Rejected: an attack on other readers.
    ("tomas", 2, "Anyone who doubts this is a fucking idiot.", None),
)


def demo_comments_load(*, var_dir: Path) -> tuple[int, str]:
    """Write the demo readers and comments if they are not there; return how many
    comments were written and the demo reader's password."""
    path = var_dir / "demo-reader-password"
    if path.exists() and path.read_text().strip():
        password = path.read_text().strip()
    else:
        password = secrets.token_urlsafe(12)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(password + "\n")
        path.chmod(0o600)
    if Reader.objects.filter(user__username="reader").exists():
        return 0, password
    stories = list(public_selectors.published_stories().order_by("published_at", "pk")[:3])
    # A case the public may see: a demo story's own, through the public site's rule.
    case = next(
        (
            public
            for c in Case.objects.filter(stories__in=stories).distinct()[:20]
            if (public := public_selectors.public_case(c.public_id)) is not None
        ),
        None,
    )
    with transaction.atomic():
        users = {}
        for username, name, language in READERS:
            reader = services.reader_register(
                username=username,
                email=f"{username}@demo.invalid",
                display_name=name,
                password=password,
                language=language,
            )
            services.reader_verify_email(token=services.verification_token(reader))
            users[username] = reader.user
        written = []
        for username, where, text, reply_to in COMMENTS:
            if where == "case":
                target = case
            else:
                target = stories[where % len(stories)] if stories else None
            if target is None:
                continue
            parent = written[reply_to] if reply_to is not None and reply_to < len(written) else None
            written.append(
                services.comment_post(
                    author=users[username], target=target, text=text, parent=parent
                )
            )
    return len(written), password
