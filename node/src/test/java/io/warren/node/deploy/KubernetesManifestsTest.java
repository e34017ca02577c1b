package io.warren.node.deploy;

import static io.warren.node.deploy.DeployFiles.list;
import static io.warren.node.deploy.DeployFiles.map;
import static io.warren.node.deploy.DeployFiles.maps;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.node.config.WarrenConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/k8s/} parses and agrees with the node: every {@code WARREN_*} variable it sets is
 * a setting of the node, every replica starts with a configuration the node accepts, whose id is
 * the pod's name and whose peer list names every replica by its headless Service DNS name, and the
 * ports, probes, Services, volume and disruption budget fit together.
 */
class KubernetesManifestsTest {
  private static final Path K8S = DeployFiles.deployDirectory().resolve("k8s");
  /** Any namespace: the peer list takes the pod's own. */
  private static final String NAMESPACE = "messaging";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  /** One Kubernetes object of the manifests. */
  record Resource(String kind, String name, Map<String, Object> body, Path file) {
    Map<String, Object> spec() {
      return map(body, "spec");
    }
  }

  private static List<Resource> resources;

  @BeforeAll
  static void load() throws IOException {
    resources = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        for (Object document : DeployFiles.loadAll(file)) {
          Map<String, Object> body = map(document, file.toString());
          resources.add(new Resource(String.valueOf(body.get("kind")),
              String.valueOf(map(body, "metadata").get("name")), body, file));
        }
      }
    }
  }

  @Test
  void everyManifestIsAKubernetesObjectAndTheKustomizationListsEveryFile() throws IOException {
    for (Resource r : resources) {
      assertThat(r.body()).as(r.file().toString()).containsKeys("apiVersion", "kind", "metadata");
      assertThat(r.name()).as(r.file() + ": metadata.name").isNotBlank().isNotEqualTo("null");
    }
    assertThat(resources).extracting(Resource::kind).contains("StatefulSet", "Service", "ConfigMap",
        "PodDisruptionBudget");

    Set<String> listed = list(DeployFiles.load(K8S.resolve("kustomization.yaml")).get("resources"), "resources")
        .stream().map(String::valueOf).collect(Collectors.toCollection(TreeSet::new));
    Set<String> files = resources.stream().map(r -> r.file().getFileName().toString())
        .collect(Collectors.toCollection(TreeSet::new));
    assertThat(listed).as("kustomization.yaml resources").isEqualTo(files);
  }

  @Test
  void everyWarrenVariableIsASettingOfTheNode() {
    Set<String> variables = new TreeSet<>();
    for (Map<String, Object> container : containers()) {
      maps(container, "env").forEach(e -> variables.add(String.valueOf(e.get("name"))));
    }
    resources.stream().filter(r -> r.kind().equals("ConfigMap")).forEach(r -> variables.addAll(map(r.body(), "data").keySet()));
    resources.stream().filter(r -> r.kind().equals("Secret")).forEach(r -> variables.addAll(map(r.body(), "stringData").keySet()));

    assertThat(DeployFiles.warrenVariables(variables)).isNotEmpty().isSubsetOf(DeployFiles.settingVariables());
  }

  @Test
  void everyReplicaIsNamedByItsPodAndItsPeerListNamesEveryReplica() {
    Resource statefulSet = one("StatefulSet");
    int replicas = replicas();
    String headless = String.valueOf(statefulSet.spec().get("serviceName"));
    List<String> pods = IntStream.range(0, replicas).mapToObj(i -> statefulSet.name() + "-" + i).toList();
    int raftPort = containerPorts().get("raft");

    for (String pod : pods) {
      WarrenConfig config = WarrenConfig.load(null, environment(pod));
      assertThat(config.get(WarrenConfig.NODE_ID)).as("node id of pod %s", pod).isEqualTo(pod);
      Map<String, String> expected = new LinkedHashMap<>();
      for (String peer : pods) {
        expected.put(peer, peer + "." + headless + "." + NAMESPACE + ".svc.cluster.local:" + raftPort);
      }
      assertThat(config.get(WarrenConfig.CLUSTER_PEERS)).as("peers of pod %s", pod).isEqualTo(expected);
    }
  }

  @Test
  void theHeadlessServiceNamesEveryPodBeforeItIsReadyAndThePodsStartTogether() {
    Resource statefulSet = one("StatefulSet");
    Resource headless = service(String.valueOf(statefulSet.spec().get("serviceName")));
    assertThat(headless.spec().get("clusterIP")).isEqualTo("None");
    // A node is ready only once a majority answers it: the peers' names must resolve before that.
    assertThat(headless.spec().get("publishNotReadyAddresses")).isEqualTo(true);
    // A node waits at start for a majority: one pod at a time would never get past the first.
    assertThat(statefulSet.spec().get("podManagementPolicy")).isEqualTo("Parallel");
  }

  @Test
  void servicesAndTheDisruptionBudgetSelectTheNodes() {
    Map<String, Object> spec = one("StatefulSet").spec();
    Map<String, Object> podLabels = map(map(map(spec, "template"), "metadata"), "labels");
    assertThat(podLabels).isNotEmpty();
    assertThat(map(map(spec, "selector"), "matchLabels")).isEqualTo(podLabels);
    for (Resource service : resources.stream().filter(r -> r.kind().equals("Service")).toList()) {
      assertThat(podLabels).as("pods selected by Service %s", service.name())
          .containsAllEntriesOf(map(service.spec(), "selector"));
    }
    assertThat(podLabels).as("pods selected by the PodDisruptionBudget")
        .containsAllEntriesOf(map(map(one("PodDisruptionBudget").spec(), "selector"), "matchLabels"));
  }

  @Test
  void portsAreTheNodesPortsAndEveryServiceAndProbeNamesOne() {
    Map<String, Integer> ports = containerPorts();
    WarrenConfig config = WarrenConfig.load(null, environment(one("StatefulSet").name() + "-0"));
    assertThat(ports).containsEntry("amqp", config.get(WarrenConfig.AMQP_PORT))
        .containsEntry("management", config.get(WarrenConfig.MANAGEMENT_PORT))
        .containsEntry("metrics", config.get(WarrenConfig.METRICS_PORT))
        .containsKey("raft");

    for (Resource service : resources.stream().filter(r -> r.kind().equals("Service")).toList()) {
      for (Map<String, Object> port : maps(service.spec(), "ports")) {
        Object target = port.get("targetPort");
        assertThat(ports).as("Service %s port %s targets a container port", service.name(), port.get("name"))
            .containsKey(String.valueOf(target));
        assertThat(port.get("port")).as("Service %s port %s", service.name(), port.get("name"))
            .isEqualTo(ports.get(String.valueOf(target)));
      }
    }
    Map<String, Object> container = containers().get(0);
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      Object port = map(map(container, probe), "tcpSocket").get("port");
      assertThat(port).as(probe).isEqualTo("amqp");
    }
  }

  @Test
  void everyNodeKeepsItsDataOnItsOwnVolumeWhereTheImageKeepsIt() {
    Map<String, Object> spec = one("StatefulSet").spec();
    String claim = String.valueOf(map(maps(spec, "volumeClaimTemplates").get(0), "metadata").get("name"));
    List<Map<String, Object>> mounts = maps(containers().get(0), "volumeMounts");
    assertThat(mounts).filteredOn(m -> claim.equals(m.get("name"))).extracting(m -> m.get("mountPath"))
        .containsExactly(DeployFiles.imageDataDirectory());
    assertThat(environment(one("StatefulSet").name() + "-0")).doesNotContainKey("WARREN_DATA_DIR");
  }

  @Test
  void theDisruptionBudgetLeavesAMajority() {
    int maxUnavailable = ((Number) one("PodDisruptionBudget").spec().get("maxUnavailable")).intValue();
    assertThat(replicas() - maxUnavailable).isGreaterThanOrEqualTo(replicas() / 2 + 1);
  }

  private static int replicas() {
    return ((Number) one("StatefulSet").spec().get("replicas")).intValue();
  }

  private static Resource one(String kind) {
    List<Resource> found = resources.stream().filter(r -> r.kind().equals(kind)).toList();
    assertThat(found).as("manifests of kind %s", kind).hasSize(1);
    return found.get(0);
  }

  private static Resource service(String name) {
    return resources.stream().filter(r -> r.kind().equals("Service") && r.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no Service " + name));
  }

  private static List<Map<String, Object>> containers() {
    return maps(map(map(one("StatefulSet").spec(), "template"), "spec"), "containers");
  }

  /** The node container's ports by name. */
  private static Map<String, Integer> containerPorts() {
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Map<String, Object> port : maps(containers().get(0), "ports")) {
      ports.put(String.valueOf(port.get("name")), ((Number) port.get("containerPort")).intValue());
    }
    return ports;
  }

  /**
   * The environment the node container of pod {@code pod} gets, as the kubelet makes it: the
   * ConfigMaps and Secrets of {@code envFrom}, then {@code env} in order, with the pod's name and
   * namespace for their field references and {@code $(NAME)} expanded from what came before.
   */
  private static Map<String, String> environment(String pod) {
    Map<String, Object> container = containers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (Map<String, Object> source : maps(container, "envFrom")) {
      if (source.containsKey("configMapRef")) {
        String name = String.valueOf(map(source, "configMapRef").get("name"));
        map(named("ConfigMap", name).body(), "data").forEach((k, v) -> env.put(k, String.valueOf(v)));
      } else {
        String name = String.valueOf(map(source, "secretRef").get("name"));
        map(named("Secret", name).body(), "stringData").forEach((k, v) -> env.put(k, String.valueOf(v)));
      }
    }
    for (Map<String, Object> variable : maps(container, "env")) {
      String name = String.valueOf(variable.get("name"));
      if (variable.containsKey("value")) {
        env.put(name, expand(String.valueOf(variable.get("value")), env));
      } else {
        String field = String.valueOf(map(map(variable, "valueFrom"), "fieldRef").get("fieldPath"));
        env.put(name, switch (field) {
          case "metadata.name" -> pod;
          case "metadata.namespace" -> NAMESPACE;
          default -> throw new AssertionError("unexpected field reference " + field);
        });
      }
    }
    return env;
  }

  private static Resource named(String kind, String name) {
    return resources.stream().filter(r -> r.kind().equals(kind) && r.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("envFrom names " + kind + " " + name + ", which the manifests lack"));
  }

  /** {@code $(NAME)} replaced by NAME's value; a reference to an undefined name stays, as Kubernetes leaves it. */
  private static String expand(String value, Map<String, String> defined) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = defined.getOrDefault(m.group(1), m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
