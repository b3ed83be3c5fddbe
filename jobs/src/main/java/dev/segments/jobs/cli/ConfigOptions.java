package dev.segments.jobs.cli;

import dev.segments.common.config.Settings;
import dev.segments.common.config.SettingsLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** --config and -Dkey=value, shared by every subcommand. */
public final class ConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "The deployment's HOCON file (default: conf/application.conf if it exists).")
  Path config;

  @Option(
      names = "-D",
      paramLabel = "key=value",
      description = "Overrides one config key, e.g. -Dwarehouse.path=/data/wh (repeatable).")
  Map<String, String> overrides = new LinkedHashMap<>();

  public Settings load() {
    return SettingsLoader.load(Optional.ofNullable(config), overrides);
  }
}
