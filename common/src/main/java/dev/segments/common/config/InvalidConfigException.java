package dev.segments.common.config;

import java.util.List;

/**
 * A configuration that cannot be run; the message lists every problem, each naming key, value and
 * file.
 */
public final class InvalidConfigException extends dev.segments.common.UserError {
  private static final long serialVersionUID = 1L;
  private final List<String> problems;

  public InvalidConfigException(List<String> problems) {
    super(
        "Cannot start: the configuration has "
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + " (fix them and run again):\n  - "
            + String.join("\n  - ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
