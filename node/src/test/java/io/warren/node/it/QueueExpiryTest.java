package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Queue expiry (x-expires) as a RabbitMQ user sees it, for a durable (replicated) and a transient
 * queue: a queue nobody uses is deleted with its bindings; a consumer keeps it. The tests look for
 * the queue with mandatory publishes, which do not count as use (a declare, even a passive one,
 * would renew the lease).
 */
class QueueExpiryTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void anUnusedQueueIsDeletedWithItsBindings(boolean durable) throws Exception {
    Connection connection = broker.connect();
    Channel ch = connection.createChannel();
    String queue = broker.queueName();
    String exchange = broker.exchangeName();
    ch.exchangeDeclare(exchange, "fanout", durable);
    ch.queueDeclare(queue, durable, false, false, Map.of("x-expires", 200));
    ch.queueBind(queue, exchange, "");

    Probe probe = new Probe(connection.createChannel());
    Waits.await().until(() -> probe.returned(exchange, ""));

    // The name is free again, arguments and all.
    Waits.await().ignoreExceptions().until(() -> {
      try (Channel again = connection.createChannel()) {
        again.queueDeclare(queue, durable, false, false, null);
        return true;
      }
    });
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aConsumerKeepsTheQueueAndItsLeaseStartsWhenItLeaves(boolean durable) throws Exception {
    Connection connection = broker.connect();
    Channel ch = connection.createChannel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-expires", 1_000));
    Channel consumer = connection.createChannel();
    Inbox inbox = Inbox.consume(consumer, queue, true);

    long declared = System.currentTimeMillis();
    Waits.await().until(() -> System.currentTimeMillis() > declared + 3_000);
    Probe probe = new Probe(connection.createChannel());
    assertThat(probe.returned("", queue)).isFalse();
    assertThat(Inbox.text(inbox.next())).isEqualTo("probe");

    consumer.basicCancel(inbox.tag());
    Waits.await().until(() -> probe.returned("", queue));
  }

  /** Publishes mandatory messages and says whether they came back unroutable. */
  private static final class Probe {
    private final Channel channel;
    private final AtomicInteger returns = new AtomicInteger();

    Probe(Channel channel) throws IOException {
      this.channel = channel;
      channel.confirmSelect();
      channel.addReturnListener(r -> returns.incrementAndGet());
    }

    /** Publishes one and waits for its confirm, which follows its return if there is one. */
    boolean returned(String exchange, String routingKey) throws Exception {
      int before = returns.get();
      channel.basicPublish(exchange, routingKey, true, MessageProperties.TEXT_PLAIN, Inbox.bytes("probe"));
      channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
      return returns.get() > before;
    }
  }
}
