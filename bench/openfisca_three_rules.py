"""A three-rule OpenFisca system for ``bench/entitlements_http.py`` to serve with
``openfisca serve -c openfisca_three_rules``.

It is imported by OpenFisca's own Python (a separate environment with openfisca-core), never by
the project's. The rules and thresholds are the benchmark's own, of the shape of the catalog's
criteria (comparisons and conjunctions over an enterprise's facts): no policy's values.
"""

from openfisca_core.entities import build_entity
from openfisca_core.parameters import ParameterNode
from openfisca_core.periods import DateUnit
from openfisca_core.taxbenefitsystems import TaxBenefitSystem
from openfisca_core.variables import Variable

Enterprise = build_entity(
    key="enterprise",
    plural="enterprises",
    label="An enterprise",
    doc="The one entity: an enterprise and its facts.",
    is_person=True,
)


def _input(name: str, value_type: type, default: object) -> type[Variable]:
    """An input variable: a fact the request gives."""
    return type(
        name,
        (Variable,),
        {
            "value_type": value_type,
            "default_value": default,
            "entity": Enterprise,
            "definition_period": DateUnit.MONTH,
            "label": name,
        },
    )


INPUTS = [
    _input("employees", int, 0),
    _input("operating_revenue", float, 0.0),
    _input("years_registered", int, 0),
    _input("first_time_founder", bool, False),
    _input("operating", bool, True),
    _input("credit_blacklisted", bool, False),
]


class small_enterprise(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "Rule 1: few employees and a small revenue (benchmark thresholds)"

    def formula(enterprise, period, parameters):  # type: ignore[no-untyped-def]
        limits = parameters(period).small_enterprise
        employees = enterprise("employees", period)
        revenue = enterprise("operating_revenue", period)
        return (employees <= limits.max_employees) * (revenue <= limits.max_revenue)


class in_good_standing(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "Rule 2: operating and not blacklisted"

    def formula(enterprise, period):  # type: ignore[no-untyped-def]
        return enterprise("operating", period) * not_(enterprise("credit_blacklisted", period))


class startup_support(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "Rule 3: young, founded by a first-time founder, in good standing and small"

    def formula(enterprise, period, parameters):  # type: ignore[no-untyped-def]
        young = enterprise("years_registered", period) <= parameters(period).startup.max_years
        return (
            young
            * enterprise("first_time_founder", period)
            * enterprise("in_good_standing", period)
            * enterprise("small_enterprise", period)
        )


def not_(values):  # type: ignore[no-untyped-def]
    return ~values


PARAMETERS = {
    "small_enterprise": {
        "max_employees": {"values": {"2000-01-01": 100}},
        "max_revenue": {"values": {"2000-01-01": 20_000_000}},
    },
    "startup": {"max_years": {"values": {"2000-01-01": 3}}},
}
"""Dated values, as OpenFisca keeps them (the benchmark's own numbers)."""


class CountryTaxBenefitSystem(TaxBenefitSystem):
    def __init__(self) -> None:
        super().__init__([Enterprise])
        self.parameters = ParameterNode("", data=PARAMETERS)
        for variable in [*INPUTS, small_enterprise, in_good_standing, startup_support]:
            self.add_variable(variable)
