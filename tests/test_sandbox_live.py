"""The sandbox seen from outside: real servers on loopback, real HTTP, real `entraide` processes.

A runaway barème is stopped while the login page keeps answering within a second; the probe set, put in
the workflows folder, is refused at the start of `entraide run` and `entraide worker`, which keep serving
the versions already deployed and show the refusal on Administration › Processus.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener
from uuid import uuid4

from sqlalchemy import select

from service.accounts import service as accounts
from service.demo import DEMO_PASSWORD
from service.dossiers import service as dossiers
from service.extensions import db
from service.models import AidType, EvaluationIncident, HumanTask, ProcessInstance, User
from service.paths import WORKFLOWS_DIR
from service.people import service as people
from tests.databases import fresh_database
from tests.live_server import serve_demo_app
from tests.probes import PROBES, Probe, element_of, probe_bpmn

_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
RUNAWAY = '"motif" if sum(range(10**10 + rav_jour_cents * rav_jour_cents)) >= 0 else ""'


class Browser:
    """Just enough of a browser: cookies, CSRF tokens read from the pages, forms posted."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._opener = build_opener(HTTPCookieProcessor(CookieJar()))

    def get(self, path: str) -> tuple[int, str, float]:
        started = time.monotonic()
        status, text = self._open(path, None)
        return status, text, time.monotonic() - started

    def post(self, path: str, fields: dict[str, str], page: str | None = None) -> tuple[int, str]:
        _, form_page, _ = self.get(page or path)
        match = _CSRF.search(form_page)
        assert match, f"no CSRF token on {page or path}"
        return self._open(path, {**fields, "csrf_token": match.group(1) or match.group(2)})

    def upload(self, path: str, fields: dict[str, str], file_name: str, content: bytes) -> tuple[int, str]:
        """A multipart form with one file (field « fichier »), as a browser sends it."""
        _, form_page, _ = self.get(path)
        match = _CSRF.search(form_page)
        assert match, f"no CSRF token on {path}"
        boundary = uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in {**fields, "csrf_token": match.group(1) or match.group(2)}.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="fichier"; filename="{file_name}"\r\n'
            "Content-Type: application/xml\r\n\r\n".encode()
            + content
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self._request(path, b"".join(parts), f"multipart/form-data; boundary={boundary}")

    def confirm(self, path: str, preview: str) -> tuple[int, str]:
        """Post the confirmation form of a barème's preview, its hidden fields as the page has them."""
        button = preview.index("Confirmer le déploiement")
        form = preview[preview.rindex("<form", 0, button) : button]
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form))
        return self._request(path, urlencode(fields).encode())

    def login(self, username: str) -> None:
        status, text = self.post("/connexion", {"username": username, "password": DEMO_PASSWORD})
        assert status == 200, text[:500]
        assert "Se déconnecter" in text, text[:500]  # signed in: the redirect landed on a page of the service

    def _open(self, path: str, fields: dict[str, str] | None) -> tuple[int, str]:
        return self._request(path, urlencode(fields).encode() if fields is not None else None)

    def _request(self, path: str, data: bytes | None, content_type: str = "") -> tuple[int, str]:
        headers = {"Content-Type": content_type} if content_type else {}
        request = Request(self.base_url + path, data=data, headers=headers)  # noqa: S310 - http, on loopback
        try:
            with self._opener.open(request, timeout=60) as response:
                return int(response.status), html.unescape(response.read().decode())
        except HTTPError as error:
            return int(error.code), html.unescape(error.read().decode())


def _with_runaway_motif(text: str) -> str:
    """Every rule's motif of the shipped barème replaced by an expression that never ends in time."""
    escaped = RUNAWAY.replace(">", "&gt;")
    return re.sub(r'(<outputEntry id="Rule_\w+_motif"><text>)[^<]*(</text>)', rf"\g<1>{escaped}\g<2>", text)


