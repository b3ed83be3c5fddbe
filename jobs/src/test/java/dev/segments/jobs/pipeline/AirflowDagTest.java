package dev.segments.jobs.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segments.jobs.cli.StagesCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG (scripts/airflow/segments_dag.py) cannot be run here (Airflow is not installable
 * on these machines). Checked instead: the stage file it reads is exactly what the pipeline prints,
 * the file compiles with python3, and importing it against a stub of the three Airflow modules it
 * uses builds one task per stage chained in the pipeline's order, each submitting that stage with
 * the run date, and the weekly DAG of one {@code maintain} task.
 */
class AirflowDagTest {
  static final Path DAG = Path.of("..", "scripts", "airflow", "segments_dag.py");
  @TempDir Path dir;

  @Test
  void stageFileIsThePipelinesOwnOrder() throws IOException {
    assertEquals(
        StagesCommand.json(),
        Files.readString(DAG.resolveSibling("segments_stages.json")).trim(),
        "regenerate it: scripts/segments stages --json > scripts/airflow/segments_stages.json");
  }

  @Test
  void dagCompilesAndChainsOneTaskPerStageInPipelineOrder() throws Exception {
    // Compiles the file as python3 does (without writing a .pyc next to it).
    run(
        "python3",
        "-c",
        "import sys; compile(open(sys.argv[1]).read(), sys.argv[1], 'exec')",
        DAG.toString());
    // Stub airflow: DAG as a context manager, Variable.get failing (parsing the file must not
    // query the metadata database), an operator that records its task id, arguments and
    // downstream task.
    Path stub = dir.resolve("airflow");
    Files.createDirectories(stub.resolve("models"));
    Files.createDirectories(stub.resolve("providers/apache/spark/operators"));
    Files.writeString(
        stub.resolve("__init__.py"),
        """
        DAGS = []
        class DAG:
            def __init__(self, **kw):
                self.kw = kw
                DAGS.append(self)
            def __enter__(self): return self
            def __exit__(self, *a): return False
        """);
    Files.writeString(
        stub.resolve("models/__init__.py"),
        """
        class Variable:
            @staticmethod
            def get(key, default_var=None): raise AssertionError("Variable.get at parse time: " + key)
        """);
    for (String p : List.of("providers", "providers/apache", "providers/apache/spark")) {
      Files.writeString(stub.resolve(p + "/__init__.py"), "");
    }
    Files.writeString(stub.resolve("providers/apache/spark/operators/__init__.py"), "");
    Files.writeString(
        stub.resolve("providers/apache/spark/operators/spark_submit.py"),
        """
        import airflow
        TASKS = []
        class SparkSubmitOperator:
            def __init__(self, task_id, **kw):
                self.task_id, self.kw, self.downstream = task_id, kw, []
                self.dag = airflow.DAGS[-1].kw["dag_id"]
                TASKS.append(self)
            def __rshift__(self, other):
                self.downstream.append(other)
                return other
        """);
    Path probe = dir.resolve("probe.py");
    Files.writeString(
        probe,
        """
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location("segments_dag", sys.argv[1])
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        from airflow.providers.apache.spark.operators.spark_submit import TASKS
        assert module.dag.kw["catchup"] is True and module.dag.kw["schedule"] == "@daily"
        m = module.maintain_dag.kw
        assert m["dag_id"] == "segments_maintain" and m["schedule"] == "@weekly", m
        assert m["catchup"] is False and m["max_active_runs"] == 1, m
        for t in TASKS:
            nxt = ",".join(d.task_id for d in t.downstream)
            args = " ".join(t.kw["application_args"])
            assert "env_vars" not in t.kw, t.kw
            print(f"{t.dag}|{t.task_id}|{nxt}|{args}|{t.kw['java_class']}|{t.kw['application']}|{t.kw['conn_id']}")
        """);
    String out = run("python3", probe.toString(), DAG.toAbsolutePath().toString()).trim();
    List<String> stages = Stages.names();
    String config = "{{ var.value.get('segments_config', '/opt/segments/application.conf') }}";
    String jar =
        "|dev.segments.jobs.Main|{{ var.value.get('segments_app_jar', '/opt/segments/segments-jobs-app.jar') }}"
            + "|spark_default";
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < stages.size(); i++) {
      String next = i + 1 < stages.size() ? stages.get(i + 1) : "";
      expected
          .append("segments|")
          .append(stages.get(i))
          .append('|')
          .append(next)
          .append('|')
          .append(stages.get(i))
          .append(" --date {{ ds }} --config ")
          .append(config)
          .append(jar)
          .append('\n');
    }
    // The weekly upkeep: one task, no date (it maintains every date of every table).
    expected.append("segments_maintain|maintain||maintain --config ").append(config).append(jar);
    assertEquals(expected.toString(), out);
  }

  private String run(String... command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().put("PYTHONPATH", dir.toString());
    pb.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
    return out;
  }
}
