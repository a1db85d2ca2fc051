"""Message templates: personalisation, filters, HTML escaping, errors that name the line and the
missing value, refused injection attempts, and the size and time bounds."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.errors import JourneyStudioError, TemplateError, TemplateLimitExceeded, TemplateRefused
from engine.templating import MAX_RANGE, check, render

CONTEXT = {
    "customer": {"id": "c-7", "first_name": "ana", "last_name": "de la cruz", "points": 12.0, "vip": True,
                 "nickname": None, "address": {"city": "Lyon"}, "items": "three",
                 "orders": [{"sku": "A-1"}, {"sku": "B-2"}]},
    "event": {"order_id": "A-1", "ordered_at": "2024-05-01T09:30:00Z", "total": 42.5},
}


class Probe:
    """Counts calls, to show that a refused template never ran."""

    def __init__(self) -> None:
        self.calls = 0

    def hit(self) -> str:
        self.calls += 1
        return "ran"


# ---------------------------------------------------------------------------------------------
# Personalisation and filters
# ---------------------------------------------------------------------------------------------


def test_customer_and_event_values_fill_the_template():
    text = ("Hi {{ customer.first_name | title }} from {{ customer.address.city }}: {{ customer.points }} points, "
            "vip {{ customer.vip }}, order {{ event.order_id }} of {{ event.total }}, "
            "[{{ customer.nickname }}] {{ customer.orders[1].sku }} {{ customer.items }}")
    assert render(text, CONTEXT) == ("Hi Ana from Lyon: 12 points, vip true, order A-1 of 42.5, [] B-2 three")


def test_text_without_placeholders_is_returned_as_it_is():
    assert render("Plain text, 100% sure", CONTEXT) == "Plain text, 100% sure"


def test_default_and_title_filters():
    assert render("Hi {{ customer.nick | default('there') }}!", CONTEXT) == "Hi there!"
    assert render("{{ customer.last_name | title }}", CONTEXT) == "De La Cruz"
    assert render("{{ customer.first_name | d('x') | upper }}", CONTEXT) == "ANA"
    assert render("{% for o in customer.orders %}{{ o.sku }}{% if not loop.last %}, {% endif %}{% endfor %}",
                  CONTEXT) == "A-1, B-2"


def test_date_filter_formats_converts_zones_and_reads_several_forms():
    assert render("{{ event.ordered_at | date('%-d %B %Y, %H:%M') }}", CONTEXT) == "1 May 2024, 09:30"
    assert render("{{ event.ordered_at | date('%A %d.%m.%y %I%p', zone='Europe/Paris') }}", CONTEXT) == \
        "Wednesday 01.05.24 11AM"
    assert render("{{ event.ordered_at | date }}", CONTEXT) == "2024-05-01"
    assert render("{{ when | date('%a %e %b') }}", {"when": date(2024, 12, 25)}) == "Wed 25 Dec"
    assert render("{{ when | date('%Y-%m-%d %H:%M:%S %z') }}",
                  {"when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)}) == "2024-01-02 03:04:05 +0000"
    assert render("{{ 0 | date('%Y %j') }}", {}) == "1970 001"


def test_date_filter_errors_are_clear():
    with pytest.raises(TemplateError, match="%Q, which is not a known directive") as caught:
        render("Order\n{{ event.ordered_at | date('%Q') }}", CONTEXT)
    assert caught.value.line == 2
    with pytest.raises(TemplateError, match="cannot read 'soon' as a date"):
        render("{{ 'soon' | date }}", CONTEXT)
    with pytest.raises(TemplateError, match="not a known time zone"):
        render("{{ event.ordered_at | date(zone='Mars/Base') }}", CONTEXT)
    with pytest.raises(TemplateError, match="without a time"):
        render("{{ when | date('%H') }}", {"when": date(2024, 1, 1)})


def test_html_bodies_escape_values_but_keep_the_template_markup():
    context = {"customer": {"first_name": "<script>alert('x')</script>", "note": 'a "quote" & more'}}
    html = render("<p>Hi <b>{{ customer.first_name }}</b> {{ customer.note }}</p>", context, html=True)
    assert html == ("<p>Hi <b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</b> "
                    "a &#34;quote&#34; &amp; more</p>")
    assert render("{{ customer.first_name }}", context) == "<script>alert('x')</script>"
    with pytest.raises(TemplateError, match="no filter named 'safe'"):
        render("{{ customer.first_name | safe }}", context, html=True)


# ---------------------------------------------------------------------------------------------
# Errors name the line and the value
# ---------------------------------------------------------------------------------------------


def test_a_missing_value_is_named_with_its_line():
    with pytest.raises(TemplateError) as caught:
        render("Hello,\n\nyour code: {{ customer.coupon }}", CONTEXT, name="body")
    err = caught.value
    assert isinstance(err, JourneyStudioError)
    assert err.line == 3
    assert "'customer.coupon' is missing" in err.message
    assert str(err).startswith("body line 3: ")
    with pytest.raises(TemplateError, match="'customer.address.zip' is missing") as caught:
        render("{{ customer.address.zip }}", CONTEXT)
    assert caught.value.line == 1
    with pytest.raises(TemplateError, match="'event.coupon' is missing"):
        render("{{ event.coupon }}", CONTEXT)


def test_a_missing_value_reads_as_false_and_prints_as_nothing_when_not_strict():
    assert render("{% if customer.coupon %}yes{% else %}no{% endif %}", CONTEXT) == "no"
    assert render("{% if customer.coupon is defined %}yes{% else %}no{% endif %}", CONTEXT) == "no"
    assert render("[{{ customer.coupon }}][{{ customer.coupon.code }}]", CONTEXT, strict=False) == "[][]"


def test_an_unknown_name_and_a_syntax_error_are_reported_with_the_line():
    with pytest.raises(TemplateError, match="'first_name' is not defined; templates can read 'customer"):
        render("Hi {{ first_name }}", CONTEXT)
    with pytest.raises(TemplateError, match="syntax error") as caught:
        render("one\ntwo {% if %}", CONTEXT)
    assert caught.value.line == 2
    with pytest.raises(TemplateError, match="no filter named 'center'") as caught:
        render("\n{{ customer.first_name | center(9) }}", CONTEXT)
    assert caught.value.line == 2


def test_a_value_named_like_a_method_is_the_value():
    assert render("{{ customer.items }} {{ customer['items'] }}", CONTEXT) == "three three"


# ---------------------------------------------------------------------------------------------
# Injection
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__ }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ customer.__class__ }}",
    "{{ customer['__init__'] }}",
    "{{ ''['__class__'] }}",
])
def test_injection_attempts_are_refused_before_anything_runs(template):
    probe = Probe()
    with pytest.raises(TemplateRefused) as caught:
        render("{{ probe.hit() }}" + template, {**CONTEXT, "probe": probe})
    assert "not allowed" in caught.value.message
    assert caught.value.line == 1
    assert probe.calls == 0  # refused from the parsed template: nothing of it was executed
    assert any(p.severity == "error" and "not allowed" in p.message for p in check(template))


@pytest.mark.parametrize("template, culprit", [
    ("{% set n = '__cla' ~ 'ss__' %}{{ ''[n] }}", "__class__"),
    ("{{ '{0.__class__}'.format('') }}", "__class__"),
    ("{{ 'abc'.translate({}) }}", "translate"),
    ("{{ (1).to_bytes(8, 'big') }}", "to_bytes"),
    ("{{ 'x'.encode() }}", "encode"),
])
def test_computed_escapes_and_unlisted_methods_are_refused_at_run_time(template, culprit):
    with pytest.raises(TemplateRefused) as caught:
        render(template, CONTEXT)
    assert culprit in caught.value.message
    assert "not available in templates" in caught.value.message


def test_includes_and_imports_are_refused():
    for template in ("{% include 'x.html' %}", "{% import 'm.html' as m %}", "{% extends 'base.html' %}"):
        with pytest.raises(TemplateRefused, match="cannot include, import or extend"):
            render(template, CONTEXT)


def test_state_that_outlives_a_loop_is_not_available():
    with pytest.raises(TemplateError, match="'namespace' is not defined"):
        render("{% set ns = namespace(s='x') %}{{ ns.s }}", CONTEXT)
    with pytest.raises(TemplateError, match="'lipsum' is not defined"):
        render("{{ lipsum(1000) }}", CONTEXT)


# ---------------------------------------------------------------------------------------------
# Bounds
# ---------------------------------------------------------------------------------------------


def test_repeating_text_past_the_size_bound_is_refused_before_it_is_built():
    with pytest.raises(TemplateLimitExceeded) as caught:
        render("{{ 'x' * 10**9 }}", CONTEXT)
    assert "1,000,000,000 characters" in caught.value.message
    assert "limit of 100,000" in caught.value.message
    assert caught.value.line == 1
    with pytest.raises(TemplateLimitExceeded, match="limit of 500"):
        render("{{ 'ab' * 300 }}", CONTEXT, max_chars=500)
    assert render("{{ 'ab' * 3 }}", CONTEXT) == "ababab"


def test_huge_numbers_are_refused_before_they_are_computed():
    with pytest.raises(TemplateLimitExceeded, match="more than 1024 bits"):
        render("{{ 10 ** (10 ** 10) }}", CONTEXT)
    with pytest.raises(TemplateLimitExceeded, match="more than 1024 bits"):
        render("{{ 10**10**10**10 }}", CONTEXT)  # Jinja's ** groups from the left: ((10**10)**10)**10
    with pytest.raises(TemplateLimitExceeded, match="too large"):
        render("{{ 2.0 ** 100000 }}", CONTEXT)
    assert render("{{ 2 ** 10 }}", CONTEXT) == "1024"


def test_range_is_limited():
    with pytest.raises(TemplateLimitExceeded, match=f"more than {MAX_RANGE:,} numbers"):
        render("{% for i in range(10**6) %}{% endfor %}", CONTEXT)
    with pytest.raises(TemplateLimitExceeded, match="numbers"):
        render("{{ range(10**30) | length }}", CONTEXT)
    assert render("{{ range(3) | join(',') }}", CONTEXT) == "0,1,2"


def test_nested_loops_without_output_stop_at_the_time_bound():
    nested = "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}"
    with pytest.raises(TemplateLimitExceeded, match="took longer than the limit of 0.2 s"):
        render(nested, CONTEXT, max_seconds=0.2)
    # The same loops over one range object, three deep: no call happens inside them at all.
    reused = ("{% set r = range(10000) %}{% for i in r %}{% for j in r %}{% for k in r %}"
              "{% endfor %}{% endfor %}{% endfor %}")
    with pytest.raises(TemplateLimitExceeded, match="took longer"):
        render(reused, CONTEXT, max_seconds=0.2)
    with pytest.raises(TemplateLimitExceeded, match="took longer"):
        render("{% for i in range(10000) %}{% for c in 'x' * 10000 %}{% for d in 'y' * 10000 %}"
               "{% endfor %}{% endfor %}{% endfor %}", CONTEXT, max_seconds=0.2)


def test_output_is_bounded_while_it_streams():
    with pytest.raises(TemplateLimitExceeded, match="rendered text is longer than the limit of 100,000"):
        render("{% for i in range(10000) %}{{ 'x' * 100 }}{% endfor %}", CONTEXT)
    with pytest.raises(TemplateLimitExceeded, match="longer than the limit of 1,000"):
        render("{% for i in range(200) %}line {{ i }}\n{% endfor %}", CONTEXT, max_chars=1000)


def test_text_written_into_macros_and_blocks_is_bounded():
    with pytest.raises(TemplateLimitExceeded, match="into macros and blocks"):
        render("{% macro m() %}{% for i in range(10000) %}{{ 'x' * 1000 }}{% endfor %}{% endmacro %}"
               "{% set y = m() %}done", CONTEXT)
    with pytest.raises(TemplateLimitExceeded, match="into macros and blocks"):
        render("{% set y %}{% for i in range(10000) %}{% filter upper %}{{ 'x' * 1000 }}{% endfilter %}"
               "{% endfor %}{% endset %}done", CONTEXT)
    with pytest.raises(TemplateLimitExceeded, match="calls itself too deeply"):
        render("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}", CONTEXT)


@pytest.mark.parametrize("template", [
    "{{ (['x' * 99999] * 10000) | join }}",
    "{{ (['x' * 99999] * 10000) ~ '' }}",
    "{{ (['x' * 99999] * 10000) | upper }}",
    "{{ ['x' * 99999] * 10000 }}",
    "{{ ('x' * 99999) + ('y' * 99999) }}",
    "{{ 'a'.center(10**9) }}",
    "{{ ('a' * 1000).replace('', 'b' * 1000) }}",
    "{{ ('a' * 1000) | replace('a', 'b' * 1000) }}",
    "{{ ','.join(['x' * 99999] * 100) }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '%999999999s' % 1 }}",
    "{{ '%s' % ([('x' * 99999)] * 10000,) }}",
])
def test_values_that_would_grow_past_the_bound_are_refused(template):
    with pytest.raises(TemplateLimitExceeded) as caught:
        render(template, CONTEXT)
    assert "limit of 100,000" in caught.value.message


# ---------------------------------------------------------------------------------------------
# check() for the editor
# ---------------------------------------------------------------------------------------------


def test_check_lists_problems_with_lines_without_rendering():
    probe = Probe()
    problems = check("Hi {{ first_name }}\n{{ customer.x | center(3) }}\n{{ ''.__class__ }}\n{{ probe.hit() }}")
    assert [(p.line, p.severity) for p in problems] == [(1, "warning"), (2, "error"), (3, "error"),
                                                       (4, "warning")]
    assert "'first_name' is not defined" in problems[0].message
    assert "no filter named 'center'" in problems[1].message
    assert "__class__" in problems[2].message
    assert problems[2].describe().startswith("line 3: ")
    assert probe.calls == 0
    assert check("{% for x in %}")[0].line == 1
    assert check("{% set n = 2 %}{% macro m(a) %}{{ a }}{{ caller() }}{% endmacro %}{{ n }} {{ customer.x }} "
                 "{% for i in range(3) %}{{ loop.index }}{{ i }}{% endfor %}") == []


def test_json_bodies_escape_values_so_a_customer_cannot_add_fields():
    import json

    customer = {"email": 'eve@example.com", "refund": "1000', "note": "a\\b\nc", "n": 3, "f": 2.0,
                "cart": [{"sku": 'x"1', "qty": 2}], "vip": True, "gone": None}
    template = ('{"hello": "{{ customer.email }}", "note": "{{ customer.note }}", "n": {{ customer.n }}, '
                '"f": {{ customer.f }}, "vip": {{ customer.vip }}, "gone": "{{ customer.gone }}", '
                '"cart": {{ customer.cart | tojson }}, "again": {{ customer.email | tojson }}}')
    document = json.loads(render(template, {"customer": customer, "event": {}}, json=True))
    assert document == {"hello": customer["email"], "note": "a\\b\nc", "n": 3, "f": 2, "vip": True, "gone": "",
                        "cart": [{"sku": 'x"1', "qty": 2}], "again": customer["email"]}
    # Without json=True the same value breaks out of its string (what a text body is for).
    loose = json.loads(render('{"hello": "{{ customer.email }}"}', {"customer": customer, "event": {}}))
    assert loose == {"hello": "eve@example.com", "refund": "1000"}


def test_tojson_names_a_missing_value_and_is_a_known_filter():
    with pytest.raises(TemplateError, match=r"'event\.items' is missing"):
        render('{"items": {{ event.items | tojson }}}', {"customer": {}, "event": {}}, json=True)
    assert check('{"items": {{ event.items | tojson }}}', json=True) == []
    assert render("{{ event.items | tojson }}", {"customer": {}, "event": {"items": [1, "é"]}}) == '[1,"é"]'


@pytest.mark.parametrize(("template", "expected"), [
    ('{"order": "{{ event.order_id }}"}', True),
    ('  [{"sku": "{{ event.sku }}"}]', True),
    ("[1, 2]", True),
    ("{{ customer.first_name }}, your order", False),
    ("{% if event.total %}big{% endif %}", False),
    ("[Shop] New order {{ event.order_id }}", False),
    ("Hello", False),
])
def test_writes_json_tells_a_json_body_from_text(template, expected):
    from engine.templating import writes_json

    assert writes_json(template) is expected
