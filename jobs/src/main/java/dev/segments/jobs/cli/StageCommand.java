package dev.segments.jobs.cli;

import dev.segments.jobs.pipeline.Stage;
import java.time.LocalDate;
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
    return cli;
  }

  @Override
  public Integer call() {
    LocalDate date = spec.findOption("--date").getValue();
    try (JobContext ctx =
        JobContext.open(
            config, "segments " + stage.name() + " " + date, stage.needsSegmentDefinitions())) {
      ctx.pipeline().runStage(stage, date, System.out);
    }
    return 0;
  }
}
