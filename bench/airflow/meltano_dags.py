"""Airflow DAGs for a Meltano project's job schedules, shaped like the ones Meltano's Airflow
file bundle (files-airflow, orchestrate/dags/meltano.py) generates, for `npm run bench -- airflow`.

What is kept from that generator, because it decides how Airflow schedules and runs the job:
one DAG per job schedule (`meltano_<schedule>_<job>`), one BashOperator per top-level task running
`cd <project root>; <meltano> run <task>` in a chain, catchup=False, max_active_runs=1, retries=1
with a 5-minute retry delay, start date 1970-01-01, the schedule's env appended to the task's.

What differs: the generator runs `meltano schedule list --format=json` at every parse of this file
(several seconds per parse); here that JSON is produced once by the bench (with the real `meltano`)
and read from schedules.json next to this file, which only makes Airflow's side cheaper. Airflow 3
names: `schedule=` (Airflow 3 removed `schedule_interval`) and the standard provider's BashOperator.
"""

import json
import os
import shlex
from datetime import datetime, timedelta
from pathlib import Path

from airflow.providers.standard.operators.bash import BashOperator
from airflow.sdk import DAG

PROJECT_ROOT = os.environ.get("MELTANO_PROJECT_ROOT", os.getcwd())
# Like the generator: the project's `.meltano/run/bin` when it exists, else `meltano` on PATH.
MELTANO = ".meltano/run/bin" if Path(PROJECT_ROOT, ".meltano/run/bin").exists() else "meltano"

TASK_DEFAULTS = {
    "owner": "airflow",
    "depends_on_past": False,
    "retries": 1,
    "retry_delay": timedelta(minutes=5),
}


def job_dags(export):
    """Yield (dag_id, DAG) for every job schedule that has an automatic interval."""
    for schedule in export.get("schedules", {}).get("job", []):
        job = schedule.get("job")
        if not job or not schedule.get("cron_interval"):
            continue  # the generator makes no DAG for @once/@manual or job-less schedules
        dag_id = f"meltano_{schedule['name']}_{job['name']}"
        with DAG(
            dag_id,
            schedule=schedule["cron_interval"],
            start_date=datetime(1970, 1, 1),
            catchup=False,
            max_active_runs=1,
            default_args=TASK_DEFAULTS,
            tags=["meltano", f"schedule:{schedule['name']}", f"job:{job['name']}"],
        ) as dag:
            upstream = None
            for index, task in enumerate(job["tasks"]):
                blocks = task if isinstance(task, str) else " ".join(task)
                operator = BashOperator(
                    task_id=f"{dag_id}_task{index}",
                    bash_command=f"cd {shlex.quote(PROJECT_ROOT)}; {MELTANO} run {blocks}",
                    env=schedule.get("env") or {},
                    append_env=True,
                )
                if upstream is not None:
                    upstream >> operator
                upstream = operator
        yield dag_id, dag


for _dag_id, _dag in job_dags(json.loads(Path(__file__).with_name("schedules.json").read_text())):
    globals()[_dag_id] = _dag
