package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.MessageProperties;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** confirm.select and basic.ack/nack from the broker to a publisher. */
class PublisherConfirmsTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void sequenceNumbersStartAtOneAndCountPublishes() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();

    assertThat(channel.getNextPublishSeqNo()).as("not in confirm mode").isZero();
    assertThat(channel.confirmSelect()).isInstanceOf(AMQP.Confirm.SelectOk.class);
    assertThat(channel.getNextPublishSeqNo()).isEqualTo(1);
    channel.basicPublish("", queue, null, Inbox.bytes("one"));
    channel.basicPublish("", queue, null, Inbox.bytes("two"));

    assertThat(channel.getNextPublishSeqNo()).isEqualTo(3);
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
  }

  @Test
  void everyPublishIsAckedExactlyOnceMultipleAcksAllowed() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();
    channel.queueDeclare(queue, true, false, false, null);
    channel.confirmSelect();
    Set<Long> acked = new ConcurrentSkipListSet<>();
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger nacks = new AtomicInteger();
    channel.addConfirmListener(new ConfirmListener() {
      @Override
      public void handleAck(long tag, boolean multiple) {
        if (multiple) {
          LongStream.rangeClosed(1, tag).forEach(acked::add); // everything outstanding up to tag
        } else if (!acked.add(tag)) {
          duplicates.incrementAndGet();
        }
      }

      @Override
      public void handleNack(long tag, boolean multiple) {
        nacks.incrementAndGet();
      }
    });
    int count = 500;

    for (int i = 0; i < count; i++) {
      channel.basicPublish("", queue, MessageProperties.PERSISTENT_TEXT_PLAIN, Inbox.bytes("m" + i));
    }
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    assertThat(acked).containsExactlyElementsOf(LongStream.rangeClosed(1, count).boxed().toList());
    assertThat(duplicates).hasValue(0);
    assertThat(nacks).hasValue(0);
    assertThat(channel.messageCount(queue)).isEqualTo(count);
  }

  @Test
  void unroutableMessagesAreConfirmedAfterTheirReturn() throws Exception {
    Channel channel = broker.channel();
    channel.confirmSelect();
    List<String> events = new CopyOnWriteArrayList<>();
    channel.addReturnListener(returned -> events.add("return " + returned.getReplyCode()));
    channel.addConfirmListener(
        (tag, multiple) -> events.add("ack " + tag), (tag, multiple) -> events.add("nack " + tag));

    channel.basicPublish("amq.direct", "no-route-" + broker.queueName(), true, null, Inbox.bytes("mandatory"));
    channel.basicPublish("amq.direct", "no-route-" + broker.queueName(), false, null, Inbox.bytes("plain"));
    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());

    Waits.await().until(() -> events.stream().anyMatch(e -> e.startsWith("ack")));
    assertThat(events.get(0)).as("the return comes before any confirm").isEqualTo("return 312");
    assertThat(events).filteredOn(e -> e.startsWith("return")).hasSize(1);
    assertThat(events).noneMatch(e -> e.startsWith("nack"));
  }

  @Test
  void confirmSelectOnATransactionalChannelIs406() throws Exception {
    Channel channel = broker.channel();
    channel.txSelect();

    assertThat(Closure.of(channel::confirmSelect))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - cannot switch from tx to confirm mode"));
  }

  @Test
  void txSelectOnAConfirmChannelIs406() throws Exception {
    Channel channel = broker.channel();
    channel.confirmSelect();

    assertThat(Closure.of(channel::txSelect))
        .isEqualTo(Closure.channel(406, "PRECONDITION_FAILED - cannot switch from confirm to tx mode"));
  }

  @Test
  void confirmSelectTwiceIsHarmless() throws Exception {
    Channel channel = broker.channel();
    String queue = channel.queueDeclare().getQueue();
    channel.confirmSelect();
    channel.confirmSelect();

    channel.basicPublish("", queue, null, Inbox.bytes("m"));

    channel.waitForConfirmsOrDie(Waits.TIMEOUT.toMillis());
    assertThat(channel.getNextPublishSeqNo()).isEqualTo(2);
  }
}
