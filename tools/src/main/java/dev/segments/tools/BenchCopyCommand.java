package dev.segments.tools;

import dev.segments.common.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Copies a local folder (a warehouse) to a new one, for scripts/bench.sh: inside {@code segments
 * steps} it lets one JVM prime a warehouse and then give each measured round a fresh copy of it,
 * where {@code cp -r} would need a JVM per side. Refuses a target that exists, so it never mixes
 * two warehouses.
 */
@Command(
    name = "bench-copy",
    hidden = true,
    mixinStandardHelpOptions = true,
    description =
        "Benchmark helper: copies a local folder to a new folder (refuses an existing target).")
public final class BenchCopyCommand implements Callable<Integer> {
  @Option(names = "--from", required = true, paramLabel = "DIR", description = "Folder to copy.")
  Path from;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "DIR",
      description = "New folder (must not exist).")
  Path to;

  @Override
  public Integer call() throws IOException {
    if (!Files.isDirectory(from)) {
      throw new UserError("Cannot copy " + from + ": not a folder");
    }
    if (Files.exists(to)) {
      throw new UserError(
          "Cannot copy " + from + " to " + to + ": the target exists (remove it first)");
    }
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(from)) {
      paths = walk.toList(); // parents before children
    }
    long files = 0;
    for (Path source : paths) {
      Path target = to.resolve(from.relativize(source).toString());
      try {
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
          files++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot copy " + source + " to " + target, e);
      }
    }
    System.out.printf("bench-copy: %d files from %s to %s%n", files, from, to);
    return 0;
  }
}
