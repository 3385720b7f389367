"""The leak scan: no restricted or identifying text reaches the public, or a staff user
with no partner, through any URL of the site.

Canaries (distinctive Latin and Hangul strings) are planted in every identity field and
restricted text, in every text of non-public cases (titles, refs, pseudonyms, summaries),
in the refs and titles of a public case and in the identity of its persons, and in a
public case that was then deleted. Then every URL pattern of the URL conf is walked,
includes and the admin with them, filled with the seeded records' ids, and fetched
anonymously and as dave, following redirects. No canary may appear in any body, header
or cookie.

The scan is generated: a new URL is fetched as soon as it is added. A URL with a
parameter the scan cannot fill makes it fail, so that no page escapes it: teach
`_values` (or `_pairs`) how to fill the new parameter.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.utils.regex_helper import normalize

from irum.archive import services
from irum.archive.models import Case, Event, Person, Source
from irum.discussion import services as discussion_services
from irum.discussion.models import Comment
from irum.gazetteer.models import Agency, Place
from irum.partners.models import Organization
from irum.reports.tests.builders import Canaries, seed_case
from irum.stories import services as story_services
from irum.stories.models import Author, Story
from irum.stories.tests.builders import jpeg

ARCHIVE_MODELS = (Case, Person, Event, Source)
# Rows of other models the scan opens in the admin: a few are enough to render each page.
OTHER_ROWS = 3
MAX_REDIRECTS = 10


# -- the seeded archive -------------------------------------------------------------------


@pytest.fixture
def world(gazetteer, actor, personas) -> Canaries:
    canary = Canaries()
    a, b = personas["partner_a"], personas["partner_b"]
    public = seed_case(actor, canary, label="public", confidentiality="public", owner=a)
    seed_case(actor, canary, label="partners", confidentiality="partners", owner=a)
    restricted = seed_case(actor, canary, label="restricted", confidentiality="restricted", owner=a)
    seed_case(actor, canary, label="shared", confidentiality="restricted", owner=b, shared_with=[a])
    # An old value lives on in the history: change a title and a name once.
    services.case_update(
        actor=actor, case=restricted["case"], title=canary("restricted.case.title.v2")
    )
    services.person_update(
        actor=actor, person=public["persons"][0], full_name=canary("public.person0.full_name.v2")
    )
    # Deleted records are never published, even of a public case: this one's public texts
    # are canaries too. And one person of the public case is deleted on its own.
    deleted = seed_case(
        actor,
        canary,
        label="deleted",
        confidentiality="public",
        owner=a,
        persons=1,
        plain_public_texts=False,
    )
    services.case_delete(actor=actor, case=deleted["case"])
    services.person_update(
        actor=actor,
        person=public["persons"][1],
        pseudonym=canary("public.person1.pseudonym.deleted"),
    )
    services.person_delete(actor=actor, person=public["persons"][1])
    # A source not yet linked to any event.
    services.source_create(
        actor=actor,
        ref=canary("unlinked.source.ref", hangul=False),
        content_restricted=canary("unlinked.source.content_restricted"),
    )
    _seed_stories(actor, canary)
    _seed_comments(canary, public["case"])
    return canary


def _seed_comments(canary: Canaries, public_case: Case) -> None:
    """A reader's held and rejected comments, on the story and on the public case: only
    their author and the moderators may read them (a held comment may name a protected
    person). And one published comment, which anyone may read."""
    reader = discussion_services.reader_register(
        username="erin",
        email="erin@example.org",
        display_name="Erin W.",
        password="erin-long-pass-1",
    )
    discussion_services.reader_verify_email(token=discussion_services.verification_token(reader))
    story = Story.objects.get(slug="about-every-case")
    for target, label in ((story, "story"), (public_case, "case")):
        held = discussion_services.comment_post(
            author=reader.user,
            target=target,
            text=f"Call {canary(f'comment.held.{label}')} on 010-2345-6789.",
        )
        rejected = discussion_services.comment_post(
            author=reader.user,
            target=target,
            text=f"{canary(f'comment.rejected.{label}')} you fucking idiot.",
        )
        assert (held.status, rejected.status) == ("held", "rejected")
    discussion_services.comment_post(author=reader.user, target=story, text="A published one.")


def _seed_stories(actor, canary: Canaries) -> None:
    """A published story about every case, private and deleted ones included (its page
    must show only what the public projection allows), and a draft with its own photo
    whose texts are canaries: only editors may preview it."""
    author = story_services.author_save(
        actor=actor, author=Author(slug="reporter", name="A. Reporter", name_ko="기자")
    )
    every_case = list(Case.all_objects.all())
    story_services.story_create(
        actor=actor,
        slug="about-every-case",
        headline="About every case",
        body="Plain public text.",
        author=author,
        photo=jpeg(640, 400, (90, 120, 150)),
        photo_alt="A river",
        photo_credit="(Irum test)",
        status="published",
        related_cases=every_case,
    )
    story_services.story_create(
        actor=actor,
        slug="a-draft",
        headline=canary("draft.story.headline"),
        body=canary("draft.story.body"),
        photo_caption=canary("draft.story.photo_caption"),
        author=author,
        photo=jpeg(640, 400, (10, 20, 30)),
        related_cases=every_case,
    )


# -- the URL conf, walked -----------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    regex: str  # the whole pattern, from the root
    name: str | None
    callback: Any
    model: type[models.Model] | None  # the model of the admin pages it belongs to

    def __str__(self) -> str:
        return f"{self.regex} ({self.name or 'unnamed'})"


def _model_of(patterns: list[Any]) -> type[models.Model] | None:
    """The model whose admin URLs these are: the admin marks its views with model_admin."""
    admins = {
        getattr(p.callback, "model_admin", None) for p in patterns if isinstance(p, URLPattern)
    } - {None}
    return next(iter(admins)).model if len(admins) == 1 else None


def endpoints(
    patterns: list[Any] | None = None, prefix: str = "", model: type[models.Model] | None = None
) -> Iterator[Endpoint]:
    if patterns is None:
        patterns = get_resolver().url_patterns
    model = _model_of(patterns) or model
    for pattern in patterns:
        regex = prefix + pattern.pattern.regex.pattern.removeprefix("^")
        if isinstance(pattern, URLResolver):
            yield from endpoints(pattern.url_patterns, regex, model)
        else:
            yield Endpoint(regex, pattern.name, pattern.callback, model)


# -- filling the parameters ---------------------------------------------------------------


def _pks(model: type[models.Model]) -> list[str]:
    if model in ARCHIVE_MODELS:
        # Every seeded record, deleted ones included: their admin pages exist too.
        rows = model.all_objects.values_list("pk", flat=True)  # type: ignore[attr-defined]
    else:
        rows = model._default_manager.order_by("-pk").values_list("pk", flat=True)[:OTHER_ROWS]
    # And one that does not exist: the not-found path must not leak either.
    return [*(str(pk) for pk in rows), "999999"]


def _values(param: str, endpoint: Endpoint) -> list[str]:
    """Every value to try for one parameter. A parameter not known here fails the scan."""
    if param in ("object_id", "pk", "id") and endpoint.model is not None:
        return _pks(endpoint.model)
    if param in ("object_id", "pk", "id"):
        return [pk for model in ARCHIVE_MODELS for pk in _pks(model)]
    if param == "app_label":
        return sorted({model._meta.app_label for model in admin.site._registry})
    if param == "public_id":
        return [
            *Case.all_objects.values_list("public_id", flat=True),
            *Person.all_objects.values_list("public_id", flat=True),
        ]
    if param == "slug":
        return [
            *Place.objects.filter(events__isnull=False).values_list("slug", flat=True).distinct(),
            *Agency.objects.filter(events__isnull=False).values_list("slug", flat=True).distinct(),
            *Organization.objects.values_list("slug", flat=True),
            *Story.objects.values_list("slug", flat=True),
        ]
    if param == "pk" and endpoint.name == "story_preview":
        return [*(str(pk) for pk in Story.objects.values_list("pk", flat=True)), "999999"]
    if param == "name" and endpoint.name == "story_photo":
        # Both renditions of every story's photo, and one that was never stored.
        names = [
            path.rsplit("/", 1)[-1]
            for pair in Story.objects.values_list("photo", "photo_small")
            for path in pair
            if path
        ]
        return [*names, "0" * 20 + "-1600.jpg"]
    if param == "pk" and endpoint.name in ("edit", "withdraw", "flag"):  # a reader's comment
        return [*(str(pk) for pk in Comment.objects.values_list("pk", flat=True)), "999999"]
    if param == "token":  # a reader's e-mail confirmation or password link
        return ["not-a-token"]
    if param == "uidb64":  # a reader's password link: the first account, and none
        return ["MQ", "OTk5OTk5"]
    if param == "action":  # the moderators' decide buttons (POST only)
        return ["approve"]
    if param == "format":  # the API's format suffix (/api/cases.json)
        return ["json", ".json"]
    if param == "url":  # the admin's catch-all
        return ["no-such-page/", "archive/no-such-model/"]
    pytest.fail(f"the leak scan does not know how to fill {param!r} in {endpoint}")


# Positional groups of known patterns, named: simple_history's view of one history row.
POSITIONAL = {"_simple_history": ("object_id", "history_id")}


def _names(params: list[str], endpoint: Endpoint) -> list[str]:
    if not any(p.startswith("_") for p in params):
        return params
    for suffix, names in POSITIONAL.items():
        if (endpoint.name or "").endswith(suffix) and len(names) == len(params):
            return list(names)
    pytest.fail(f"the leak scan does not know the positional parameters of {endpoint}")


def _pairs(names: list[str], endpoint: Endpoint) -> list[dict[str, str]] | None:
    """Parameters that only make sense together: a record and one of its history rows, a
    content type and one of its records."""
    if set(names) == {"object_id", "history_id"} and endpoint.model is not None:
        history = endpoint.model.history.model  # type: ignore[attr-defined]
        ids = [int(pk) for pk in _pks(endpoint.model)]
        rows = history.objects.filter(id__in=ids).values_list("id", "history_id")
        return [{"object_id": str(i), "history_id": str(h)} for i, h in rows]
    if set(names) == {"content_type_id", "object_id"}:
        return [
            {"content_type_id": str(ContentType.objects.get_for_model(model).pk), "object_id": pk}
            for model in ARCHIVE_MODELS
            for pk in _pks(model)
        ]
    return None


def urls(endpoint: Endpoint) -> list[str]:
    """Every URL of the endpoint with its parameters filled from the seeded records."""
    found: list[str] = []
    for template, params in normalize(endpoint.regex):
        names = _names(list(params), endpoint)
        assignments = _pairs(names, endpoint)
        if assignments is None:
            choices = [_values(name, endpoint) for name in names]
            assignments = [
                dict(zip(names, combo, strict=True)) for combo in itertools.product(*choices)
            ]
        for assignment in assignments:
            values = {param: assignment[name] for param, name in zip(params, names, strict=True)}
            url = "/" + template % values
            try:
                match = resolve(url.split("?")[0])
            except Resolver404:
                continue
            # Only URLs that reach this very view count: a value of the wrong shape may
            # land on a neighbouring pattern instead.
            if match.func is endpoint.callback:
                found.append(url)
    return found


# -- fetching and looking -----------------------------------------------------------------


def _readable(response) -> str:
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", errors="replace")
    headers = "\n".join(f"{k}: {v}" for k, v in response.items())
    cookies = response.cookies.output()
    raw = "\n".join((text, headers, cookies))
    # A canary may come out escaped: as HTML entities, %-encoded in a URL, or \\u-escaped
    # in JSON. Look at each form.
    unescaped_json = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), raw)
    return "\n".join((raw, html.unescape(raw), unquote(raw), unescaped_json))


def fetch(client: Client, url: str) -> Iterator[tuple[str, Any]]:
    """GET URL and every local redirect after it, each response in turn."""
    for _ in range(MAX_REDIRECTS):
        response = client.get(url)
        yield url, response
        if response.status_code not in (301, 302, 303, 307, 308):
            return
        location = urlsplit(response["Location"])
        if location.netloc not in ("", "testserver"):
            return
        url = location.path + (f"?{location.query}" if location.query else "")


def scan(client: Client, canary: Canaries) -> tuple[int, list[str]]:
    leaks: list[str] = []
    fetched = 0
    for endpoint in endpoints():
        targets = urls(endpoint)
        assert targets, f"the leak scan could not build a URL that reaches {endpoint}"
        for target in targets:
            for url, response in fetch(client, target):
                fetched += 1
                assert response.status_code < 500, (url, response.status_code)
                found = canary.found_in(_readable(response))
                if found:
                    leaks.append(f"{url} ({response.status_code}): {', '.join(found)}")
    return fetched, leaks


# -- the tests ----------------------------------------------------------------------------


def test_the_scan_walks_every_pattern_including_the_admin_and_the_public_figures(world):
    found = {endpoint.name for endpoint in endpoints()}
    assert {"reports:public", "reports:figures"} <= {
        f"reports:{name}" for name in found if name in ("public", "figures")
    }
    for model in admin.site._registry:
        opts = model._meta
        for view in ("changelist", "add", "change", "history", "delete"):
            assert f"{opts.app_label}_{opts.model_name}_{view}" in found


def test_the_scan_fills_admin_pages_with_the_seeded_records(world):
    change = next(e for e in endpoints() if e.name == "archive_case_change")
    targets = urls(change)
    for case in Case.all_objects.all():
        assert f"/admin/archive/case/{case.pk}/change/" in targets


def test_the_scan_sees_a_leak_when_there_is_one(world):
    # Publish a canary where the public figures show text (an agency's name): the scan's
    # eyes must find it, or its silence would prove nothing.
    Agency.objects.filter(slug="nk-state-security").update(name=world("probe.agency.name"))
    response = Client().get("/reports/public/")
    assert world.found_in(_readable(response)) == ["probe.agency.name"]


def test_the_scan_sees_canaries_that_come_out_escaped(world):
    planted = world("probe.escaped")
    for response in (
        JsonResponse({"x": planted}),  # Hangul as \u escapes
        HttpResponse(html.escape(planted).encode("ascii", "xmlcharrefreplace")),
        HttpResponseRedirect("/somewhere/?next=" + quote(planted)),
    ):
        assert world.found_in(_readable(response)) == ["probe.escaped"]


def test_no_canary_reaches_an_anonymous_visitor(world):
    fetched, leaks = scan(Client(), world)
    assert fetched > 100
    assert leaks == []


def test_no_canary_reaches_a_staff_user_with_no_partner(world, personas):
    # Signed in with a password only: the admin sends dave to its second factor.
    client = Client()
    client.force_login(personas["dave"])
    fetched, leaks = scan(client, world)
    assert fetched > 100
    assert leaks == []


def test_no_canary_reaches_a_staff_user_with_no_partner_past_the_second_factor(
    world, personas, otp_login
):
    client = Client()
    otp_login(client, personas["dave"])
    fetched, leaks = scan(client, world)
    assert fetched > 100
    assert leaks == []


def test_the_scan_reaches_every_live_canary_as_a_member_who_may_see_them(
    world, personas, otp_login
):
    # Alice (partner A) may see all four live cases and the unlinked source, whole. Were
    # the scan to miss a page or fill a parameter wrongly, a canary would go unseen here,
    # and the silence of the scans above would prove nothing.
    client = Client()
    otp_login(client, personas["alice"])
    _, leaks = scan(client, world)
    seen = {where for leak in leaks for where in leak.split(": ", 1)[1].split(", ")}
    # The draft story is for editors (stories.change_story) only, and alice is not one.
    # Held and rejected comments are for their author and the moderators only.
    deleted = ("deleted.", "public.person1.", "draft.", "comment.")
    live = {where for where in world.planted.values() if not where.startswith(deleted)}
    assert live - seen == set()


def test_a_moderator_reads_held_and_rejected_comments_and_nothing_of_the_archive(
    world, personas, otp_login
):
    from django.contrib.auth.models import Group

    from irum.discussion.apps import MODERATORS

    dave = personas["dave"]
    dave.groups.add(Group.objects.get(name=MODERATORS))
    client = Client()
    otp_login(client, dave)
    _, leaks = scan(client, world)
    seen = {where for leak in leaks for where in leak.split(": ", 1)[1].split(", ")}
    comments = {where for where in world.planted.values() if where.startswith("comment.")}
    assert seen == comments
