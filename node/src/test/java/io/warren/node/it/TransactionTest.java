package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.GetResponse;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** tx.select / commit / rollback: publishes and acks take effect at commit, or never. */
class TransactionTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void publishesAreInvisibleUntilCommit() throws Exception {
    Connection connection = broker.connect();
    Channel tx = connection.createChannel();
    Channel observer = connection.createChannel();
    String queue = broker.queueName();
    observer.queueDeclare(queue, false, false, false, null);
    tx.txSelect();

    tx.basicPublish("", queue, null, Inbox.bytes("one"));
    tx.basicPublish("", queue, null, Inbox.bytes("two"));
    tx.queueDeclarePassive(queue); // a round trip on the tx channel: the publishes have arrived

    assertThat(observer.basicGet(queue, true)).isNull();
    assertThat(observer.messageCount(queue)).isZero();

    tx.txCommit();

    assertThat(observer.messageCount(queue)).as("enqueued by the time commit-ok arrives").isEqualTo(2);
    assertThat(Inbox.consume(observer, queue, true).nextBodies(2)).containsExactly("one", "two");
  }

  @Test
  void rollbackDiscardsPublishes() throws Exception {
    Channel tx = broker.channel();
    String queue = broker.queueName();
    tx.queueDeclare(queue, false, false, false, null);
    tx.txSelect();

    tx.basicPublish("", queue, null, Inbox.bytes("rolled back"));
    tx.txRollback();
    tx.basicPublish("", queue, null, Inbox.bytes("committed"));
    tx.txCommit();

    assertThat(Inbox.consume(broker.channel(), queue, true).nextBodies(1)).containsExactly("committed");
    assertThat(tx.messageCount(queue)).isZero();
  }

  @Test
  void channelStaysTransactionalAcrossCommits() throws Exception {
    Channel tx = broker.channel();
    String queue = broker.queueName();
    tx.queueDeclare(queue, false, false, false, null);
    tx.txSelect();
    tx.basicPublish("", queue, null, Inbox.bytes("first"));
    tx.txCommit();

    tx.basicPublish("", queue, null, Inbox.bytes("second"));
    tx.queueDeclarePassive(queue);

    assertThat(tx.messageCount(queue)).as("the second publish awaits the next commit").isEqualTo(1);
    tx.txCommit();
    assertThat(tx.messageCount(queue)).isEqualTo(2);
  }

  @Test
  void ackInATransactionTakesEffectAtCommit() throws Exception {
    Channel tx = broker.channel();
    String queue = queueWith(tx, "a", "b");
    tx.txSelect();
    GetResponse a = tx.basicGet(queue, false);
    GetResponse b = tx.basicGet(queue, false);

    tx.basicAck(a.getEnvelope().getDeliveryTag(), false);
    tx.txCommit();
    tx.close(); // b was never acked

    Delivery back = Inbox.consume(broker.channel(), queue, true).next();
    assertThat(Inbox.text(back)).isEqualTo("b");
    assertThat(back.getEnvelope().isRedeliver()).isTrue();
    assertThat(b.getEnvelope().isRedeliver()).isFalse();
  }

  @Test
  void rolledBackAckLeavesTheMessageUnacked() throws Exception {
    Channel tx = broker.channel();
    String queue = queueWith(tx, "a");
    tx.txSelect();
    GetResponse a = tx.basicGet(queue, false);

    tx.basicAck(a.getEnvelope().getDeliveryTag(), false);
    tx.txRollback();
    assertThat(tx.messageCount(queue)).as("still unacked, not requeued").isZero();
    tx.close();

    Delivery back = Inbox.consume(broker.channel(), queue, true).next();
    assertThat(Inbox.text(back)).isEqualTo("a");
    assertThat(back.getEnvelope().isRedeliver()).isTrue();
  }

  @Test
  void rejectWithRequeueInATransactionTakesEffectAtCommit() throws Exception {
    Channel tx = broker.channel();
    String queue = queueWith(tx, "a");
    tx.txSelect();
    GetResponse a = tx.basicGet(queue, false);

    tx.basicReject(a.getEnvelope().getDeliveryTag(), true);
    tx.queueDeclarePassive(queue);
    assertThat(tx.messageCount(queue)).as("reject not applied before commit").isZero();
    tx.txCommit();

    Waits.await().until(() -> tx.messageCount(queue) == 1);
  }

  @Test
  void commitWithoutSelectIs406() throws Exception {
    Channel channel = broker.channel();

    assertThat(Closure.of(channel::txCommit))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - channel is not transactional"));
  }

  @Test
  void rollbackWithoutSelectIs406() throws Exception {
    Channel channel = broker.channel();

    assertThat(Closure.of(channel::txRollback))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - channel is not transactional"));
  }

  private static String queueWith(Channel channel, String... bodies) throws Exception {
    String queue = broker.queueName();
    Channel publisher = channel.getConnection().createChannel();
    publisher.queueDeclare(queue, false, false, false, null);
    publisher.confirmSelect();
    for (String body : List.of(bodies)) {
      publisher.basicPublish("", queue, null, Inbox.bytes(body));
    }
    publisher.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    publisher.close();
    return queue;
  }
}
