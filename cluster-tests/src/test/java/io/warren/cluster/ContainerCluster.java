package io.warren.cluster;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.warren.node.durability.ClientConnection;
import io.warren.node.durability.NodeProcess;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.DockerClientFactory;

/**
 * A cluster of Warren node containers from the node's image, configured as
 * {@code deploy/docker-compose.yml} configures its nodes: warren1..N, the same peer list
 * ({@code warren1=warren1:25690,...}) on each, data on the image's volume. A container that is
 * killed or stopped keeps its volume, so starting it again is a node restarting on its data.
 *
 * <p>Two networks. Clients reach each node through its ports published on 127.0.0.1 from the
 * "clients" network (random host ports, which change with every start of a container, so clients
 * ask {@link #serving()}). The nodes reach each other on the internal "raft" network, the only one
 * where their names resolve. Disconnecting a node from the raft network cuts it off from its
 * peers while its clients still reach it: a network partition with the node in the minority.
 *
 * <p>Thread-safe like {@link Cluster}. {@link #close()} saves every node's log under
 * {@code target/node-logs/<test>/} and removes the containers, their volumes and the networks.
 */
public final class ContainerCluster implements NodeCluster, AutoCloseable {
  static final int AMQP_PORT = 5672;
  static final int METRICS_PORT = 15692;
  static final int RAFT_PORT = 25690;
  /** On everything the container tests create; {@code .ci/run} removes what an interrupted run left. */
  static final String LABEL = "io.warren.test";
  private static final Duration START_PATIENCE = Duration.ofMinutes(2);
  private static final Duration EXIT_PATIENCE = Duration.ofSeconds(30);
  private static final int STOP_TIMEOUT_SECONDS = 60;
  /** As the process tests give their node JVMs: three nodes and the test share two cores. */
  private static final String JVM_OPTIONS = "-Xmx256m";

  private final DockerClient docker = DockerClientFactory.instance().client();
  /** Where the published ports are reached from this JVM. */
  private final String dockerHost = DockerClientFactory.instance().dockerHostIpAddress();
  private final String testName;
  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<String> networks = new ArrayList<>();
  private String clientsNetwork;
  private String raftNetwork;
  /** Node id to container id, in id order. */
  private final Map<String, String> containers = new LinkedHashMap<>();
  /** Each node's address on the raft network at its first start, which its Raft port listens on. */
  private final Map<String, String> raftAddresses = new ConcurrentHashMap<>();
  /** The nodes that serve clients now, with their AMQP port on the Docker host. */
  private final ServingNodes<Integer> serving = new ServingNodes<>();
  /** Why the last probe of a starting node failed, for the failure of a start that never ends. */
  private volatile String lastProbeFailure = "none";

  private ContainerCluster(String testName) {
    this.testName = testName;
  }

