import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from irum.reports.figures import compute
from irum.reports.tests.builders import person_with_chain


@pytest.fixture
def data(gazetteer, actor):
    person_with_chain(
        actor,
        ("arrest", "2013-04", "shenyang", "cn-public-security"),
        sex="female",
        birth_year=1990,
    )
    person_with_chain(actor, ("arrest", "2016", "hyesan", "nk-state-security"), sex="male")


def test_anonymous_visitors_are_sent_to_log_in(client, data):
    response = client.get(reverse("reports:figures"))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_staff_see_the_figures_as_tables_and_svg_charts(admin_client, data):
    response = admin_client.get(reverse("reports:figures"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-figure="individuals">2<' in html
    assert html.count("<svg") == 7
    assert "Place of disappearance" in html


def test_the_command_prints_the_same_figures_as_json(data, capsys):
    call_command("report", "--json")
    assert json.loads(capsys.readouterr().out) == compute().as_dict()


def test_chart_labels_are_escaped():
    from irum.reports.charts import bar_chart

    svg = bar_chart([("<script>alert(1)</script>", 3)], total=3, title="<b>t</b>")
    assert "<script>" not in svg and "&lt;script&gt;" in svg
