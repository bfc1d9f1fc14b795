import pytest

from matcher.rules import FactSpec, Schema
from matcher.rules import types as rt


@pytest.fixture(scope="session")
def schema() -> Schema:
    return Schema(
        [
            FactSpec("enterprise.employees", rt.INT, "从业人数"),
            FactSpec("enterprise.revenue", rt.DECIMAL, "营业收入"),
            FactSpec("enterprise.registered_on", rt.DATE, "登记日期"),
            FactSpec("enterprise.red_listed", rt.BOOL, "红榜"),
            FactSpec("enterprise.name", rt.TEXT, "名称"),
            FactSpec("enterprise.size_class", rt.enum("large", "medium", "small", "micro"), "规模"),
            FactSpec("claim.amount", rt.DECIMAL, "交易额"),
            FactSpec("as_of", rt.DATE, "评估日期"),
        ]
    )
