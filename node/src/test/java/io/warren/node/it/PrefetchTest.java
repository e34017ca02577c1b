package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * basic.qos: how many unacknowledged messages a consumer (or a whole channel) may hold. The
 * proof that a consumer got no more than its share is the queue's ready count, which moves only
 * when a message is handed out.
 */
class PrefetchTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void perConsumerPrefetchLimitsUnackedMessages() throws Exception {
    Channel publisher = broker.channel();
    String queue = declareWith(publisher, 10);
    Channel channel = broker.channel();
    channel.basicQos(3);

    Inbox inbox = Inbox.consume(channel, queue, false);
    inbox.next(3);

    Waits.await().until(() -> publisher.messageCount(queue) == 7);
    assertThat(inbox.received()).isEqualTo(3);

    Delivery fourth = ackAndTakeNext(channel, inbox, 3);
    assertThat(Inbox.text(fourth)).isEqualTo("m3");
    Waits.await().until(() -> publisher.messageCount(queue) == 6);
    assertThat(inbox.received()).isEqualTo(4);
  }

  @Test
  void perConsumerPrefetchAppliesToEachConsumerOfTheChannel() throws Exception {
    Channel publisher = broker.channel();
    String first = declareWith(publisher, 5);
    String second = declareWith(publisher, 5);
    Channel channel = broker.channel();
    channel.basicQos(2);

    Inbox one = Inbox.consume(channel, first, false);
    Inbox two = Inbox.consume(channel, second, false);
    one.next(2);
    two.next(2);

    Waits.await().until(() -> publisher.messageCount(first) == 3 && publisher.messageCount(second) == 3);
    assertThat(one.received() + two.received()).isEqualTo(4);
  }

  @Test
  void globalPrefetchIsSharedByAllConsumersOfTheChannel() throws Exception {
    Channel publisher = broker.channel();
    String first = declareWith(publisher, 5);
    String second = declareWith(publisher, 5);
    Channel channel = broker.channel();
    channel.basicQos(3, true);

    Inbox one = Inbox.consume(channel, first, false);
    Inbox two = Inbox.consume(channel, second, false);

    Waits.await().until(() -> one.received() + two.received() == 3
        && publisher.messageCount(first) + publisher.messageCount(second) == 7);
  }

  @Test
  void ackingFreesCreditForTheNextMessage() throws Exception {
    Channel publisher = broker.channel();
    String queue = declareWith(publisher, 3);
    Channel channel = broker.channel();
    channel.basicQos(1);
    Inbox inbox = Inbox.consume(channel, queue, false);

    for (int i = 0; i < 3; i++) {
      Delivery delivery = inbox.next();
      assertThat(Inbox.text(delivery)).isEqualTo("m" + i);
      Waits.await().until(() -> publisher.messageCount(queue) == 3 - inbox.received());
      channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
    }
    Waits.await().until(() -> publisher.messageCount(queue) == 0);
  }

  @Test
  void prefetchOneGivesWorkToTheIdleConsumerNotTheBusyOne() throws Exception {
    Channel publisher = broker.channel();
    String queue = broker.queueName();
    publisher.queueDeclare(queue, false, false, false, null);
    Channel busyChannel = broker.channel();
    busyChannel.basicQos(1);
    Inbox busy = Inbox.consume(busyChannel, queue, false); // takes one message and never acks
    Channel idleChannel = broker.channel();
    idleChannel.basicQos(1);
    AtomicInteger idleDone = new AtomicInteger();
    idleChannel.basicConsume(queue, false, (tag, delivery) -> {
      idleChannel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
      idleDone.incrementAndGet();
    }, tag -> { });

    for (int i = 0; i < 6; i++) {
      publisher.basicPublish("", queue, null, Inbox.bytes("task" + i));
    }

    busy.next();
    // the idle consumer does all the rest while the busy one still holds its first message
    Waits.await().until(() -> idleDone.get() == 5);
    assertThat(busy.received()).isEqualTo(1);
    assertThat(publisher.messageCount(queue)).isZero();
  }

  @Test
  void zeroMeansUnlimited() throws Exception {
    Channel publisher = broker.channel();
    String queue = declareWith(publisher, 20);
    Channel channel = broker.channel();
    channel.basicQos(0);

    Inbox.consume(channel, queue, false).next(20);

    assertThat(publisher.messageCount(queue)).isZero();
  }

  /**
   * A prefetch of 100 or more lets the model hand the consumer's node twice that many (a lookahead
   * across the commit round trip of acks), but the client still never holds more than its prefetch,
   * and the queue reports what was held back as ready, as RabbitMQ would count it.
   */
  @Test
  void aLargePrefetchStillBoundsWhatTheClientHolds() throws Exception {
    Holder h = consumerHolding100Of300();
    // The reply comes after every delivery made when the consume was applied was written or held.
    assertThat(h.channel().queueDeclarePassive(h.queue()).getMessageCount()).isEqualTo(200);
    assertThat(h.inbox().received()).isEqualTo(100);

    h.channel().basicAck(100, true);
    List<String> next = h.inbox().nextBodies(100);
    assertThat(next.get(0)).isEqualTo("m100");
    assertThat(next.get(99)).isEqualTo("m199");
    assertThat(h.channel().queueDeclarePassive(h.queue()).getMessageCount()).isEqualTo(100);
    assertThat(h.inbox().received()).isEqualTo(200);
  }

  @Test
  void messagesHeldBackForACancelledConsumerGoBackUnmarked() throws Exception {
    Holder h = consumerHolding100Of300();
    h.channel().basicCancel(h.inbox().tag());

    List<Delivery> rest = Inbox.consume(broker.channel(), h.queue(), true).next(200);
    assertThat(rest).extracting(Inbox::text).startsWith("m100", "m101").endsWith("m299");
    assertThat(rest).noneMatch(d -> d.getEnvelope().isRedeliver());
    assertThat(h.inbox().received()).isEqualTo(100);
  }

  @Test
  void messagesHeldBackWhenTheChannelClosesGoBackUnmarkedBehindTheDeliveredOnes() throws Exception {
    Holder h = consumerHolding100Of300();
    h.channel().queueDeclarePassive(h.queue()); // everything the consume brought was written or held back
    h.channel().close();

    List<Delivery> all = Inbox.consume(broker.channel(), h.queue(), true).next(300);
    assertThat(all).extracting(Inbox::text).startsWith("m0", "m1").endsWith("m299");
    assertThat(all.subList(0, 100)).allMatch(d -> d.getEnvelope().isRedeliver());
    assertThat(all.subList(100, 300)).noneMatch(d -> d.getEnvelope().isRedeliver());
  }

  /** A queue of 300 messages and a consumer with prefetch 100 that received the first 100. */
  private record Holder(String queue, Channel channel, Inbox inbox) {}

  private static Holder consumerHolding100Of300() throws Exception {
    String queue = declareWith(broker.channel(), 300);
    Channel channel = broker.channel();
    channel.basicQos(100);
    Inbox inbox = Inbox.consume(channel, queue, false);
    inbox.next(100);
    return new Holder(queue, channel, inbox);
  }

  private static Delivery ackAndTakeNext(Channel channel, Inbox inbox, long tag) throws Exception {
    channel.basicAck(tag, false);
    return inbox.next();
  }

  private static String declareWith(Channel channel, int messages) throws Exception {
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    for (int i = 0; i < messages; i++) {
      channel.basicPublish("", queue, null, Inbox.bytes("m" + i));
    }
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    return queue;
  }
}
