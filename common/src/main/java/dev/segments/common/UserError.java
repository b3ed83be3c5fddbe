package dev.segments.common;

/**
 * A failure the person running the pipeline can act on: bad input, a missing stage, a bad option.
 * Its message says what is wrong and how to fix it, so the CLI prints it as one line and exits 1.
 * Every other exception is a bug or an internal failure (Spark's, Delta's) and keeps its stack
 * trace.
 */
public class UserError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UserError(String message) {
    super(message);
  }
}
