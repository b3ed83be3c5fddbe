package dev.segments.common.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * @param master the master used when none was set by spark-submit or spark.master
 * @param conf extra Spark settings applied to the session
 * @param generatedCode whether the pipeline's stages use Spark's generated code
 * @param generatedCodeMinBytes with {@link GeneratedCode#AUTO}, a stage uses generated code when
 *     what it reads holds at least this many bytes on disk
 */
public record SparkSettings(
    String master,
    Map<String, String> conf,
    GeneratedCode generatedCode,
    long generatedCodeMinBytes) {

  /**
   * The Spark settings that {@code spark.generated-code} chooses. When one of them is set
   * explicitly (spark.conf or spark-submit --conf), that setting wins.
   */
  public static final List<String> CODEGEN_KEYS =
      List.of("spark.sql.codegen.wholeStage", "spark.sql.codegen.factoryMode");

  /** {@code spark.generated-code}. */
  public enum GeneratedCode {
    /** Per stage and date, from the size of what the stage reads. */
    AUTO,
    /** Always (Spark's default). */
    ON,
    /** Never: every expression interpreted. */
    OFF;

    /** The config value of this mode. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The mode a config value names, if any. */
    public static Optional<GeneratedCode> fromConfigName(String name) {
      for (GeneratedCode g : values()) {
        if (g.configName().equals(name)) {
          return Optional.of(g);
        }
      }
      return Optional.empty();
    }
  }

  public SparkSettings {
    conf = Map.copyOf(conf);
  }

  /** What a log line shows in place of a secret's value. */
  public static final String REDACTED = "*** (redacted)";

  /**
   * Whether a Spark or Hadoop key holds a secret: object-store keys ({@code fs.s3a.access.key},
   * {@code fs.azure.account.key.*}, {@code fs.gs.auth.*}), passwords, tokens, credentials.
   */
  public static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("secret")
        || k.contains("password")
        || k.contains("token")
        || k.contains("credential")
        || k.contains("passphrase")
        || k.contains("private")
        || k.contains("signature")
        || (k.startsWith("fs.") || k.startsWith("spark.hadoop.fs."))
            && (k.contains("key") || k.contains("auth"));
  }

  /** The settings with every secret's value redacted: what the log shows. */
  @Override
  public String toString() {
    java.util.TreeMap<String, String> shown = new java.util.TreeMap<>();
    conf.forEach((k, v) -> shown.put(k, isSecret(k) ? REDACTED : v));
    return "SparkSettings[master="
        + master
        + ", conf="
        + shown
        + ", generatedCode="
        + generatedCode
        + ", generatedCodeMinBytes="
        + generatedCodeMinBytes
        + "]";
  }
}
