package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * x-queue-type / x-queue-mode at queue.declare and sender-selected distribution (CC/BCC), as a
 * client sees them; the texts are RabbitMQ 3.10.8's (run with -Dwarren.it.uri against it).
 */
class QueueTypeAndSenderSelectedTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  private static Closure precondition(String text) {
    return Closure.channel(406, "PRECONDITION_FAILED - " + text);
  }

  @Test
  void quorumAndClassicQueuesAreDeclaredAndTheTypeIsCompared() throws Exception {
    Channel ch = broker.channel();
    String quorum = broker.queueName();
    ch.queueDeclare(quorum, true, false, false, Map.of("x-queue-type", "quorum"));
    ch.queueDeclare(quorum, true, false, false, Map.of("x-queue-type", "quorum"));
    ch.basicPublish("", quorum, null, Inbox.bytes("q"));
    assertThat(Inbox.text(Waits.await().until(() -> ch.basicGet(quorum, true), r -> r != null))).isEqualTo("q");
    assertThat(Closure.of(() -> ch.queueDeclare(quorum, true, false, false, Map.of("x-queue-type", "classic"))))
        .isEqualTo(precondition("inequivalent arg 'x-queue-type' for queue '" + quorum
            + "' in vhost '/': received 'classic' but current is 'quorum'"));

    Channel again = broker.channel();
    String classic = broker.queueName();
    again.queueDeclare(classic, false, false, false, Map.of("x-queue-type", "classic", "x-queue-mode", "lazy"));
    again.queueDeclare(classic, false, false, false, Map.of("x-queue-mode", "lazy"));
    assertThat(Closure.of(() -> again.queueDeclare(classic, false, false, false, null)))
        .isEqualTo(precondition("inequivalent arg 'x-queue-mode' for queue '" + classic
            + "' in vhost '/': received none but current is the value 'lazy' of type 'longstr'"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"stream", "bogus"})
  void unsupportedTypesAreRefused(String type) throws Exception {
    Assumptions.assumeFalse(type.equals("stream") && Broker.externalTarget(), "RabbitMQ has streams");
    Channel ch = broker.channel();
    String queue = broker.queueName();
    assertThat(Closure.of(() -> ch.queueDeclare(queue, true, false, false, Map.of("x-queue-type", type))))
        .isEqualTo(precondition("invalid arg 'x-queue-type' for queue '" + queue + "' in vhost '/': "
            + "\"unsupported queue type '" + type + "'\""));
  }

  @Test
  void aQuorumQueueMustBeDurableAndNotExclusive() throws Exception {
    String queue = broker.queueName();
    Channel ch = broker.channel();
    assertThat(Closure.of(() -> ch.queueDeclare(queue, false, false, false, Map.of("x-queue-type", "quorum"))))
        .isEqualTo(precondition("invalid property 'non-durable' for queue '" + queue + "' in vhost '/'"));
    Channel again = broker.channel();
    assertThat(Closure.of(() -> again.queueDeclare(queue, true, true, false, Map.of("x-queue-type", "quorum"))))
        .isEqualTo(precondition("invalid property 'exclusive-owner' for queue '" + queue + "' in vhost '/'"));
    Channel third = broker.channel();
    assertThat(Closure.of(() -> third.queueDeclare(queue, true, false, false,
        Map.of("x-queue-type", "quorum", "x-max-priority", 5))))
        .isEqualTo(precondition("invalid arg 'x-max-priority' for queue '" + queue
            + "' in vhost '/' of queue type rabbit_quorum_queue"));
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void ccAndBccReachTheirQueuesOnceAndBccIsNotDelivered(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String exchange = broker.exchangeName();
    ch.exchangeDeclare(exchange, "direct", durable);
    String to = broker.queueName();
    String cc = broker.queueName();
    String bcc = broker.queueName();
    for (String q : List.of(to, cc, bcc)) {
      ch.queueDeclare(q, durable, false, false, null);
      ch.queueBind(q, exchange, q);
    }
    ch.confirmSelect();
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
        .headers(Map.of("CC", List.of(cc, to), "BCC", List.of(bcc, cc), "other", "kept")).build();
    ch.basicPublish(exchange, to, props, Inbox.bytes("hello"));
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    for (String q : List.of(to, cc, bcc)) {
      GetResponse r = ch.basicGet(q, true);
      assertThat(Inbox.text(r)).as(q).isEqualTo("hello");
      assertThat(r.getProps().getHeaders()).as(q).containsOnlyKeys("CC", "other");
      assertThat(ch.basicGet(q, true)).as("%s got it once", q).isNull();
    }
  }

  @Test
  void aCcHeaderThatIsNotAnArrayClosesTheChannel() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, false, false, false, null);
    AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().headers(Map.of("CC", queue)).build();
    ch.basicPublish("", queue, props, Inbox.bytes("x"));
    assertThat(Closure.awaitClose(ch))
        .isEqualTo(precondition("invalid message: {unacceptable_type_in_header,\"CC\",longstr}"));
  }
}
