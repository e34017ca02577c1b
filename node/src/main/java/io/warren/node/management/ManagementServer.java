package io.warren.node.management;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.warren.node.amqp.AmqpServer;
import io.warren.node.amqp.Authenticator;
import io.warren.node.broker.MemoryAlarm;
import io.warren.node.broker.ReplicatedCommandLog;
import io.warren.node.config.WarrenConfig;
import io.warren.node.metrics.BrokerSnapshot;
import io.warren.node.replication.PartitionMachine;
import io.warren.raft.RaftNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP listener ({@code management.port}): RabbitMQ's {@code /api} (the parts
 * tooling uses, same paths and JSON) behind HTTP basic auth, and the web UI's static files at
 * {@code /}. Requests run on a small pool of its own threads, which wait for the broker with a
 * timeout ({@link BrokerAccess}); nothing here runs on an AMQP event loop or the broker thread.
 */
public final class ManagementServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ManagementServer.class);
  private static final int THREADS = 4;
  /** The realm browsers show; RabbitMQ's wording. */
  private static final String REALM = "Basic realm=\"Warren Management\"";
  /** Sent by the web UI: its own login form handles a 401, so no browser dialog is asked for. */
  static final String UI_HEADER = "X-Warren-UI";

  private final InetSocketAddress bindAddress;
  private final Authenticator authenticator;
  private final Routes routes = new Routes();
  private final StaticFiles ui = new StaticFiles("management");
  private final Rates rates;
  private final int maxBodyBytes;
  private HttpServer server;
  private ExecutorService executor;

  /**
   * @param partitions this node's queue partition replicas (where replicated queues' consumers are)
   * @param figures the queue figures as the metrics endpoint reads them
   */
  public ManagementServer(WarrenConfig config, ReplicatedCommandLog commandLog,
      Supplier<? extends Collection<PartitionMachine>> partitions, Supplier<CompletableFuture<BrokerSnapshot>> figures,
      AmqpServer amqp, MemoryAlarm memoryAlarm, RaftNode raft) {
    this(config, commandLog, partitions, figures, amqp, memoryAlarm, raft, Rates.DEFAULT_INTERVAL);
  }

  ManagementServer(WarrenConfig config, ReplicatedCommandLog commandLog,
      Supplier<? extends Collection<PartitionMachine>> partitions, Supplier<CompletableFuture<BrokerSnapshot>> figures,
      AmqpServer amqp, MemoryAlarm memoryAlarm, RaftNode raft, Duration statisticsInterval) {
    this.bindAddress = new InetSocketAddress(config.get(WarrenConfig.AMQP_BIND), config.get(WarrenConfig.MANAGEMENT_PORT));
    this.authenticator = new Authenticator(config, commandLog::access);
    long maxMessage = config.get(WarrenConfig.MAX_MESSAGE_SIZE);
    // A publish carries the payload in JSON, base64 at worst (4/3), plus its properties.
    this.maxBodyBytes = (int) Math.min(Integer.MAX_VALUE - 8, maxMessage * 4 / 3 + (1 << 20));
    BrokerAccess broker = new BrokerAccess(commandLog, partitions, figures, amqp);
    this.rates = new Rates(() -> new Rates.Figures(amqp.messageTotals(), broker.figures(), broker.connections(),
        amqp.queueCounters().snapshot()),
        statisticsInterval);
    String nodeName = config.get(WarrenConfig.NODE_ID);
    Views views = new Views(nodeName, rates);
    Users users = new Users(commandLog::access);
    QueueGetter getter = new QueueGetter(broker, amqp.reserveConnectionId());
    ClusterStatus cluster = new ClusterStatus(config, raft);
    new OverviewApi(broker, views, rates, cluster, amqp, memoryAlarm, config, () -> address().getPort()).register(routes);
    new ConnectionsApi(broker, views).register(routes);
    new ExchangesApi(broker, views, maxMessage).register(routes);
    new QueuesApi(broker, views, getter).register(routes);
    new BindingsApi(broker, views).register(routes);
    new VhostsApi(broker, rates, cluster).register(routes);
    new AccessApi(broker, users).register(routes);
    new DefinitionsApi(broker, users).register(routes);
    new PoliciesApi(broker).register(routes);
    new HealthApi(broker, getter, memoryAlarm, nodeName).register(routes);
  }

  /** Serves {@code /api/cluster/members} (a clustered node); call before {@link #start}. */
  public void enableMembership(MembershipControl control) {
    new MembersApi(control).register(routes);
  }

  /** Binds the listener; fails if the port is taken. */
  public void start() throws IOException {
    server = HttpServer.create(bindAddress, 64);
    AtomicInteger threads = new AtomicInteger();
    executor = Executors.newFixedThreadPool(THREADS, r -> {
      Thread t = new Thread(r, "warren-management-" + threads.incrementAndGet());
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

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String path = exchange.getRequestURI().getRawPath();
      if (path.equals("/api") || path.startsWith("/api/")) {
        api(exchange, path);
      } else {
        ui.serve(exchange, path);
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Management request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
    }
  }

  private void api(HttpExchange exchange, String rawPath) throws IOException {
    ApiResponse response;
    try {
      String user = authenticate(exchange);
      List<String> path = segments(rawPath);
      Routes.Match match = routes.find(exchange.getRequestMethod(), path);
      ApiAuthorization.Grant grant = ApiAuthorization.authorize(authenticator.access(), user,
          exchange.getRequestMethod(), path, match.params());
      ApiRequest request = new ApiRequest(exchange.getRequestMethod(), match.params(),
          query(exchange.getRequestURI().getRawQuery()), exchange.getRequestHeaders(), body(exchange), grant.caller());
      response = grant.narrow(match.handler().handle(request));
    } catch (NotAuthenticated e) {
      if (exchange.getRequestHeaders().getFirst(UI_HEADER) == null) {
        exchange.getResponseHeaders().set("WWW-Authenticate", REALM);
      }
      response = e.response;
    } catch (Routes.MethodNotAllowed e) {
      exchange.getResponseHeaders().set("Allow", e.allow());
      response = error(e);
    } catch (ApiException e) {
      response = error(e);
    } catch (RuntimeException e) {
      log.warn("Management API {} {} failed", exchange.getRequestMethod(), rawPath, e);
      response = new ApiResponse(500, Json.obj("error", "internal_server_error", "reason", String.valueOf(e)), Map.of());
    }
    send(exchange, response);
  }

  private static ApiResponse error(ApiException e) {
    return new ApiResponse(e.status(), Json.obj("error", e.error(), "reason", e.reason()), Map.of());
  }

  private static void send(HttpExchange exchange, ApiResponse response) throws IOException {
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    exchange.getResponseHeaders().set("Cache-Control", "no-cache");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    if (response.body() == null) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    byte[] body = Json.write(response.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    if (head) {
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A 401, answered before anything else is looked at. */
  private static final class NotAuthenticated extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final transient ApiResponse response;

    NotAuthenticated(ApiResponse response) {
      super(null, null, false, false);
      this.response = response;
    }
  }

  /** The user named by HTTP basic auth, checked like an AMQP login (loopback-only users too). */
  private String authenticate(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      throw new NotAuthenticated(new ApiResponse(401, null, Map.of()));
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = "";
    }
    int colon = decoded.indexOf(':');
    Authenticator.Outcome outcome = colon < 0 ? null
        : authenticator.verify(decoded.substring(0, colon), decoded.substring(colon + 1), exchange.getRemoteAddress());
    if (outcome == null || !outcome.accepted()) {
      log.info("Management API login refused from {}: {}", exchange.getRemoteAddress(),
          outcome == null ? "malformed basic auth" : outcome.refusal());
      throw new NotAuthenticated(new ApiResponse(401, Json.obj("error", "not_authorized", "reason", "Login failed"),
          Map.of()));
    }
    return outcome.user();
  }

  /** The path below {@code /api}, one decoded string per segment (so {@code %2F} is {@code /}). */
  static List<String> segments(String rawPath) {
    String rest = rawPath.length() <= 5 ? "" : rawPath.substring(5);
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    List<String> out = new ArrayList<>();
    if (rest.isEmpty()) {
      return out;
    }
    for (String s : rest.split("/", -1)) {
      out.add(PercentDecoding.decode(s, false));
    }
    return out;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return q;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      q.putIfAbsent(PercentDecoding.decode(k, true), PercentDecoding.decode(v, true));
    }
    return q;
  }

  private byte[] body(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length > maxBodyBytes) {
        throw new ApiException(413, "payload_too_large", "request body larger than " + maxBodyBytes + " bytes");
      }
      return body;
    }
  }

  @Override
  public void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
    rates.close();
  }
}