  /** Creates nodes warren1..warren{size} and starts them together; returns once all serve clients. */
  public static ContainerCluster start(String testName, int size) {
    Cluster.deleteLogsOfEarlierRuns(testName);
    ContainerCluster cluster = new ContainerCluster(testName);
    try {
      cluster.create(IntStream.rangeClosed(1, size).mapToObj(i -> "warren" + i).toList());
      cluster.start(cluster.ids());
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  private void create(List<String> ids) {
    String image = ContainerImages.node();
    clientsNetwork = createNetwork("clients", false);
    raftNetwork = createNetwork("raft", true);
    String peers = ids.stream().map(id -> id + "=" + id + ":" + RAFT_PORT).collect(Collectors.joining(","));
    for (String id : ids) {
      String container = docker.createContainerCmd(image)
          .withName("warren-test-" + run + "-" + id)
          .withLabels(Map.of(LABEL, testName))
          .withEnv(List.of(
              "WARREN_NODE_ID=" + id,
              "WARREN_CLUSTER_PEERS=" + peers,
              // Clients arrive through Docker's port forwarding, never over the container's loopback.
              "WARREN_LOOPBACK_USERS=",
              "JAVA_TOOL_OPTIONS=" + JVM_OPTIONS))
          .withExposedPorts(ExposedPort.tcp(AMQP_PORT), ExposedPort.tcp(METRICS_PORT))
          .withHostConfig(HostConfig.newHostConfig()
              .withNetworkMode(clientsNetwork)
              .withPortBindings(loopbackBinding(AMQP_PORT), loopbackBinding(METRICS_PORT)))
          .exec().getId();
      containers.put(id, container);
      // Before the first start, so that the node's own name resolves when it binds its Raft port.
      joinRaftNetwork(container, id);
    }
  }

  private static PortBinding loopbackBinding(int port) {
    return new PortBinding(Ports.Binding.bindIp("127.0.0.1"), ExposedPort.tcp(port));
  }

  private String createNetwork(String purpose, boolean internal) {
    String name = "warren-test-" + run + "-" + purpose;
    String id = docker.createNetworkCmd().withName(name).withDriver("bridge").withInternal(internal)
        .withLabels(Map.of(LABEL, testName)).exec().getId();
    networks.add(id);
    return id;
  }

  /** The network whose published ports clients use: another container joins it to be reached too. */
  public String clientsNetwork() {
    return clientsNetwork;
  }

  /**
   * Puts a container on the raft network, where the nodes' names resolve; {@code alias} is its
   * name there, or null for none (a scraper that only needs to reach the nodes).
   */
  public void joinRaftNetwork(String containerId, String alias) {
    ContainerNetwork endpoint = new ContainerNetwork();
    if (alias != null) {
      endpoint.withAliases(alias);
    }
    docker.connectToNetworkCmd().withNetworkId(raftNetwork).withContainerId(containerId)
        .withContainerNetwork(endpoint).exec();
  }

  @Override
  public List<String> ids() {
    return List.copyOf(containers.keySet());
  }

  @Override
  public ServingNodes<?> servingNodes() {
    return serving;
  }

  @Override
  public List<Member> serving() {
    List<Member> members = new ArrayList<>();
    for (String id : containers.keySet()) {
      Integer port = serving.get(id);
      if (port != null) {
        members.add(new Member(id, () -> NodeProcess.connectionFactory(dockerHost, port)));
      }
    }
    return members;
  }

  /** The container of node {@code id}. */
  public String containerId(String id) {
    String container = containers.get(id);
    if (container == null) {
      throw new IllegalArgumentException("no node " + id + " in " + containers.keySet());
    }
    return container;
  }

  /** Where node {@code id}'s metrics are reached from this JVM (the port changes with every start). */
  public String metricsAddress(String id) {
    return dockerHost + ":" + hostPort(inspect(id), METRICS_PORT);
  }

  /**
   * Starts these nodes' containers side by side (each waits at start for a majority) and waits
   * until every one of them serves clients.
   */
  public void start(Collection<String> ids) {
    for (String id : ids) {
      docker.startContainerCmd(containerId(id)).exec();
    }
    for (String id : ids) {
      raftAddresses.putIfAbsent(id, raftAddress(inspect(id)));
      int port;
      try {
        port = Awaitility.await(id + " to serve clients").atMost(START_PATIENCE)
            .pollInterval(Duration.ofMillis(250))
            .until(() -> amqpPortIfServing(id), p -> p > 0);
      } catch (ConditionTimeoutException e) {
        throw new IllegalStateException(id + " did not serve clients within " + START_PATIENCE
            + " (the last probe: " + lastProbeFailure + "); its log says: " + NodeProcess.digest(log(id))
            + "; the others' logs say: " + containers.keySet().stream().filter(other -> !other.equals(id))
                .map(other -> other + " " + NodeProcess.digest(log(other))).collect(Collectors.joining("; ")), e);
      }
      serving.put(id, port);
      System.out.printf("container cluster: %s serves AMQP on %s:%d%n", id, dockerHost, port);
    }
  }

  /** Starts node {@code id}'s container again and waits until it serves. */
  public void restart(String id) {
    start(List.of(id));
  }

  /** Starts every node that does not run, together. */
  public void startAll() {
    start(containers.keySet().stream().filter(id -> !isRunning(inspect(id))).toList());
  }

  /** SIGKILL to the node's JVM (the container's main process); waits until the container is down. */
  public void kill(String id) {
    serving.remove(id);
    docker.killContainerCmd(containerId(id)).exec();
    Awaitility.await(id + " to die").atMost(EXIT_PATIENCE).pollInterval(Duration.ofMillis(100))
        .until(() -> !isRunning(inspect(id)));
    System.out.printf("container cluster: killed %s%n", id);
  }

  /** SIGTERM, the clean stop ({@code docker stop}); returns the node's exit code. */
  public long stop(String id) {
    serving.remove(id);
    docker.stopContainerCmd(containerId(id)).withTimeout(STOP_TIMEOUT_SECONDS).exec();
    long code = inspect(id).getState().getExitCodeLong();
    System.out.printf("container cluster: stopped %s, exit code %d%n", id, code);
    return code;
  }

  /** SIGTERM to every node at once (one at a time, the last ones would lose their majority). */
  public Map<String, Long> stopAll() {
    Map<String, CompletableFuture<Long>> stops = new LinkedHashMap<>();
    for (String id : containers.keySet()) {
      stops.put(id, CompletableFuture.supplyAsync(() -> stop(id)));
    }
    Map<String, Long> codes = new LinkedHashMap<>();
    stops.forEach((id, stop) -> codes.put(id, stop.join()));
    return codes;
  }

  /**
   * Cuts node {@code id} off from its peers: its container leaves the raft network. Its clients
   * still reach it, so it stays among the serving nodes.
   */
  public void disconnect(String id) {
    docker.disconnectFromNetworkCmd().withNetworkId(raftNetwork).withContainerId(containerId(id)).exec();
    System.out.printf("container cluster: cut %s off from its peers%n", id);
  }

  /**
   * Joins node {@code id} to the raft network again. Its Raft port listens on the address it had
   * when it started; Docker hands the same one back when it is still free, which this checks.
   */
  public void reconnect(String id) {
    joinRaftNetwork(containerId(id), id);
    String address = raftAddress(inspect(id));
    if (!address.equals(raftAddresses.get(id))) {
      throw new IllegalStateException(id + " came back on the raft network as " + address + ", not "
          + raftAddresses.get(id) + ", where its Raft port listens");
    }
    System.out.printf("container cluster: %s reconnected to its peers at %s%n", id, address);
  }

  /**
   * Waits until another node says it declared node {@code id} down (the metadata group's leader
   * does, after {@code cluster.node-down-after} seconds without an answer).
   */
  public void awaitDeclaredDown(String id) {
    String line = "Node " + id + " has not answered for ";
    Awaitility.await("the cluster to declare " + id + " down").atMost(START_PATIENCE)
        .pollInterval(Duration.ofMillis(500))
        .until(() -> containers.keySet().stream().filter(other -> !other.equals(id))
            .anyMatch(other -> log(other).contains(line)));
    System.out.printf("container cluster: %s declared down%n", id);
  }

  /**
   * The node's AMQP port on the Docker host once a client can open a connection there, else -1;
   * fails with the node's log if its container stopped.
   */
  private int amqpPortIfServing(String id) {
    InspectContainerResponse info = inspect(id);
    if (!isRunning(info)) {
      throw new IllegalStateException(id + " exited with " + info.getState().getExitCodeLong()
          + " before it served clients; its log:\n" + log(id));
    }
    int port = hostPort(info, AMQP_PORT);
    try {
      new ClientConnection(NodeProcess.connectionFactory(dockerHost, port).newConnection("probe")).close();
      return port;
    } catch (IOException | TimeoutException e) {
      lastProbeFailure = e.toString();
      return -1;
    }
  }

  private InspectContainerResponse inspect(String id) {
    return docker.inspectContainerCmd(containerId(id)).exec();
  }

  private static boolean isRunning(InspectContainerResponse info) {
    return Boolean.TRUE.equals(info.getState().getRunning());
  }

  private static int hostPort(InspectContainerResponse info, int containerPort) {
    Ports.Binding[] bindings = info.getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(containerPort));
    if (bindings == null || bindings.length == 0) {
      throw new IllegalStateException("port " + containerPort + " of " + info.getName() + " is not published");
    }
    return Integer.parseInt(bindings[0].getHostPortSpec());
  }

  private String raftAddress(InspectContainerResponse info) {
    return info.getNetworkSettings().getNetworks().values().stream()
        .filter(n -> raftNetwork.equals(n.getNetworkID()))
        .map(ContainerNetwork::getIpAddress)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(info.getName() + " is not on the raft network"));
  }

