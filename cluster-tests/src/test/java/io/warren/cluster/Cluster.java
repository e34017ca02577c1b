package io.warren.cluster;

import io.warren.node.durability.NodeProcess;
import io.warren.node.durability.NodeSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A cluster of Warren node JVMs on loopback, as an operator runs one: every node has its own data
 * directory and the same peer list; the Raft ports are chosen once, so a node restarted from its
 * spec rejoins on the same address. Client ports are picked by the nodes (port 0) and read from
 * their logs, so they change with every start: clients ask {@link #serving()} where to connect.
 *
 * <p>Thread-safe: the workload's clients read {@link #serving()} while the test kills and restarts
 * nodes. {@link #close()} kills whatever still runs.
 */
public final class Cluster implements NodeCluster, AutoCloseable {
  private final String testName;
  private final Map<String, NodeSpec> specs;
  /** Every node process started and not yet gone, paused or not. */
  private final Map<String, NodeProcess> running = new ConcurrentHashMap<>();
  /** The nodes a client may connect to: started, and not paused. */
  private final ServingNodes<NodeProcess> serving = new ServingNodes<>();
  private final Map<String, Integer> starts = new ConcurrentHashMap<>();

  private Cluster(String testName, Map<String, NodeSpec> specs) {
    this.testName = testName;
    this.specs = specs;
  }

  /** Starts {@code size} nodes n1..n{size} side by side and waits until all serve clients. */
  public static Cluster start(String testName, Path dir, int size) {
    deleteLogsOfEarlierRuns(testName);
    List<String> ids = IntStream.rangeClosed(1, size).mapToObj(i -> "n" + i).toList();
    String peers = ids.stream()
        .map(id -> id + "=127.0.0.1:" + NodeSpec.freeLoopbackPort())
        .collect(Collectors.joining(","));
    Map<String, NodeSpec> specs = new LinkedHashMap<>();
    for (String id : ids) {
      specs.put(id, NodeSpec.clusterMember(dir.resolve(id), id, peers));
    }
    Cluster cluster = new Cluster(testName, specs);
    try {
      cluster.start(ids);
    } catch (RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** A test's log directory holds this run's logs only, not those of nodes an earlier run had. */
  static void deleteLogsOfEarlierRuns(String testName) {
    Path logs = NodeProcess.logFile(testName, "any").getParent();
    if (!Files.isDirectory(logs)) {
      return;
    }
    try (Stream<Path> files = Files.list(logs)) {
      for (Path file : files.toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + logs, e);
    }
  }

  @Override
  public List<String> ids() {
    return List.copyOf(specs.keySet());
  }

  /** The running process of node {@code id}. */
  public NodeProcess node(String id) {
    NodeProcess node = running.get(id);
    if (node == null) {
      throw new IllegalStateException("node " + id + " is not running");
    }
    return node;
  }

  @Override
  public ServingNodes<?> servingNodes() {
    return serving;
  }

  /** The nodes clients can use now, in id order: started and not paused. */
  @Override
  public List<Member> serving() {
    List<Member> members = new ArrayList<>();
    for (String id : specs.keySet()) {
      NodeProcess process = serving.get(id);
      if (process != null) {
        members.add(new Member(id, process::connectionFactory));
      }
    }
    return members;
  }

  /**
   * Starts these nodes (each from its spec, so on its data directory and Raft port) side by side,
   * since each waits at start for a majority, and waits until all of them serve clients.
   */
  public void start(Collection<String> ids) {
    Map<String, NodeProcess> launched = new LinkedHashMap<>();
    for (String id : ids) {
      if (running.containsKey(id)) {
        throw new IllegalStateException("node " + id + " is already running");
      }
      int run = starts.merge(id, 1, Integer::sum);
      try {
        NodeProcess node = NodeProcess.launch(specs.get(id), NodeProcess.logFile(testName, id + "-run" + run));
        running.put(id, node);
        launched.put(id, node);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot launch node " + id, e);
      }
    }
    // Launched together, so waiting for them one after the other takes no longer than the slowest.
    launched.forEach((id, node) -> {
      int port = node.awaitStarted();
      serving.put(id, node);
      System.out.printf("cluster: %s (pid %d) serves AMQP on %d%n", id, node.pid(), port);
    });
  }

  /** Starts node {@code id} again from its spec and waits until it serves. */
  public void restart(String id) {
    start(List.of(id));
  }

  /** Starts every node that does not run, together. */
  public void startAll() {
    start(specs.keySet().stream().filter(id -> !running.containsKey(id)).toList());
  }

  /** kill -9. */
  public void kill(String id) {
    serving.remove(id);
    node(id).kill();
    running.remove(id);
    System.out.printf("cluster: killed %s%n", id);
  }

  /** SIGTERM, the clean stop; returns the exit code. */
  public int stop(String id) {
    serving.remove(id);
    int code = node(id).stop();
    running.remove(id);
    System.out.printf("cluster: stopped %s, exit code %d%n", id, code);
    return code;
  }

  /** SIGTERM to every running node at once (one at a time, the last ones would lose their majority). */
  public Map<String, Integer> stopAll() {
    Map<String, CompletableFuture<Integer>> stops = new LinkedHashMap<>();
    for (String id : List.copyOf(running.keySet())) {
      stops.put(id, CompletableFuture.supplyAsync(() -> stop(id)));
    }
    Map<String, Integer> codes = new LinkedHashMap<>();
    stops.forEach((id, stop) -> codes.put(id, stop.join()));
    return codes;
  }

  /** SIGSTOP: the node's process freezes with its sockets open. */
  public void pause(String id) {
    serving.remove(id);
    node(id).pause();
    System.out.printf("cluster: paused %s%n", id);
  }

  /** SIGCONT. */
  public void resume(String id) {
    NodeProcess node = node(id);
    node.resume();
    serving.put(id, node);
    System.out.printf("cluster: resumed %s%n", id);
  }

  /** Kills every node still running (also paused ones: SIGKILL needs no SIGCONT). */
  @Override
  public void close() {
    List<RuntimeException> failures = new ArrayList<>();
    for (String id : List.copyOf(running.keySet())) {
      try {
        serving.remove(id);
        running.remove(id).close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }
}
