package io.warren.node.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.node.WarrenNode;
import io.warren.node.config.WarrenConfig;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a RabbitMQ user sees across a clean restart of a node: close it, start a new node on the
 * same data directory (and the same Raft port, which the Raft group membership names), connect
 * again. Durable topology and persistent messages in durable queues come back; everything
 * transient does not; deliveries that were never acked come back marked redelivered.
 */
class RestartTest {
  private static final int NOT_FOUND = 404;
  private static final int PRECONDITION_FAILED = 406;
  private static final String USER = "guest";

  @TempDir Path dataDir;
  private int raftPort;
  private WarrenNode node;
  /** Every connection a test opened; those of an earlier run are dead already, abort is a no-op then. */
  private final List<Connection> connections = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    raftPort = freePort();
    node = startNode();
  }

  @AfterEach
  void stop() {
    try {
      connections.forEach(c -> c.abort(1_000));
    } finally {
      if (node != null) {
        node.close();
        node = null;
      }
    }
  }

  // ---------------------------------------------------------------- topology

  @Test
  void durableExchangesOfEveryTypeSurviveWithTheirBindings() throws Exception {
    Channel setup = connect().createChannel();
    Map<BuiltinExchangeType, String> exchanges = new LinkedHashMap<>();
    for (BuiltinExchangeType type : List.of(BuiltinExchangeType.DIRECT, BuiltinExchangeType.FANOUT,
        BuiltinExchangeType.TOPIC, BuiltinExchangeType.HEADERS)) {
      String exchange = "types-" + type.getType();
      exchanges.put(type, exchange);
      setup.exchangeDeclare(exchange, type, true);
      setup.queueDeclare(exchange + "-q", true, false, false, null);
    }
    setup.queueBind("types-direct-q", "types-direct", "direct-key");
    setup.queueBind("types-fanout-q", "types-fanout", "");
    setup.queueBind("types-topic-q", "types-topic", "stock.*.nyse");
    setup.queueBind("types-headers-q", "types-headers", "", Map.of("x-match", "any", "region", "eu"));

    restart();

    Connection connection = connect();
    for (Map.Entry<BuiltinExchangeType, String> e : exchanges.entrySet()) {
      Channel channel = connection.createChannel();
      channel.exchangeDeclarePassive(e.getValue());
      channel.queueDeclarePassive(e.getValue() + "-q");
      // Same type and durability is equivalent; another type or durability is not.
      channel.exchangeDeclare(e.getValue(), e.getKey(), true);
      BuiltinExchangeType other = e.getKey() == BuiltinExchangeType.FANOUT
          ? BuiltinExchangeType.DIRECT : BuiltinExchangeType.FANOUT;
      assertChannelClosedWith(PRECONDITION_FAILED, connection, c -> c.exchangeDeclare(e.getValue(), other, true));
      assertChannelClosedWith(PRECONDITION_FAILED, connection, c -> c.exchangeDeclare(e.getValue(), e.getKey(), false));
    }

    Channel channel = confirming(connection);
    publish(channel, "types-direct", "direct-key", persistent(), "via direct");
    publish(channel, "types-fanout", "anything", persistent(), "via fanout");
    publish(channel, "types-topic", "stock.ibm.nyse", persistent(), "via topic");
    publish(channel, "types-headers", "", persistent(Map.of("region", "eu")), "via headers");
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    assertThat(awaitBody(channel, "types-direct-q")).isEqualTo("via direct");
    assertThat(awaitBody(channel, "types-fanout-q")).isEqualTo("via fanout");
    assertThat(awaitBody(channel, "types-topic-q")).isEqualTo("via topic");
    assertThat(awaitBody(channel, "types-headers-q")).isEqualTo("via headers");
  }

  @Test
  void durableQueueSurvivesWithItsArguments() throws Exception {
    Map<String, Object> arguments = Map.of(
        "x-max-length", 100, "x-message-ttl", 86_400_000, "x-dead-letter-exchange", "args-dlx");
    connect().createChannel().queueDeclare("args-q", true, false, false, arguments);

    restart();

    Connection connection = connect();
    Channel channel = connection.createChannel();
    assertThat(channel.queueDeclarePassive("args-q").getMessageCount()).isZero();
    assertThat(channel.queueDeclare("args-q", true, false, false, arguments).getQueue()).isEqualTo("args-q");
    Map<String, Object> otherLength = new LinkedHashMap<>(arguments);
    otherLength.put("x-max-length", 50);
    assertChannelClosedWith(PRECONDITION_FAILED, connection,
        c -> c.queueDeclare("args-q", true, false, false, otherLength));
    assertChannelClosedWith(PRECONDITION_FAILED, connection,
        c -> c.queueDeclare("args-q", false, false, false, arguments));
  }

  @Test
  void headersBindingKeepsItsArguments() throws Exception {
    Map<String, Object> bindingArguments = Map.of("x-match", "all", "format", "pdf", "type", "report");
    Channel setup = connect().createChannel();
    setup.exchangeDeclare("hdr-x", BuiltinExchangeType.HEADERS, true);
    setup.queueDeclare("hdr-q", true, false, false, null);
    setup.queueBind("hdr-q", "hdr-x", "", bindingArguments);

    restart();

    Channel channel = confirming(connect());
    // x-match=all: one matching header of two is not enough.
    publish(channel, "hdr-x", "", persistent(Map.of("format", "pdf")), "half");
    publish(channel, "hdr-x", "", persistent(Map.of("format", "pdf", "type", "report")), "all");
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(awaitBody(channel, "hdr-q")).isEqualTo("all");
    assertThat(channel.basicGet("hdr-q", true)).isNull();

    // A binding is identified by its arguments too: unbinding with the same ones removes it.
    channel.queueUnbind("hdr-q", "hdr-x", "", bindingArguments);
    publish(channel, "hdr-x", "", persistent(Map.of("format", "pdf", "type", "report")), "late");
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(channel.basicGet("hdr-q", true)).isNull();
  }

  @Test
  void exchangeToExchangeBindingSurvives() throws Exception {
    Channel setup = connect().createChannel();
    setup.exchangeDeclare("e2e-source", BuiltinExchangeType.TOPIC, true);
    setup.exchangeDeclare("e2e-destination", BuiltinExchangeType.FANOUT, true);
    setup.exchangeBind("e2e-destination", "e2e-source", "orders.#");
    setup.queueDeclare("e2e-q", true, false, false, null);
    setup.queueBind("e2e-q", "e2e-destination", "");

    restart();

    Channel channel = confirming(connect());
    channel.exchangeDeclarePassive("e2e-source");
    channel.exchangeDeclarePassive("e2e-destination");
    publish(channel, "e2e-source", "payments.eu", persistent(), "not bound");
    publish(channel, "e2e-source", "orders.eu.new", persistent(), "bound");
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(awaitBody(channel, "e2e-q")).isEqualTo("bound");
    assertThat(channel.basicGet("e2e-q", true)).isNull();
  }

  @Test
  void alternateExchangeArgumentSurvives() throws Exception {
    Map<String, Object> arguments = Map.of("alternate-exchange", "ae-fallback");
    Channel setup = connect().createChannel();
    setup.exchangeDeclare("ae-fallback", BuiltinExchangeType.FANOUT, true);
    setup.exchangeDeclare("ae-main", BuiltinExchangeType.DIRECT, true, false, arguments);
    setup.queueDeclare("ae-routed", true, false, false, null);
    setup.queueDeclare("ae-unrouted", true, false, false, null);
    setup.queueBind("ae-routed", "ae-main", "known");
    setup.queueBind("ae-unrouted", "ae-fallback", "");

    restart();

    Connection connection = connect();
    Channel channel = confirming(connection);
    channel.exchangeDeclare("ae-main", BuiltinExchangeType.DIRECT, true, false, arguments);
    assertChannelClosedWith(PRECONDITION_FAILED, connection, c -> c.exchangeDeclare(
        "ae-main", BuiltinExchangeType.DIRECT, true, false, Map.of("alternate-exchange", "elsewhere")));

    publish(channel, "ae-main", "known", persistent(), "routed");
    publish(channel, "ae-main", "unknown", persistent(), "to the alternate");
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(awaitBody(channel, "ae-routed")).isEqualTo("routed");
    assertThat(awaitBody(channel, "ae-unrouted")).isEqualTo("to the alternate");
  }

  @Test
  void transientExchangesAndQueuesAreGoneAndAutoDeleteOnesStay() throws Exception {
    Channel setup = connect().createChannel();
    setup.exchangeDeclare("gone-exchange", BuiltinExchangeType.DIRECT, false);
    setup.queueDeclare("gone-transient", false, false, false, null);
    // Durable in name only: exclusivity ties it to a connection.
    setup.queueDeclare("gone-exclusive", true, true, false, null);
    setup.queueDeclare("kept-control", true, false, false, null);
    // Auto-delete goes with its last consumer, not with the node: RabbitMQ 3.10 keeps a durable
    // one across a restart. A clean stop closes the connections first, so one whose last consumer
    // was attached goes then, as in RabbitMQ.
    setup.queueDeclare("kept-auto-delete", true, false, true, null);
    setup.queueDeclare("gone-auto-delete-consumed", true, false, true, null);
    setup.basicConsume("gone-auto-delete-consumed", true, (tag, d) -> { }, tag -> { });

    restart();

    Connection connection = connect();
    connection.createChannel().queueDeclarePassive("kept-control");
    connection.createChannel().queueDeclarePassive("kept-auto-delete");
    assertChannelClosedWith(NOT_FOUND, connection, c -> c.exchangeDeclarePassive("gone-exchange"));
    assertChannelClosedWith(NOT_FOUND, connection, c -> c.queueDeclarePassive("gone-transient"));
    assertChannelClosedWith(NOT_FOUND, connection, c -> c.queueDeclarePassive("gone-exclusive"));
    assertChannelClosedWith(NOT_FOUND, connection, c -> c.queueDeclarePassive("gone-auto-delete-consumed"));
  }

  @Test
  void bindingFromDurableExchangeToTransientQueueIsGone() throws Exception {
    Channel setup = connect().createChannel();
    setup.exchangeDeclare("mixed-x", BuiltinExchangeType.DIRECT, true);
    setup.queueDeclare("mixed-transient", false, false, false, null);
    setup.queueDeclare("mixed-durable", true, false, false, null);
    setup.queueBind("mixed-transient", "mixed-x", "k");
    setup.queueBind("mixed-durable", "mixed-x", "k");

    restart();

    Connection connection = connect();
    assertChannelClosedWith(NOT_FOUND, connection, c -> c.queueDeclarePassive("mixed-transient"));
    // Declaring the queue again gives a new, unbound queue: the old binding went with the old queue.
    Channel channel = confirming(connection);
    channel.queueDeclare("mixed-transient", false, false, false, null);
    publish(channel, "mixed-x", "k", persistent(), "after restart");
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(awaitBody(channel, "mixed-durable")).isEqualTo("after restart");
    assertThat(channel.basicGet("mixed-transient", true)).isNull();
  }

  // ---------------------------------------------------------------- messages

  @Test
  void persistentMessagesComeBackInOrderWithPropertiesAndBodies() throws Exception {
    List<Published> published = List.of(
        new Published(everyProperty(0), "first".getBytes(StandardCharsets.UTF_8)),
        new Published(persistent(), new byte[0]),
        new Published(everyProperty(2), allByteValues()),
        new Published(everyProperty(3), randomBytes(5 * 1024 * 1024)),
        new Published(persistent().builder().contentType("text/plain").build(),
            "last".getBytes(StandardCharsets.UTF_8)));
    Channel channel = confirming(connect());
    channel.queueDeclare("props-q", true, false, false, null);
    for (Published p : published) {
      channel.basicPublish("", "props-q", p.properties(), p.body());
    }
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    restart();

    Channel after = connect().createChannel();
    List<Observed> observed = new ArrayList<>();
    for (GetResponse r : drain(after, "props-q")) {
      assertThat(r.getEnvelope().isRedeliver()).isFalse();
      observed.add(Observed.of(r.getProps(), r.getBody()));
    }
    assertThat(observed).containsExactlyElementsOf(
        published.stream().map(p -> Observed.of(p.properties(), p.body())).toList());
  }

  @Test
  void transientMessagesInDurableQueueAreDroppedAndPersistentOnesKeepTheirOrder() throws Exception {
    Channel channel = confirming(connect());
    channel.queueDeclare("mixed-delivery-q", true, false, false, null);
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      // Two ways of being transient: delivery-mode 1, and no delivery mode at all.
      AMQP.BasicProperties properties = switch (i % 3) {
        case 0 -> persistent();
        case 1 -> MessageProperties.TEXT_PLAIN;
        default -> null;
      };
      publish(channel, "", "mixed-delivery-q", properties, "m" + i);
      if (i % 3 == 0) {
        expected.add("m" + i);
      }
    }
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(channel.queueDeclarePassive("mixed-delivery-q").getMessageCount()).isEqualTo(10);

    restart();

    Channel after = connect().createChannel();
    assertThat(after.queueDeclarePassive("mixed-delivery-q").getMessageCount()).isEqualTo(expected.size());
    assertThat(drain(after, "mixed-delivery-q")).extracting(Inbox::text).containsExactlyElementsOf(expected);
  }

  @Test
  void deliveriesNotAckedByAConsumerComeBackRedeliveredAheadOfTheRest() throws Exception {
    Channel channel = confirming(connect());
    channel.queueDeclare("unacked-q", true, false, false, null);
    for (int i = 0; i < 8; i++) {
      publish(channel, "", "unacked-q", persistent(), "m" + i);
    }
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    channel.basicQos(4);
    Inbox inbox = Inbox.consume(channel, "unacked-q", false);
    List<Delivery> delivered = inbox.next(4);
    assertThat(delivered).extracting(Inbox::text).containsExactly("m0", "m1", "m2", "m3");
    // Cancelled first so that the acks free no prefetch room for more deliveries.
    channel.basicCancel(inbox.tag());
    channel.basicAck(delivered.get(0).getEnvelope().getDeliveryTag(), false);
    channel.basicAck(delivered.get(2).getEnvelope().getDeliveryTag(), false);
    // A synchronous round trip on the same channel: the broker has taken the acks before it answers.
    assertThat(channel.queueDeclarePassive("unacked-q").getMessageCount()).isEqualTo(4);

    // The consumer's connection is still open when the node stops.
    restart();

    Channel after = connect().createChannel();
    assertThat(drain(after, "unacked-q")).extracting(Seen::of).containsExactly(
        new Seen("m1", true), new Seen("m3", true),
        new Seen("m4", false), new Seen("m5", false), new Seen("m6", false), new Seen("m7", false));
  }

  @Test
  void messageGotButNotAckedComesBackRedelivered() throws Exception {
    Channel channel = confirming(connect());
    channel.queueDeclare("got-q", true, false, false, null);
    for (int i = 0; i < 4; i++) {
      publish(channel, "", "got-q", persistent(), "m" + i);
    }
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    GetResponse acked = channel.basicGet("got-q", false);
    GetResponse held = channel.basicGet("got-q", false);
    assertThat(List.of(acked, held)).extracting(Inbox::text).containsExactly("m0", "m1");
    channel.basicAck(acked.getEnvelope().getDeliveryTag(), false);
    assertThat(channel.queueDeclarePassive("got-q").getMessageCount()).isEqualTo(2);

    restart();

    Channel after = connect().createChannel();
    assertThat(drain(after, "got-q")).extracting(Seen::of).containsExactly(
        new Seen("m1", true), new Seen("m2", false), new Seen("m3", false));
  }

  @Test
  void purgeAndQueueDeleteAreDurable() throws Exception {
    Channel channel = confirming(connect());
    channel.queueDeclare("purged-q", true, false, false, null);
    channel.queueDeclare("deleted-q", true, false, false, null);
    for (int i = 0; i < 3; i++) {
      publish(channel, "", "purged-q", persistent(), "p" + i);
      publish(channel, "", "deleted-q", persistent(), "d" + i);
    }
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(channel.queuePurge("purged-q").getMessageCount()).isEqualTo(3);
    assertThat(channel.queueDelete("deleted-q").getMessageCount()).isEqualTo(3);

    restart();

    Connection connection = connect();
    Channel after = confirming(connection);
    assertThat(after.queueDeclarePassive("purged-q").getMessageCount()).isZero();
    assertThat(after.basicGet("purged-q", true)).isNull();
    assertChannelClosedWith(NOT_FOUND, connection, c -> c.queueDeclarePassive("deleted-q"));
    assertThat(after.queueDeclare("deleted-q", true, false, false, null).getMessageCount()).isZero();
    assertThat(after.basicGet("deleted-q", true)).isNull();

    // Both still take messages.
    publish(after, "", "purged-q", persistent(), "new p");
    publish(after, "", "deleted-q", persistent(), "new d");
    after.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(drain(after, "purged-q")).extracting(Inbox::text).containsExactly("new p");
    assertThat(drain(after, "deleted-q")).extracting(Inbox::text).containsExactly("new d");
  }

  @Test
  void fanoutCopiesSurviveAndAreSettledIndependently() throws Exception {
    Channel channel = confirming(connect());
    channel.exchangeDeclare("copies-x", BuiltinExchangeType.FANOUT, true);
    channel.queueDeclare("copies-a", true, false, false, null);
    channel.queueDeclare("copies-b", true, false, false, null);
    channel.queueBind("copies-a", "copies-x", "");
    channel.queueBind("copies-b", "copies-x", "");
    AMQP.BasicProperties properties = persistent().builder().messageId("copy-1").build();
    publish(channel, "copies-x", "", properties, "one message, two queues");
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    restart();

    Connection second = connect();
    Channel after = second.createChannel();
    assertThat(after.queueDeclarePassive("copies-a").getMessageCount()).isEqualTo(1);
    assertThat(after.queueDeclarePassive("copies-b").getMessageCount()).isEqualTo(1);
    GetResponse fromA = after.basicGet("copies-a", false);
    assertThat(Inbox.text(fromA)).isEqualTo("one message, two queues");
    assertThat(fromA.getProps().getMessageId()).isEqualTo("copy-1");
    after.basicAck(fromA.getEnvelope().getDeliveryTag(), false);
    assertThat(after.queueDeclarePassive("copies-a").getMessageCount()).isZero();
    second.close();

    restart();

    Channel last = connect().createChannel();
    assertThat(drain(last, "copies-a")).isEmpty();
    List<GetResponse> fromB = drain(last, "copies-b");
    assertThat(fromB).extracting(Seen::of).containsExactly(new Seen("one message, two queues", false));
    assertThat(fromB.get(0).getProps().getMessageId()).isEqualTo("copy-1");
  }

  @Test
  void severalRestartsInARowKeepTheStateOfEachRun() throws Exception {
    int runs = 3;
    for (int run = 1; run <= runs; run++) {
      // Each run publishes (after a restart from the second run on) and declares something new.
      Connection connection = connect();
      Channel channel = confirming(connection);
      channel.queueDeclare("runs-log", true, false, false, null);
      channel.queueDeclare("runs-" + run, true, false, false, null);
      publish(channel, "", "runs-log", persistent(), "run " + run);
      publish(channel, "", "runs-" + run, persistent(), "only in run " + run);
      assertThat(channel.waitForConfirms(Waits.TIMEOUT.toMillis())).isTrue();
      connection.close();

      restart();

      Channel after = connect().createChannel();
      assertThat(after.queueDeclarePassive("runs-log").getMessageCount()).isEqualTo(run);
      for (int earlier = 1; earlier <= run; earlier++) {
        assertThat(after.queueDeclarePassive("runs-" + earlier).getMessageCount()).isEqualTo(1);
      }
    }

    Channel channel = connect().createChannel();
    assertThat(drain(channel, "runs-log")).extracting(Inbox::text)
        .containsExactly(IntStream.rangeClosed(1, runs).mapToObj(r -> "run " + r).toArray(String[]::new));
    for (int run = 1; run <= runs; run++) {
      assertThat(drain(channel, "runs-" + run)).extracting(Inbox::text).containsExactly("only in run " + run);
    }
  }

  // ---------------------------------------------------------------- node and client helpers

  private WarrenNode startNode() throws InterruptedException {
    WarrenNode started = new WarrenNode(WarrenConfig.defaults()
        .with(WarrenConfig.AMQP_BIND, "127.0.0.1")
        .with(WarrenConfig.AMQP_PORT, 0)
        .with(WarrenConfig.METRICS_PORT, 0)
        .with(WarrenConfig.MANAGEMENT_PORT, 0)
        .with(WarrenConfig.RAFT_PORT, raftPort)
        .with(WarrenConfig.DATA_DIR, dataDir));
    try {
      started.start();
    } catch (RuntimeException | InterruptedException e) {
      started.close();
      throw e;
    }
    return started;
  }

  /** A clean stop, then a new node on the same data directory; clients of the old one are cut off. */
  private void restart() throws InterruptedException {
    node.close();
    node = null;
    node = startNode();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(node.amqpAddress().getPort());
    factory.setUsername(USER);
    factory.setPassword(USER);
    // A restart must look like what it is to the test: a dead connection, not a silent reconnect.
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    Connection connection = factory.newConnection();
    connections.add(connection);
    return connection;
  }

  private static Channel confirming(Connection connection) throws IOException {
    Channel channel = connection.createChannel();
    channel.confirmSelect();
    return channel;
  }

  private static AMQP.BasicProperties persistent() {
    return MessageProperties.MINIMAL_PERSISTENT_BASIC;
  }

  private static AMQP.BasicProperties persistent(Map<String, Object> headers) {
    return persistent().builder().headers(headers).build();
  }

  private static void publish(Channel channel, String exchange, String routingKey, AMQP.BasicProperties properties,
      String body) throws IOException {
    channel.basicPublish(exchange, routingKey, properties, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Polls until the queue yields a message (routing is asynchronous to the publisher) and takes it. */
  private static String awaitBody(Channel channel, String queue) {
    AtomicReference<GetResponse> got = new AtomicReference<>();
    Waits.await().until(() -> {
      got.set(channel.basicGet(queue, true));
      return got.get() != null;
    });
    return Inbox.text(got.get());
  }

  /** Every message the queue holds now, taken with auto-ack, in queue order. */
  private static List<GetResponse> drain(Channel channel, String queue) throws IOException {
    List<GetResponse> taken = new ArrayList<>();
    for (GetResponse r = channel.basicGet(queue, true); r != null; r = channel.basicGet(queue, true)) {
      taken.add(r);
    }
    return taken;
  }

  @FunctionalInterface
  private interface ChannelAction {
    void run(Channel channel) throws IOException;
  }

  /** Runs the action on a channel of its own and expects the broker to close that channel with {@code code}. */
  private static void assertChannelClosedWith(int code, Connection connection, ChannelAction action)
      throws IOException {
    Channel channel = connection.createChannel();
    assertThatThrownBy(() -> action.run(channel))
        .isInstanceOf(IOException.class)
        .cause().isInstanceOfSatisfying(ShutdownSignalException.class, signal -> {
          assertThat(signal.isHardError()).as("a channel error, not a connection error").isFalse();
          assertThat(((AMQP.Channel.Close) signal.getReason()).getReplyCode()).isEqualTo(code);
        });
  }

  // ---------------------------------------------------------------- what the client observes

  private record Published(AMQP.BasicProperties properties, byte[] body) {}

  private record Seen(String body, boolean redelivered) {
    static Seen of(GetResponse response) {
      return new Seen(Inbox.text(response), response.getEnvelope().isRedeliver());
    }
  }

  /**
   * Every property the client exposes, with headers in a comparable form, and the body by length
   * and digest (a 5 MiB array would make an unreadable failure message).
   */
  private record Observed(String contentType, String contentEncoding, Object headers, Integer deliveryMode,
      Integer priority, String correlationId, String replyTo, String expiration, String messageId, Date timestamp,
      String type, String userId, String appId, int bodyLength, String bodySha256) {

    static Observed of(AMQP.BasicProperties p, byte[] body) {
      return new Observed(p.getContentType(), p.getContentEncoding(), comparable(p.getHeaders()),
          p.getDeliveryMode(), p.getPriority(), p.getCorrelationId(), p.getReplyTo(), p.getExpiration(),
          p.getMessageId(), p.getTimestamp(), p.getType(), p.getUserId(), p.getAppId(),
          body.length, sha256(body));
    }

    /** Field-table values as published and as decoded by the client, made equal where the bytes are. */
    private static Object comparable(Object value) {
      if (value instanceof LongString s) {
        return s.toString(); // the client writes a String as a long string and reads it back as LongString
      }
      if (value instanceof byte[] bytes) {
        return "bytes:" + HexFormat.of().formatHex(bytes);
      }
      if (value instanceof Map<?, ?> map) {
        Map<Object, Object> result = new LinkedHashMap<>();
        map.forEach((k, v) -> result.put(k, comparable(v)));
        return result;
      }
      if (value instanceof List<?> list) {
        return list.stream().map(Observed::comparable).toList();
      }
      return value;
    }
  }

  /** Properties with every field the client can set, each value distinct per message. */
  private static AMQP.BasicProperties everyProperty(int n) {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("depth", 2);
    nested.put("label", "inner-" + n);
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("string", "value-" + n + " \u00e9\u4e2d");
    headers.put("int", 42 + n);
    headers.put("long", 1L << 40);
    headers.put("short", (short) -7);
    headers.put("byte", (byte) 9);
    headers.put("bool", true);
    headers.put("double", 3.25);
    headers.put("float", 1.5f);
    headers.put("decimal", new BigDecimal("12.345"));
    headers.put("timestamp", new Date(1_700_000_000_000L));
    headers.put("bytes", new byte[] {0, 1, (byte) 0xff});
    headers.put("void", null);
    headers.put("table", nested);
    headers.put("array", List.of("a", 1, false));
    return new AMQP.BasicProperties.Builder()
        .contentType("application/octet-stream")
        .contentEncoding("identity")
        .headers(headers)
        .deliveryMode(2)
        .priority(n % 10)
        .correlationId("corr-" + n)
        .replyTo("reply-" + n)
        .expiration("86400000")
        .messageId("msg-" + n)
        .timestamp(new Date(1_600_000_000_000L + n * 1_000L)) // whole seconds: AMQP timestamps have no more
        .type("type-" + n)
        .userId(USER)
        .appId("restart-test")
        .build();
  }

  private static byte[] allByteValues() {
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    return bytes;
  }

  private static byte[] randomBytes(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
