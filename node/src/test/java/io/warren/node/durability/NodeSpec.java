package io.warren.node.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node JVM is started with. Starting the same spec again restarts the node on the same
 * data directory and the same Raft port, which is what a restart after a crash must look like.
 *
 * @param dataDir the node's {@code WARREN_DATA_DIR}
 * @param jvmOptions options before the main class, e.g. {@code -Xmx128m}
 * @param env the node's {@code WARREN_*} variables (the test JVM's own are not inherited)
 */
public record NodeSpec(Path dataDir, List<String> jvmOptions, Map<String, String> env) {
  public NodeSpec {
    jvmOptions = List.copyOf(jvmOptions);
    env = Map.copyOf(env);
  }

  /**
   * A node on loopback: AMQP, metrics and management on any free port (the AMQP port is read
   * back from the log), Raft on a port fixed now so that every restart of this spec uses it.
   */
  public static NodeSpec loopback(Path dataDir) {
    return loopbackClientPorts(dataDir).withEnv("WARREN_RAFT_PORT", String.valueOf(freeLoopbackPort()));
  }

  /**
   * Node {@code nodeId} of a cluster on loopback: AMQP, metrics and management on any free port,
   * Raft on this node's entry of {@code peers} ({@code id=127.0.0.1:port,...}, the same on every
   * member), so a restart of the spec rejoins on the same address.
   */
  public static NodeSpec clusterMember(Path dataDir, String nodeId, String peers) {
    return loopbackClientPorts(dataDir)
        .withEnv("WARREN_NODE_ID", nodeId)
        .withEnv("WARREN_CLUSTER_PEERS", peers);
  }

  private static NodeSpec loopbackClientPorts(Path dataDir) {
    return new NodeSpec(dataDir, List.of("-Xmx256m"), Map.of(
        "WARREN_AMQP_BIND", "127.0.0.1",
        "WARREN_AMQP_PORT", "0",
        "WARREN_METRICS_PORT", "0",
        "WARREN_MANAGEMENT_PORT", "0"));
  }

  /** This spec with one more (or a different) environment variable. */
  public NodeSpec withEnv(String key, String value) {
    Map<String, String> changed = new HashMap<>(env);
    changed.put(key, value);
    return new NodeSpec(dataDir, jvmOptions, changed);
  }

  /** This spec with these JVM options instead of its own. */
  public NodeSpec withJvmOptions(String... options) {
    return new NodeSpec(dataDir, List.of(options), env);
  }

  /** A port free right now; another process could take it before the node binds it, rarely. */
  public static int freeLoopbackPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