def test_the_login_page_answers_while_a_runaway_barème_is_stopped(tmp_path: Path) -> None:
    with serve_demo_app(tmp_path) as (url, app):
        # The administrator deploys the runaway barème through the page: it reads data, so it passes.
        administrator = Browser(url)
        administrator.login("admin")
        table = "eligibilite_secours.dmn"
        data = _with_runaway_motif((WORKFLOWS_DIR / table).read_text(encoding="utf-8")).encode()
        assert data.count(b"sum(range(") == 3
        status, preview = administrator.upload("/administration/baremes", {"bareme": table}, table, data)
        assert status == 200, preview[:2000]
        status, page = administrator.confirm("/administration/baremes", preview)
        assert status == 200, page[:2000]
        assert f"Barème « {table} » déployé" in page
        with app.app_context():
            accueil = db.session.scalars(select(User).where(User.username == "accueil")).one()
            accounts.scope_session_to(accueil)
            person = people.search(actor=accueil, query="Martin Fatou")[0]
            dossier = dossiers.open_request(
                actor=accueil, person_id=person.id, aid_type=AidType.SECOURS_URGENCE, reason="Énergie"
            )
            task = db.session.scalars(select(HumanTask).where(HumanTask.dossier_id == dossier.id)).one()
            task_id, instance_id = task.id, task.instance_id
            revision = db.session.get(ProcessInstance, instance_id).revision  # type: ignore[union-attr]

        instructor = Browser(url)
        instructor.login("instructeur")
        evaluation = {
            "situation": "Facture d'énergie impayée depuis deux mois.",
            "nature_besoin": "energie",
            "montant_cents": "150",
            "mode_paiement": "bon",
            "pieces_manquantes": "",
        }
        answer: dict[str, tuple[int, str]] = {}
        worker = threading.Thread(
            target=lambda: answer.update(step=instructor.post(f"/taches/{task_id}", evaluation)), daemon=True
        )
        visitor = Browser(url)
        started = time.monotonic()
        worker.start()
        timings, answered_meanwhile = [], 0
        while worker.is_alive():
            status, page, elapsed = visitor.get("/connexion")
            assert status == 200
            assert "Connexion" in page
            timings.append(elapsed)
            answered_meanwhile += worker.is_alive()  # answered before the evaluation was over
        worker.join()
        took = time.monotonic() - started
        assert took >= 1.0, "the evaluation should have run for its whole budget"
        # A server frozen by the evaluation would answer once it is over, not while it runs: counted, not
        # timed, so that a slow machine does not fail the test and a frozen server does.
        assert answered_meanwhile >= 3, timings

        status, page = answer["step"]
        assert status == 400, page[:2000]
        assert "Étape arrêtée par le bac à sable : dans eligibilite_secours.dmn" in page
        assert "a dépassé le temps de calcul autorisé (1 s de processeur)" in page
        with app.app_context():
            assert db.session.get(HumanTask, task_id).completed_at is None  # type: ignore[union-attr]
            instance = db.session.get(ProcessInstance, instance_id)
            assert instance is not None
            assert instance.revision == revision
            incident = db.session.scalars(select(EvaluationIncident)).one()
            assert (incident.file, incident.element, incident.kind) == (
                table,
                "Table_eligibilite_secours",
                "temps",
            )
            assert incident.rule.endswith("»")
            assert incident.actor_name == "Julien Marchand"

        status, page, _ = administrator.get("/administration/processus")
        assert status == 200
        assert "Incidents d'évaluation" in page
        assert "Table_eligibilite_secours" in page
        assert visitor.get("/connexion")[0] == 200  # and the server goes on serving


def _with_motif(expression: str) -> bytes:
    """The shipped colis barème, its first rule's motif replaced by an expression."""
    original = (WORKFLOWS_DIR / "eligibilite_colis.dmn").read_text(encoding="utf-8")
    motif = '"Reste à vivre inférieur à 5 € par jour et par part : 8 colis sur 8 semaines"'
    escaped = expression.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return original.replace(motif, escaped, 1).encode()


def test_the_probe_set_is_refused_by_the_barème_page_over_http(tmp_path: Path) -> None:
    markers = tmp_path / "marqueurs"
    markers.mkdir()
    probes: list[Probe] = [probe for probe in PROBES if probe.fate == "deploy" and probe.mode == "eval"]
    with serve_demo_app(tmp_path, SANDBOX_CPU_MS=300) as (url, _):
        administrator = Browser(url)
        administrator.login("admin")
        visitor = Browser(url)
        for probe in probes:
            data = _with_motif(probe.with_marker(str(markers / probe.id)))
            fields = {"bareme": "eligibilite_colis.dmn"}
            status, page = administrator.upload("/administration/baremes", fields, "b.dmn", data)
            assert status == 422, (probe.id, page[:2000])
            assert "Barème refusé : rien n'a été déployé." in page, probe.id
            assert "règle 1 « Rule_colis_tres_faible » : sortie « Motif »" in page, probe.id
            assert visitor.get("/connexion")[0] == 200  # the server goes on serving
    assert list(markers.iterdir()) == []  # nothing ran


