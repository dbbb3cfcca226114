"""UNIQUE decision tables: overlapping rules and uncovered inputs are found, named, refused at deployment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from service.engine import registry
from service.engine.decision_tables import TableProblem, check_unique_tables
from service.engine.registry import DiagramError
from service.paths import WORKFLOWS_DIR
from tests.test_engine_registry import _shipped

DMN_NAMESPACES = [
    "https://www.omg.org/spec/DMN/20191111/MODEL/",  # DMN 1.3
    "http://www.omg.org/spec/DMN/20180521/MODEL/",  # DMN 1.2
]

Input = tuple[str, str] | tuple[str, str, str]  # expression, typeRef[, inputValues]


def _dmn(
    inputs: list[Input],
    rules: list[list[str]],
    *,
    hit_policy: str | None = "UNIQUE",
    namespace: str = DMN_NAMESPACES[0],
) -> str:
    """A one-table DMN document; rule n is « Rule_n », its entries in the order of the inputs."""
    columns = "".join(
        f'<input id="Input_{index}"><inputExpression typeRef="{spec[1]}">'
        f"<text>{spec[0]}</text></inputExpression>"
        + (f"<inputValues><text>{spec[2]}</text></inputValues>" if len(spec) > 2 else "")
        + "</input>"
        for index, spec in enumerate(inputs)
    )
    rows = "".join(
        f'<rule id="Rule_{number}">'
        + "".join(f"<inputEntry><text>{entry}</text></inputEntry>" for entry in entries)
        + "<outputEntry><text>1</text></outputEntry></rule>"
        for number, entries in enumerate(rules, start=1)
    )
    policy = f' hitPolicy="{hit_policy}"' if hit_policy else ""
    return (
        f'<definitions xmlns="{namespace}" id="Definitions_t" name="t" namespace="t">'
        f'<decision id="Decision_t"><decisionTable id="Table_t"{policy}>{columns}'
        f'<output id="Output_t" name="resultat" typeRef="integer"/>{rows}'
        "</decisionTable></decision></definitions>"
    )


def _messages(text: str) -> list[str]:
    return [problem.message for problem in check_unique_tables("t.dmn", text)]


NUMBERS: list[Input] = [("rav_jour_cents", "integer"), ("total", "integer")]


@pytest.mark.parametrize("namespace", DMN_NAMESPACES)
def test_a_complete_table_without_overlap_passes(namespace: str) -> None:
    rules = [["&lt; 1000", "&lt;= 80000"], ["&lt; 1000", "&gt; 80000"], ["&gt;= 1000", "-"]]
    assert check_unique_tables("t.dmn", _dmn(NUMBERS, rules, namespace=namespace)) == []
    # An empty answer must come from the analysis, not from a namespace the check does not read.
    assert _messages(_dmn(NUMBERS, [*rules, ["-", "-"]], namespace=namespace))


def test_overlapping_rules_are_named_with_an_example() -> None:
    text = _dmn(NUMBERS, [["&lt;= 1000", "-"], ["&gt;= 1000", "&lt; 500"], ["&gt; 1000", "&gt;= 500"]])
    assert check_unique_tables("t.dmn", text) == [
        TableProblem(
            "t.dmn",
            "Rule_1, Rule_2",
            "table « Table_t » (hitPolicy UNIQUE) : les règles 1 (Rule_1) et 2 (Rule_2) se recouvrent, "
            "par exemple pour rav_jour_cents = 1000, total = 499",
        )
    ]


def test_each_overlapping_pair_is_reported_once() -> None:
    messages = _messages(_dmn(NUMBERS, [["-", "-"], ["&lt; 10", "-"], ["-", "[0..5]"]]))
    assert len(messages) == 3
    assert {message.split(" se recouvrent")[0].split("les règles ")[1] for message in messages} == {
        "1 (Rule_1) et 2 (Rule_2)",
        "1 (Rule_1) et 3 (Rule_3)",
        "2 (Rule_2) et 3 (Rule_3)",
    }


def test_the_point_between_two_strict_comparisons_is_a_gap() -> None:
    assert _messages(_dmn([("rav_jour_cents", "integer")], [["&lt; 1000"], ["&gt; 1000"]])) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre rav_jour_cents = 1000"
    ]


def test_an_integer_input_has_no_gap_between_consecutive_integers() -> None:
    rules = [["&lt;= 999"], ["&gt;= 1000"]]
    assert _messages(_dmn([("rav_jour_cents", "integer")], rules)) == []
    assert _messages(_dmn([("rav_jour", "number")], rules)) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre rav_jour = 999.5"
    ]


def test_decimal_thresholds_are_compared_exactly() -> None:
    assert _messages(_dmn([("taux", "number")], [["&lt;= 0.1"], ["&gt; 0.1"]])) == []
    assert _messages(_dmn([("taux", "number")], [["&lt; 0.1"], ["&gt; 0.1"]])) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre taux = 0.1"
    ]
    overlap = _messages(_dmn([("taux", "number")], [["[0.25..0.5]"], ["&gt;= 0.5"], ["&lt; 0.25"]]))
    assert overlap == [
        "table « Table_t » (hitPolicy UNIQUE) : les règles 1 (Rule_1) et 2 (Rule_2) se recouvrent, "
        "par exemple pour taux = 0.5"
    ]


def test_feel_ranges_and_lists() -> None:
    rules = [["[0..10["], ["]20..30]"], ["10, 11 &lt;= ? &lt;= 20"], ["&lt; 0, &gt; 30"]]
    assert _messages(_dmn([("age", "integer")], rules)) == []
    missing_20 = [["[0..10["], ["(20..30]"], ["[10..20)"], ["&lt; 0, &gt; 30"]]
    assert _messages(_dmn([("age", "integer")], missing_20)) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre age = 20"
    ]


def test_input_values_restrict_the_domain() -> None:
    rules = [["[0..1000["], ["&gt;= 1000"]]  # no rule for negative amounts
    assert _messages(_dmn([("montant", "integer")], rules)) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre montant = -1"
    ]
    assert _messages(_dmn([("montant", "integer", "[0..100000]")], rules)) == []
    assert _messages(_dmn([("montant", "integer", "&gt;= 0")], rules)) == []
    assert _messages(_dmn([("montant", "integer", "[0..100000]")], [["[0..1000["], ["[1000..50000]"]])) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre montant = 50001"
    ]


def test_a_value_listed_in_input_values_without_rule_is_a_gap() -> None:
    inputs: list[Input] = [("statut", "string", '"locataire","proprietaire","heberge"')]
    rules = [['"locataire"'], ['"proprietaire"']]
    assert _messages(_dmn(inputs, rules)) == [
        'table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre statut = "heberge"'
    ]
    assert _messages(_dmn(inputs, [*rules, ["'heberge'"]])) == []


def test_a_string_input_without_input_values_needs_a_rule_for_other_values() -> None:
    rules = [['"locataire", "heberge"'], ['"proprietaire"']]
    assert _messages(_dmn([("statut", "string")], rules)) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre "
        'statut = une autre valeur que "heberge", "locataire", "proprietaire"'
    ]
    assert _messages(_dmn([("statut", "string")], [*rules, ["-"]])) == [
        "table « Table_t » (hitPolicy UNIQUE) : les règles 1 (Rule_1) et 3 (Rule_3) se recouvrent, "
        'par exemple pour statut = "heberge"',
        "table « Table_t » (hitPolicy UNIQUE) : les règles 2 (Rule_2) et 3 (Rule_3) se recouvrent, "
        'par exemple pour statut = "proprietaire"',
    ]


def test_boolean_inputs_range_over_true_and_false() -> None:
    inputs: list[Input] = [("urgent", "boolean"), ("mineur", "")]
    assert _messages(_dmn(inputs, [["True", "-"], ["False", "true"], ["False", "false"]])) == []
    assert _messages(_dmn(inputs, [["True", "-"], ["False", "true"]])) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre urgent = False, mineur = False"
    ]


def test_at_most_three_gaps_are_reported() -> None:
    inputs: list[Input] = [("a", "integer"), ("b", "integer"), ("c", "integer")]
    messages = _messages(_dmn(inputs, [["1", "1", "1"]]))  # 7 uncovered cases out of 8
    assert [message.split(" ne couvre ")[1] for message in messages] == [
        "a = 0, b = 0, c = 0",
        "a = 0, b = 0, c = 1",
        "a = 0, b = 1, c = 0 (et d'autres cas)",
    ]
    assert len(_messages(_dmn(inputs[:2], [["1", "1"]]))) == 3  # exactly 3: no « autres cas »
    assert not _messages(_dmn(inputs[:2], [["1", "1"]]))[-1].endswith("(et d'autres cas)")


def test_hit_policy_unique_is_the_default() -> None:
    assert _messages(_dmn([("a", "integer")], [["&lt; 5"], ["&gt; 5"]], hit_policy=None)) == [
        "table « Table_t » (hitPolicy UNIQUE) : aucune règle ne couvre a = 5"
    ]


@pytest.mark.parametrize("hit_policy", ["FIRST", "COLLECT", "ANY"])
def test_other_hit_policies_are_not_checked(hit_policy: str) -> None:
    rules = [["&lt; 5"], ["&lt; 10"]]  # overlapping, and nothing covers 10 or more
    assert _messages(_dmn([("a", "integer")], rules, hit_policy=hit_policy)) == []
    assert len(_messages(_dmn([("a", "integer")], rules, hit_policy="UNIQUE"))) == 2


@pytest.mark.parametrize("entry", ["!= 5", "not(5)", "max(1, 2)", "1e3", "date(&quot;2026-01-01&quot;)"])
def test_a_table_with_an_entry_not_understood_cannot_be_proved_and_is_refused(entry: str) -> None:
    # Rules 1 and 2 overlap: skipping the table would let that through without a word.
    problems = check_unique_tables("t.dmn", _dmn([("a", "integer"), ("b", "integer")],
                                                 [["-", "-"], ["-", "-"], [entry, "-"]]))  # fmt: skip
    assert len(problems) == 1
    assert problems[0].rule == "3 « Rule_3 »"
    assert problems[0].message.startswith(
        "table « Table_t » (hitPolicy UNIQUE) : impossible de prouver que ses règles ne se recouvrent pas "
        "et couvrent tous les cas, la table est refusée : entrée « "
    )
    assert _messages(_dmn([("a", "integer"), ("b", "integer")], [["-", "-"], ["-", "-"], ["5", "-"]]))


def test_a_typeref_the_check_does_not_know_cannot_be_proved() -> None:
    assert _messages(_dmn([("echeance", "date")], [['"2026-01-01"'], ['"2026-01-02"']])) == [
        "table « Table_t » (hitPolicy UNIQUE) : impossible de prouver que ses règles ne se recouvrent pas et "
        "couvrent tous les cas, la table est refusée : le type « date » de « echeance » ne correspond pas à "
        "ses entrées"
    ]


def test_deployment_says_it_cannot_prove_a_table_naming_file_and_rule() -> None:
    sources = _shipped()
    sources["eligibilite_colis.dmn"] = sources["eligibilite_colis.dmn"].replace(
        "<text>&gt;= 800</text>", "<text>!= 5</text>"
    )
    with pytest.raises(DiagramError) as refusal:
        registry.check_sources(sources)
    assert any(
        str(problem).startswith("eligibilite_colis.dmn (élément « Table_eligibilite_colis »), règle 3 ")
        and "impossible de prouver" in str(problem)
        and "entrée « != 5 » non comprise" in str(problem)
        for problem in refusal.value.problems
    )


@pytest.mark.parametrize("path", sorted(WORKFLOWS_DIR.glob("*.dmn")), ids=lambda path: path.name)
def test_shipped_tables_pass(path: Path) -> None:
    assert check_unique_tables(path.name, path.read_text(encoding="utf-8")) == []


def test_deployment_refuses_an_overlapping_table_naming_its_rules() -> None:
    sources = _shipped()
    table = sources["eligibilite_secours.dmn"]
    first_rule = re.search(r'<rule id="([^"]+)".*?</rule>', table, re.DOTALL)
    assert first_rule is not None
    copy = first_rule.group(0).replace(' id="', ' id="Copie_')  # the same conditions: rules 1 and 2 overlap
    sources["eligibilite_secours.dmn"] = table.replace(first_rule.group(0), first_rule.group(0) + copy, 1)
    with pytest.raises(DiagramError) as refusal:
        registry.check_sources(sources)
    refused = [
        str(problem) for problem in refusal.value.problems if problem.file == "eligibilite_secours.dmn"
    ]
    rule_id = first_rule.group(1)
    assert refused[0].startswith(
        f"eligibilite_secours.dmn (élément « {rule_id}, Copie_{rule_id} ») : "
        "table « Table_eligibilite_secours » (hitPolicy UNIQUE) : "
        f"les règles 1 ({rule_id}) et 2 (Copie_{rule_id}) se recouvrent, par exemple pour "
    )
