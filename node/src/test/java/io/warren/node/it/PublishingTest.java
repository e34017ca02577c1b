package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.Return;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** basic.publish: what is routed, returned or refused, and that content arrives untouched. */
class PublishingTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void mandatoryMessageWithNoRouteIsReturnedWith312() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    channel.exchangeDeclare(exchange, "direct");
    BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
    channel.addReturnListener(returns::add);
    AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder().messageId("id-1").build();

    channel.basicPublish(exchange, "nowhere", true, properties, Inbox.bytes("lost"));

    Return returned = returns.poll(Waits.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(returned).isNotNull();
    assertThat(returned.getReplyCode()).isEqualTo(312);
    assertThat(returned.getReplyText()).isEqualTo("NO_ROUTE");
    assertThat(returned.getExchange()).isEqualTo(exchange);
    assertThat(returned.getRoutingKey()).isEqualTo("nowhere");
    assertThat(returned.getProperties().getMessageId()).isEqualTo("id-1");
    assertThat(new String(returned.getBody(), StandardCharsets.UTF_8)).isEqualTo("lost");
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void routableMandatoryAndUnroutablePlainMessagesAreNotReturned() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    BlockingQueue<Return> returns = new LinkedBlockingQueue<>();
    channel.addReturnListener(returns::add);
    channel.confirmSelect();

    channel.basicPublish("", queue, true, null, Inbox.bytes("routable"));
    channel.basicPublish("amq.direct", "nowhere", false, null, Inbox.bytes("dropped silently"));
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    // a return always precedes the confirm of its message, so none can still be on its way
    assertThat(returns).isEmpty();
    assertThat(channel.messageCount(queue)).isEqualTo(1);
  }

  @Test
  void publishingToAMissingExchangeIs404() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();

    channel.basicPublish(exchange, "key", null, Inbox.bytes("nowhere"));

    assertThat(Closure.awaitClose(channel))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no exchange '" + exchange + "' in vhost '/'"));
    assertThat(channel.getConnection().isOpen()).isTrue();
  }

  @Test
  void immediateFlagIsNotImplemented() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();

    channel.basicPublish("", queue, false, true, null, Inbox.bytes("immediate"));

    assertThat(Closure.awaitClose(channel.getConnection()))
        .isEqualTo(Closure.connection(540, "NOT_IMPLEMENTED - immediate=true"));
  }

  @Test
  void userIdOtherThanTheLoginIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();

    channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().userId("mallory").build(), Inbox.bytes("x"));

    assertThat(Closure.awaitClose(channel)).isEqualTo(Closure.channel(406,
        "PRECONDITION_FAILED - user_id property set to 'mallory' but authenticated user was '"
            + broker.username() + "'"));
  }

  @Test
  void allFourteenPropertiesArriveExactlyAsPublished() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();
    AMQP.BasicProperties sent = new AMQP.BasicProperties.Builder()
        .contentType("application/json")
        .contentEncoding("gzip")
        .headers(Map.of("h", "v"))
        .deliveryMode(2)
        .priority(5)
        .correlationId("corr-1")
        .replyTo("reply-queue")
        .expiration("600000")
        .messageId("msg-1")
        .timestamp(new Date(1_700_000_000_000L))
        .type("order.created")
        .userId(broker.username())
        .appId("warren-it")
        .clusterId("cluster-1")
        .build();

    channel.basicPublish("", queue, sent, Inbox.bytes("{}"));

    AMQP.BasicProperties got = Inbox.consume(channel, queue, true).next().getProperties();
    assertThat(got.getContentType()).isEqualTo("application/json");
    assertThat(got.getContentEncoding()).isEqualTo("gzip");
    assertThat(normalize(got.getHeaders())).isEqualTo(Map.of("h", "v"));
    assertThat(got.getDeliveryMode()).isEqualTo(2);
    assertThat(got.getPriority()).isEqualTo(5);
    assertThat(got.getCorrelationId()).isEqualTo("corr-1");
    assertThat(got.getReplyTo()).isEqualTo("reply-queue");
    assertThat(got.getExpiration()).isEqualTo("600000");
    assertThat(got.getMessageId()).isEqualTo("msg-1");
    assertThat(got.getTimestamp()).isEqualTo(new Date(1_700_000_000_000L));
    assertThat(got.getType()).isEqualTo("order.created");
    assertThat(got.getUserId()).isEqualTo(broker.username());
    assertThat(got.getAppId()).isEqualTo("warren-it");
    assertThat(got.getClusterId()).isEqualTo("cluster-1");
  }

  @Test
  void absentPropertiesStayAbsent() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();

    channel.basicPublish("", queue, null, Inbox.bytes("bare"));

    AMQP.BasicProperties got = Inbox.consume(channel, queue, true).next().getProperties();
    assertThat(got.getContentType()).isNull();
    assertThat(got.getHeaders()).isNull();
    assertThat(got.getDeliveryMode()).isNull();
    assertThat(got.getPriority()).isNull();
    assertThat(got.getMessageId()).isNull();
    assertThat(got.getTimestamp()).isNull();
  }

  @Test
  void headersOfEveryFieldTypeArriveExactlyAsPublished() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("inner-string", "deep");
    nested.put("inner-int", 7);
    List<Object> array = new ArrayList<>(List.of("a", 1, 2L, true, 1.5d, new byte[] {9, 8}));
    array.add(null);
    array.add(List.of("nested", "array"));
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put("long-string", "text with ünïcödé");
    headers.put("int", Integer.MIN_VALUE);
    headers.put("long", Long.MAX_VALUE);
    headers.put("short", (short) -1234);
    headers.put("byte", (byte) -7);
    headers.put("float", 3.25f);
    headers.put("double", -2.5e300);
    headers.put("decimal", new BigDecimal("-12345.678"));
    headers.put("timestamp", new Date(1_600_000_000_000L));
    headers.put("boolean-true", true);
    headers.put("boolean-false", false);
    headers.put("void", null);
    headers.put("bytes", new byte[] {0, 1, (byte) 0xCE, (byte) 0xFF});
    headers.put("table", nested);
    headers.put("array", array);
    headers.put("empty-table", Map.of());
    headers.put("empty-array", List.of());

    channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().headers(headers).build(), Inbox.bytes("h"));

    Map<String, Object> got = Inbox.consume(channel, queue, true).next().getProperties().getHeaders();
    assertThat(got.keySet()).containsExactlyInAnyOrderElementsOf(headers.keySet());
    for (String key : headers.keySet()) {
      Object value = got.get(key);
      assertThat(fieldKind(value)).as("field type of %s", key).isEqualTo(fieldKind(headers.get(key)));
      assertThat(normalize(value)).as(key).isEqualTo(normalize(headers.get(key)));
    }
  }

  @Test
  void bodiesArriveByteForByte() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();
    byte[] allValues = new byte[256];
    for (int i = 0; i < 256; i++) {
      allValues[i] = (byte) i;
    }
    byte[] spansFrames = new byte[300_000]; // more than two 128 KiB frames
    new Random(42).nextBytes(spansFrames);

    channel.basicPublish("", queue, null, new byte[0]);
    channel.basicPublish("", queue, null, allValues);
    channel.basicPublish("", queue, null, spansFrames);

    List<Delivery> got = Inbox.consume(channel, queue, true).next(3);
    assertThat(got.get(0).getBody()).isEmpty();
    assertThat(got.get(1).getBody()).isEqualTo(allValues);
    assertThat(got.get(2).getBody()).isEqualTo(spansFrames);
  }

  /** The AMQP field type a value travels as, from the Java side: e.g. Short is 's', not 'I'. */
  private static String fieldKind(Object value) {
    if (value == null) {
      return "void";
    }
    if (value instanceof String || value instanceof LongString) {
      return "long-string";
    }
    if (value instanceof Map) {
      return "table";
    }
    if (value instanceof List) {
      return "array";
    }
    return value.getClass().getSimpleName();
  }

  /** Field values compared by content: long strings as text, byte arrays as hex. */
  private static Object normalize(Object value) {
    if (value instanceof LongString s) {
      return s.toString();
    }
    if (value instanceof byte[] bytes) {
      return "bytes:" + HexFormat.of().formatHex(bytes);
    }
    if (value instanceof Map<?, ?> map) {
      Map<Object, Object> result = new LinkedHashMap<>();
      map.forEach((k, v) -> result.put(k.toString(), normalize(v)));
      return result;
    }
    if (value instanceof List<?> list) {
      List<Object> result = new ArrayList<>();
      list.forEach(v -> result.add(normalize(v)));
      return result;
    }
    return value;
  }
}
