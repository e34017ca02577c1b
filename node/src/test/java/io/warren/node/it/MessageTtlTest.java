package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Message TTL as a RabbitMQ user sees it, for a durable (replicated) and a transient queue: the
 * queue's x-message-ttl and a message's expiration property; an expired message is never
 * delivered and leaves the queue without any client action.
 */
class MessageTtlTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aQueueTtlEmptiesTheQueueOnItsOwn(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-message-ttl", 100));
    publishConfirmed(ch, queue, MessageProperties.PERSISTENT_TEXT_PLAIN, "a");

    Waits.await().until(() -> ch.queueDeclarePassive(queue).getMessageCount() == 0);
    assertThat(ch.basicGet(queue, false)).isNull();
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aMessageExpirationEmptiesTheQueueAndLongerOnesStay(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, null);
    publishConfirmed(ch, queue, expiring("100"), "brief");

    Waits.await().until(() -> ch.queueDeclarePassive(queue).getMessageCount() == 0);
    publishConfirmed(ch, queue, expiring("600000"), "lasting");
    assertThat(Inbox.text(ch.basicGet(queue, true))).isEqualTo("lasting");
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void ttlZeroReachesAWaitingConsumerAndIsDroppedWithoutOne(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-message-ttl", 0));
    publishConfirmed(ch, queue, MessageProperties.PERSISTENT_TEXT_PLAIN, "nobody there");
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isZero();

    Inbox inbox = Inbox.consume(broker.channel(), queue, true);
    publishConfirmed(ch, queue, MessageProperties.PERSISTENT_TEXT_PLAIN, "someone there");
    assertThat(Inbox.text(inbox.next())).isEqualTo("someone there");
    assertThat(inbox.received()).isEqualTo(1);
  }

  @ParameterizedTest(name = "durable={0}")
  @ValueSource(booleans = {true, false})
  void aConsumerGetsWhatHadNotExpiredYet(boolean durable) throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, durable, false, false, Map.of("x-message-ttl", 600_000));
    publishConfirmed(ch, queue, expiring("50"), "expires");
    publishConfirmed(ch, queue, MessageProperties.PERSISTENT_TEXT_PLAIN, "stays");
    // The first expires at the head; the second is what a consumer gets.
    Waits.await().until(() -> ch.queueDeclarePassive(queue).getMessageCount() == 1);
    Inbox inbox = Inbox.consume(broker.channel(), queue, true);
    assertThat(Inbox.text(inbox.next())).isEqualTo("stays");
  }

  @Test
  void anInvalidExpirationClosesTheChannel() throws Exception {
    Channel ch = broker.channel();
    String queue = broker.queueName();
    ch.queueDeclare(queue, false, false, false, null);
    ch.basicPublish("", queue, expiring("1.5"), Inbox.bytes("x"));
    assertThat(Closure.awaitClose(ch))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - invalid expiration '1.5': {leftover_string,\".5\"}"));

    Channel again = broker.channel();
    again.basicPublish("", queue, expiring("-1"), Inbox.bytes("x"));
    assertThat(Closure.awaitClose(again))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - invalid expiration '-1': {value_negative,-1}"));
  }

  @Test
  void anInvalidQueueTtlIsRefused() throws Exception {
    String queue = broker.queueName();
    Channel ch = broker.channel();
    assertThat(Closure.of(() -> ch.queueDeclare(queue, true, false, false, Map.of("x-message-ttl", "soon"))))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '" + queue
            + "' in vhost '/': \"expected integer, got longstr\""));
    Channel again = broker.channel();
    assertThat(Closure.of(() -> again.queueDeclare(queue, false, false, false, Map.of("x-message-ttl", -5))))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue '" + queue
            + "' in vhost '/': {value_negative,-5}"));
  }

  static AMQP.BasicProperties expiring(String expiration) {
    return MessageProperties.PERSISTENT_TEXT_PLAIN.builder().expiration(expiration).build();
  }

  static void publishConfirmed(Channel ch, String queue, AMQP.BasicProperties props, String body) throws Exception {
    ch.confirmSelect();
    ch.basicPublish("", queue, props, Inbox.bytes(body));
    ch.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }
}
