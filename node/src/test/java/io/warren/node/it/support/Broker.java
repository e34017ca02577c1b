package io.warren.node.it.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.node.WarrenNode;
import io.warren.node.config.Setting;
import io.warren.node.config.WarrenConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The broker a test class talks to, as a JUnit 5 extension registered on a static field:
 *
 * <pre>{@code @RegisterExtension static final Broker broker = Broker.standard();}</pre>
 *
 * <p>With the system property {@value #URI_PROPERTY} set (for example
 * {@code amqp://guest:guest@127.0.0.1:5673}) every test talks to that broker, which is how the
 * suite is checked against a real RabbitMQ. Otherwise one embedded Warren node is started per
 * test class on an ephemeral loopback port and closed after the class.
 *
 * <p>Connections opened through {@link #connect()} are closed after each test, and queues and
 * exchanges named through {@link #queueName()} / {@link #exchangeName()} are deleted, so an
 * external broker (whose state outlives the run) is left as it was found.
 */
public final class Broker
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  public static final String URI_PROPERTY = "warren.it.uri";
  /** Prefix of the system properties that tell the suite how an external broker is configured. */
  public static final String SETTING_PROPERTY_PREFIX = "warren.it.";

  private final UnaryOperator<WarrenConfig> embeddedConfig;
  private final List<Connection> connections = new ArrayList<>();
  private final List<String> queues = new ArrayList<>();
  private final List<String> exchanges = new ArrayList<>();

  private WarrenConfig config;
  private WarrenNode node;
  private Path dataDir;
  private URI uri;
  private String currentTest = "";

  private Broker(UnaryOperator<WarrenConfig> embeddedConfig) {
    this.embeddedConfig = embeddedConfig;
  }

  /** A broker with default settings. */
  public static Broker standard() {
    return new Broker(UnaryOperator.identity());
  }

  /**
   * A broker whose embedded Warren node runs with these settings. An external broker must be
   * configured the same way by its operator and say so through {@code -Dwarren.it.<key>=<value>};
   * tests read the values through {@link #requireSetting}.
   */
  public static Broker configured(UnaryOperator<WarrenConfig> embeddedConfig) {
    return new Broker(embeddedConfig);
  }

  public static boolean externalTarget() {
    return System.getProperty(URI_PROPERTY) != null;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    String external = System.getProperty(URI_PROPERTY);
    if (external != null) {
      uri = URI.create(external);
      return;
    }
    dataDir = Files.createTempDirectory("warren-it-");
    config = embeddedConfig.apply(WarrenConfig.defaults()
        .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
        .with(WarrenConfig.RAFT_PORT, 0)
        .with(WarrenConfig.AMQP_PORT, 0)
        .with(WarrenConfig.METRICS_PORT, 0)
        .with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.DATA_DIR, dataDir));
    node = new WarrenNode(config);
    node.start();
    uri = URI.create("amqp://" + config.get(WarrenConfig.DEFAULT_USER) + ":" + config.get(WarrenConfig.DEFAULT_PASS)
        + "@127.0.0.1:" + node.amqpAddress().getPort());
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    if (node != null) {
      node.close();
      node = null;
    }
    if (dataDir != null) {
      try (Stream<Path> files = Files.walk(dataDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    currentTest = context.getRequiredTestClass().getSimpleName() + "." + context.getDisplayName();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    connections.forEach(Connection::abort);
    connections.clear();
    if (queues.isEmpty() && exchanges.isEmpty()) {
      return;
    }
    // Best effort: the test's verdict is already in; a failing cleanup must not mask it.
    try (Connection cleanup = factory().newConnection("it-cleanup")) {
      for (String queue : queues) {
        deleteQuietly(cleanup, ch -> ch.queueDelete(queue));
      }
      for (String exchange : exchanges) {
        deleteQuietly(cleanup, ch -> ch.exchangeDelete(exchange));
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      // ignored on purpose, see above
    } finally {
      queues.clear();
      exchanges.clear();
    }
  }

  private interface ChannelAction {
    void run(Channel channel) throws IOException;
  }

  private static void deleteQuietly(Connection connection, ChannelAction action) {
    try (Channel channel = connection.createChannel()) {
      action.run(channel);
    } catch (IOException | TimeoutException | RuntimeException e) {
      // ignored on purpose: the entity may be gone already
    }
  }

  /** True when the target is a Warren node started by this extension. */
  public boolean embedded() {
    return node != null;
  }

  /** The running embedded node; the test is skipped when the target is an external broker. */
  public WarrenNode requireEmbedded(String why) {
    Assumptions.assumeTrue(embedded(), () -> "Warren-only test against an external broker: " + why);
    return node;
  }

  /**
   * The value of a broker setting: the embedded node's configuration, or for an external broker
   * the system property {@code warren.it.<key>}. Skips the test when an external broker did not
   * say how it is configured.
   */
  public <T> T requireSetting(Setting<T> setting) {
    Optional<T> value = setting(setting);
    Assumptions.assumeTrue(value.isPresent(), () -> "external broker: pass -D" + SETTING_PROPERTY_PREFIX
        + setting.key() + "=<value> to say how it is configured for " + setting.key());
    return value.get();
  }

  private <T> Optional<T> setting(Setting<T> setting) {
    if (embedded()) {
      return Optional.of(config.get(setting));
    }
    return Optional.ofNullable(System.getProperty(SETTING_PROPERTY_PREFIX + setting.key()))
        .map(text -> setting.parser().apply(text.trim()));
  }

  public String host() {
    return uri.getHost();
  }

  public int port() {
    return uri.getPort() == -1 ? ConnectionFactory.DEFAULT_AMQP_PORT : uri.getPort();
  }

  public String username() {
    return userInfo()[0];
  }

  public String password() {
    return userInfo()[1];
  }

  private String[] userInfo() {
    String info = uri.getUserInfo();
    return info == null ? new String[] {"guest", "guest"} : info.split(":", 2);
  }

  /** A fresh factory pointed at the broker; customise it and pass it to {@link #connect(ConnectionFactory)}. */
  public ConnectionFactory factory() {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(host());
    factory.setPort(port());
    factory.setUsername(username());
    factory.setPassword(password());
    factory.setVirtualHost("/");
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setConnectionTimeout((int) Waits.TIMEOUT.toMillis());
    factory.setHandshakeTimeout((int) Waits.TIMEOUT.toMillis());
    factory.setShutdownTimeout(0);
    return factory;
  }

  /** A new connection, closed after the test. */
  public Connection connect() throws IOException, TimeoutException {
    return connect(factory());
  }

  /** A new connection from a customised factory, closed after the test. */
  public Connection connect(ConnectionFactory factory) throws IOException, TimeoutException {
    Connection connection = factory.newConnection(currentTest);
    connections.add(connection);
    return connection;
  }

  /** A new channel on a new connection (the commonest starting point of a test). */
  public Channel channel() throws IOException, TimeoutException {
    return connect().createChannel();
  }

  /** A queue name no other test uses; the queue is deleted after the test. */
  public String queueName() {
    String name = "it.q." + shortId();
    queues.add(name);
    return name;
  }

  /** An exchange name no other test uses; the exchange is deleted after the test. */
  public String exchangeName() {
    String name = "it.x." + shortId();
    exchanges.add(name);
    return name;
  }

  /** Remembers a server-named queue so it is deleted after the test; returns it. */
  public String deleteAfterTest(String serverNamedQueue) {
    queues.add(serverNamedQueue);
    return serverNamedQueue;
  }

  private static String shortId() {
    return UUID.randomUUID().toString().substring(0, 13);
  }

  /** Operator actions on the broker (what {@code rabbitmqctl} does for RabbitMQ). */
  public BrokerControl control() {
    return embedded() ? BrokerControl.embedded(node) : BrokerControl.external();
  }
}
