package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The delivery limit for poison messages as a user of a RabbitMQ quorum queue sees it: redeliveries
 * say how often the message came back in x-delivery-count, and one returned more often than
 * x-delivery-limit is dead-lettered. Warren has it on transient queues too (RabbitMQ only on
 * quorum queues, which are durable).
 */
class DeliveryLimitTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static String declare(Channel ch, boolean durable, Map<String, Object> extra) throws Exception {
    if (!durable) {
      Assumptions.assumeFalse(Broker.externalTarget(), "RabbitMQ has delivery limits on quorum queues only");
    }
    String queue = broker.queueName();
    Map<String, Object> args = new HashMap<>(extra);
    if (durable) {
      args.put("x-queue-type", "quorum");
    }
    ch.queueDeclare(queue, durable, false, false, args);
    return queue;
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aPoisonMessageIsDeadLetteredAfterTheLimit(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String dlx = broker.exchangeName();
    String dlq = broker.queueName();
    ch.exchangeDeclare(dlx, "fanout", true);
    ch.queueDeclare(dlq, true, false, false, null);
    ch.queueBind(dlq, dlx, "");
    String queue = declare(ch, durable, Map.of("x-delivery-limit", 2, "x-dead-letter-exchange", dlx));
    ch.confirmSelect();
    ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("poison"));
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    Channel consumerChannel = broker.channel();
    Inbox inbox = Inbox.consume(consumerChannel, queue, false);
    for (long expected = 0; expected <= 2; expected++) {
      Delivery d = inbox.next();
      Object count = d.getProperties().getHeaders() == null ? null : d.getProperties().getHeaders().get("x-delivery-count");
      assertThat(count).as("delivery %d", expected).isEqualTo(expected == 0 ? null : expected);
      assertThat(d.getEnvelope().isRedeliver()).isEqualTo(expected > 0);
      consumerChannel.basicReject(d.getEnvelope().getDeliveryTag(), true);
    }

    GetResponse dead = Waits.await().until(() -> ch.basicGet(dlq, true), r -> r != null);
    assertThat(Inbox.text(dead)).isEqualTo("poison");
    assertThat(dead.getProps().getHeaders().get("x-first-death-reason")).hasToString("delivery_limit");
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isZero();
    assertThat(inbox.received()).isEqualTo(3);
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aClosedChannelCountsAsAReturnAndWithoutADeadLetterExchangeTheMessageIsDropped(boolean durable)
      throws Exception {
    Channel ch = broker.channel();
    String queue = declare(ch, durable, Map.of("x-delivery-limit", 1));
    ch.confirmSelect();
    ch.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("m"));
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    for (int i = 0; i < 2; i++) {
      Channel holder = broker.channel();
      assertThat(holder.basicGet(queue, false)).isNotNull();
      holder.close();
    }
    Waits.await().until(() -> ch.queueDeclarePassive(queue).getMessageCount() == 0);
    assertThat(ch.basicGet(queue, true)).isNull();
  }
}
