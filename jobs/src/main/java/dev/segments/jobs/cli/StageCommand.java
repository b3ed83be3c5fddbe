package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import dev.segments.jobs.pipeline.StageOption;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * One stage of the registry for one date: {@code segments <stage> --date D}, the same command for
 * every stage.
 */
@Command(mixinStandardHelpOptions = true)
public final class StageCommand implements Callable<Integer> {
  private final Stage stage;
  private CommandSpec spec;

  @Mixin ConfigOptions config;

  private StageCommand(Stage stage) {
    this.stage = stage;
  }

  /** The subcommand of a stage: its name, its description and its {@code --date}. */
  public static CommandLine of(Stage stage) {
    StageCommand command = new StageCommand(stage);
    CommandLine cli = new CommandLine(command);
    command.spec = cli.getCommandSpec();
    command.spec.name(stage.name());
    command.spec.usageMessage().description(stage.description());
    command.spec.addOption(
        OptionSpec.builder("--date")
            .required(true)
            .paramLabel("YYYY-MM-DD")
            .type(LocalDate.class)
            .converters(new DateConverter())
            .description(stage.dateHelp())
            .build());
    for (StageOption o : stage.options()) {
      OptionSpec.Builder b = OptionSpec.builder(o.name()).description(o.description());
      if (o.isFlag()) {
        b.arity("0").type(boolean.class);
      } else {
        b.paramLabel(o.label()).type(String.class);
      }
      command.spec.addOption(b.build());
    }
    return cli;
  }

  @Override
  public Integer call() {
    LocalDate date = spec.findOption("--date").getValue();
    Map<String, Object> options = new HashMap<>();
    for (StageOption o : stage.options()) {
      Object value = spec.findOption(o.name()).getValue();
      if (value != null) {
        options.put(o.name(), value);
      }
    }
    try (JobContext ctx =
        JobContext.open(config, "segments " + stage.name() + " " + date, List.of(stage), options)) {
      ctx.pipeline().runStage(stage, date, System.out);
    }
    return 0;
  }
}
