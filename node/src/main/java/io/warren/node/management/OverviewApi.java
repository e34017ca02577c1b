package io.warren.node.management;

import io.warren.model.ExchangeType;
import io.warren.node.amqp.AmqpServer;
import io.warren.node.amqp.ConnectionInfo;
import io.warren.node.amqp.ServerProperties;
import io.warren.node.broker.MemoryAlarm;
import io.warren.node.config.WarrenConfig;
import io.warren.node.metrics.BrokerSnapshot;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/** {@code /api/overview}, {@code /api/nodes}, {@code /api/cluster-name}. */
final class OverviewApi {
  /** The RabbitMQ management API release whose paths and JSON this API follows. */
  static final String API_VERSION = "3.10.8";

  private final BrokerAccess broker;
  private final Views views;
  private final Rates rates;
  private final ClusterStatus cluster;
  private final AmqpServer amqp;
  private final MemoryAlarm memoryAlarm;
  private final WarrenConfig config;
  private final IntSupplier httpPort;

  OverviewApi(BrokerAccess broker, Views views, Rates rates, ClusterStatus cluster, AmqpServer amqp,
      MemoryAlarm memoryAlarm, WarrenConfig config, IntSupplier httpPort) {
    this.httpPort = httpPort;
    this.broker = broker;
    this.views = views;
    this.rates = rates;
    this.cluster = cluster;
    this.amqp = amqp;
    this.memoryAlarm = memoryAlarm;
    this.config = config;
  }

  void register(Routes routes) {
    routes.get("overview", r -> ApiResponse.ok(overview(r.caller())))
        .get("nodes", r -> ApiResponse.ok(cluster.members().stream().map(this::node).toList()))
        .get("nodes/{node}", r -> {
          String name = r.param("node");
          if (!cluster.members().contains(name)) {
            throw ApiException.notFound();
          }
          return ApiResponse.ok(node(name));
        })
        .get("cluster-name", r -> ApiResponse.ok(Json.obj("name", cluster.clusterName())))
        .get("extensions", r -> ApiResponse.ok(List.of()));
  }

  /**
   * The overview; as RabbitMQ, a user without {@code monitoring} gets the totals of its own vhosts
   * (queues, exchanges, queued messages) and of its own connections and channels, no consumer count,
   * and neither the node nor its listeners.
   */
  private Map<String, Object> overview(Caller caller) {
    Topology topology = broker.topology();
    BrokerSnapshot figures = broker.figures();
    boolean global = caller.monitor();
    List<Topology.Vhost> vhosts = topology.vhosts().stream().filter(v -> global || caller.reaches(v.name())).toList();
    int exchanges = vhosts.stream().mapToInt(v -> v.exchanges().size()).sum();
    int queues = vhosts.stream().mapToInt(v -> v.queues().size()).sum();
    Map<String, Object> objectTotals;
    if (global) {
      objectTotals = Json.obj("channels", figures.channels(), "connections", figures.connections(),
          "consumers", figures.consumers(), "exchanges", exchanges, "queues", queues);
    } else {
      List<ConnectionInfo> own = broker.connections().stream().filter(c -> c.user().equals(caller.name())).toList();
      objectTotals = Json.obj("channels", own.stream().mapToInt(c -> c.channels().size()).sum(),
          "connections", own.size(), "exchanges", exchanges, "queues", queues);
    }
    Map<String, Object> overview = Json.obj(
        "management_version", API_VERSION,
        "rates_mode", "basic",
        "exchange_types", exchangeTypes(),
        "product_version", ServerProperties.VERSION,
        "product_name", ServerProperties.PRODUCT,
        "rabbitmq_version", API_VERSION,
        "cluster_name", cluster.clusterName(),
        "disable_stats", false,
        "enable_queue_totals", true,
        "message_stats", views.messageStats(amqp.messageTotals(), Rates::total),
        "churn_rates", Json.obj(),
        "queue_totals", global ? queueTotals(figures) : queueTotals(figures, caller),
        "object_totals", objectTotals,
        "statistics_db_event_queue", 0);
    if (global) {
      overview.put("node", cluster.self());
      overview.put("listeners", listeners());
      overview.put("contexts", List.of());
    }
    return overview;
  }

  /** Every queue's messages, with the node's rates. */
  private Map<String, Object> queueTotals(BrokerSnapshot figures) {
    long ready = figures.queues().stream().mapToLong(BrokerSnapshot.QueueFigures::ready).sum();
    long unacked = figures.queues().stream().mapToLong(BrokerSnapshot.QueueFigures::unacked).sum();
    return queueTotals(ready, unacked, rates.of(Rates.total("messages_ready")),
        rates.of(Rates.total("messages_unacknowledged")));
  }

