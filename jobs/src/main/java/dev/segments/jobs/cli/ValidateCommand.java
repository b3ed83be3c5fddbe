package dev.segments.jobs.cli;

import dev.segments.common.config.Settings;
import dev.segments.common.segments.SegmentDefinition;
import dev.segments.common.segments.SegmentLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Checks the config and every segment definition without touching data: prints every error (exit 1) "
            + "or a line per segment (exit 0). No Spark is started.")
public final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOptions config;

  @Option(
      names = "--segments-dir",
      paramLabel = "DIR",
      description = "The definitions folder (default: segments.dir).")
  Path segmentsDir;

  @Override
  public Integer call() {
    Settings settings = config.load();
    Path dir = segmentsDir != null ? segmentsDir : Path.of(settings.segmentsDir());
    SegmentLoader.Result r = SegmentLoader.load(dir, settings);
    r.warnings().forEach(w -> System.out.println("warning: " + w));
    if (!r.ok()) {
      System.err.println(
          r.errors().size() + " error(s) in the segment definitions under " + dir + ":");
      r.errors().forEach(e -> System.err.println("  " + e));
      return 1;
    }
    java.util.List<String> exportProblems =
        dev.segments.jobs.export.ExportJob.problems(
            settings, r.segments(), System.getenv(), java.util.Optional.empty());
    if (!exportProblems.isEmpty()) {
      System.err.println(exportProblems.size() + " error(s) in exports.destinations:");
      exportProblems.forEach(e -> System.err.println("  " + e));
      return 1;
    }
    for (SegmentDefinition d : r.segments()) {
      System.out.printf(
          "ok  %-34s %-7s %-9s %-10s %s%n",
          d.id(),
          d.entity().key,
          d.kind().name().toLowerCase(),
          d.workspace(),
          d.kind() == SegmentDefinition.Kind.CUSTOM ? d.source() : d.name());
    }
    long custom =
        r.segments().stream().filter(d -> d.kind() == SegmentDefinition.Kind.CUSTOM).count();
    System.out.printf(
        "%d segments valid (%d custom from %s, %d standard and suggested)%n",
        r.segments().size(), custom, dir, r.segments().size() - custom);
    return 0;
  }
}
