"""SpiffWorkflow's and libxml's refusals, in French: the administrator reads these, not a developer.

Each known message of SpiffWorkflow 3.2.0's parsers and of libxml (syntax and schema) has its sentence;
one not foreseen still comes out in French, as "the engine refuses this element", with its line when known,
and never with its English text, a Python representation or a memory address.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Translation = tuple[re.Pattern[str], Callable[[re.Match[str]], str]]


def _rule(pattern: str, sentence: str | Callable[[re.Match[str]], str]) -> Translation:
    render = sentence if callable(sentence) else (lambda match: sentence.format(*match.groups()))
    return re.compile(pattern, re.IGNORECASE | re.DOTALL), render


_KINDS: dict[str, str] = {
    "message": "message",
    "signal": "signal",
    "error": "erreur",
    "escalation": "escalade",
    "correlation": "corrélation",
    "data store": "magasin de données",
}
_ENGINE: list[Translation] = [
    _rule(
        r"Non-default exclusive outgoing sequence flow without condition",
        "un flux sortant de cette passerelle n'a pas de condition et n'est pas le flux par défaut",
    ),
    _rule(r"No start event found", "le processus n'a pas d'événement de début"),
    _rule(r"Duplicate process ID: (\S+)", "l'identifiant de processus « {0} » est déjà utilisé"),
    _rule(r"The process '([^']*)' was not found", "le processus appelé « {0} » est introuvable"),
    _rule(
        r"Process (\S+) is not executable",
        'le processus appelé « {0} » n\'est pas exécutable (isExecutable="false")',
    ),
    _rule(
        r'No DMN Diagram available with id "([^"]*)"',
        "la table de décision « {0} » est introuvable : aucun fichier DMN ne la définit",
    ),
    _rule(
        r"Cannot resolve dataInputAssociation", "une donnée d'entrée (dataInputAssociation) est introuvable"
    ),
    _rule(
        r"Cannot resolve dataOutputAssociation",
        "une donnée de sortie (dataOutputAssociation) est introuvable",
    ),
    _rule(r"There is no support implemented for this task type", "ce type de tâche n'est pas pris en charge"),
    _rule(r"Conditional event definition with missing condition", "un événement conditionnel sans condition"),
    _rule(r"Unknown Time Specification", "une minuterie sans date, durée ni cycle"),
    _rule(r"Time Specification Error", "une minuterie dont l'expression est invalide"),
    _rule(
        r"Exactly one start event is required in a SubWorkflow Task; found (\d+)",
        "un sous-processus doit avoir exactement un événement de début ({0} trouvé(s))",
    ),
    _rule(r"A SubWorkflow Must contain an End event", "un sous-processus doit avoir un événement de fin"),
    _rule(
        r'No "calledElement" attribute for Call Activity', "une activité d'appel sans attribut calledElement"
    ),
    _rule(r"Invalid Script Task.\s+No Script Provided", "une tâche de script sans script"),
    _rule(r"A Service Task must have an operator", "une tâche de service sans opérateur"),
    _rule(r"No decisions found", "le fichier DMN ne contient aucune décision"),
    _rule(
        r"Multiple decision tables are not current supported",
        "une seule décision par fichier DMN est prise en charge",
    ),
    _rule(r"Unknown type in decision table", "la table de décision contient un élément inconnu"),
    _rule(
        r"Malformed Output Expression '(.*?)'\.", "la sortie « {0} » n'est pas une expression Python valide"
    ),
    _rule(
        r"(Message|Signal|Error|Escalation|Correlation|Data Store) identifier is missing",
        lambda match: f"un élément {_KINDS.get(match.group(1).lower(), match.group(1))} sans identifiant",
    ),
    _rule(
        r"Could not find messageRef from message event definition: (\S+)",
        "le message « {0} » n'est défini nulle part",
    ),
    _rule(
        r"Correlation is missing correlation property retrieval expressions",
        "une corrélation sans expression de récupération",
    ),
    _rule(
        r"Data Store with name (\S+) has no implementation",
        "le magasin de données « {0} » n'est pas pris en charge",
    ),
    _rule(r"Ad hoc subprocesses", "ce sous-processus ad hoc n'est pas pris en charge"),
]
# libxml: schema validation (XSD) and syntax.
_XML: list[Translation] = [
    _rule(
        r"Element '([^']*)': This element is not expected",
        lambda match: f"l'élément « {_local(match.group(1))} » n'est pas attendu à cet endroit",
    ),
    _rule(
        r"Element '([^']*)': Missing child element",
        lambda match: f"il manque un élément dans « {_local(match.group(1))} »",
    ),
    _rule(
        r"Element '([^']*)': The attribute '([^']*)' is required but missing",
        lambda match: f"l'attribut obligatoire « {match.group(2)} » manque à « {_local(match.group(1))} »",
    ),
    _rule(
        r"Element '([^']*)', attribute '([^']*)': The attribute '[^']*' is not allowed",
        lambda match: f"l'attribut « {match.group(2)} » n'est pas permis sur « {_local(match.group(1))} »",
    ),
    _rule(
        r"Element '([^']*)', attribute '([^']*)': .*is not a valid value",
        lambda match: (
            f"la valeur de l'attribut « {match.group(2)} » de « {_local(match.group(1))} » est invalide"
        ),
    ),
    _rule(
        r"Element '([^']*)': .*is not a valid value",
        lambda match: f"la valeur de « {_local(match.group(1))} » est invalide",
    ),
    _rule(r"Duplicate key-sequence \['([^']*)'\]", "l'identifiant « {0} » est utilisé deux fois"),
    _rule(
        r"No match found for key-sequence \['([^']*)'\]",
        "la référence « {0} » ne désigne aucun élément du fichier",
    ),
    _rule(
        r"No matching global declaration available for the validation root",
        "ce n'est pas un document BPMN ou DMN (élément racine inattendu)",
    ),
    _rule(r"Opening and ending tag mismatch: (\S+)", "la balise « {0} » est mal fermée"),
    _rule(
        r"Premature end of data|EndTag: '</' not found|Extra content at the end",
        "le document XML est tronqué ou mal terminé",
    ),
    _rule(r"Document is empty|Start tag expected", "le fichier ne contient pas de document XML"),
    _rule(r"StartTag: invalid element name|Couldn't find end of Start Tag", "une balise XML est mal écrite"),
    _rule(
        r"AttValue|attributes construct error|Specification mandates value for attribute",
        "un attribut XML est mal écrit (guillemets ?)",
    ),
    _rule(r"Attribute (\S+) redefined", "l'attribut « {0} » est écrit deux fois"),
    _rule(
        r"EntityRef|xmlParseEntityRef|Entity '([^']*)' not defined",
        "une entité XML (&…;) est invalide : écrivez &amp; pour « & »",
    ),
    _rule(
        r"Namespace prefix (\S+) .*is not defined", "le préfixe d'espace de noms « {0} » n'est pas déclaré"
    ),
    _rule(
        r"Input is not proper UTF-8|Char 0x|invalid character|PCDATA invalid Char value",
        "le fichier contient un caractère invalide pour son encodage",
    ),
]
_ADDRESS = re.compile(r"<[^<>]* at 0x[0-9a-f]+>", re.IGNORECASE)


def _local(tag: str) -> str:
    """`{namespace}name` as the modeller writes it: name."""
    return tag.rsplit("}", 1)[-1]


def engine(message: str) -> str:
    """A SpiffWorkflow parser's refusal, in French."""
    return _translate(message, _ENGINE + _XML) or "le moteur refuse cet élément tel qu'il est écrit"


def xml(message: str, line: int | None = None, column: int | None = None) -> str:
    """A libxml refusal (syntax or schema), in French, with its position."""
    where = f" (ligne {line}" + (f", colonne {column}" if column else "") + ")" if line else ""
    sentence = _translate(message, _XML) or "le document XML est mal formé ou ne respecte pas le schéma"
    return sentence + where


def _translate(message: str, rules: list[Translation]) -> str | None:
    message = _ADDRESS.sub("", message)
    for pattern, render in rules:
        match = pattern.search(message)
        if match:
            return render(match)
    return None