  /** The messages of the queues in the caller's vhosts, with the sum of their rates. */
  private Map<String, Object> queueTotals(BrokerSnapshot figures, Caller caller) {
    long ready = 0;
    long unacked = 0;
    double readyRate = 0;
    double unackedRate = 0;
    for (BrokerSnapshot.QueueFigures q : figures.queues()) {
      if (caller.reaches(q.vhost())) {
        ready += q.ready();
        unacked += q.unacked();
        readyRate += rates.of(Rates.queue(q.vhost(), q.queue(), "messages_ready"));
        unackedRate += rates.of(Rates.queue(q.vhost(), q.queue(), "messages_unacknowledged"));
      }
    }
    return queueTotals(ready, unacked, readyRate, unackedRate);
  }

  private static Map<String, Object> queueTotals(long ready, long unacked, double readyRate, double unackedRate) {
    return Json.obj(
        "messages", ready + unacked,
        "messages_details", Json.rate(readyRate + unackedRate),
        "messages_ready", ready,
        "messages_ready_details", Json.rate(readyRate),
        "messages_unacknowledged", unacked,
        "messages_unacknowledged_details", Json.rate(unackedRate));
  }

  private List<Map<String, Object>> listeners() {
    List<Map<String, Object>> out = new ArrayList<>();
    String self = cluster.self();
    out.add(Json.obj("node", self, "protocol", "amqp", "ip_address", config.get(WarrenConfig.AMQP_BIND),
        "port", amqp.address().getPort()));
    out.add(Json.obj("node", self, "protocol", "http", "ip_address", config.get(WarrenConfig.AMQP_BIND),
        "port", httpPort.getAsInt()));
    out.add(Json.obj("node", self, "protocol", "http/prometheus", "ip_address", config.get(WarrenConfig.AMQP_BIND),
        "port", config.get(WarrenConfig.METRICS_PORT)));
    return out;
  }

  static List<Map<String, Object>> exchangeTypes() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ExchangeType t : ExchangeType.values()) {
      // RabbitMQ's own descriptions: the plugin's type is no AMQP one.
      String description = t == ExchangeType.CONSISTENT_HASH ? "Consistent Hashing Exchange"
          : "AMQP " + t.wireName() + " exchange, as per the AMQP specification";
      out.add(Json.obj("name", t.wireName(), "description", description, "enabled", true));
    }
    return out;
  }

  /** A node: this one with its figures, another with its name and whether it is running. */
  private Map<String, Object> node(String name) {
    boolean running = cluster.running(name);
    Map<String, Object> m = Json.obj("name", name, "type", "disc", "running", running, "being_drained", false,
        "partitions", List.of(), "cluster_links", List.of());
    if (!name.equals(cluster.self())) {
      return m;
    }
    Runtime rt = Runtime.getRuntime();
    long maxHeap = rt.maxMemory();
    File dataDir = config.get(WarrenConfig.DATA_DIR).toFile();
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    m.putAll(Json.obj(
        "os_pid", String.valueOf(ProcessHandle.current().pid()),
        "mem_used", rt.totalMemory() - rt.freeMemory(),
        "mem_limit", (long) (maxHeap * config.get(WarrenConfig.MEMORY_HIGH_WATERMARK)),
        "mem_alarm", memoryAlarm.raised(),
        "disk_free", dataDir.getUsableSpace(),
        "disk_free_alarm", false,
        "uptime", ManagementFactory.getRuntimeMXBean().getUptime(),
        "processors", os.getAvailableProcessors(),
        "run_queue", Math.max(0, (long) os.getSystemLoadAverage()),
        "rates_mode", "basic",
        "exchange_types", exchangeTypes(),
        "auth_mechanisms", List.of(
            Json.obj("name", "PLAIN", "description", "SASL PLAIN authentication mechanism", "enabled", true),
            Json.obj("name", "AMQPLAIN", "description", "QPid AMQPLAIN mechanism", "enabled", true)),
        "applications", List.of(Json.obj("name", "warren", "description", "Warren broker",
            "version", ServerProperties.VERSION)),
        "db_dir", dataDir.getAbsolutePath(),
        "enabled_plugins", List.of("rabbitmq_management", "rabbitmq_prometheus")));
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      m.put("fd_used", unix.getOpenFileDescriptorCount());
      m.put("fd_total", unix.getMaxFileDescriptorCount());
    }
    return m;
  }
}
