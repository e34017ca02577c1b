package io.warren.node.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.node.metrics.ServedMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/grafana/warren-dashboard.json}: an importable dashboard whose data source is a
 * variable, and whose queries name only metrics a real node serves.
 */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = DeployFiles.deployDirectory().resolve("grafana/warren-dashboard.json");
  private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w$:])([a-zA-Z_:][a-zA-Z0-9_:]*+)(?!\\s*\\()");
  private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)");
  private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset");

  @TempDir Path dataDir;

  @Test
  void isAnImportableDashboardWithTheDataSourceAsAVariable() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());

    assertThat(dashboard.path("uid").asText()).isNotBlank();
    assertThat(dashboard.path("title").asText()).isEqualTo("Warren");
    assertThat(dashboard.path("schemaVersion").asInt()).isPositive();
    List<JsonNode> variables = new ArrayList<>();
    dashboard.path("templating").path("list").forEach(variables::add);
    assertThat(variables).anySatisfy(v -> {
      assertThat(v.path("name").asText()).isEqualTo("datasource");
      assertThat(v.path("type").asText()).isEqualTo("datasource");
      assertThat(v.path("query").asText()).isEqualTo("prometheus");
    });
    Set<Integer> ids = new HashSet<>();
    List<JsonNode> panels = new ArrayList<>();
    dashboard.path("panels").forEach(panels::add);
    for (JsonNode panel : panels) {
      assertThat(ids.add(panel.path("id").asInt())).as("unique id of " + panel.path("title")).isTrue();
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
            .isEqualTo("${datasource}");
        assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      }
    }
  }

  @Test
  void queriesOnlyNameMetricsTheNodeServes() throws Exception {
    Set<String> used = metricNames(new ObjectMapper().readTree(DASHBOARD.toFile()));
    assertThat(used).hasSizeGreaterThan(30);

    Set<String> served = ServedMetrics.afterTraffic(dataDir);

    assertThat(served).containsAll(used);
  }

  /** Metric names in the panels' expressions and in the variables' label_values queries. */
  static Set<String> metricNames(JsonNode dashboard) {
    Set<String> names = new TreeSet<>();
    dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(
        target -> names.addAll(metricNames(target.path("expr").asText()))));
    dashboard.path("templating").path("list").forEach(variable -> {
      Matcher m = LABEL_VALUES.matcher(variable.path("query").path("query").asText());
      if (m.find()) {
        names.add(m.group(1));
      }
    });
    return names;
  }

  /** The metric names of a PromQL expression: identifiers that are not functions, labels or keywords. */
  static Set<String> metricNames(String expr) {
    String bare = expr
        .replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")   // strings
        .replaceAll("\\{[^}]*}", "")                       // label matchers
        .replaceAll("\\[[^\\]]*]", "")                     // range selectors
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "")
        .replaceAll("\\$\\w+", "");                        // Grafana variables
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      if (!PROMQL_WORDS.contains(m.group(1)) && !m.group(1).matches("\\d.*")) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void findsMetricNamesInPromQl() {
    assertThat(metricNames("sum by (vhost, queue) (rate(a_total{vhost=~\"$vhost\", x=\"b{c}\"}[$__rate_interval]))"
        + " + max(b_bytes{role=\"leader\"}) / on(instance) c"))
        .containsExactly("a_total", "b_bytes", "c");
  }
}
