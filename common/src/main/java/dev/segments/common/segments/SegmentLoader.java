package dev.segments.common.segments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.segments.common.config.Settings;
import dev.segments.common.config.Workspace;
import dev.segments.common.segments.SegmentDefinition.Entity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads the custom segment definitions (every {@code *.conf} file under a folder), adds the
 * standard and suggested ones of every workspace, and validates them all. Every problem is
 * collected, each as {@code file: segment <id>: <field>: <message>}; nothing is evaluated when
 * there is one.
 */
public final class SegmentLoader {

  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]*");

  /** Longest segment id: {@code segment_<id>} stays well inside a file name's 255 bytes. */
  static final int MAX_ID_LENGTH = 100;

  private static final Set<String> SEGMENT_KEYS =
      Set.of("id", "name", "entity", "description", "where", "workspace", "level");

  /** What was loaded: the definitions (custom, then generated) and the problems found. */
  public record Result(
      List<SegmentDefinition> segments, List<String> errors, List<String> warnings) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  private final Set<String> workspaces = new TreeSet<>();
  private final List<String> errors = new ArrayList<>();
  private final List<String> warnings = new ArrayList<>();

  /** Per segment id: the references its condition makes, with where they stand. */
  private final Map<String, List<Located>> references = new HashMap<>();

  private final ConditionParser.Problems problems;
  private final ConditionParser parser;

  /** The segments folder: what definition files may include ({@link FolderIncluder}). */
  private Path root;

  private String where = "";

  /** A reference and the segment prefix of its messages ({@code file: segment id}). */
  private record Located(ConditionParser.Reference reference, String where) {}

  private SegmentLoader(Settings settings) {
    Set<String> knownEvents = new TreeSet<>();
    for (Workspace ws : settings.scoring().workspaces()) {
      workspaces.add(ws.name());
      ws.features().forEach(f -> knownEvents.addAll(f.weights().keySet()));
      ws.userSteps()
          .forEach(
              s -> {
                if (s.event() != null) knownEvents.add(s.event());
              });
      ws.accountSteps()
          .forEach(
              s -> {
                if (s.event() != null) knownEvents.add(s.event());
              });
    }
    this.problems =
        new ConditionParser.Problems() {
          @Override
          public void error(String path, String message) {
            err(path, message);
          }

          @Override
          public void warning(String path, String message) {
            warnings.add(where + ": " + path + ": " + message);
          }
        };
    this.parser =
        new ConditionParser(
            new FieldCatalog(settings),
            settings.features().longestWindow(),
            knownEvents,
            ConditionParser.Scope.SEGMENT,
            problems);
  }

  /**
   * Loads the folder's files (none is fine), or one file when {@code dir} is a file (preview), plus
   * the generated segments.
   */
  public static Result load(Path dir, Settings settings) {
    SegmentLoader loader = new SegmentLoader(settings);
    List<SegmentDefinition> all = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      loader.root = dir;
      List<Path> files;
      try (Stream<Path> s = Files.walk(dir)) {
        files =
            s.filter(p -> p.toString().endsWith(".conf") && Files.isRegularFile(p))
                .sorted()
                .toList();
      } catch (IOException e) {
        loader.errors.add(dir + ": cannot list the folder: " + e.getMessage());
        files = List.of();
      }
      for (Path f : files) {
        all.addAll(loader.file(f));
      }
    } else if (Files.exists(dir)) {
      loader.root = dir.toAbsolutePath().getParent();
      all.addAll(loader.file(dir));
    } else {
      loader.errors.add(dir + ": no such folder (segments.dir or --segments-dir)");
    }
    all.addAll(StandardSegments.all(settings));
    loader.crossCheck(all);
    return new Result(List.copyOf(all), List.copyOf(loader.errors), List.copyOf(loader.warnings));
  }

  private List<SegmentDefinition> file(Path f) {
    Config c;
    try {
      c =
          ConfigFactory.parseFile(
                  f.toFile(),
                  ConfigParseOptions.defaults()
                      .setAllowMissing(false)
                      .setIncluder(new FolderIncluder(root, f.toAbsolutePath().getParent())))
              // ${...} refers to the file's own keys only: no environment variable (a secret)
              // can end up in a definition, which segment_definitions stores.
              .resolve(
                  com.typesafe.config.ConfigResolveOptions.defaults()
                      .setUseSystemEnvironment(false));
    } catch (ConfigException e) {
      errors.add(f + ": cannot parse: " + e.getMessage());
      return List.of();
    }
    List<ConfigObject> items = new ArrayList<>();
    if (c.hasPath("segments")) {
      for (String k : c.root().keySet()) {
        if (!k.equals("segments")) {
          errors.add(
              f + ": unknown key '" + k + "' (a file holds segments = [ ... ] or one segment)");
        }
      }
      ConfigValue list = c.getValue("segments");
      if (list.valueType() != ConfigValueType.LIST) {
        errors.add(
            f
                + ": segments must be a list of segments, not "
                + list.valueType().name().toLowerCase());
        return List.of();
      }
      for (ConfigValue v : c.getList("segments")) {
        if (v.valueType() != ConfigValueType.OBJECT) {
          errors.add(
              f
                  + ": every item of segments must be a segment { id = ..., entity = ..., where = ... }, not "
                  + v.render());
        } else {
          items.add((ConfigObject) v);
        }
      }
    } else if (c.hasPath("id")) {
      items.add(c.root());
    } else {
      errors.add(f + ": holds no segment (segments = [ ... ] or id = ... at the top)");
    }
    List<SegmentDefinition> out = new ArrayList<>();
    int i = 0;
    for (ConfigObject item : items) {
      SegmentDefinition d = segment(f, item, i++);
      if (d != null) {
        out.add(d);
      }
    }
    return out;
  }

  private SegmentDefinition segment(Path f, ConfigObject item, int index) {
    ConfigValue idValue = item.get("id");
    String id =
        idValue != null && idValue.valueType() == ConfigValueType.STRING
            ? (String) idValue.unwrapped()
            : null;
    where = f + ": segment " + (id != null ? id : "#" + (index + 1));
    int before = errors.size();
    if (id == null) {
      err("id", idValue == null ? "is missing" : "must be text, not " + idValue.render());
    } else if (!ID.matcher(id).matches()) {
      err("id", "'" + id + "' must match [a-z][a-z0-9_]* (it names the table segment_<id>)");
    } else if (id.length() > MAX_ID_LENGTH) {
      err(
          "id",
          "'"
              + id
              + "' is "
              + id.length()
              + " characters; at most "
              + MAX_ID_LENGTH
              + " (it names the table segment_<id>, a folder of the warehouse)");
    } else if (dev.segments.common.tables.TableCatalog.find(
            dev.segments.common.tables.TableNames.segment(id))
        .isPresent()) {
      err(
          "id",
          "'"
              + id
              + "' would name its table "
              + dev.segments.common.tables.TableNames.segment(id)
              + ", which is one of the product's own tables; choose another id");
    }
    for (String k : new TreeSet<>(item.keySet())) {
      if (!SEGMENT_KEYS.contains(k)) {
        err(k, "unknown key; a segment has " + String.join(", ", new TreeSet<>(SEGMENT_KEYS)));
      }
    }
    Entity entity = null;
    ConfigValue e = item.get("entity");
    if (e == null) {
      err("entity", "is missing (user or account)");
    } else if (e.valueType() != ConfigValueType.STRING
        || !Set.of("user", "account").contains(e.unwrapped())) {
      err("entity", "must be user or account, not " + e.render());
    } else {
      entity = e.unwrapped().equals("user") ? Entity.USER : Entity.ACCOUNT;
    }
    String name = text(item.get("name"), "name", id);
    String description = text(item.get("description"), "description", "");
    String workspace = text(item.get("workspace"), "workspace", "default");
    if (workspace != null && !workspaces.contains(workspace)) {
      err(
          "workspace",
          "unknown workspace '"
              + workspace
              + "' (configured: "
              + String.join(", ", workspaces)
              + ")");
    }
    SegmentDefinition.Level level = SegmentDefinition.Level.LEAF;
    ConfigValue lv = item.get("level");
    if (lv != null) {
      java.util.Optional<SegmentDefinition.Level> parsed =
          lv.valueType() == ConfigValueType.STRING
              ? SegmentDefinition.Level.of((String) lv.unwrapped())
              : java.util.Optional.empty();
      if (entity == Entity.USER) {
        err("level", "only account segments have a level (leaf, parent or any), not user segments");
      } else if (parsed.isEmpty()) {
        err(
            "level",
            "must be leaf (every account on its own, the default), parent (accounts with child"
                + " accounts, rolled up) or any (each account rolled up when it has children), not "
                + lv.render());
      } else {
        level = parsed.get();
      }
    }
    Cond cond = null;
    ConfigValue w = item.get("where");
    if (w == null) {
      err("where", "is missing (the segment's condition)");
    } else if (entity != null) {
      int known = parser.references().size();
      cond = parser.parse(w, "where", entity);
      String at = where;
      references.put(
          id,
          new ArrayList<>(
              parser.references().subList(known, parser.references().size()).stream()
                  .map(r -> new Located(r, at))
                  .toList()));
    }
    if (errors.size() > before || id == null || cond == null) {
      return null;
    }
    return new SegmentDefinition(
        id,
        name,
        description,
        entity,
        SegmentDefinition.Kind.CUSTOM,
        workspace,
        cond,
        item.render(ConfigRenderOptions.concise()),
        f.toString(),
        level);
  }

  /** Duplicate ids, references (known, same entity, no cycles). */
  private void crossCheck(List<SegmentDefinition> all) {
    Map<String, SegmentDefinition> byId = new LinkedHashMap<>();
    for (SegmentDefinition d : all) {
      SegmentDefinition first = byId.putIfAbsent(d.id(), d);
      if (first != null) {
        SegmentDefinition custom = d.kind() == SegmentDefinition.Kind.CUSTOM ? d : first;
        SegmentDefinition other = custom == d ? first : d;
        errors.add(
            custom.source()
                + ": segment "
                + d.id()
                + ": id: duplicate id; also defined in "
                + other.source()
                + (other.source().equals("generated") ? " (a standard or suggested segment)" : ""));
      }
    }
    Map<String, List<String>> graph = new HashMap<>();
    for (Map.Entry<String, List<Located>> e : references.entrySet()) {
      for (Located ref : e.getValue()) {
        String wantedEntity = ref.reference().entity().key;
        String target = ref.reference().target();
        String at = ref.where() + ": " + ref.reference().path();
        SegmentDefinition t = byId.get(target);
        if (t == null) {
          errors.add(
              at
                  + ": unknown segment '"
                  + target
                  + "'"
                  + ConditionParser.closest(target, byId.keySet()));
        } else if (!t.entity().key.equals(wantedEntity)) {
          errors.add(
              at
                  + ": segment '"
                  + target
                  + "' is a "
                  + t.entity().key
                  + " segment; a "
                  + wantedEntity
                  + " condition can only refer to "
                  + wantedEntity
                  + " segments");
        } else if (t.entity() == Entity.ACCOUNT
            && byId.get(e.getKey()) != null
            && t.level() != byId.get(e.getKey()).level()) {
          SegmentDefinition from = byId.get(e.getKey());
          errors.add(
              at
                  + ": segment '"
                  + target
                  + "' has level "
                  + t.level().key
                  + " and this segment level "
                  + from.level().key
                  + "; an account segment can only refer to segments of its own level (they are"
                  + " evaluated on the same rows)");
        } else {
          graph.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(target);
        }
      }
    }
    for (List<String> loop : new ReferenceGraph(graph).cycles()) {
      SegmentDefinition d = byId.get(loop.get(0));
      errors.add(
          (d == null ? "" : d.source() + ": ")
              + "segment "
              + loop.get(0)
              + ": where: reference cycle "
              + String.join(" -> ", loop));
    }
  }

  // --- helpers ---

  private void err(String field, String message) {
    errors.add(where + ": " + field + ": " + message);
  }

  private String text(ConfigValue v, String field, String fallback) {
    return ConditionParser.text(v, field, fallback, problems);
  }
}
