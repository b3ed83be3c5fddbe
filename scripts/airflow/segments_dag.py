"""Airflow DAGs for segments: `segments`, one SparkSubmitOperator task per pipeline stage, daily;
and `segments_maintain`, the weekly table upkeep (`segments maintain`: retention, compaction,
vacuum, log checkpoints), which holds the warehouse's run lock like a nightly run, so the two
never write at once (whichever comes second waits up to warehouse.lock-wait-seconds).

Install (README, "Schedule with Airflow"): copy this file and segments_stages.json into the
DAGs folder, install apache-airflow-providers-apache-spark, create a Spark connection
(default id spark_default, or the id in the environment variable SEGMENTS_SPARK_CONN_ID of the
scheduler and workers) pointing at the cluster, and set the Airflow Variables segments_app_jar
and segments_config. Only the run date ({{ ds }}) and the config file are passed; every other
setting comes from the deployment's HOCON file (--config).

The Variables are read by templates when a task runs, not when the scheduler parses this file
(a Variable.get at the top level is a metadata-database query on every parse).
"""
import json
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

# The stage order is the pipeline's own (dev.segments.jobs.pipeline.Stages), written to
# segments_stages.json by `scripts/segments stages --json`; it is not repeated here.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "segments_stages.json")) as f:
    STAGES = json.load(f)["stages"]

# Rendered at run time (application and application_args are template fields of the operator).
APP_JAR = "{{ var.value.get('segments_app_jar', '/opt/segments/segments-jobs-app.jar') }}"
CONFIG = "{{ var.value.get('segments_config', '/opt/segments/application.conf') }}"
# conn_id is not a template field: an environment variable costs no database query at parse time.
CONN_ID = os.environ.get("SEGMENTS_SPARK_CONN_ID", "spark_default")

default_args = {
    "owner": "data",
    "depends_on_past": True,  # a day needs the day before (totals snapshots, score changes)
    "retries": 3,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(hours=1),
}

with DAG(
    dag_id="segments",
    description="segments: ingest, features, scores and segment memberships for one day",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=True,  # backfills run every missed day in order
    max_active_runs=1,
    default_args=default_args,
    tags=["segments"],
) as dag:
    previous = None
    for stage in STAGES:
        task = SparkSubmitOperator(
            task_id=stage,
            conn_id=CONN_ID,
            application=APP_JAR,
            java_class="dev.segments.jobs.Main",
            name=f"segments-{stage}-{{{{ ds }}}}",
            application_args=[stage, "--date", "{{ ds }}", "--config", CONFIG],
        )
        if previous is not None:
            previous >> task
        previous = task

with DAG(
    dag_id="segments_maintain",
    description="segments: weekly upkeep of the Delta tables (retention, compaction, vacuum)",
    schedule="@weekly",
    start_date=datetime(2026, 1, 1),
    catchup=False,  # one upkeep covers every missed week
    max_active_runs=1,
    default_args={**default_args, "depends_on_past": False},
    tags=["segments"],
) as maintain_dag:
    SparkSubmitOperator(
        task_id="maintain",
        conn_id=CONN_ID,
        application=APP_JAR,
        java_class="dev.segments.jobs.Main",
        name="segments-maintain-{{ ds }}",
        application_args=["maintain", "--config", CONFIG],
    )
