package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which queues a message reaches, per exchange type. A message that must not be routed is
 * followed by a marker published straight to the queue: the first thing the queue holds says
 * whether the message got there, without waiting for something not to happen.
 */
class RoutingTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static final String MARKER = "marker";

  @Test
  void directRoutesOnExactKeyToEveryQueueBoundWithIt() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "direct");
    String first = boundQueue(channel, exchange, "green");
    String second = boundQueue(channel, exchange, "green");
    String other = boundQueue(channel, exchange, "red");

    channel.basicPublish(exchange, "green", null, Inbox.bytes("green message"));
    channel.basicPublish(exchange, "greenish", null, Inbox.bytes("no such key"));

    assertThat(firstBodies(channel, first, 2)).containsExactly("green message", MARKER);
    assertThat(firstBodies(channel, second, 2)).containsExactly("green message", MARKER);
    assertThat(firstBodies(channel, other, 1)).containsExactly(MARKER);
  }

  @Test
  void defaultExchangeRoutesByQueueName() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);

    channel.basicPublish("", queue, null, Inbox.bytes("by name"));

    assertThat(Inbox.consume(channel, queue, true).nextBodies(1)).containsExactly("by name");
  }

  @Test
  void fanoutIgnoresTheRoutingKeyAndReachesEveryBoundQueue() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "fanout");
    String first = boundQueue(channel, exchange, "");
    String second = boundQueue(channel, exchange, "some-key");

    channel.basicPublish(exchange, "whatever", null, Inbox.bytes("to all"));

    assertThat(firstBodies(channel, first, 2)).containsExactly("to all", MARKER);
    assertThat(firstBodies(channel, second, 2)).containsExactly("to all", MARKER);
  }

  @ParameterizedTest(name = "pattern ''{0}'' with key ''{1}'' routed: {2}")
  @CsvSource(delimiter = '|', value = {
      "a.b.c   | a.b.c     | true",
      "a.b.c   | a.b.cc    | false",
      "a.*.c   | a.b.c     | true",
      "a.*.c   | a.c       | false",
      "a.*.c   | a.b.b.c   | false",
      "*.*     | a.b       | true",
      "*.*     | a         | false",
      "a.#     | a         | true",
      "a.#     | a.b.c     | true",
      "a.#     | b.a       | false",
      "#.c     | c         | true",
      "#.c     | a.b.c     | true",
      "a.#.c   | a.c       | true",
      "a.#.c   | a.x.y.c   | true",
      "a.#.c   | a.b       | false",
      "#       | any.thing | true",
      "#       | ''        | true",
      "*.b.#   | a.b       | true",
      "*.b.#   | b.c       | false",
  })
  void topicPatterns(String pattern, String key, boolean routed) throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "topic");
    String queue = boundQueue(channel, exchange, pattern);

    channel.basicPublish(exchange, key, null, Inbox.bytes("topic message"));

    assertThat(firstBodies(channel, queue, 1)).containsExactly(routed ? "topic message" : MARKER);
  }

  @Test
  void topicMessageMatchingSeveralBindingsOfOneQueueArrivesOnce() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "topic");
    String queue = boundQueue(channel, exchange, "a.*");
    channel.queueBind(queue, exchange, "*.b");
    channel.queueBind(queue, exchange, "#");

    channel.basicPublish(exchange, "a.b", null, Inbox.bytes("once"));

    assertThat(firstBodies(channel, queue, 2)).containsExactly("once", MARKER);
  }

  @Test
  void topicMessageReachesEveryQueueWithAMatchingBinding() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "topic");
    String allLogs = boundQueue(channel, exchange, "log.#");
    String errors = boundQueue(channel, exchange, "*.error");
    String kernel = boundQueue(channel, exchange, "kern.*");

    channel.basicPublish(exchange, "log.error", null, Inbox.bytes("log.error"));

    assertThat(firstBodies(channel, allLogs, 1)).containsExactly("log.error");
    assertThat(firstBodies(channel, errors, 1)).containsExactly("log.error");
    assertThat(firstBodies(channel, kernel, 1)).containsExactly(MARKER);
  }

  static Stream<Arguments> headerCases() {
    Map<String, Object> pdfReport = Map.of("format", "pdf", "type", "report");
    return Stream.of(
        Arguments.of("all: every header present", args("all", pdfReport),
            Map.of("format", "pdf", "type", "report", "x", 1), true),
        Arguments.of("all: one header missing", args("all", pdfReport), Map.of("format", "pdf"), false),
        Arguments.of("all: one value differs", args("all", pdfReport), Map.of("format", "pdf", "type", "log"), false),
        Arguments.of("x-match defaults to all", pdfReport, Map.of("format", "pdf"), false),
        Arguments.of("any: one header matches", args("any", pdfReport), Map.of("type", "report"), true),
        Arguments.of("any: none matches", args("any", pdfReport), Map.of("format", "zip", "other", "x"), false),
        Arguments.of("any: no headers at all", args("any", pdfReport), Map.of(), false),
        Arguments.of("integer value matches integer", args("all", Map.of("n", 1)), Map.of("n", 1), true),
        Arguments.of("integer value does not match string", args("all", Map.of("n", 1)), Map.of("n", "1"), false),
        Arguments.of("any ignores x- headers", args("any", Map.of("x-tag", "t")), Map.of("x-tag", "t"), false),
        Arguments.of("all ignores x- headers", args("all", Map.of("x-tag", "t", "k", "v")), Map.of("k", "v"), true),
        Arguments.of("any-with-x compares x- headers", args("any-with-x", Map.of("x-tag", "t")),
            Map.of("x-tag", "t"), true),
        Arguments.of("all-with-x compares x- headers", args("all-with-x", Map.of("x-tag", "t", "k", "v")),
            Map.of("k", "v"), false),
        Arguments.of("all-with-x with all present", args("all-with-x", Map.of("x-tag", "t", "k", "v")),
            Map.of("k", "v", "x-tag", "t"), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("headerCases")
  void headersExchange(String name, Map<String, Object> bindingArguments, Map<String, Object> headers, boolean routed)
      throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "headers");
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.queueBind(queue, exchange, "", bindingArguments);

    channel.basicPublish(exchange, "ignored", new AMQP.BasicProperties.Builder().headers(headers).build(),
        Inbox.bytes("headers message"));

    assertThat(firstBodies(channel, queue, 1)).containsExactly(routed ? "headers message" : MARKER);
  }

  private static Map<String, Object> args(String match, Map<String, Object> headers) {
    Map<String, Object> result = new HashMap<>(headers);
    result.put("x-match", match);
    return result;
  }

  private static String boundQueue(Channel channel, String exchange, String key) throws IOException {
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.queueBind(queue, exchange, key);
    return queue;
  }

  /** Publishes the marker straight to the queue, then consumes the first {@code count} bodies. */
  private static List<String> firstBodies(Channel channel, String queue, int count) throws Exception {
    channel.basicPublish("", queue, null, Inbox.bytes(MARKER));
    Channel consumer = channel.getConnection().createChannel();
    return Inbox.consume(consumer, queue, true).nextBodies(count);
  }
}
