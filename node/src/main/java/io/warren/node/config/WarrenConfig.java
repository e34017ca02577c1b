package io.warren.node.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The node's configuration: defaults, overridden by the file, overridden by {@code WARREN_*}
 * environment variables (containers set those). An unknown key or a bad value is a
 * {@link ConfigException} naming the key, so a typo never silently falls back to a default.
 */
public final class WarrenConfig {

  /** The environment variable that names the configuration file. */
  public static final String CONFIG_FILE_VARIABLE = "WARREN_CONFIG_FILE";
  /** Read by the logging configuration (logback.xml), not a setting. */
  public static final String LOG_LEVEL_VARIABLE = "WARREN_LOG_LEVEL";

  public static final Setting<String> NODE_ID =
      new Setting<>("node.id", "warren1", "This node's name, unique in the cluster (letters, digits, '-', '_').",
          Parsers.identifier());
  public static final Setting<String> AMQP_BIND =
      new Setting<>("amqp.bind", "0.0.0.0", "Address the AMQP listener binds to.", Parsers.text());
  public static final Setting<Integer> AMQP_PORT =
      new Setting<>("amqp.port", 5672, "AMQP 0-9-1 listener port.", Parsers.port());
  public static final Setting<Path> DATA_DIR =
      new Setting<>("data.dir", Path.of("data"), "Directory for the Raft logs and RocksDB.", Parsers.path());
  public static final Setting<Integer> RAFT_PORT =
      new Setting<>("raft.port", 25690, "Port of the node-to-node Raft traffic (0 = any free port).", Parsers.port());
  public static final Setting<String> RAFT_BIND =
      new Setting<>("raft.bind", "", "Address the Raft listener binds to; empty: the host of this node's own entry in "
          + "cluster.peers (127.0.0.1 for a single node).", text -> text);
  public static final Setting<Map<String, String>> CLUSTER_PEERS =
      new Setting<>("cluster.peers", Map.of(),
          "Every node of the cluster, this one included, as id=host:port of its Raft port, comma separated "
              + "(warren1=node1:25690,warren2=node2:25690,...); the same list on every node. Empty: a "
              + "single node, with Raft on 127.0.0.1:raft.port.", Parsers.peers());
  public static final Setting<Boolean> CLUSTER_JOIN =
      new Setting<>("cluster.join", false,
          "Join a running cluster instead of forming one: on its first start this node asks the members in "
              + "cluster.peers to let it in (once 'warrenctl add_member' admitted it) and becomes a member of "
              + "every group. Later starts ignore it.", Parsers.bool());
  public static final Setting<Integer> CLUSTER_NODE_DOWN_AFTER =
      new Setting<>("cluster.node-down-after", 10,
          "Seconds a node may stay silent before the cluster declares it down and what its consumers held "
              + "returns to the queues.", Parsers.intRange(1, 3600));
  public static final Setting<Long> RAFT_SNAPSHOT_THRESHOLD =
      new Setting<>("raft.snapshot-threshold", 20_000L,
          "Log entries per Raft group between snapshots (RocksDB checkpoints); the log is purged behind them.",
          Parsers.longRange(10, 100_000_000));
  public static final Setting<Long> RAFT_SEGMENT_SIZE =
      new Setting<>("raft.segment-size", 0L,
          "Size of a Raft log segment file in bytes (1 MiB to 1 GiB); only whole closed segments are purged,"
              + " and recent segments are cached on the heap. 0 = a 64th of the maximum heap, between 1 and 2 MiB.",
          Parsers.zeroOrRange(1024 * 1024, 1024L * 1024 * 1024));
  public static final Setting<Integer> PARTITIONS_PER_NODE =
      new Setting<>("queue.partitions-per-node", 1,
          "Queue partition groups (Raft groups holding durable queues) per node; fixed once a node has data."
              + " More run more applies in parallel, each with smaller log entries.",
          Parsers.intRange(1, 64));
  public static final Setting<Integer> METRICS_PORT =
      new Setting<>("metrics.port", 15692, "Prometheus metrics port (/metrics).", Parsers.port());
  public static final Setting<Integer> MANAGEMENT_PORT =
      new Setting<>("management.port", 15672, "Management HTTP API and web UI port.", Parsers.port());
  public static final Setting<Integer> FRAME_MAX =
      new Setting<>("amqp.frame-max", 131072, "Largest frame the server proposes in connection.tune.",
          Parsers.intRange(4096, 1 << 24));
  public static final Setting<Integer> CHANNEL_MAX =
      new Setting<>("amqp.channel-max", 2047, "Most channels per connection proposed in connection.tune.",
          Parsers.intRange(1, 65535));
  public static final Setting<Integer> HEARTBEAT =
      new Setting<>("amqp.heartbeat", 60, "Heartbeat interval in seconds proposed in connection.tune (0 = off).",
          Parsers.intRange(0, 65535));
  public static final Setting<Long> MAX_MESSAGE_SIZE =
      new Setting<>("amqp.max-message-size", 16L * 1024 * 1024, "Largest message body accepted, in bytes.",
          Parsers.longRange(1, 512L * 1024 * 1024));
  public static final Setting<Double> MEMORY_HIGH_WATERMARK =
      new Setting<>("memory.high-watermark", 0.4,
          "Fraction of the maximum heap in use above which publishers are blocked.", Parsers.fraction());
  public static final Setting<String> DEFAULT_USER =
      new Setting<>("default.user", "guest", "User created on first start.", Parsers.text());
  public static final Setting<String> DEFAULT_PASS =
      new Setting<>("default.pass", "guest", "Password of the default user.", Parsers.text());
  public static final Setting<List<String>> LOOPBACK_USERS =
      new Setting<>("loopback-users", List.of("guest"),
          "Users that may only connect from loopback addresses (comma separated; empty allows all).", Parsers.list());

