package dev.segments.common.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/** The types a configured trait can be stored as. Traits arrive as text and are cast leniently. */
public enum TraitType {
  STRING(DataTypes.StringType),
  LONG(DataTypes.LongType),
  DOUBLE(DataTypes.DoubleType),
  BOOLEAN(DataTypes.BooleanType),
  DATE(DataTypes.DateType),
  TIMESTAMP(DataTypes.TimestampType);

  private final DataType sparkType;

  TraitType(DataType sparkType) {
    this.sparkType = sparkType;
  }

  public DataType sparkType() {
    return sparkType;
  }

  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config value; empty if it names no type. */
  public static java.util.Optional<TraitType> fromConfigName(String name) {
    return Arrays.stream(values()).filter(t -> t.configName().equals(name)).findFirst();
  }

  public static String validNames() {
    return Arrays.stream(values()).map(TraitType::configName).collect(Collectors.joining(", "));
  }
}
