"""``{% url %}`` remembers reversed paths, and gives what Django's gives."""

import pytest
from django.template import Context, Template
from django.urls import NoReverseMatch, reverse, set_script_prefix

from portal.urlcache import reverse_cached


def test_the_same_paths_as_reverse():
    assert reverse_cached("education:summary") == reverse("education:summary")
    args = ["causes-of-hair-loss", "your-hair-cycle"]
    assert reverse_cached("education:lesson-detail", args=args) == reverse(
        "education:lesson-detail", args=args
    )


def test_the_script_prefix_is_part_of_the_key():
    try:
        set_script_prefix("/portal/")
        assert reverse_cached("education:summary") == "/portal/learn/summary/"
    finally:
        set_script_prefix("/")
    assert reverse_cached("education:summary") == "/learn/summary/"


def test_the_template_tag_keeps_djangos_syntax():
    html = Template(
        "{% url 'education:quiz' slug %}|{% url 'education:summary' as link %}{{ link }}"
        "|{% url 'no-such-route' as missing %}[{{ missing }}]"
    ).render(Context({"slug": "stage-one"}))
    assert html == "/learn/stage-one/quiz/|/learn/summary/|[]"


def test_an_unknown_route_still_raises():
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-route' %}").render(Context())
