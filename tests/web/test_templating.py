from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from jinja2 import UndefinedError

from matcher.templating import environment


def render(source: str, **context: object) -> str:
    return environment().from_string(source).render(context)


def test_filters_word_values_for_people() -> None:
    assert render("{{ x|money }}", x=Decimal("1234.5")) == "1,234.50 元"
    assert render("{{ x|money }}", x=None) == "—"
    assert render("{{ x|day }}", x=date(2020, 9, 16)) == "2020-09-16"
    assert render("{{ x|day }}", x=datetime(2020, 9, 16, 3, tzinfo=UTC))[:8] == "2020-09-"
    assert render("{{ x|fact('enterprise.credit_list') }}", x="red") == "红榜"
    assert render("{{ x|fact('enterprise.exporter') }}", x=None) == "未知"
    assert render("{{ x|status_label }}", x="undetermined") == "待确认"
    assert render("{{ x|outcome_label }}", x="fail") == "不满足"
    assert render("{{ x|benefit_kind }}", x="cash_subsidy") == "资金补贴"
    assert render("{{ x|fact_source }}", x="staff_confirmed") == "工作人员核实"


def test_html_is_escaped_and_undefined_names_are_errors() -> None:
    page = environment().get_template("pages/error.html")
    assert "&lt;script&gt;" in page.render(
        principal=None,
        role_labels={},
        csrf_field="csrf_token",
        csrf_token=lambda: "t",
        current_path="/",
        title="<script>",
        message="",
    )
    with pytest.raises(UndefinedError):
        render("{{ missing }}")
