package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Declaring, binding, purging and deleting queues; exclusive and auto-delete lifetimes. */
class QueueSemanticsTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void declareOkEchoesTheNameAndCounts() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();

    AMQP.Queue.DeclareOk ok = channel.queueDeclare(queue, true, false, false, null);

    assertThat(ok.getQueue()).isEqualTo(queue);
    assertThat(ok.getMessageCount()).isZero();
    assertThat(ok.getConsumerCount()).isZero();
  }

  @Test
  void serverNamedQueueGetsAnAmqGenName() throws Exception {
    Channel channel = broker.channel();

    AMQP.Queue.DeclareOk ok = channel.queueDeclare();

    assertThat(ok.getQueue()).startsWith("amq.gen-");
    assertThat(channel.queueDeclare().getQueue()).isNotEqualTo(ok.getQueue());
    assertThat(channel.queueDeclarePassive(ok.getQueue()).getQueue()).isEqualTo(ok.getQueue());
  }

  @Test
  void passiveDeclareReportsReadyMessagesAndConsumers() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    publish(channel, queue, 3);
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    // two consumers with prefetch 1 hold one message each; the third stays ready
    for (int i = 0; i < 2; i++) {
      Channel consumer = broker.channel();
      consumer.basicQos(1);
      Inbox.consume(consumer, queue, false).next();
    }

    AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive(queue);

    assertThat(ok.getConsumerCount()).isEqualTo(2);
    assertThat(ok.getMessageCount()).as("ready messages only, unacked ones not counted").isEqualTo(1);
  }

  @Test
  void passiveDeclareCountsReadyMessages() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    publish(channel, queue, 5);
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive(queue);

    assertThat(ok.getMessageCount()).isEqualTo(5);
    assertThat(ok.getConsumerCount()).isZero();
    assertThat(channel.queueDeclare(queue, false, false, false, null).getMessageCount())
        .as("an equivalent active declare reports the same").isEqualTo(5);
  }

  @Test
  void passiveDeclareOfMissingQueueIs404() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();

    assertThat(Closure.of(() -> channel.queueDeclarePassive(queue)))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no queue '" + queue + "' in vhost '/'"));
  }

  @Test
  void redeclareWithOtherDurabilityIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);

    assertThat(Closure.of(() -> channel.queueDeclare(queue, true, false, false, null))).isEqualTo(Closure.channel(406,
        "PRECONDITION_FAILED - inequivalent arg 'durable' for queue '" + queue
            + "' in vhost '/': received 'true' but current is 'false'"));
  }

  @Test
  void redeclareWithOtherAutoDeleteIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);

    assertThat(Closure.of(() -> channel.queueDeclare(queue, false, false, true, null))).isEqualTo(Closure.channel(406,
        "PRECONDITION_FAILED - inequivalent arg 'auto_delete' for queue '" + queue
            + "' in vhost '/': received 'true' but current is 'false'"));
  }

  @Test
  void redeclareWithOtherArgumentsIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, Map.of("x-max-length", 10));

    Closure closure = Closure.of(() -> channel.queueDeclare(queue, false, false, false, Map.of("x-max-length", 20)));

    assertThat(closure.code()).isEqualTo(406);
    assertThat(closure.text()).startsWith("PRECONDITION_FAILED - inequivalent arg 'x-max-length' for queue '"
        + queue + "' in vhost '/'");
  }

  @Test
  void declaringAnAmqPrefixedQueueIs403() throws Exception {
    Channel channel = broker.channel();
    String queue = "amq." + broker.queueName();

    assertThat(Closure.of(() -> channel.queueDeclare(queue, false, false, false, null))).isEqualTo(Closure.channel(403,
        "ACCESS_REFUSED - queue name '" + queue + "' contains reserved prefix 'amq.*'"));
  }

  @Test
  void bindAndUnbindControlWhatReachesTheQueue() throws Exception {
    Channel channel = broker.channel();
    String exchange = broker.exchangeName();
    String queue = broker.queueName();
    channel.exchangeDeclare(exchange, "direct");
    channel.queueDeclare(queue, false, false, false, null);

    channel.queueBind(queue, exchange, "k");
    channel.basicPublish(exchange, "k", null, Inbox.bytes("while bound"));
    channel.queueUnbind(queue, exchange, "k");
    channel.basicPublish(exchange, "k", null, Inbox.bytes("after unbind"));
    channel.basicPublish("", queue, null, Inbox.bytes("marker"));

    assertThat(Inbox.consume(channel, queue, true).nextBodies(2)).containsExactly("while bound", "marker");
  }

  @Test
  void bindingToAMissingExchangeIs404() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();
    String exchange = broker.exchangeName();

    assertThat(Closure.of(() -> channel.queueBind(queue, exchange, "k")))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no exchange '" + exchange + "' in vhost '/'"));
  }

  @Test
  void bindingAMissingQueueIs404() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();

    assertThat(Closure.of(() -> channel.queueBind(queue, "amq.direct", "k")))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no queue '" + queue + "' in vhost '/'"));
  }

  @Test
  void purgeReturnsTheNumberOfMessagesRemoved() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    publish(channel, queue, 4);
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    assertThat(channel.queuePurge(queue).getMessageCount()).isEqualTo(4);
    assertThat(channel.queueDeclarePassive(queue).getMessageCount()).isZero();
    assertThat(channel.queuePurge(queue).getMessageCount()).isZero();
  }

  @Test
  void purgeLeavesUnackedMessagesAlone() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    publish(channel, queue, 3);
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    long tag = channel.basicGet(queue, false).getEnvelope().getDeliveryTag();

    assertThat(channel.queuePurge(queue).getMessageCount()).isEqualTo(2);
    channel.basicNack(tag, false, true);
    Waits.await().until(() -> channel.messageCount(queue) == 1);
  }

  @Test
  void deleteReturnsTheNumberOfMessagesDeleted() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    publish(channel, queue, 3);
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    assertThat(channel.queueDelete(queue).getMessageCount()).isEqualTo(3);
    assertThat(Closure.of(() -> channel.queueDeclarePassive(queue)).code()).isEqualTo(404);
  }

  @Test
  void deletingAMissingQueueSucceedsWithZero() throws Exception {
    Channel channel = broker.channel();

    assertThat(channel.queueDelete(broker.queueName()).getMessageCount()).isZero();
  }

  @Test
  void deleteIfUnusedOfAQueueWithAConsumerIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    Inbox.consume(broker.channel(), queue, true);

    assertThat(Closure.of(() -> channel.queueDelete(queue, true, false)))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - queue '" + queue + "' in vhost '/' in use"));
  }

  @Test
  void deleteIfEmptyOfAQueueWithMessagesIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    publish(channel, queue, 1);
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    assertThat(Closure.of(() -> channel.queueDelete(queue, false, true)))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - queue '" + queue + "' in vhost '/' not empty"));
  }

  @Test
  void deleteIfUnusedAndIfEmptySucceedsOnAnIdleEmptyQueue() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);

    assertThat(channel.queueDelete(queue, true, true).getMessageCount()).isZero();
  }

  @Test
  void exclusiveQueueIsLockedForOtherConnections() throws Exception {
    Channel owner = broker.channel();
    String queue = broker.queueName();
    owner.queueDeclare(queue, false, true, false, null);
    String locked = "RESOURCE_LOCKED - cannot obtain exclusive access to locked queue '" + queue + "' in vhost '/'."
        + " It could be originally declared on another connection or the exclusive property value does not match"
        + " that of the original declaration.";

    assertThat(Closure.of(() -> broker.channel().basicConsume(queue, true, (tag, d) -> { }, tag -> { })))
        .isEqualTo(Closure.channel(405, locked));
    assertThat(Closure.of(() -> broker.channel().queueDeclare(queue, false, true, false, null)))
        .isEqualTo(Closure.channel(405, locked));
    assertThat(Closure.of(() -> broker.channel().queuePurge(queue)))
        .isEqualTo(Closure.channel(405, locked));
    assertThat(owner.queueDeclarePassive(queue).getQueue()).as("the owner still uses it").isEqualTo(queue);
  }

  @Test
  void exclusiveQueueIsUsableFromAnotherChannelOfTheSameConnection() throws Exception {
    Connection connection = broker.connect();
    String queue = broker.queueName();
    connection.createChannel().queueDeclare(queue, false, true, false, null);
    Channel sibling = connection.createChannel();

    sibling.basicPublish("", queue, null, Inbox.bytes("sibling"));

    assertThat(Inbox.consume(sibling, queue, true).nextBodies(1)).containsExactly("sibling");
  }

  @Test
  void exclusiveQueueDisappearsWhenItsConnectionCloses() throws Exception {
    Connection owner = broker.connect();
    String queue = broker.queueName();
    owner.createChannel().queueDeclare(queue, false, true, false, null);

    owner.close();

    Waits.await().until(() -> !queueExists(queue));
  }

  @Test
  void autoDeleteQueueDisappearsWhenItsLastConsumerCancels() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, true, null);
    String first = channel.basicConsume(queue, true, (tag, d) -> { }, tag -> { });
    String second = channel.basicConsume(queue, true, (tag, d) -> { }, tag -> { });

    channel.basicCancel(first);
    assertThat(queueExists(queue)).as("one consumer is left").isTrue();
    channel.basicCancel(second);

    Waits.await().until(() -> !queueExists(queue));
  }

  @Test
  void durableAutoDeleteQueueIsGoneOnceTheLastCancelIsAnswered() throws Exception {
    // Durable, so replicated: the queue partition deletes it, then the metadata, then cancel-ok.
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, true, false, true, null);
    channel.basicPublish("", queue, null, Inbox.bytes("m"));
    Inbox inbox = Inbox.consume(channel, queue, true);
    assertThat(inbox.nextBodies(1)).containsExactly("m");
    assertThat(queueExists(queue)).isTrue();

    channel.basicCancel(inbox.tag());

    assertThat(queueExists(queue)).isFalse();
    channel.queueDeclare(queue, true, false, true, null); // a new one, not deleted by the old one's cancel
    assertThat(queueExists(queue)).isTrue();
  }

  @Test
  void autoDeleteQueueWithoutEverAConsumerStays() throws Exception {
    Connection connection = broker.connect();
    String queue = broker.queueName();
    connection.createChannel().queueDeclare(queue, false, false, true, null);
    connection.close();

    assertThat(queueExists(queue)).isTrue();
  }

  private static boolean queueExists(String queue) throws Exception {
    try (Connection probe = broker.factory().newConnection("probe")) {
      probe.createChannel().queueDeclarePassive(queue);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void publish(Channel channel, String queue, int count) throws IOException {
    for (int i = 0; i < count; i++) {
      channel.basicPublish("", queue, null, Inbox.bytes("m" + i));
    }
  }
}
