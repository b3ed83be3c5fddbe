package dev.segments.common.tables;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;

/**
 * Table and column descriptions, read from docs/tables.md (packaged into the jar at build time):
 * the page users read is the one source of the comments BI tools show. A section {@code ###
 * `name`} describes a table (its first paragraph) and its columns (the rows of its column table;
 * {@code <N>} in a name stands for any window, {@code <id>} for any segment id, and a
 * {@code *traits*} row covers the configured trait columns; "the columns of `other`" in the first
 * paragraph brings in the other table's column descriptions).
 */
public final class TableDocs {
  static final String RESOURCE = "/dev/segments/tables.md";
  private static final Pattern NAME = Pattern.compile("`([^`]+)`");
  private static final Pattern INHERITS = Pattern.compile("the columns of `([a-z_]+)`");
  private static final TableDocs INSTANCE = load();

  /** One documented table (or a pattern of tables such as {@code segment_<id>}). */
  record Section(Pattern table, String comment, Map<Pattern, String> columns, Optional<String> traits, Optional<String> inherits) {}

  private final List<Section> sections;

  TableDocs(List<Section> sections) {
    this.sections = sections;
  }

  public static TableDocs get() {
    return INSTANCE;
  }

  private static TableDocs load() {
    try (InputStream in = TableDocs.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        // A build without the page (should not happen): no comments, nothing else changes.
        return new TableDocs(List.of());
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TableDocs parse(String markdown) {
    List<Section> sections = new ArrayList<>();
    String[] lines = markdown.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].startsWith("### ")) {
        continue;
      }
      List<String> names = names(lines[i].substring(4));
      StringBuilder comment = new StringBuilder();
      Map<Pattern, String> columns = new LinkedHashMap<>();
      Optional<String> traits = Optional.empty();
      int j = i + 1;
      for (; j < lines.length && !lines[j].startsWith("#"); j++) {
        String line = lines[j].strip();
        if (line.startsWith("|")) {
          String[] cells = line.split("\\|");
          if (cells.length < 4 || cells[1].strip().equals("column") || cells[1].strip().startsWith("---")) {
            continue;
          }
          String meaning = plain(cells[3].strip());
          if (cells[1].strip().equals("*traits*")) {
            traits = Optional.of(meaning);
          }
          for (String column : names(cells[1])) {
            columns.put(pattern(column), meaning);
          }
        } else if (!line.isEmpty() && columns.isEmpty() && !comment.toString().endsWith("\n")) {
          comment.append(comment.length() == 0 ? "" : " ").append(line);
        } else if (line.isEmpty() && comment.length() > 0) {
          comment.append("\n");
        }
      }
      // "the columns of `other`" in the first paragraph: the other table's columns apply too.
      Matcher inherits = INHERITS.matcher(comment);
      Optional<String> parent = inherits.find() ? Optional.of(inherits.group(1)) : Optional.empty();
      for (String name : names) {
        sections.add(new Section(pattern(name), plain(comment.toString().strip()), columns, traits, parent));
      }
      i = j - 1;
    }
    return new TableDocs(sections);
  }

  private static List<String> names(String text) {
    List<String> names = new ArrayList<>();
    Matcher m = NAME.matcher(text);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Pattern pattern(String name) {
    String regex = Pattern.quote(name).replace("<N>", "\\E[0-9]+\\Q").replace("<id>", "\\E[a-z0-9_]+\\Q");
    return Pattern.compile(regex);
  }

  private static String plain(String text) {
    return text.replace("`", "").replace("**", "").replace("*", "");
  }

  /** The section of a table: an exact name wins over a pattern ({@code segment_members} over {@code segment_<id>}). */
  private Optional<Section> section(String table) {
    Section byPattern = null;
    for (Section s : sections) {
      if (s.table().matcher(table).matches()) {
        if (!s.table().pattern().contains("\\E[")) {
          return Optional.of(s);
        }
        byPattern = byPattern == null ? s : byPattern;
      }
    }
    return Optional.ofNullable(byPattern);
  }

  public Optional<String> tableComment(String table) {
    return section(table).map(Section::comment).filter(c -> !c.isEmpty());
  }

  /** The column's description; a column the page does not name but whose table has trait columns is a trait. */
  public Optional<String> columnComment(String table, String column) {
    Optional<Section> s = section(table);
    if (s.isEmpty()) {
      return Optional.empty();
    }
    for (Map.Entry<Pattern, String> c : s.get().columns().entrySet()) {
      if (c.getKey().matcher(column).matches()) {
        return Optional.of(c.getValue());
      }
    }
    if (s.get().traits().isPresent()) {
      return Optional.of(s.get().traits().get() + " (trait " + column + ")");
    }
    return s.get().inherits().filter(p -> !p.equals(table)).flatMap(p -> columnComment(p, column));
  }

  /** The rows with each documented column's description as its {@code comment} metadata. */
  public Dataset<Row> withComments(String table, Dataset<Row> rows) {
    List<Column> columns = new ArrayList<>();
    boolean any = false;
    for (StructField f : rows.schema().fields()) {
      Optional<String> comment = columnComment(table, f.name());
      Column c = rows.col("`" + f.name() + "`");
      if (comment.isPresent()) {
        c = c.as(f.name(), new MetadataBuilder().withMetadata(f.metadata()).putString("comment", comment.get()).build());
        any = true;
      }
      columns.add(c);
    }
    return any ? rows.select(columns.toArray(Column[]::new)) : rows;
  }
}