# The start-up deployment, in real processes


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environ(database_url: str, instance: Path, **settings: str) -> dict[str, str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ENTRAIDE_")}
    environ.update(
        ENTRAIDE_DATABASE_URL=database_url,
        ENTRAIDE_INSTANCE_PATH=str(instance),
        ENTRAIDE_SCHEDULER_IN_PROCESS="false",
        ENTRAIDE_PASSWORD_HASH_TIME_COST="1",
        ENTRAIDE_PASSWORD_HASH_MEMORY_KIB="64",
        **{f"ENTRAIDE_{name}": value for name, value in settings.items()},
    )
    return environ


def _entraide(environ: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    return subprocess.run(command, capture_output=True, text=True, env=environ, timeout=300, check=False)


@contextmanager
def _running(environ: dict[str, str], log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    command = [sys.executable, "-c", "from service.cli import main; main()", *args]
    with log.open("wb") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=environ)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(condition: object, what: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return
        time.sleep(0.2)  # real processes starting: nothing to travel in time here
    raise AssertionError(f"timed out waiting for {what}")


def test_the_probe_set_is_refused_at_start_and_run_and_worker_keep_serving(tmp_path: Path) -> None:
    markers = tmp_path / "marqueurs"
    markers.mkdir()
    folder = tmp_path / "workflows"
    shutil.copytree(WORKFLOWS_DIR, folder)
    deploy_probes = [probe for probe in PROBES if probe.fate == "deploy"]
    for probe in deploy_probes:
        bpmn = probe_bpmn(probe, str(markers / probe.id))
        (folder / f"sonde_{probe.id}.bpmn").write_text(bpmn, encoding="utf-8")
    with fresh_database(tmp_path) as url:
        clean = _environ(url, tmp_path / "instance", SANDBOX_CPU_MS="300")
        for args in (("db", "upgrade"), ("demo", "seed")):  # the shipped diagrams deployed first
            done = _entraide(clean, *args)
            assert done.returncode == 0, done.stderr
        probed = {**clean, "ENTRAIDE_WORKFLOWS_PATH": str(folder)}
        again = _entraide(probed, "demo", "seed")  # the first step of `make run` does not stop either
        assert again.returncode == 0, again.stderr
        assert "rien n'a été ajouté" in again.stdout
        assert "diagramme refusé : sonde_shell.bpmn (élément « choix »)" in again.stderr

        port = _free_port()
        log = tmp_path / "run.log"
        with _running(probed, log, "run", "--port", str(port)) as server:
            browser = Browser(f"http://127.0.0.1:{port}")

            def answers() -> bool:
                assert server.poll() is None, log.read_text(encoding="utf-8")
                try:
                    return browser.get("/connexion")[0] == 200
                except (URLError, ConnectionError, OSError):
                    return False

            _wait_for(answers, "entraide run to serve")
            output = log.read_text(encoding="utf-8")
            for probe in deploy_probes:
                name = "Choix piégé" if probe.mode == "eval" else "Script piégé"
                assert (
                    f"ERREUR sonde_{probe.id}.bpmn (élément « {element_of(probe)} ») « {name} » : « "
                    in output
                )
            assert "les versions déjà déployées restent en service" in output
            browser.login("admin")
            status, page, _ = browser.get("/administration/processus")
            assert status == 200
            assert "Diagrammes refusés au démarrage de entraide run" in page
            assert "sonde_generator_frame.bpmn" in page
            assert "sonde_endless_while.bpmn" in page
            assert "(secours_urgence)" in page  # the versions already deployed, still serving

        worker_log = tmp_path / "worker.log"
        with _running(probed, worker_log, "worker") as worker:
            _wait_for(
                lambda: "tâches planifiées en cours d'exécution" in worker_log.read_text(encoding="utf-8"),
                "entraide worker to run its jobs",
            )
            time.sleep(0.5)  # real process: make sure it did not exit right after saying so
            assert worker.poll() is None, worker_log.read_text(encoding="utf-8")
            assert "ERREUR sonde_shell.bpmn (élément « choix »)" in worker_log.read_text(encoding="utf-8")
    assert list(markers.iterdir()) == []  # nothing ran
