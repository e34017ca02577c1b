package io.warren.raft;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** Real Raft nodes on loopback in this JVM, each with its own data directory and port. */
final class TestCluster implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  /** Settings for tests: shorter timeouts and small memory; still real fsyncs and real gRPC. */
  static RaftSettings.Builder testSettings() {
    return RaftSettings.defaults().toBuilder()
        .electionTimeout(Duration.ofMillis(600), Duration.ofMillis(1200))
        .firstElectionTimeout(Duration.ofMillis(150), Duration.ofMillis(300))
        .maxCommandBytes(1 << 20)
        .segmentSizeBytes(1 << 20)
        .preallocatedBytes(64 << 10)
        .submitTimeout(Duration.ofSeconds(30))
        .clientRequestTimeout(Duration.ofSeconds(3))
        .grpcServerWorkers(2)
        .storageMemory(16 << 20, 32 << 20, 1 << 20);
  }

  private final Path root;
  private final RaftSettings settings;
  private final Map<String, String> peers = new LinkedHashMap<>();
  /** Nodes that listen on another host than the one their peers reach them at (a relay's). */
  private final Map<String, String> bindHosts = new ConcurrentHashMap<>();
  private final Map<String, RaftNode> running = new ConcurrentHashMap<>();
  /** Latest machine per (node, group). */
  private final Map<String, CounterMachine> machines = new ConcurrentHashMap<>();

  TestCluster(Path root, int size, RaftSettings settings) {
    this.root = root;
    this.settings = settings;
    for (int i = 1; i <= size; i++) {
      peers.put("n" + i, "127.0.0.1:" + freePort());
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Before the node starts: its peers reach it at {@code host} (where a relay listens), and it
   * listens on 127.0.0.1, same port. Returns the port.
   */
  int reachThrough(String id, String host) {
    int port = RaftNodeConfig.port(peers.get(id));
    peers.put(id, host + ":" + port);
    bindHosts.put(id, "127.0.0.1");
    return port;
  }

  List<String> ids() {
    return new ArrayList<>(peers.keySet());
  }

  Path dataDir(String id) {
    return root.resolve(id);
  }

  RaftNode start(String id) {
    RaftNodeConfig config = new RaftNodeConfig(id, peers, dataDir(id), bindHosts.get(id), settings);
    RaftNode node =
        RaftNode.start(
            config,
            group -> {
              CounterMachine m = new CounterMachine();
              machines.put(id + "/" + group, m);
              return m;
            });
    running.put(id, node);
    return node;
  }

  void startAll() {
    ids().forEach(this::start);
  }

  RaftNode node(String id) {
    RaftNode n = running.get(id);
    if (n == null) {
      throw new IllegalStateException(id + " is not running");
    }
    return n;
  }

  CounterMachine machine(String id, String group) {
    return machines.get(id + "/" + group);
  }

  void stop(String id) {
    RaftNode n = running.remove(id);
    if (n != null) {
      n.close();
    }
  }

  void wipe(String id) throws IOException {
    try (Stream<Path> walk = Files.walk(dataDir(id))) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Every running node (that is a member) adds the group. */
  void ensureGroup(GroupSpec spec) {
    running.values().forEach(n -> n.ensureGroup(spec).join());
  }

  /** Waits until a running node leads {@code group} and returns its id. */
  String awaitLeader(String group) {
    return await()
        .atMost(WAIT)
        .until(() -> leader(group), Optional::isPresent)
        .orElseThrow();
  }

  Optional<String> leader(String group) {
    return running.entrySet().stream()
        .filter(e -> e.getValue().isLeader(group))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  @Override
  public void close() {
    running.keySet().forEach(this::stop);
  }
}
