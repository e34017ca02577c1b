package io.warren.node.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/metrics.md lists exactly what a real node serves: no metric undocumented, none made up. */
class MetricsDocumentationTest {
  /** A table row of the metrics page: its first cell is the metric's name. */
  private static final Pattern ROW = Pattern.compile("(?m)^\\| `([a-zA-Z_:][a-zA-Z0-9_:]*)` \\|");
  /** Sample suffixes of a summary or histogram family, documented under the family's name. */
  private static final Pattern SAMPLE_SUFFIX = Pattern.compile("_(count|sum|bucket)$");

  @TempDir Path dataDir;

  @Test
  void documentsEveryServedMetricAndNothingElse() throws Exception {
    Set<String> documented = documented();
    Set<String> served = ServedMetrics.afterTraffic(dataDir);

    Set<String> undocumented = new TreeSet<>();
    for (String name : served) {
      if (!documented.contains(name) && !documented.contains(SAMPLE_SUFFIX.matcher(name).replaceFirst(""))) {
        undocumented.add(name);
      }
    }
    assertThat(undocumented).as("served but not in docs/metrics.md").isEmpty();
    Set<String> madeUp = new TreeSet<>();
    for (String name : documented) {
      if (!served.contains(name) && !served.contains(name + "_count")) {
        madeUp.add(name);
      }
    }
    assertThat(madeUp).as("in docs/metrics.md but not served").isEmpty();
  }

  private static Set<String> documented() throws IOException {
    Set<String> names = new TreeSet<>();
    Matcher m = ROW.matcher(Files.readString(docs()));
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  private static Path docs() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("docs/metrics.md"))) {
        return dir.resolve("docs/metrics.md");
      }
    }
    throw new IllegalStateException("no docs/metrics.md above " + Path.of("").toAbsolutePath());
  }
}
