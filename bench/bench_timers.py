"""10,000 instances due at once: bare engine loop, one worker process, two worker processes, on PostgreSQL.

Three sets of identical due instances (each waiting for a delegate whose 48 h deadline has passed) are made in
one fresh database. The bare loop fires the first set in this process (read the state, refresh the timers, run
the engine, write the state, commit, one instance at a time); then one `entraide worker` process fires the
second set, then two worker processes the third. Throughput is taken from the instances' own save times,
so process start-up is not counted. Prints RATIO lines against the bare loop measured in the same run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func, make_url, select, text, update
from sqlalchemy.exc import OperationalError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.kit import drop_database, migrated_app, server_database
from scenarios.due_instances import prepare_due_instances
from scenarios.workers import start_worker
from service.engine import registry, runtime
from service.extensions import db
from service.models import ProcessInstance

INSTANCES = int(os.environ.get("BENCH_TIMER_INSTANCES", "10000"))
SERVER = os.environ.get("ENTRAIDE_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")


def bare_engine_loop(ids: list[int]) -> float:
    """Instances per second for load → refresh timers → engine steps → save, one commit each."""
    started = time.perf_counter()
    for instance_id in ids:
        instance = db.session.get(ProcessInstance, instance_id)
        assert instance is not None
        workflow = registry.codec().load_state(instance.state, registry.bundle(instance.definition))
        workflow.script_engine = runtime.make_script_engine()
        workflow.refresh_timers()
        workflow.do_engine_steps()
        state = registry.codec().dump_state(workflow)
        db.session.execute(
            update(ProcessInstance).where(ProcessInstance.id == instance_id).values(state=state)
        )
        db.session.commit()
    return len(ids) / (time.perf_counter() - started)


def workers_rate(url: str, tmp: Path, ids: list[int], count: int) -> float:
    """Make the set due, run `count` worker processes until it is done; instances per second of saves."""
    in_set = ProcessInstance.id.between(ids[0], ids[-1])  # the sets are contiguous ranges of ids
    db.session.execute(
        update(ProcessInstance).where(in_set).values(next_due_at=func.now() - text("interval '1 hour'"))
    )
    db.session.commit()
    workers = [start_worker(url, tmp, WAKE_MAX_PER_RUN="1000000") for _ in range(count)]
    try:
        while db.session.scalar(select(func.count()).where(in_set, ProcessInstance.next_due_at < func.now())):
            db.session.commit()
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
    first, last = db.session.execute(
        select(func.min(ProcessInstance.updated_at), func.max(ProcessInstance.updated_at)).where(in_set)
    ).one()
    return len(ids) / (last - first).total_seconds()


def main() -> None:
    name = f"entraide_bench_{uuid.uuid4().hex[:8]}"
    try:
        url, _ = server_database(SERVER, name, fresh=True)
    except OperationalError as error:  # no PostgreSQL here: the other benches still run
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "injoignable"
        print(f"BENCH timers skipped: PostgreSQL needed ({make_url(SERVER).render_as_string()}: {reason})")
        return
    try:
        with tempfile.TemporaryDirectory() as tmp:
            app = migrated_app(url, Path(tmp) / "instance")
            prepare_due_instances(app, 3 * INSTANCES)
            with app.app_context():
                ids = list(db.session.scalars(select(ProcessInstance.id).order_by(ProcessInstance.id)))
                bare, one, two = ids[:INSTANCES], ids[INSTANCES : 2 * INSTANCES], ids[2 * INSTANCES :]
                db.session.execute(update(ProcessInstance).values(next_due_at=None))
                db.session.commit()
                bare_rate = bare_engine_loop(bare)
                one_rate = workers_rate(url, Path(tmp), one, 1)
                two_rate = workers_rate(url, Path(tmp), two, 2)
                db.engine.dispose()
        print(f"BENCH timer_instances {INSTANCES}")
        print(f"BENCH bare_engine_instances_per_s {bare_rate:.0f}")
        print(f"BENCH one_worker_instances_per_s {one_rate:.0f}")
        print(f"BENCH two_workers_instances_per_s {two_rate:.0f}")
        print(f"RATIO timers_one_worker_vs_engine {one_rate / bare_rate:.2f}")
        print(f"RATIO timers_two_workers_vs_one {two_rate / one_rate:.2f}")
    finally:
        drop_database(SERVER, name)


if __name__ == "__main__":
    main()