  /** Most nodes in a cluster: a node's position in the sorted peer list fits in a byte of its ids. */
  public static final int MAX_NODES = 255;

  /** Every known setting, in documentation order. */
  public static final List<Setting<?>> ALL = List.of(
      NODE_ID, AMQP_BIND, AMQP_PORT, DATA_DIR, RAFT_PORT, RAFT_BIND, CLUSTER_PEERS, CLUSTER_JOIN, CLUSTER_NODE_DOWN_AFTER, RAFT_SNAPSHOT_THRESHOLD, RAFT_SEGMENT_SIZE,
      PARTITIONS_PER_NODE, METRICS_PORT, MANAGEMENT_PORT, FRAME_MAX, CHANNEL_MAX,
      HEARTBEAT, MAX_MESSAGE_SIZE, MEMORY_HIGH_WATERMARK, DEFAULT_USER, DEFAULT_PASS, LOOPBACK_USERS);

  private final Map<String, Object> values;

  private WarrenConfig(Map<String, Object> values) {
    this.values = values;
  }

  /** Defaults only; tests start from here and override with {@link #with}. */
  public static WarrenConfig defaults() {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      values.put(s.key(), s.defaultValue());
    }
    return new WarrenConfig(values);
  }

  /**
   * Loads the configuration the way the node does at start: defaults, then the file (if given),
   * then the environment.
   */
  public static WarrenConfig load(Path file, Map<String, String> environment) {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (file != null) {
      overrides.putAll(readFile(file));
    }
    overrides.putAll(fromEnvironment(environment));
    WarrenConfig config = defaults();
    overrides.forEach((key, text) -> config.values.put(key, setting(key).parse(text)));
    config.checkConsistent();
    return config;
  }

  /** Checks what no single setting can check alone. */
  private void checkConsistent() {
    Map<String, String> peers = get(CLUSTER_PEERS);
    if (!peers.isEmpty() && !peers.containsKey(get(NODE_ID))) {
      throw new ConfigException("bad value for " + CLUSTER_PEERS.key() + " (" + CLUSTER_PEERS.environmentVariable()
          + "): it lists " + peers.keySet() + " but not this node, '" + get(NODE_ID) + "' (" + NODE_ID.key() + ")");
    }
    if (peers.size() > MAX_NODES) {
      throw new ConfigException("bad value for " + CLUSTER_PEERS.key() + " (" + CLUSTER_PEERS.environmentVariable()
          + "): at most " + MAX_NODES + " nodes, got " + peers.size());
    }
  }

  public <T> T get(Setting<T> setting) {
    @SuppressWarnings("unchecked")
    T value = (T) values.get(setting.key());
    return value;
  }

  /** A copy with one setting changed. */
  public <T> WarrenConfig with(Setting<T> setting, T value) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.put(setting.key(), value);
    return new WarrenConfig(copy);
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      setting(key); // rejects unknown keys
      result.put(key, properties.getProperty(key));
    }
    return result;
  }

  private static Map<String, String> fromEnvironment(Map<String, String> environment) {
    Map<String, String> byVariable = new LinkedHashMap<>();
    for (Setting<?> s : ALL) {
      byVariable.put(s.environmentVariable(), s.key());
    }
    Map<String, String> result = new LinkedHashMap<>();
    environment.forEach((variable, text) -> {
      if (!variable.startsWith("WARREN_") || variable.equals(CONFIG_FILE_VARIABLE)
          || variable.equals(LOG_LEVEL_VARIABLE)) {
        return;
      }
      String key = byVariable.get(variable);
      if (key == null) {
        throw new ConfigException("unknown environment variable " + variable
            + "; known: " + String.join(", ", byVariable.keySet()));
      }
      result.put(key, text);
    });
    return result;
  }

  private static Setting<?> setting(String key) {
    return ALL.stream()
        .filter(s -> s.key().equals(key))
        .findFirst()
        .orElseThrow(() -> new ConfigException("unknown configuration key '" + key + "'"));
  }
}