  /** The container's output so far, every run of the node in it. */
  private String log(String id) {
    Path file = saveLog(id);
    try {
      return Files.readString(file, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Writes the container's output to {@code target/node-logs/<test>/<id>.log} and returns the file. */
  private Path saveLog(String id) {
    Path file = NodeProcess.logFile(testName, id);
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream out = Files.newOutputStream(file)) {
        docker.logContainerCmd(containerId(id)).withStdOut(true).withStdErr(true)
            .exec(new ResultCallback.Adapter<Frame>() {
              @Override
              public void onNext(Frame frame) {
                try {
                  out.write(frame.getPayload());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            }).awaitCompletion();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted saving the log of " + id, e);
    }
    return file;
  }

  /**
   * Has every running node print its threads' stacks to its log (SIGQUIT). The cluster is closed
   * after a test's last assertion, failed or not, and a failure that a hung node caused (a confirm
   * that never comes) is only explained by where its threads wait then.
   */
  private void dumpThreads() {
    List<String> dumping = new ArrayList<>();
    for (String id : containers.keySet()) {
      try {
        InspectContainerResponse info = inspect(id);
        if (isRunning(info) && !Boolean.TRUE.equals(info.getState().getPaused())) {
          docker.killContainerCmd(containerId(id)).withSignal("QUIT").exec();
          dumping.add(id);
        }
      } catch (RuntimeException e) {
        System.out.printf("container cluster: no thread dump of %s: %s%n", id, e);
      }
    }
    for (String id : dumping) {
      try {
        // The JVM's signal thread writes the dump after the signal; its last line counts JNI refs.
        Awaitility.await("thread dump of " + id).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
            .until(() -> log(id).contains("JNI global refs"));
      } catch (RuntimeException e) {
        System.out.printf("container cluster: no complete thread dump of %s: %s%n", id, e);
      }
    }
  }

  /**
   * Saves every node's log, with a thread dump of each running one, then removes the containers
   * with their volumes, then the networks.
   */
  @Override
  public void close() {
    serving.clear();
    dumpThreads();
    List<RuntimeException> failures = new ArrayList<>();
    for (String id : containers.keySet()) {
      try {
        System.out.printf("container cluster: log of %s in %s%n", id, saveLog(id));
      } catch (RuntimeException e) {
        failures.add(e);
      }
      try {
        docker.removeContainerCmd(containerId(id)).withForce(true).withRemoveVolumes(true).exec();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    for (String network : networks) {
      try {
        docker.removeNetworkCmd(network).exec();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
