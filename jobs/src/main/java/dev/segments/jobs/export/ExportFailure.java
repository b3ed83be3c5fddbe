package dev.segments.jobs.export;

/** A destination could not be synced this run (the others go on; the stage ends non-zero). */
final class ExportFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ExportFailure(String message) {
    super(message);
  }
}
