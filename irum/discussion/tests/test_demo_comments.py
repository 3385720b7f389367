"""The demo's readers and comments go through the real pipeline: some published, some
held, one rejected; running it again writes nothing."""

from __future__ import annotations

from irum.discussion.demo import demo_comments_load
from irum.discussion.models import Comment, CommentStatus


def test_the_demo_comments_are_moderated_like_any_other(site, tmp_path):
    written, password = demo_comments_load(var_dir=tmp_path)
    assert written >= 5 and len(password) >= 12
    statuses = set(Comment.objects.values_list("status", flat=True))
    assert {CommentStatus.PUBLISHED, CommentStatus.HELD, CommentStatus.REJECTED} <= statuses
    assert Comment.objects.filter(case=site["case"]).exists()
    assert demo_comments_load(var_dir=tmp_path) == (0, password)
