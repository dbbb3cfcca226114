"""Hostile expressions, as an administrator with bad intentions would write them, and diagrams carrying them.

Each probe names where it goes (a gateway condition or a script task) and what must become of it:
"deploy" probes are refused when deployed (statically, or because, reading no data, they are run once in the
sandbox at deployment and overrun it); "run" probes read the process data, so only running them can tell:
the sandbox must stop them as an incident. Those that would escape try to create the marker file: it must
never exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

MARKER = "{marker}"  # replaced by a path in the test's temporary folder


@dataclass(frozen=True)
class Probe:
    id: str
    source: str
    mode: str  # "eval": a gateway condition; "exec": a script task
    fate: str  # "deploy": refused when deployed; "run": stopped as an incident when evaluated

    def with_marker(self, marker: str) -> str:
        return self.source.replace(MARKER, marker)


SHELL = f"__import__('os').system('touch {MARKER}')"
PROBES = [
    # Frame walks: from a generator, a coroutine or a traceback up to the builtins of the process.
    Probe(
        "generator_frame",
        f"(g := (i for i in [1])).gi_frame.f_back.f_builtins['__import__']('os').system('touch {MARKER}')",
        "eval",
        "deploy",
    ),
    Probe(
        "generator_frame_globals",
        "[x for x in (i for i in [1])] and (i for i in [1]).gi_frame.f_globals",
        "eval",
        "deploy",
    ),
    Probe("generator_code", "(i for i in [1]).gi_code.co_consts", "eval", "deploy"),
    Probe("coroutine_frame", "commission.cr_frame.f_back.f_locals", "eval", "deploy"),
    Probe("async_generator_frame", "commission.ag_frame.f_globals", "eval", "deploy"),
    Probe("traceback_frame", "commission.tb_frame.f_back.f_builtins", "eval", "deploy"),
    Probe(
        "try_traceback",
        "try:\n    1 / 0\nexcept Exception as e:\n    t = e.__traceback__.tb_frame",
        "exec",
        "deploy",
    ),
    # Format walks.
    Probe("format_walk", "'{0.__class__.__mro__[1].__subclasses__}'.format(1)", "eval", "deploy"),
    Probe("format_map_walk", "'{x.gi_frame}'.format_map({'x': (i for i in [1])})", "eval", "deploy"),
    Probe("format_through_type", "str.format('{0.__class__}', 1)", "eval", "deploy"),
    Probe("format_builtin", "format(1, '{0.__class__}')", "eval", "deploy"),
    # Dunders, by attribute, by subscript, by names the static check cannot see.
    Probe("class_walk", "().__class__.__base__.__subclasses__()", "eval", "deploy"),
    Probe("string_class", "''.__class__", "eval", "deploy"),
    Probe("subscripted_import", f"x['__import__']('os').system('touch {MARKER}')", "eval", "deploy"),
    Probe("builtins_subscript", "__builtins__['__import__']('os')", "eval", "deploy"),
    Probe("computed_key", "k = '__imp' + 'ort__'\nr = {'__import__': 1}[k]", "exec", "deploy"),
    Probe(
        "data_computed_key",
        "k = '__imp' + 'ort__' * (montant_cents > 0)\nr = {'__import__': 1}[k]",
        "exec",
        "run",
    ),
    Probe("getattr_walk", "getattr(commission, '__class__')", "eval", "deploy"),
    Probe("globals_walk", "globals()['__builtins__']", "eval", "deploy"),
    Probe("vars_walk", "vars()", "eval", "deploy"),
    Probe("type_walk", "type(1).__subclasses__(int)", "eval", "deploy"),
    Probe("fullwidth_eval", "ｅｖａｌ('1')", "eval", "deploy"),
    Probe("import_statement", f"import os\nos.system('touch {MARKER}')", "exec", "deploy"),
    Probe("shell", SHELL, "eval", "deploy"),
    Probe("open_file", f"open('{MARKER}', 'w').write('x')", "eval", "deploy"),
    Probe("exec_call", f"exec(\"open('{MARKER}', 'w')\")", "exec", "deploy"),
    Probe(
        "match_class_pattern",
        "match commission:\n    case object(gi_frame=f):\n        pass",
        "exec",
        "deploy",
    ),
    # Lambdas and comprehensions.
    Probe("lambda_recursion", "(lambda f: f(f))(lambda f: f(f))", "eval", "deploy"),
    Probe("comprehension_mro", "[c for c in [].__class__.__mro__]", "eval", "deploy"),
    Probe("comprehension_generator_frame", "[g.gi_frame for g in [(i for i in [1])]]", "eval", "deploy"),
    Probe("comprehension_globals", "{k: v for k, v in globals().items()}", "eval", "deploy"),
    # Runaways that read no data: run once at deployment, they overrun the sandbox there.
    Probe("huge_range_sum", "sum(range(10**10)) >= 0", "eval", "deploy"),
    Probe("huge_string", "len('a' * 10**9) > 0", "eval", "deploy"),
    Probe("huge_power", "10**10**8 > 0", "eval", "deploy"),
    Probe("huge_list", "len([0] * 10**10) > 0", "eval", "deploy"),
    Probe("huge_comprehension", "len([i for i in range(10**11)]) > 0", "eval", "deploy"),
    Probe("endless_while", "while True:\n    pass", "exec", "deploy"),
    Probe("endless_for", "for i in range(10**12):\n    pass", "exec", "deploy"),
    Probe("deep_nesting", "x = []\nfor i in range(10**6):\n    x = [x]\ny = str(x)", "exec", "deploy"),
    # Runaways that read the process data: only running them tells, and the sandbox stops them.
    Probe("data_range_sum", "sum(range(10**10 + montant_cents)) >= 0", "eval", "run"),
    Probe("data_string", "len('a' * (10**9 + montant_cents)) > 0", "eval", "run"),
    Probe("data_power", "(10 + montant_cents) ** 10**8 > 0", "eval", "run"),
    Probe("data_endless_for", "for i in range(10**12 + montant_cents):\n    pass", "exec", "run"),
    Probe(
        "data_deep_nesting",
        "x = []\nfor i in range(10**6 + montant_cents):\n    x = [x]\ny = str(x)",
        "exec",
        "run",
    ),
]

_NAMESPACES = (
    'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
    'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
)


def probe_bpmn(probe: Probe, marker: str) -> str:
    """A small process carrying the probe: in a gateway's condition, or in a script task."""
    source = escape(probe.with_marker(marker))
    key = f"sonde_{probe.id}"
    if probe.mode == "eval":
        body = f"""
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="choix" name="Choix piégé" default="f3">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="fin_a"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="fin_b"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="choix" />
    <bpmn:sequenceFlow id="f2" sourceRef="choix" targetRef="fin_a">
      <bpmn:conditionExpression>{source}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="choix" targetRef="fin_b" />"""
    else:
        body = f"""
    <bpmn:startEvent id="debut"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:scriptTask id="script" name="Script piégé">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:script>{source}</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:endEvent id="fin"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="debut" targetRef="script" />
    <bpmn:sequenceFlow id="f2" sourceRef="script" targetRef="fin" />"""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions {_NAMESPACES} id="d_{probe.id}" '
        f'targetNamespace="https://entraide.invalid/sondes">\n'
        f'  <bpmn:process id="{key}" name="Sonde {probe.id}" isExecutable="true">{body}\n'
        "  </bpmn:process>\n</bpmn:definitions>\n"
    )


def element_of(probe: Probe) -> str:
    return "choix" if probe.mode == "eval" else "script"
