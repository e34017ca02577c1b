package io.warren.node.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import io.warren.node.it.support.Broker;
import io.warren.node.it.support.Closure;
import io.warren.node.it.support.Inbox;
import io.warren.node.it.support.Waits;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** basic.consume and basic.cancel: tags, exclusivity, acknowledgement modes, dispatch. */
class ConsumerTest {
  @RegisterExtension static final Broker broker = Broker.standard();

  @Test
  void serverGeneratesATagWhenTheClientGivesNone() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);

    Inbox inbox = Inbox.consume(channel, queue, true);
    channel.basicPublish("", queue, null, Inbox.bytes("hello"));

    assertThat(inbox.tag()).startsWith("amq.ctag-");
    Delivery delivery = inbox.next();
    assertThat(delivery.getEnvelope().getDeliveryTag()).isEqualTo(1);
    assertThat(delivery.getEnvelope().isRedeliver()).isFalse();
    assertThat(delivery.getEnvelope().getExchange()).isEmpty();
    assertThat(delivery.getEnvelope().getRoutingKey()).isEqualTo(queue);
  }

  @Test
  void clientChosenTagIsUsed() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);

    Inbox inbox = Inbox.consume(channel, queue, true, "my-consumer", false);

    assertThat(inbox.tag()).isEqualTo("my-consumer");
  }

  @Test
  void consumingFromAMissingQueueIs404() throws Exception {
    Channel channel = broker.channel();
    String queue = broker.queueName();

    assertThat(Closure.of(() -> Inbox.consume(channel, queue, true)))
        .isEqualTo(Closure.channel(404, "NOT_FOUND - no queue '" + queue + "' in vhost '/'"));
  }

  @Test
  void duplicateConsumerTagOnAChannelIsAConnectionError() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);
    // The Java client refuses a duplicate tag itself, so send basic.consume below its consumer map.
    AMQP.Basic.Consume consume = new AMQP.Basic.Consume.Builder().queue(queue).consumerTag("twice").noAck(true).build();
    assertThat(channel.rpc(consume).getMethod()).isInstanceOf(AMQP.Basic.ConsumeOk.class);

    assertThat(Closure.of(() -> channel.rpc(consume)))
        .isEqualTo(Closure.connection(530, "NOT_ALLOWED - attempt to reuse consumer tag 'twice'"));
  }

  @Test
  void sameTagOnDifferentChannelsIsFine() throws Exception {
    Connection connection = broker.connect();
    String queue = declare(connection.createChannel());

    Inbox.consume(connection.createChannel(), queue, true, "shared-tag", false);
    Inbox.consume(connection.createChannel(), queue, true, "shared-tag", false);

    assertThat(connection.createChannel().consumerCount(queue)).isEqualTo(2);
  }

  @Test
  void exclusiveConsumerKeepsOthersOut() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);
    Inbox.consume(channel, queue, true, "", true);

    assertThat(Closure.of(() -> Inbox.consume(broker.channel(), queue, true)))
        .isEqualTo(Closure.channel(403, "ACCESS_REFUSED - queue '" + queue + "' in vhost '/' in exclusive use"));
  }

  @Test
  void exclusiveConsumeIsRefusedWhileAnotherConsumerExists() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);
    Inbox.consume(channel, queue, true);

    assertThat(Closure.of(() -> Inbox.consume(broker.channel(), queue, true, "", true)))
        .isEqualTo(Closure.channel(403, "ACCESS_REFUSED - queue '" + queue + "' in vhost '/' in exclusive use"));
  }

  @Test
  void noAckDeliveriesAreSettledOnSend() throws Exception {
    Connection connection = broker.connect();
    Channel channel = connection.createChannel();
    String queue = declare(channel);
    publish(channel, queue, 2);

    Inbox.consume(channel, queue, true).next(2);
    connection.close();

    assertThat(broker.channel().messageCount(queue)).as("nothing comes back on close").isZero();
  }

  @Test
  void cancelledConsumerGetsNothingMoreAndMessagesWait() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);
    Inbox inbox = Inbox.consume(channel, queue, true);
    channel.basicPublish("", queue, null, Inbox.bytes("before cancel"));
    assertThat(Inbox.text(inbox.next())).isEqualTo("before cancel");

    channel.basicCancel(inbox.tag());
    channel.basicPublish("", queue, null, Inbox.bytes("after cancel"));

    Waits.await().until(() -> channel.messageCount(queue) == 1);
    assertThat(channel.consumerCount(queue)).isZero();
    assertThat(inbox.received()).isEqualTo(1);
  }

  @Test
  void serverCancelsConsumersWhenTheirQueueIsDeleted() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);
    Inbox inbox = Inbox.consume(channel, queue, true, "watcher", false);

    broker.channel().queueDelete(queue);

    assertThat(inbox.awaitCancelledByServer()).isEqualTo("watcher");
    assertThat(channel.isOpen()).as("the channel survives the cancel").isTrue();
  }

  @Test
  void consumersOnOneQueueAreServedRoundRobin() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);
    Inbox first = Inbox.consume(broker.channel(), queue, true);
    Inbox second = Inbox.consume(broker.channel(), queue, true);

    publish(channel, queue, 10);

    List<String> toFirst = first.nextBodies(5);
    List<String> toSecond = second.nextBodies(5);
    List<String> evens = IntStream.of(0, 2, 4, 6, 8).mapToObj(i -> "m" + i).toList();
    List<String> odds = IntStream.of(1, 3, 5, 7, 9).mapToObj(i -> "m" + i).toList();
    assertThat(List.of(toFirst, toSecond)).containsExactlyInAnyOrder(evens, odds);
  }

  @Test
  void consumerSeesMessagesInPublishOrder() throws Exception {
    Channel channel = broker.channel();
    String queue = declare(channel);
    publish(channel, queue, 50);

    List<String> bodies = Inbox.consume(channel, queue, true).nextBodies(50);

    assertThat(bodies).containsExactlyElementsOf(IntStream.range(0, 50).mapToObj(i -> "m" + i).toList());
  }

  private static String declare(Channel channel) throws Exception {
    String queue = broker.queueName();
    channel.queueDeclare(queue, false, false, false, null);
    return queue;
  }

  private static void publish(Channel channel, String queue, int count) throws Exception {
    for (int i = 0; i < count; i++) {
      channel.basicPublish("", queue, null, Inbox.bytes("m" + i));
    }
  }
}
