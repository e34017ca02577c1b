package io.warren.node.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import io.warren.model.QueueName;
import io.warren.node.amqp.MessageCounts;
import io.warren.raft.GroupFigures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /metrics} in the Prometheus text format (or OpenMetrics when the scraper asks
 * for it): broker gauges ({@link BrokerCollector}), per-queue message counters ({@link
 * QueueCountersCollector}), Raft and RocksDB figures per group ({@link GroupCollector}) and
 * Micrometer's JVM and process meters.
 * Requests are handled one at a time on a single daemon thread of its own, so a scrape never runs
 * on an AMQP event loop and only ever waits for the broker thread with a timeout.
 *
 * <p>Uses Micrometer's simpleclient-based Prometheus registry (deprecated upstream in favour of
 * the prometheus-metrics 1.x one) because that is the exposition library the build pins.
 */
@SuppressWarnings("deprecation")
public final class MetricsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
  public static final String PATH = "/metrics";
  /** How long a scrape waits for the broker thread before serving the previous snapshot. */
  public static final Duration SNAPSHOT_TIMEOUT = Duration.ofSeconds(5);

  private final CollectorRegistry collectors = new CollectorRegistry(true);
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, collectors, Clock.SYSTEM);
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
  private final InetSocketAddress bindAddress;
  private HttpServer server;
  private ExecutorService executor;

  /**
   * Where a scrape's figures come from; each is called once per scrape.
   *
   * @param broker asks the broker thread for a snapshot
   * @param queueCounters the front end's per-queue message counters
   * @param groups the Raft groups hosted on this node, with their stores
   */
  public record Sources(
      Supplier<CompletableFuture<BrokerSnapshot>> broker,
      Supplier<Map<QueueName, MessageCounts>> queueCounters,
      Supplier<List<GroupFigures>> groups) {}

  public MetricsServer(InetSocketAddress bindAddress, Sources sources) {
    this(bindAddress, sources, SNAPSHOT_TIMEOUT);
  }

  MetricsServer(InetSocketAddress bindAddress, Sources sources, Duration snapshotTimeout) {
    this.bindAddress = bindAddress;
    new JvmMemoryMetrics().bindTo(meters);
    gcMetrics.bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ClassLoaderMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    new FileDescriptorMetrics().bindTo(meters);
    new BrokerCollector(sources.broker(), snapshotTimeout).register(collectors);
    new QueueCountersCollector(sources.queueCounters()).register(collectors);
    new GroupCollector(sources.groups()).register(collectors);
  }

  /** Binds the listener; fails if the port is taken. */
  public void start() throws IOException {
    server = HttpServer.create(bindAddress, 16);
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "warren-metrics");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The address the listener is bound to (useful when the configured port is 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      String method = exchange.getRequestMethod();
      boolean head = method.equals("HEAD");
      if (!head && !method.equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      String contentType = TextFormat.chooseContentType(exchange.getRequestHeaders().getFirst("Accept"));
      byte[] body = render(contentType);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      if (head) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Metrics request failed", e);
      throw e;
    }
  }

  private byte[] render(String contentType) throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(16 * 1024);
    try (Writer writer = new OutputStreamWriter(buffer, StandardCharsets.UTF_8)) {
      TextFormat.writeFormat(contentType, writer, collectors.metricFamilySamples());
    }
    return buffer.toByteArray();
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
    gcMetrics.close();
    meters.close();
  }
}
