package io.warren.node.deploy;

import static io.warren.node.deploy.DeployFiles.list;
import static io.warren.node.deploy.DeployFiles.map;
import static io.warren.node.deploy.DeployFiles.maps;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.node.config.WarrenConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/docker-compose.yml} parses and agrees with the node: every {@code WARREN_*}
 * variable it sets is a setting, every node service starts with a configuration the node accepts
 * whose id is the service's name and whose peer list names every node service, the ports are the
 * node's and published on loopback only, each node has its own volume where the image keeps its
 * data, and Prometheus's configuration scrapes every node.
 */
class DockerComposeFileTest {
  private static final Path DEPLOY = DeployFiles.deployDirectory();
  /** {@code ${NAME}}, {@code ${NAME-default}} or {@code ${NAME:-default}}, as Compose interpolates. */
  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}");
  private static final String PUBLISHED = "127.0.0.1:";

  private final Map<String, Object> compose = DeployFiles.load(DEPLOY.resolve("docker-compose.yml"));
  private final Map<String, Object> services = map(compose, "services");

  @Test
  void everyWarrenVariableIsASettingOfTheNode() {
    Set<String> variables = new TreeSet<>();
    services.keySet().forEach(s -> variables.addAll(environment(s).keySet()));
    assertThat(DeployFiles.warrenVariables(variables)).isNotEmpty().isSubsetOf(DeployFiles.settingVariables());
  }

  @Test
  void everyNodeIsNamedByItsServiceAndItsPeerListNamesEveryNode() {
    List<String> nodes = nodeServices();
    assertThat(nodes).hasSize(3);
    for (String node : nodes) {
      WarrenConfig config = WarrenConfig.load(null, environment(node));
      assertThat(config.get(WarrenConfig.NODE_ID)).as("node id of service %s", node).isEqualTo(node);
      Map<String, String> expected = new LinkedHashMap<>();
      nodes.forEach(peer -> expected.put(peer, peer + ":" + config.get(WarrenConfig.RAFT_PORT)));
      assertThat(config.get(WarrenConfig.CLUSTER_PEERS)).as("peers of service %s", node).isEqualTo(expected);
    }
  }

  @Test
  void portsAreTheNodesPortsPublishedOnLoopbackOnlyAndNodeOneHasTheDefaults() {
    Set<String> hostPorts = new TreeSet<>();
    for (String service : services.keySet()) {
      for (Object port : list(map(services, service).get("ports"), service + " ports")) {
        String text = String.valueOf(port);
        assertThat(text).as("%s publishes on loopback only", service).startsWith(PUBLISHED);
        assertThat(hostPorts.add(text.split(":")[1])).as("host port of %s is free: %s", service, text).isTrue();
      }
    }
    for (String node : nodeServices()) {
      WarrenConfig config = WarrenConfig.load(null, environment(node));
      Set<Integer> nodePorts = Set.of(config.get(WarrenConfig.AMQP_PORT), config.get(WarrenConfig.MANAGEMENT_PORT),
          config.get(WarrenConfig.METRICS_PORT));
      assertThat(containerPorts(node)).as("container ports of %s", node).isEqualTo(nodePorts);
    }
    List<Object> first = list(map(services, nodeServices().get(0)).get("ports"), "ports");
    assertThat(first).contains(PUBLISHED + "5672:5672", PUBLISHED + "15692:15692");
  }

  @Test
  void everyNodeKeepsItsDataOnItsOwnNamedVolumeWhereTheImageKeepsIt() {
    Set<String> declared = map(compose, "volumes").keySet();
    Set<String> used = new TreeSet<>();
    for (String node : nodeServices()) {
      List<String> data = list(map(services, node).get("volumes"), node + " volumes").stream().map(String::valueOf)
          .filter(v -> v.endsWith(":" + DeployFiles.imageDataDirectory())).toList();
      assertThat(data).as("volume of %s at %s", node, DeployFiles.imageDataDirectory()).hasSize(1);
      String volume = data.get(0).split(":")[0];
      assertThat(declared).as("named volumes").contains(volume);
      assertThat(used.add(volume)).as("%s has a volume of its own", node).isTrue();
      assertThat(environment(node)).doesNotContainKey("WARREN_DATA_DIR");
    }
  }

  @Test
  void prometheusScrapesEveryNodesMetrics() {
    Map<String, Object> prometheus = map(services, "prometheus");
    String config = list(prometheus.get("volumes"), "prometheus volumes").stream().map(String::valueOf)
        .filter(v -> v.contains(":/etc/prometheus/prometheus.yml")).findFirst().orElseThrow().split(":")[0];
    Path configFile = DEPLOY.resolve(config).normalize();
    assertThat(configFile).exists();
    assertThat(list(prometheus.get("ports"), "prometheus ports")).containsExactly(PUBLISHED + "9090:9090");

    Set<String> targets = new TreeSet<>();
    for (Map<String, Object> job : maps(DeployFiles.load(configFile), "scrape_configs")) {
      assertThat(job.get("metrics_path")).isEqualTo("/metrics");
      for (Map<String, Object> group : maps(job, "static_configs")) {
        list(group.get("targets"), "targets").forEach(t -> targets.add(String.valueOf(t)));
      }
    }
    Set<String> expected = nodeServices().stream()
        .map(n -> n + ":" + WarrenConfig.load(null, environment(n)).get(WarrenConfig.METRICS_PORT))
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(targets).isEqualTo(expected);
  }

  @Test
  void theImagesAreTheLocallyBuiltOnesUnlessNamedOtherwise() throws IOException {
    for (String node : nodeServices()) {
      assertThat(interpolate(String.valueOf(map(services, node).get("image")))).isEqualTo("warren:dev");
    }
    assertThat(interpolate(String.valueOf(map(services, "prometheus").get("image"))))
        .isEqualTo("warren-prometheus:bookworm");
    assertThat(Files.readString(DEPLOY.resolve("build-images.sh")))
        .contains("warren:dev", "warren-prometheus:bookworm");
  }

  /** The services that run a node: those that give it an id. */
  private List<String> nodeServices() {
    return services.keySet().stream().filter(s -> environment(s).containsKey("WARREN_NODE_ID")).toList();
  }

  /** A service's environment with Compose's variables at their defaults (none set). */
  private Map<String, String> environment(String service) {
    Object environment = map(services, service).get("environment");
    Map<String, String> env = new LinkedHashMap<>();
    if (environment != null) {
      map(environment, service + " environment").forEach((k, v) -> env.put(k, interpolate(v == null ? "" : String.valueOf(v))));
    }
    return env;
  }

  /** The container ports a service publishes. */
  private Set<Integer> containerPorts(String service) {
    Set<Integer> ports = new TreeSet<>();
    for (Object port : list(map(services, service).get("ports"), service + " ports")) {
      String[] parts = String.valueOf(port).split(":");
      ports.add(Integer.parseInt(parts[parts.length - 1]));
    }
    return ports;
  }

  private static String interpolate(String value) {
    Matcher m = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(2) == null ? "" : m.group(2)));
    }
    m.appendTail(out);
    return out.toString();
  }
}
