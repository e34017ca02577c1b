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

/** basic.get, ack, nack, reject and recover; what comes back, in which order, flagged how. */
class AcknowledgementTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void getReturnsMessagesInOrderWithTheRemainingCount() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 3);

    GetResponse first = channel.basicGet(queue, true);
    GetResponse second = channel.basicGet(queue, true);
    GetResponse third = channel.basicGet(queue, true);

    assertThat(Inbox.text(first)).isEqualTo("m0");
    assertThat(first.getMessageCount()).isEqualTo(2);
    assertThat(first.getEnvelope().isRedeliver()).isFalse();
    assertThat(first.getEnvelope().getRoutingKey()).isEqualTo(queue);
    assertThat(Inbox.text(second)).isEqualTo("m1");
    assertThat(second.getMessageCount()).isEqualTo(1);
    assertThat(Inbox.text(third)).isEqualTo("m2");
    assertThat(third.getMessageCount()).isZero();
    assertThat(List.of(first, second, third)).extracting(r -> r.getEnvelope().getDeliveryTag())
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void getOnAnEmptyQueueIsGetEmpty() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 0);

    assertThat(channel.basicGet(queue, true)).isNull();
    assertThat(channel.isOpen()).isTrue();
  }

  @Test
  void getFromAMissingQueueIs404() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();

    assertThat(Closure.of(() -> channel.basicGet(queue, true)))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no queue '" + queue + "' in vhost '/'"));
  }

  @Test
  void ackMultipleSettlesEverythingUpToTheTag() throws Exception {
    Connection connection = broker.connect();
    Channel channel = connection.createChannel();
    String queue = queueWith(channel, 3);
    List<Delivery> deliveries = Inbox.consume(channel, queue, false).next(3);

    channel.basicAck(deliveries.get(1).getEnvelope().getDeliveryTag(), true);
    channel.close(); // the third, never acked, goes back

    Channel after = broker.channel();
    Inbox inbox = Inbox.consume(after, queue, true);
    Delivery back = inbox.next();
    assertThat(Inbox.text(back)).isEqualTo("m2");
    assertThat(back.getEnvelope().isRedeliver()).isTrue();
    after.basicPublish("", queue, null, Inbox.bytes("marker"));
    assertThat(Inbox.text(inbox.next())).as("the acked two stay gone").isEqualTo("marker");
  }

  @Test
  void ackOfTagZeroWithMultipleSettlesEverythingOutstanding() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 3);
    Inbox.consume(channel, queue, false).next(3);

    channel.basicAck(0, true);
    channel.close();

    assertThat(broker.channel().messageCount(queue)).isZero();
  }

  @Test
  void nackMultipleWithRequeuePutsThemBackAtTheHeadInOrder() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 4);
    GetResponse m0 = channel.basicGet(queue, false);
    channel.basicGet(queue, false);
    GetResponse m2 = channel.basicGet(queue, false);

    channel.basicNack(m2.getEnvelope().getDeliveryTag(), true, true);

    List<Delivery> again = Inbox.consume(broker.channel(), queue, true).next(4);
    assertThat(again).extracting(Inbox::text).containsExactly("m0", "m1", "m2", "m3");
    assertThat(again).extracting(d -> d.getEnvelope().isRedeliver()).containsExactly(true, true, true, false);
    assertThat(m0.getEnvelope().isRedeliver()).isFalse();
  }

  @Test
  void rejectWithRequeueRedeliversAtTheHead() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 3);
    GetResponse first = channel.basicGet(queue, false);

    channel.basicReject(first.getEnvelope().getDeliveryTag(), true);

    List<Delivery> again = Inbox.consume(channel, queue, true).next(3);
    assertThat(again).extracting(Inbox::text).containsExactly("m0", "m1", "m2");
    assertThat(again).extracting(d -> d.getEnvelope().isRedeliver()).containsExactly(true, false, false);
  }

  @Test
  void rejectWithoutRequeueDiscards() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 2);
    GetResponse first = channel.basicGet(queue, false);

    channel.basicReject(first.getEnvelope().getDeliveryTag(), false);

    assertThat(Inbox.consume(channel, queue, true).nextBodies(1)).containsExactly("m1");
  }

  @Test
  void nackMultipleWithoutRequeueDiscardsThemAll() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 3);
    List<Delivery> deliveries = Inbox.consume(channel, queue, false).next(3);

    channel.basicNack(deliveries.get(2).getEnvelope().getDeliveryTag(), true, false);
    channel.close();

    assertThat(broker.channel().messageCount(queue)).isZero();
  }

  @Test
  void unackedMessagesReturnRedeliveredWhenTheChannelCloses() throws Exception {
    Connection connection = broker.connect();
    Channel channel = connection.createChannel();
    String queue = queueWith(channel, 3);
    Inbox.consume(channel, queue, false).next(3);

    channel.close();

    List<Delivery> again = Inbox.consume(connection.createChannel(), queue, false).next(3);
    assertThat(again).extracting(Inbox::text).containsExactly("m0", "m1", "m2");
    assertThat(again).allMatch(d -> d.getEnvelope().isRedeliver());
  }

  @Test
  void unackedMessagesReturnRedeliveredWhenTheConnectionCloses() throws Exception {
    Connection connection = broker.connect();
    Channel channel = connection.createChannel();
    String queue = queueWith(channel, 2);
    Inbox.consume(channel, queue, false).next(2);

    connection.close();

    List<Delivery> again = Inbox.consume(broker.channel(), queue, false).next(2);
    assertThat(again).extracting(Inbox::text).containsExactly("m0", "m1");
    assertThat(again).allMatch(d -> d.getEnvelope().isRedeliver());
  }

  @Test
  void unackedMessagesReturnWhenTheChannelIsClosedByAnError() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 1);
    Inbox.consume(channel, queue, false).next();

    Closure.of(() -> channel.queueDeclarePassive(broker.queueName()));

    Delivery back = Inbox.consume(broker.channel(), queue, true).next();
    assertThat(Inbox.text(back)).isEqualTo("m0");
    assertThat(back.getEnvelope().isRedeliver()).isTrue();
  }

  @Test
  void recoverRedeliversUnackedMessagesToTheConsumer() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 2);
    Inbox inbox = Inbox.consume(channel, queue, false);
    inbox.next(2);

    channel.basicRecover(true);

    List<Delivery> again = inbox.next(2);
    assertThat(again).extracting(Inbox::text).containsExactly("m0", "m1");
    assertThat(again).allMatch(d -> d.getEnvelope().isRedeliver());
    assertThat(again).extracting(d -> d.getEnvelope().getDeliveryTag()).containsExactly(3L, 4L);
  }

  @Test
  void recoverWithoutRequeueIsNotImplemented() throws Exception {
    Channel channel = broker.channel();

    assertThat(Closure.of(() -> channel.basicRecover(false)))
        .isEqualTo(Closure.connection(540, "NOT_IMPLEMENTED - requeue=false"));
  }

  @Test
  void ackOfAnUnknownDeliveryTagIs406() throws Exception {
    Channel channel = broker.channel();

    channel.basicAck(42, false);

    assertThat(Closure.awaitClose(channel))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - unknown delivery tag 42"));
  }

  @Test
  void ackingTwiceIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 1);
    long tag = channel.basicGet(queue, false).getEnvelope().getDeliveryTag();

    channel.basicAck(tag, false);
    channel.basicAck(tag, false);

    assertThat(Closure.awaitClose(channel))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - unknown delivery tag " + tag));
  }

  @Test
  void ackingANoAckDeliveryIs406() throws Exception {
    Channel channel = broker.channel();
    String queue = queueWith(channel, 1);
    long tag = channel.basicGet(queue, true).getEnvelope().getDeliveryTag();

    channel.basicAck(tag, false);

    assertThat(Closure.awaitClose(channel))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - unknown delivery tag " + tag));
  }

  @Test
  void deliveryTagsArePerChannel() throws Exception {
    Connection connection = broker.connect();
    Channel one = connection.createChannel();
    Channel two = connection.createChannel();
    String queue = queueWith(one, 2);

    assertThat(one.basicGet(queue, false).getEnvelope().getDeliveryTag()).isEqualTo(1);
    assertThat(two.basicGet(queue, false).getEnvelope().getDeliveryTag()).isEqualTo(1);
  }

  /** A fresh queue holding m0..m(count-1), confirmed. */
  private static String queueWith(Channel channel, int count) throws Exception {
    String queue = broker.queueName();
    Channel publisher = channel.getConnection().createChannel();
    publisher.queueDeclare(queue, false, false, false, null);
    publisher.confirmSelect();
    for (int i = 0; i < count; i++) {
      publisher.basicPublish("", queue, null, Inbox.bytes("m" + i));
    }
    publisher.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    publisher.close();
    return queue;
  }
}
