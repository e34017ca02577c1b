package io.warren.node.deploy;

import io.warren.node.config.Setting;
import io.warren.node.config.WarrenConfig;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The repository's deployment files ({@code deploy/}) as the deployment tests read them: YAML
 * parsed into plain maps and lists, and what the node's image promises (its data directory).
 */
final class DeployFiles {
  private static final Pattern DATA_DIR_ENV = Pattern.compile("(?m)^ENV\\s+WARREN_DATA_DIR=(\\S+)\\s*$");

  private DeployFiles() {}

  /** {@code deploy/} of this repository, found from the module's directory, where Maven runs tests. */
  static Path deployDirectory() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("deploy/Dockerfile"))) {
        return dir.resolve("deploy");
      }
    }
    throw new IllegalStateException("no deploy/Dockerfile above " + Path.of("").toAbsolutePath());
  }

  /** Every YAML document of a file, as SnakeYAML's plain types (maps, lists, strings, numbers). */
  static List<Object> loadAll(Path file) {
    // The safe constructor builds no Java objects named by tags; it resolves anchors and merge keys.
    Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
    try (Reader reader = Files.newBufferedReader(file)) {
      List<Object> documents = new ArrayList<>();
      yaml.loadAll(reader).forEach(documents::add);
      return documents;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** The one document of a YAML file, as a map. */
  static Map<String, Object> load(Path file) {
    List<Object> documents = loadAll(file);
    if (documents.size() != 1) {
      throw new IllegalStateException(file + " holds " + documents.size() + " documents, not one");
    }
    return map(documents.get(0), file.toString());
  }

  /** Where the image keeps the node's data: the Dockerfile's {@code ENV WARREN_DATA_DIR}. */
  static String imageDataDirectory() {
    Path dockerfile = deployDirectory().resolve("Dockerfile");
    try {
      Matcher m = DATA_DIR_ENV.matcher(Files.readString(dockerfile));
      if (!m.find()) {
        throw new IllegalStateException(dockerfile + " sets no WARREN_DATA_DIR");
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dockerfile, e);
    }
  }

  /** The environment variable of every setting the node knows. */
  static Set<String> settingVariables() {
    return WarrenConfig.ALL.stream().map(Setting::environmentVariable).collect(Collectors.toSet());
  }

  /** The node's {@code WARREN_*} variables among {@code variables}. */
  static Set<String> warrenVariables(Set<String> variables) {
    return variables.stream().filter(v -> v.startsWith("WARREN_")).collect(Collectors.toSet());
  }

  /** A YAML mapping, or a failure naming where it was expected. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node, String where) {
    if (!(node instanceof Map)) {
      throw new IllegalStateException(where + ": expected a mapping, got " + node);
    }
    return (Map<String, Object>) node;
  }

  /** {@code node[key]} as a mapping. */
  static Map<String, Object> map(Map<String, Object> node, String key) {
    return map(node.get(key), key);
  }

  /** A YAML sequence, or a failure naming where it was expected. */
  @SuppressWarnings("unchecked")
  static List<Object> list(Object node, String where) {
    if (!(node instanceof List)) {
      throw new IllegalStateException(where + ": expected a sequence, got " + node);
    }
    return (List<Object>) node;
  }

  /** {@code node[key]} as a sequence of mappings. */
  static List<Map<String, Object>> maps(Map<String, Object> node, String key) {
    return list(node.get(key), key).stream().map(o -> map(o, key)).toList();
  }
}
