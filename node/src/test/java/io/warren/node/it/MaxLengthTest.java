package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Length limits as a RabbitMQ user sees them, for a durable (replicated) and a transient queue:
 * x-max-length and x-max-length-bytes, dropping the oldest by default, or refusing the newest
 * (basic.nack to a confirming publisher) with x-overflow reject-publish and reject-publish-dlx.
 */
class MaxLengthTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  /** A fanout dead-letter exchange and the (transient) queue behind it; returns the exchange. */
  private static String deadLetterQueue(Channel ch, String dlq) throws Exception {
    String dlx = broker.exchangeName();
    ch.exchangeDeclare(dlx, "fanout", true);
    ch.queueDeclare(dlq, false, false, false, null);
    ch.queueBind(dlq, dlx, "");
    return dlx;
  }

  /** Publishes one message and says whether the broker confirmed it (basic.ack) or refused it (basic.nack). */
  private static boolean publish(Channel ch, String queue, String body) throws Exception {
    ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes(body));
    return ch.waitForConfirms(Waits.TIMEOUT.toMillis());
  }

  private static List<String> drain(Channel ch, String queue) throws Exception {
    List<String> bodies = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) != null) {
      bodies.add(Inbox.text(r));
    }
    return bodies;
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void theOldestGoToTheDeadLetterExchange(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String dlq = broker.queueName();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of(
        "x-max-length", 2, "x-dead-letter-exchange", deadLetterQueue(ch, dlq)));
    ch.confirmSelect();
    for (String body : List.of("a", "b", "c")) {
      assertThat(publish(ch, queue, body)).isTrue();
    }

    GetResponse dead = Waits.await().until(() -> ch.basicGet(dlq, true), r -> r != null);
    assertThat(Inbox.text(dead)).isEqualTo("a");
    assertThat(dead.getProps().getHeaders().get("x-first-death-reason")).hasToString("maxlen");
    assertThat(drain(ch, queue)).containsExactly("b", "c");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aByteLimitCountsBodies(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-max-length-bytes", 3));
    ch.confirmSelect();
    for (String body : List.of("abcd", "ab", "c", "de")) {
      assertThat(publish(ch, queue, body)).isTrue();
    }
    assertThat(drain(ch, queue)).containsExactly("c", "de");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void rejectPublishNacksTheNewestAndKeepsTheRest(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
    ch.confirmSelect();
    assertThat(publish(ch, queue, "in")).isTrue();
    assertThat(publish(ch, queue, "out")).isFalse();

    // Without confirms it is dropped all the same.
    Channel unconfirmed = broker.channel();
    unconfirmed.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("dropped"));
    assertThat(drain(unconfirmed, queue)).containsExactly("in");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void rejectPublishDlxDeadLettersTheNewest(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String dlq = broker.queueName();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of(
        "x-max-length", 1, "x-overflow", "reject-publish-dlx", "x-dead-letter-exchange", deadLetterQueue(ch, dlq)));
    ch.confirmSelect();
    assertThat(publish(ch, queue, "in")).isTrue();
    assertThat(publish(ch, queue, "out")).isFalse();

    GetResponse dead = Waits.await().until(() -> ch.basicGet(dlq, true), r -> r != null);
    assertThat(Inbox.text(dead)).isEqualTo("out");
    assertThat(dead.getProps().getHeaders().get("x-first-death-reason")).hasToString("maxlen");
    assertThat(drain(ch, queue)).containsExactly("in");
  }
}
