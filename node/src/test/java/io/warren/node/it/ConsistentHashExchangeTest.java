package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The x-consistent-hash exchange as a client of RabbitMQ's plugin uses it (run against RabbitMQ
 * with the plugin enabled through -Dwarren.it.uri: the same test passes there, placements aside).
 */
class ConsistentHashExchangeTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static int count(Channel ch, String queue) throws Exception {
    return ch.queueDeclarePassive(queue).getMessageCount();
  }

  @Test
  void everyMessageGoesToExactlyOneQueueAndAKeyStaysOnItsQueue() throws Exception {
    Channel ch = broker.channel();
    String exchange = broker.exchangeName();
    ch.exchangeDeclare(exchange, "x-consistent-hash");
    List<String> queues = List.of(broker.queueName(), broker.queueName(), broker.queueName());
    for (String q : queues) {
      ch.queueDeclare(q, true, false, false, null);
      ch.queueBind(q, exchange, "10");
    }
    ch.confirmSelect();
    for (int i = 0; i < 300; i++) {
      ch.basicPublish(exchange, "order-" + i, null, Inbox.bytes("m"));
    }
    for (int i = 0; i < 20; i++) {
      ch.basicPublish(exchange, "sticky", new AMQP.BasicProperties(), Inbox.bytes("s"));
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    int total = 0;
    for (String q : queues) {
      int n = count(ch, q);
      assertThat(n).as("every queue gets a share").isPositive();
      total += n;
    }
    assertThat(total).isEqualTo(320);

    for (String q : queues) {
      ch.queuePurge(q);
    }
    for (int i = 0; i < 20; i++) {
      ch.basicPublish(exchange, "sticky", null, Inbox.bytes("s"));
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    List<Integer> counts = List.of(count(ch, queues.get(0)), count(ch, queues.get(1)), count(ch, queues.get(2)));
    assertThat(counts).containsOnly(0, 20);
  }

  @Test
  void aBindingKeyMustBeAPositiveInteger() throws Exception {
    Channel ch = broker.channel();
    String exchange = broker.exchangeName();
    String queue = broker.queueName();
    ch.exchangeDeclare(exchange, "x-consistent-hash");
    ch.queueDeclare(queue, false, false, false, null);
    assertThat(Closure.of(() -> ch.queueBind(queue, exchange, "abc")))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - The binding key must be an integer: <<\"abc\">>"));
    Channel again = broker.channel();
    assertThat(Closure.of(() -> again.queueBind(queue, exchange, "0")))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - The binding key must be greater than 0"));
  }

  @Test
  void hashHeaderAndHashPropertyAreExclusiveAndPropertiesAreChecked() throws Exception {
    Channel ch = broker.channel();
    String exchange = broker.exchangeName();
    assertThat(Closure.of(() -> ch.exchangeDeclare(exchange, "x-consistent-hash", false, false,
        Map.of("hash-header", "h", "hash-property", "message_id"))))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - hash-header and hash-property are mutually exclusive"));
    Channel again = broker.channel();
    assertThat(Closure.of(() -> again.exchangeDeclare(exchange, "x-consistent-hash", false, false,
        Map.of("hash-property", "foo"))))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - Unsupported property: foo"));
  }

  @Test
  void hashPropertyKeepsMessagesWithOneMessageIdTogether() throws Exception {
    Channel ch = broker.channel();
    String exchange = broker.exchangeName();
    ch.exchangeDeclare(exchange, "x-consistent-hash", false, false, Map.of("hash-property", "message_id"));
    List<String> queues = List.of(broker.queueName(), broker.queueName());
    for (String q : queues) {
      ch.queueDeclare(q, false, false, false, null);
      ch.queueBind(q, exchange, "1");
    }
    ch.confirmSelect();
    for (int i = 0; i < 30; i++) {
      ch.basicPublish(exchange, "key-" + i, new AMQP.BasicProperties.Builder().messageId("one").build(),
          Inbox.bytes("m"));
    }
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(List.of(count(ch, queues.get(0)), count(ch, queues.get(1)))).containsOnly(0, 30);
  }
}
