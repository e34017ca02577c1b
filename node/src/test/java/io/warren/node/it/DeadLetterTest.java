package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Dead lettering as a RabbitMQ user sees it, from a durable (replicated) queue into a transient
 * one and the other way round: rejected and expired messages are republished through the dead
 * letter exchange with the x-death history RabbitMQ writes.
 */
class DeadLetterTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  /** A source queue and the queue its dead letters reach through a fanout exchange. */
  private record Setup(Channel channel, String source, String dlx, String dlq) {}

  private Setup setup(boolean durable, Map<String, Object> sourceArgs) throws Exception {
    Channel ch = broker.channel();
    String dlx = broker.exchangeName();
    String dlq = broker.queueName();
    String source = broker.queueName();
    ch.exchangeDeclare(dlx, "fanout", true);
    ch.queueDeclare(dlq, !durable, false, false, null);
    ch.queueBind(dlq, dlx, "");
    Map<String, Object> args = new HashMap<>(sourceArgs);
    args.put("x-dead-letter-exchange", dlx);
    ch.queueDeclare(source, durable, false, false, args);
    ch.confirmSelect();
    return new Setup(ch, source, dlx, dlq);
  }

  private static void publish(Channel ch, String queue, AMQP.BasicProperties props, String body) throws Exception {
    ch.basicPublish("", queue, props, Inbox.bytes(body));
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }

  private static GetResponse awaitGet(Channel ch, String queue) {
    return Waits.await().until(() -> ch.basicGet(queue, true), r -> r != null);
  }

  /** Header values as plain Java: long strings as String, nested tables and arrays likewise. */
  private static Object plain(Object v) {
    if (v instanceof Map<?, ?> m) {
      return m.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(), e -> plain(e.getValue())));
    } else if (v instanceof List<?> l) {
      return l.stream().map(DeadLetterTest::plain).toList();
    } else if (v instanceof com.rabbitmq.client.LongString s) {
      return s.toString();
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> deaths(GetResponse r) {
    return (List<Map<String, Object>>) plain(r.getProps().getHeaders().get("x-death"));
  }

  @SuppressWarnings("unchecked")
  @ParameterizedTest(name = "durable source={0}")
  @ValueSource(booleans = {true, false})
  void aRejectedMessageArrivesWithItsHistory(boolean durable) throws Exception {
    Setup s = setup(durable, Map.of());
    AMQP.BasicProperties props = MessageProperties.PERSISTENT_TEXT_PLAIN.builder()
        .expiration("600000").headers(Map.of("app", "kept")).build();
    publish(s.channel(), s.source(), props, "m");
    GetResponse got = s.channel().basicGet(s.source(), false);
    s.channel().basicReject(got.getEnvelope().getDeliveryTag(), false);

    GetResponse dead = awaitGet(s.channel(), s.dlq());
    assertThat(Inbox.text(dead)).isEqualTo("m");
    assertThat(dead.getEnvelope().getExchange()).isEqualTo(s.dlx());
    assertThat(dead.getEnvelope().getRoutingKey()).isEqualTo(s.source());
    assertThat(dead.getProps().getExpiration()).isNull();
    assertThat(dead.getProps().getContentType()).isEqualTo("text/plain");
    assertThat(dead.getProps().getDeliveryMode()).isEqualTo(2);
    Map<String, Object> headers = (Map<String, Object>) plain(dead.getProps().getHeaders());
    assertThat(headers).containsEntry("app", "kept")
        .containsEntry("x-first-death-reason", "rejected")
        .containsEntry("x-first-death-queue", s.source())
        .containsEntry("x-first-death-exchange", "");
    List<Map<String, Object>> deaths = deaths(dead);
    assertThat(deaths).hasSize(1);
    assertThat(deaths.get(0)).containsEntry("count", 1L)
        .containsEntry("reason", "rejected")
        .containsEntry("queue", s.source())
        .containsEntry("exchange", "")
        .containsEntry("routing-keys", List.of(s.source()))
        .containsEntry("original-expiration", "600000");
    assertThat(deaths.get(0).get("time")).isInstanceOf(Date.class);
    assertThat(s.channel().queueDeclarePassive(s.source()).getMessageCount()).isZero();
  }

  @ParameterizedTest(name = "durable source={0}")
  @ValueSource(booleans = {true, false})
  void nackedMessagesWithoutRequeueAreDeadLettered(boolean durable) throws Exception {
    Setup s = setup(durable, Map.of());
    publish(s.channel(), s.source(), MessageProperties.PERSISTENT_TEXT_PLAIN, "a");
    publish(s.channel(), s.source(), MessageProperties.PERSISTENT_TEXT_PLAIN, "b");
    Channel consumer = broker.channel();
    Inbox inbox = Inbox.consume(consumer, s.source(), false);
    List<com.rabbitmq.client.Delivery> two = inbox.next(2);
    consumer.basicNack(two.get(1).getEnvelope().getDeliveryTag(), true, false);

    assertThat(Inbox.text(awaitGet(s.channel(), s.dlq()))).isEqualTo("a");
    assertThat(Inbox.text(awaitGet(s.channel(), s.dlq()))).isEqualTo("b");
  }

  @ParameterizedTest(name = "durable source={0}")
  @ValueSource(booleans = {true, false})
  void anExpiredMessageIsDeadLetteredWithTheDeadLetterRoutingKey(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String dlx = broker.exchangeName();
    String dlq = broker.queueName();
    String source = broker.queueName();
    ch.exchangeDeclare(dlx, "direct", true);
    ch.queueDeclare(dlq, !durable, false, false, null);
    ch.queueBind(dlq, dlx, "dead");
    ch.queueDeclare(source, durable, false, false, Map.of(
        "x-dead-letter-exchange", dlx, "x-dead-letter-routing-key", "dead"));
    ch.confirmSelect();
    publish(ch, source, MessageProperties.PERSISTENT_TEXT_PLAIN.builder().expiration("50").build(), "late");

    GetResponse dead = awaitGet(ch, dlq);
    assertThat(Inbox.text(dead)).isEqualTo("late");
    assertThat(dead.getEnvelope().getRoutingKey()).isEqualTo("dead");
    assertThat(dead.getProps().getExpiration()).isNull();
    assertThat(deaths(dead).get(0)).containsEntry("reason", "expired")
        .containsEntry("original-expiration", "50")
        .containsEntry("routing-keys", List.of(source));
  }

  @ParameterizedTest(name = "durable source={0}")
  @ValueSource(booleans = {true, false})
  void aMissingDeadLetterExchangeDropsTheMessageSilently(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String source = broker.queueName();
    ch.queueDeclare(source, durable, false, false, Map.of("x-dead-letter-exchange", "it.no-such-exchange"));
    ch.confirmSelect();
    publish(ch, source, MessageProperties.PERSISTENT_TEXT_PLAIN, "m");
    GetResponse got = ch.basicGet(source, false);
    ch.basicReject(got.getEnvelope().getDeliveryTag(), false);

    // Nothing comes back and nobody is told: the channel carries on.
    publish(ch, source, MessageProperties.PERSISTENT_TEXT_PLAIN, "next");
    assertThat(Inbox.text(ch.basicGet(source, true))).isEqualTo("next");
    assertThat(ch.isOpen()).isTrue();
  }
}
