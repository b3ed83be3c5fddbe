package dev.segments.common.segments;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigIncluderClasspath;
import com.typesafe.config.ConfigIncluderFile;
import com.typesafe.config.ConfigIncluderURL;
import com.typesafe.config.ConfigObject;
import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The only includes a segment definitions file may make: {@code include "x.conf"} or {@code include
 * file("x.conf")} of a file inside the segments folder (relative to the folder of the file being
 * loaded, symbolic links resolved). An absolute path or {@code ..} that leaves the folder, {@code
 * url(...)} and {@code classpath(...)} are refused, naming the include, so a definitions file
 * cannot read other files of the driver's machine.
 */
final class FolderIncluder
    implements ConfigIncluder, ConfigIncluderFile, ConfigIncluderURL, ConfigIncluderClasspath {
  private final Path root;
  private final Path base;

  /**
   * @param root the segments folder
   * @param base the folder of the file being loaded (relative includes start there)
   */
  FolderIncluder(Path root, Path base) {
    this.root = real(root);
    this.base = base;
  }

  @Override
  public ConfigIncluder withFallback(ConfigIncluder fallback) {
    return this; // no fallback: nothing is looked up anywhere else
  }

  @Override
  public ConfigObject include(ConfigIncludeContext context, String what) {
    return includeFile(context, new File(what));
  }

  @Override
  public ConfigObject includeFile(ConfigIncludeContext context, File what) {
    Path target = (what.isAbsolute() ? what.toPath() : base.resolve(what.toPath())).normalize();
    if (!Files.isRegularFile(target)) {
      throw new ConfigException.Generic(
          "include \"" + what + "\": no such file in the segments folder " + root);
    }
    Path resolved = real(target);
    if (!resolved.startsWith(root)) {
      throw new ConfigException.Generic(
          "include \""
              + what
              + "\": only files inside the segments folder "
              + root
              + " may be included, not "
              + resolved);
    }
    return ConfigFactory.parseFile(resolved.toFile(), context.parseOptions().setAllowMissing(false))
        .root();
  }

  @Override
  public ConfigObject includeURL(ConfigIncludeContext context, URL what) {
    throw new ConfigException.Generic(
        "include url(" + what + "): segment files may include only files of the segments folder");
  }

  @Override
  public ConfigObject includeResources(ConfigIncludeContext context, String what) {
    throw new ConfigException.Generic(
        "include classpath("
            + what
            + "): segment files may include only files of the segments folder");
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }
}
