package dev.segments.common.tables;

/** A frame about to be written does not fit its table's spec (a bug in the stage that made it). */
public final class TableSchemaException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  public TableSchemaException(String message) {
    super(message);
  }
}
